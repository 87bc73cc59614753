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
  BatchMatMul: (dy, [a, b], { transposeA, transposeB }) => {
    let da: Tensor;
    let db: Tensor;
    if (!transposeA && !transposeB) {
      da = matMul(dy, b, false, true);
      db = matMul(a, dy, true, false);
    } else if (transposeA && !transposeB) {
      da = matMul(b, dy, false, true);
      db = matMul(a, dy);
    } else if (!transposeA && transposeB) {
      da = matMul(dy, b);
      db = matMul(dy, a, true, false);
    } else {
      da = matMul(b, dy, true, true);
      db = matMul(dy, a, true, true);
    }
    return [unbroadcastBatch(da, a), unbroadcastBatch(db, b)];
  },
};
