import type { FusedKernels, UnrecordedKernelName } from '../../backend/kernels.js';
import { matMul } from '../../ops/linalg.js';
import { reluGrad, weightGradPenalty } from '../../ops/fused.js';
import type { Tensor } from '../../tensor/tensor.js';
import { convGradients } from './conv.js';
import type { ReluFoldTable } from './relu-pool.js';
import { PenaltyGradTerm, type PenaltyFoldTable } from './term.js';
import {
  releaseUnlessReturned,
  sumToShape,
  type DeferredGrad,
  type GradContext,
  type GradTable,
} from './types.js';
import { runKernel } from '../../engine/engine.js';

/**
 * A layer kernel's gradients from dz, the gradient at its activation's input: dy itself for
 * 'linear'; for 'relu' a transient `ReluGrad` (`OutputInfo.transient`), which only the rule's
 * kernels read, released once they have.
 */
function throughActivation(
  activation: 'linear' | 'relu',
  dy: Tensor,
  output: Tensor,
  rule: (dz: Tensor) => readonly (Tensor | DeferredGrad | null)[],
): readonly (Tensor | DeferredGrad | null)[] {
  if (activation !== 'relu') return rule(dy);
  const dz = runKernel(
    'ReluGrad',
    [dy, output],
    {},
    {
      shape: output.shape,
      dtype: 'float32',
      transient: true,
    },
  );
  const grads = rule(dz);
  releaseUnlessReturned(dz, grads);
  return grads;
}

/** A Dense layer's gradients, its kernel's from `kernelGrad(a, dz, b)`. */
function denseGradients(
  {
    dy,
    inputs: [a, b, bias],
    attrs: { activation },
    output,
    needs,
  }: GradContext<'MatMulBiasActivation'>,
  kernelGrad: (a: Tensor, dz: Tensor, b: Tensor) => Tensor,
): readonly (Tensor | DeferredGrad | null)[] {
  return throughActivation(activation, dy, output, (dz) => [
    needs[0] === false ? null : matMul(dz, b, false, true),
    kernelGrad(a, dz, b),
    sumToShape(dz, bias.shape),
  ]);
}

export const fusedGradients: GradTable<Exclude<keyof FusedKernels, UnrecordedKernelName>> = {
  // relu(z) > 0 exactly where z > 0, so the output y selects the same elements as z would.
  BiasActivation: ({ dy, inputs: [, bias], attrs: { activation }, output }) => {
    const dz = activation === 'relu' ? reluGrad(dy, output) : dy;
    return [dz, sumToShape(dz, bias.shape)];
  },
  MatMulBiasActivation: (ctx) => denseGradients(ctx, (a, dz) => matMul(a, dz, true, false)),
  // The convolution's own rule on the activation's gradient, plus the bias's.
  Conv2DBiasActivation: ({
    dy,
    inputs: [x, f, bias],
    attrs: { activation, ...attrs },
    output,
    needs,
  }) =>
    throughActivation(activation, dy, output, (dz) => {
      const [dx, df] = convGradients.Conv2D({ dy: dz, inputs: [x, f], attrs, output, needs });
      return [dx ?? null, df ?? null, sumToShape(dz, bias.shape)];
    }),
  // d/dx (l1 |x| + l2 x^2) = l1 sign(x) + 2 l2 x, sign(0) = 0 so L1 never pushes a zero weight;
  // left as a term so that it is added to x's data gradient in the same pass (./term.ts).
  Penalty: ({ dy, inputs: [x], attrs: { l1, l2 } }) => {
    if (l1 === 0 && l2 === 0) return [null];
    const s = dy.dataSync()[0] as number;
    return [new PenaltyGradTerm(x, s * l1, 2 * s * l2)];
  },
};

/** A penalized Dense kernel: its penalty's gradient goes into the product's output (no pass). */
export const penaltyFolds: PenaltyFoldTable = {
  MatMulBiasActivation: {
    input: 1,
    rule: (ctx, term) =>
      denseGradients(ctx, (a, dz, b) =>
        weightGradPenalty(a, dz, b, term.signScale, term.linearScale),
      ),
  },
};

/**
 * Relu-activated nodes, given the gradient at the relu's input (./relu-pool.ts): a fused layer
 * kernel's rule is then its linear version's on that gradient.
 */
export const reluFolds: ReluFoldTable = {
  Relu: { applies: () => true, rule: (_ctx, dz) => [dz] },
  BiasActivation: {
    applies: ({ activation }) => activation === 'relu',
    rule: (ctx, dz) =>
      fusedGradients.BiasActivation({ ...ctx, dy: dz, attrs: { activation: 'linear' } }),
  },
  Conv2DBiasActivation: {
    applies: ({ activation }) => activation === 'relu',
    rule: (ctx, dz) =>
      fusedGradients.Conv2DBiasActivation({
        ...ctx,
        dy: dz,
        attrs: { ...ctx.attrs, activation: 'linear' },
      }),
  },
};
