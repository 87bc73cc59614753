import type { ReductionKernels } from '../../backend/kernels.js';
import { cast, div, equal, exp, mul, sub, where } from '../../ops/elementwise.js';
import { broadcastTo, reshape } from '../../ops/movement.js';
import { prod, reducedShape, sum } from '../../ops/reduction.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { GradTable } from './types.js';

/** dy of a reduction, reshaped with the reduced axes kept and broadcast back to x's shape. */
function spread(dy: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return broadcastTo(reshape(dy, reducedShape(x.shape, axes, true)), x.shape);
}

/** Max and min share their gradient evenly among tied extremes (as TensorFlow and PyTorch). */
function extremeGrad(dy: Tensor, x: Tensor, y: Tensor, axes: readonly number[]): Tensor {
  const hits = cast(equal(x, spread(y, x, axes)), 'float32');
  const ties = sum(hits, axes, true);
  return mul(div(hits, ties), spread(dy, x, axes));
}

export const reductionGradients: GradTable<keyof ReductionKernels> = {
  Sum: ({ dy, inputs: [x], attrs: { axes } }) => [spread(dy, x, axes)],
  // Zero-safe: with one zero in a group only that element gets the product of the others;
  // with two or more, every element's gradient is 0.
  Prod: ({ dy, inputs: [x], attrs: { axes } }) => {
    const isZero = equal(x, 0);
    const nonZeroProd = prod(where(isZero, 1, x), axes, true);
    const zeros = sum(cast(isZero, 'float32'), axes, true);
    const noZeros = div(broadcastTo(nonZeroProd, x.shape), where(isZero, 1, x));
    const oneZero = where(isZero, broadcastTo(nonZeroProd, x.shape), 0);
    const g = where(
      equal(broadcastTo(zeros, x.shape), 0),
      noZeros,
      where(equal(broadcastTo(zeros, x.shape), 1), oneZero, 0),
    );
    return [mul(g, spread(dy, x, axes))];
  },
  Max: ({ dy, inputs: [x], attrs: { axes }, output: y }) => [extremeGrad(dy, x, y, axes)],
  Min: ({ dy, inputs: [x], attrs: { axes }, output: y }) => [extremeGrad(dy, x, y, axes)],
  ArgMax: () => [null],
  ArgMin: () => [null],
  Softmax: ({ dy, attrs: { axis }, output: y }) => [mul(y, sub(dy, sum(mul(dy, y), axis, true)))],
  LogSoftmax: ({ dy, attrs: { axis }, output: y }) => [sub(dy, mul(exp(y), sum(dy, axis, true)))],
};
