/**
 * A recurrent layer's whole sequence as one kernel each way (`RecurrentSequence` and
 * `RecurrentSequenceGrad`), for the layers in `layers/recurrent/`; not exported from the package.
 * The layer projects the inputs of every step with one product beforehand; this runs the
 * recurrence. The forward kernel's record (outputs, final states and what backpropagation reads)
 * stays inside: the tape sees a node from the inputs to the final states, whose rule runs the
 * backward kernel on the record, and one to the outputs that hands their gradient to it, so no
 * gradient of the saved part is ever formed. Outputs, states and gradients are views on the
 * kernels' flat outputs where the backend has views.
 */
import {
  isRecording,
  leadingSlice,
  recordCustom,
  releaseTransient,
  runKernel,
  withTape,
} from '../engine/engine.js';
import type { RecurrentActivation, RecurrentAttrs, RecurrentCell } from '../backend/kernels.js';
import { gateCount, gradLayout, recordLayout, stateCount } from '../backend/recurrent-layout.js';
import { zeros } from './creation.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './movement.js';
import { LaminaRangeError } from '../errors.js';

export interface RecurrentSequenceArgs {
  cell: RecurrentCell;
  activation: RecurrentActivation;
  recurrentActivation: RecurrentActivation;
  /** [T, B, G * units]: every step's input projection (bias added), in processing order. */
  projected: Tensor;
  /**
   * `projected` is a transient kernel output (`OutputInfo.transient`) that nothing but this
   * sequence reads: it is released once the forward kernel has run (default false).
   */
  releaseProjected?: boolean;
  /** [units, G * units]. */
  kernel: Tensor;
  /** [B, units] each: h0, and c0 for an LSTM. */
  initialStates: readonly Tensor[];
  /** [G * units]: the recurrent bias of a GRU with resetAfter (row 1 of its bias). */
  recurrentBias?: Tensor | null;
  /** [T, B] float32, 1 where the step is kept, in processing order. */
  mask?: Tensor | null;
  /** At a skipped step, output zeros instead of the kept state h (default false). */
  zeroOutputForMask?: boolean;
  /** [B, units]: the recurrent dropout mask (scaled), applied to the state before its product. */
  recurrentDropout?: Tensor | null;
}

export interface RecurrentSequenceResult {
  /**
   * [T, B, units], in processing order (a skipped step outputs the h it keeps, the initial one
   * before the first kept step, or zeros with zeroOutputForMask).
   */
  outputs: Tensor;
  /** The final states, [B, units] each. */
  states: Tensor[];
}

function expectShape(t: Tensor, shape: readonly number[], arg: string): void {
  const ok =
    t.dtype === 'float32' && t.rank === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!ok) {
    throw new LaminaRangeError(
      'invalid-argument',
      `recurrentSequence: expected ${arg} float32 of shape ${formatShape(shape)}, received ${t.dtype} ${formatShape(t.shape)}`,
    );
  }
}

