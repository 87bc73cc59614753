import type { OptimizerKernels } from '../../backend/kernels.js';
import type { GradTable } from './types.js';

/**
 * The fused optimizer updates are not differentiable: they exist for optimizers, which run
 * inside `noGrad`, and no gradient flows through them to any input (every entry is null, as for
 * `Sign` or the comparisons). Differentiate the equivalent elementwise ops if you need one.
 */
export const optimizerGradients: GradTable<keyof OptimizerKernels> = {
  Axpby: () => [null, null],
  AxpbySquare: () => [null, null],
  AdamStep: () => [null, null, null],
  RmsStep: () => [null, null, null],
};
