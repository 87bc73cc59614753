import type { LinalgKernels } from '../../backend/kernels.js';
import { matMul } from '../../ops/linalg.js';
import { sum } from '../../ops/reduction.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { GradTable } from './types.js';

/** Sums over the batch when the operand was broadcast from a batch of 1. */
function unbroadcastBatch(g: Tensor, x: Tensor): Tensor {
  return x.shape[0] === 1 && g.shape[0] !== 1 ? sum(g, 0, true) : g;
}

export const linalgGradients: GradTable<keyof LinalgKernels> = {
  BatchMatMul: ({ dy, inputs: [a, b], attrs: { transposeA, transposeB }, needs }) => {
    const da = (): Tensor => {
      if (!transposeA) return transposeB ? matMul(dy, b) : matMul(dy, b, false, true);
      return transposeB ? matMul(b, dy, true, true) : matMul(b, dy, false, true);
    };
    const db = (): Tensor => {
      if (!transposeB) return transposeA ? matMul(a, dy) : matMul(a, dy, true, false);
      return transposeA ? matMul(dy, a, true, true) : matMul(dy, a, true, false);
    };
    return [
      needs[0] === false ? null : unbroadcastBatch(da(), a),
      needs[1] === false ? null : unbroadcastBatch(db(), b),
    ];
  },
};
