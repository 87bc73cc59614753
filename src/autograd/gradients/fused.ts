import type { FusedKernels } from '../../backend/kernels.js';
import { mul } from '../../ops/elementwise.js';
import { matMul } from '../../ops/linalg.js';
import { clipByValueGrad, reluGrad, weightGradPenalty } from '../../ops/fused.js';
import { convGradients } from './conv.js';
import { Absorbed, PenaltyGradTerm } from './term.js';
import { sumToShape, type GradTable } from './types.js';

export const fusedGradients: GradTable<keyof FusedKernels> = {
  // relu(z) > 0 exactly where z > 0, so the output y selects the same elements as z would.
  BiasActivation: (dy, [, bias], { activation }, y) => {
    const dz = activation === 'relu' ? reluGrad(dy, y) : dy;
    return [dz, sumToShape(dz, bias.shape)];
  },
  // ReluGrad is linear in dy with the same mask; x only selects (its derivative is 0 a.e.).
  ReluGrad: (ddx, [, x]) => [reluGrad(ddx, x), null],
  ClipByValueGrad: (ddx, [, x], { min, max }) => [clipByValueGrad(ddx, x, min, max), null],
  MatMulBiasActivation: (dy, [a, b, bias], { activation }, y, needs, pending) => {
    const dz = activation === 'relu' ? reluGrad(dy, y) : dy;
    // A penalized kernel: its penalty's gradient goes into the product's kernel (no extra pass).
    const term = pending[1];
    return [
      needs[0] === false ? null : matMul(dz, b, false, true),
      term !== undefined && term.x === b
        ? new Absorbed(weightGradPenalty(a, dz, b, term.a, term.b), term)
        : matMul(a, dz, true, false),
      sumToShape(dz, bias.shape),
    ];
  },
  // x^T dz is bilinear in (x, dz); the penalty term's derivative in w is b (sign is flat).
  WeightGradPenalty: (dc, [x, dz], { b }) => [
    matMul(dz, dc, false, true),
    matMul(x, dc),
    mul(dc, b),
  ],
  // The convolution's own rule on the activation's gradient, plus the bias's.
  Conv2DBiasActivation: (dy, [x, f, bias], { activation, ...attrs }, y, needs) => {
    const dz = activation === 'relu' ? reluGrad(dy, y) : dy;
    const [dx, df] = convGradients.Conv2D(dz, [x, f], attrs, y, needs, []);
    return [dx ?? null, df ?? null, sumToShape(dz, bias.shape)];
  },
  // d/dx (l1 |x| + l2 x^2) = l1 sign(x) + 2 l2 x, sign(0) = 0 so L1 never pushes a zero weight;
  // left as a term so that it is added to x's data gradient in the same pass.
  Penalty: (dy, [x], { l1, l2 }) => {
    if (l1 === 0 && l2 === 0) return [null];
    const s = dy.dataSync()[0] as number;
    return [new PenaltyGradTerm(x, s * l1, 2 * s * l2)];
  },
  // a sign(x) is piecewise constant: only b x varies with x.
  PenaltyGradAdd: (dy, _inputs, { b }) => [dy, mul(dy, b)],
};
