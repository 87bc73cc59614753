import { assertValidShape, formatShape } from '../tensor/shape.js';
import { cast } from '../ops/elementwise.js';
import type { DType } from '../tensor/dtype.js';
import type { JsonObject } from '../serialization/keras-object.js';
import { optionKeys } from '../validation/options.js';
import { checkBaseLayerArgs, checkLayerArgs } from './base/arg-keys.js';
import { Layer, type LayerTensors } from './base/layer.js';
import {
  SymbolicTensor,
  formatSymbolicShape,
  type LayerNode,
  type SymbolicShape,
} from './base/symbolic.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

export interface InputArgs {
  /** Shape of one sample (without the batch dimension); null for unknown lengths. */
  shape?: SymbolicShape;
  batchSize?: number;
  /** Full shape with the batch dimension (instead of shape + batchSize). */
  batchShape?: SymbolicShape;
  dtype?: DType;
  name?: string;
}

/** The entry point of a functional model: holds the symbolic input tensor. */
export class InputLayer extends Layer {
  static override className = 'InputLayer';
  static override readonly argKeys: readonly string[] = optionKeys<InputArgs>({
    shape: true,
    batchSize: true,
    batchShape: true,
    dtype: true,
    name: true,
  });
  private readonly tensor: SymbolicTensor;
  readonly batchShape: SymbolicShape;

  constructor(given: InputArgs) {
    const where = 'InputLayer';
    const args = given ?? {};
    const named = typeof args.name === 'string' ? `${where} '${args.name}'` : where;
    checkLayerArgs(new.target, args, named, []);
    checkBaseLayerArgs(args, where, ['shape', 'batchShape']);
    if ((args.shape === undefined) === (args.batchShape === undefined)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: pass exactly one of shape or batchShape`,
      );
    }
    const batchShape = args.batchShape ?? [
      args.batchSize ?? null,
      ...(args.shape as SymbolicShape),
    ];
    const known = batchShape.filter((d): d is number => d !== null);
    assertValidShape(known, where);
    super({
      name: args.name ?? undefined,
      dtype: args.dtype ?? 'float32',
      batchInputShape: batchShape,
    });
    this.batchShape = batchShape;
    const node: LayerNode = { layer: this, inputs: [], outputs: [], training: undefined };
    this.tensor = new SymbolicTensor(batchShape, this.dtype, this.name, node, 0);
    node.outputs.push(this.tensor);
    this.inboundNodes.push(node);
    this.built = true;
  }

  /** The symbolic tensor this input layer feeds into a functional model. */
  override get output(): SymbolicTensor {
    return this.tensor;
  }

  /** The same tensor: an input layer's input is its output (Keras, TensorFlow.js). */
  override get input(): SymbolicTensor {
    return this.tensor;
  }

  call(inputs: LayerTensors): LayerTensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x === undefined || Array.isArray(inputs)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `InputLayer '${this.name}': expected one tensor`,
      );
    }
    const ok =
      x.rank === this.batchShape.length &&
      this.batchShape.every((d, i) => d === null || d === x.shape[i]);
    if (!ok) {
      throw new LaminaRangeError(
        'invalid-argument',
        `InputLayer '${this.name}': expected shape ${formatSymbolicShape(this.batchShape)}, received ${formatShape(x.shape)}`,
      );
    }
    if (x.dtype === this.dtype) return x;
    // As Keras, numbers are converted to the input's dtype (ids given as floats, say), but only
    // where nothing is lost: a float that is not an integer is refused, not truncated.
    if (x.dtype === 'bool' || this.dtype === 'bool') {
      throw new LaminaTypeError(
        'invalid-argument',
        `InputLayer '${this.name}': expected dtype ${this.dtype}, received ${x.dtype}`,
      );
    }
    if (this.dtype === 'int32') {
      const values = x.dataSync();
      const bad = values.findIndex((v) => !Number.isInteger(v));
      if (bad >= 0)
        throw new LaminaTypeError(
          'invalid-argument',
          `InputLayer '${this.name}': expected int32 values, received float32 holding ${values[bad]} at flat index ${bad}`,
        );
    }
    return cast(x, this.dtype);
  }

  override getConfig(): JsonObject {
    return { batch_shape: [...this.batchShape], dtype: this.dtype, sparse: false, name: this.name };
  }
}

/** A symbolic input for the functional API: `input({ shape: [784] })`. */
export function input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output;
}
