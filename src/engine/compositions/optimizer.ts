/**
 * Default compositions of the fused optimizer updates (`OptimizerKernels`): the elementwise
 * kernels in the order the kernel list writes each formula, so every step is rounded to float32
 * as in the fused kernels and the values agree bit for bit.
 */
import type { OptimizerKernels } from '../../backend/kernels.js';
import type { CompositionTable } from './types.js';

export const optimizerCompositions: CompositionTable<keyof OptimizerKernels> = {
  Axpby: (p, [x, y], { a, b }) => p.binary('Add', p.binary('Mul', x, a), p.binary('Mul', y, b)),
  AxpbySquare: (p, [x, y], { a, b }) =>
    p.binary('Add', p.binary('Mul', x, a), p.binary('Mul', p.unary('Square', y), b)),
  AdamStep: (p, [w, m, v], { lr, eps }) =>
    p.binary(
      'Sub',
      w,
      p.binary('Div', p.binary('Mul', m, lr), p.binary('Add', p.unary('Sqrt', v), eps)),
    ),
  RmsStep: (p, [x, g, v], { a, lr, eps }) =>
    p.binary(
      'Sub',
      p.binary('Mul', x, a),
      p.binary('Div', p.binary('Mul', g, lr), p.unary('Sqrt', p.binary('Add', v, eps))),
    ),
};