/** Runs the recurrence of a SimpleRNN, LSTM or GRU over all steps in one kernel. */
export function recurrentSequence(args: RecurrentSequenceArgs): RecurrentSequenceResult {
  const { cell, projected, kernel } = args;
  const u = kernel.shape[0] as number;
  const gu = gateCount(cell) * u;
  const [steps, batch] = projected.shape as [number, number];
  expectShape(projected, [steps, batch, gu], 'projected');
  expectShape(kernel, [u, gu], 'kernel');
  const s = stateCount(cell);
  if (args.initialStates.length !== s) {
    throw new LaminaRangeError(
      'invalid-argument',
      `recurrentSequence: expected ${s} initial state(s) for '${cell}', received ${args.initialStates.length}`,
    );
  }
  args.initialStates.forEach((h, i) => expectShape(h, [batch, u], `initialStates[${i}]`));
  const bias = args.recurrentBias ?? null;
  if (bias !== null) {
    if (cell !== 'gruResetAfter') {
      throw new LaminaRangeError(
        'invalid-argument',
        `recurrentSequence: only 'gruResetAfter' takes a recurrent bias`,
      );
    }
    expectShape(bias, [gu], 'recurrentBias');
  }
  const mask = args.mask ?? null;
  if (mask !== null) expectShape(mask, [steps, batch], 'mask');
  const drop = args.recurrentDropout ?? null;
  if (drop !== null) expectShape(drop, [batch, u], 'recurrentDropout');

  const attrs: RecurrentAttrs = {
    cell,
    activation: args.activation,
    recurrentActivation: args.recurrentActivation,
    recurrentBias: bias !== null,
    masked: mask !== null,
    zeroOutputForMask: args.zeroOutputForMask ?? false,
    recurrentDropout: drop !== null,
    saveForBackward: isRecording(),
  };
  const differentiable = [
    projected,
    kernel,
    ...args.initialStates,
    ...(bias === null ? [] : [bias]),
  ];
  const constants = [...(mask === null ? [] : [mask]), ...(drop === null ? [] : [drop])];
  const layout = recordLayout(cell, steps, batch, u);
  const published = (steps + s) * batch * u;
  const [record, outputValues, stateValues] = withTape(null, () => {
    // Saved for backward, the record is read by the backward kernel only (and through the
    // views below): transient, released once that kernel ran (never copied out to JS).
    const r = runKernel('RecurrentSequence', [...differentiable, ...constants], attrs, {
      shape: [attrs.saveForBackward ? layout.size : published],
      dtype: 'float32',
      transient: attrs.saveForBackward,
    });
    if (args.releaseProjected === true) releaseTransient(projected);
    const values = reshape(leadingSlice(r, 0, published), [steps + s, batch, u]);
    return [r, leadingSlice(values, 0, steps), leadingSlice(values, steps, s)] as const;
  });
  let outputs = outputValues;
  let finals = stateValues;
  if (attrs.saveForBackward) {
    // Two nodes, so that neither gradient is padded into a [T + S, B, u] whole: the outputs'
    // node comes later on the tape, so backpropagation reaches it first; it hands its gradient
    // over and passes zeros to the states' node (reaching it even where the states are unused),
    // whose rule runs the backward kernel once, with the outputs' gradient or without.
    let dOutputs: Tensor | null = null;
    finals = recordCustom(differentiable, stateValues, (dStates) => {
      const grads = recurrentSequenceBackward(
        dOutputs,
        dStates,
        record,
        kernel,
        attrs,
        bias,
        constants,
        steps,
      );
      dOutputs = null;
      releaseTransient(record);
      return grads;
    });
    outputs = recordCustom([...differentiable, finals], outputValues, (dy) => {
      dOutputs = dy;
      return [...differentiable.map(() => null), zeros(finals.shape)];
    });
  }
  return {
    outputs,
    states: Array.from({ length: s }, (_, i) => reshape(leadingSlice(finals, i, 1), [batch, u])),
  };
}

/**
 * The gradients of the projected inputs, the recurrent kernel, the initial states and the
 * recurrent bias (in the order of the forward kernel's inputs) from those of the outputs
 * [T, B, units] (null: none reached them) and of the final states, dStates [S, B, units].
 */
export function recurrentSequenceBackward(
  dOutputs: Tensor | null,
  dStates: Tensor,
  record: Tensor,
  kernel: Tensor,
  attrs: RecurrentAttrs,
  bias: Tensor | null,
  constants: readonly Tensor[],
  steps: number,
): Tensor[] {
  const [, batch, u] = dStates.shape as [number, number, number];
  const gu = gateCount(attrs.cell) * u;
  const L = gradLayout(attrs, steps, batch, u);
  const g = runKernel(
    'RecurrentSequenceGrad',
    [
      dStates,
      record,
      kernel,
      ...(bias === null ? [] : [bias]),
      ...constants,
      ...(dOutputs === null ? [] : [dOutputs]),
    ],
    { ...attrs, steps, outputsGradient: dOutputs !== null },
    { shape: [L.size], dtype: 'float32' },
  );
  // Each part is a view on the flat gradient where the backend has views (no copy).
  const part = (at: number, shape: number[]): Tensor =>
    reshape(
      leadingSlice(
        g,
        at,
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
    );
  const grads = [
    part(L.projected, [steps, batch, gu]),
    part(L.kernel, [u, gu]),
    part(L.h0, [batch, u]),
  ];
  if (L.c0 >= 0) grads.push(part(L.c0, [batch, u]));
  if (L.bias >= 0) grads.push(part(L.bias, [gu]));
  return grads;
}
