/**
 * Layer options TensorFlow.js accepts and Lamina's layers do not, brought to Lamina's form
 * before the layer checks its options. Every key of TensorFlow.js's layer args is accepted:
 *
 * - `inputDType` (every layer; TensorFlow.js's legacy dtype of the input a Sequential model
 *   makes for its first layer): dropped. The input takes the dtype the first layer expects
 *   (int32 for Embedding, float32 otherwise), and numbers are converted to it.
 * - `inputShape`, `batchInputShape` (inputLayer): `shape` and `batchShape`.
 * - `sparse` (inputLayer, input): false is dropped; true is refused (no sparse tensors here).
 * - `input_shape`, `batch_input_shape`, `batch_size`, `input_dtype` (spatialDropout1d, whose
 *   TensorFlow.js args are written in snake_case): `inputShape`, `batchInputShape`,
 *   `batchSize`; `input_dtype` dropped as `inputDType`.
 * - `kernelInitializer`, `kernelRegularizer`, `kernelConstraint` (depthwiseConv2d): dropped, as
 *   TensorFlow.js ignores them there (the depthwise kernel takes the `depthwise*` options).
 *   separableConv2d refuses them, as TensorFlow.js does.
 * - `cell` (simpleRNN, lstm, gru): dropped, as TensorFlow.js replaces it by the layer's own
 *   cell. `dropoutFunc` (a TensorFlow.js testing hook) and `implementation` (TensorFlow.js's
 *   choice of kernel layout; one layout here): dropped.
 * - `inputDim`, `inputLength` (simpleRNN, lstm, gru): the input shape [inputLength, inputDim],
 *   as Keras 1 read them, unless inputShape or batchInputShape is given.
 *
 * `weights` (initial weight values) is a Lamina layer option on both faces.
 */
import { LaminaError } from '../errors.js';

type Args = Record<string, unknown>;

const RECURRENT = new Set(['simpleRNN', 'lstm', 'gru']);

/** `args` as Lamina's factory `name` takes them (a copy; `args` is not changed). */
export function tfjsLayerArgs(name: string, args: unknown): unknown {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return args;
  const out: Args = { ...(args as Args) };
  delete out.inputDType;
  if (name === 'inputLayer' || name === 'input') {
    if (out.sparse === true)
      throw new LaminaError(
        'unsupported',
        `${name}: sparse inputs are not supported (Lamina has dense tensors only)`,
      );
    delete out.sparse;
    rename(out, 'inputShape', 'shape');
    rename(out, 'batchInputShape', 'batchShape');
  }
  if (name === 'spatialDropout1d') {
    rename(out, 'input_shape', 'inputShape');
    rename(out, 'batch_input_shape', 'batchInputShape');
    rename(out, 'batch_size', 'batchSize');
    delete out.input_dtype;
  }
  if (name === 'depthwiseConv2d') {
    delete out.kernelInitializer;
    delete out.kernelRegularizer;
    delete out.kernelConstraint;
  }
  if (RECURRENT.has(name)) {
    delete out.cell;
    delete out.dropoutFunc;
    delete out.implementation;
    const { inputDim, inputLength } = out;
    delete out.inputDim;
    delete out.inputLength;
    if (inputDim !== undefined && out.inputShape === undefined && out.batchInputShape === undefined)
      out.inputShape = [inputLength ?? null, inputDim];
  }
  return out;
}

/** Moves `from` to `to` unless `to` is given too (then the layer sees both and refuses one). */
function rename(args: Args, from: string, to: string): void {
  if (!(from in args) || to in args) return;
  args[to] = args[from];
  delete args[from];
}
