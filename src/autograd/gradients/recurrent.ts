import { recordLayout, stateCount } from '../../backend/recurrent-layout.js';
import { leadingSlice, runKernel } from '../../engine/engine.js';
import { reshape } from '../../ops/movement.js';
import { recurrentSequenceBackward } from '../../ops/recurrent.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { GradTable } from './types.js';

export const recurrentGradients: GradTable<'RecurrentSequence'> = {
  // The op records its own node from the inputs to the published outputs and final states
  // (`ops/recurrent.ts`), so this rule is reached only by a caller that keeps the raw record:
  // the published part takes its gradient; the rest is saved state, a constant of the pass.
  RecurrentSequence: ({ dy: dRecord, inputs, attrs, output: record }) => {
    const [projected, kernel, h0] = inputs as readonly [Tensor, Tensor, Tensor];
    const [steps, batch] = projected.shape as [number, number];
    const u = h0.shape[1] as number;
    const s = stateCount(attrs.cell);
    const plane = batch * u;
    const dOutputs = reshape(leadingSlice(dRecord, 0, steps * plane), [steps, batch, u]);
    const dStates = reshape(leadingSlice(dRecord, steps * plane, s * plane), [s, batch, u]);
    const fixed = 2 + s + (attrs.recurrentBias ? 1 : 0);
    const bias = attrs.recurrentBias ? (inputs[2 + s] as Tensor) : null;
    // A record without the saved part (inference) is computed again with it.
    const full = attrs.saveForBackward
      ? record
      : runKernel(
          'RecurrentSequence',
          inputs,
          { ...attrs, saveForBackward: true },
          {
            shape: [recordLayout(attrs.cell, steps, batch, u).size],
            dtype: 'float32',
          },
        );
    const grads = recurrentSequenceBackward(
      dOutputs,
      dStates,
      full,
      kernel,
      attrs,
      bias,
      inputs.slice(fixed),
      steps,
    );
    return [...grads, ...inputs.slice(fixed).map(() => null)];
  },
};
