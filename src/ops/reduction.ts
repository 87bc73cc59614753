/** Reductions along axes, with `keepDims` as in TensorFlow.js. `axis` undefined = all axes. */
import { recordCustom, reshapeView, runKernel, stopGradient, withTape } from '../engine/engine.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, assertDType, assertFloat, assertNumeric, type TensorLike } from './convert.js';
import { abs, add, div, equal, exp, log, mul, square, sqrt, sub, where } from './elementwise.js';

export type Axis = number | readonly number[];

/** The shape after reducing `axes`, with size-1 dimensions kept where `keepDims`. */
export function reducedShape(
  shape: readonly number[],
  axes: readonly number[],
  keepDims: boolean,
): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

function reduce(
  kernel: 'Sum' | 'Prod' | 'Max' | 'Min',
  op: string,
  x: TensorLike,
  axis: Axis | undefined,
  keepDims: boolean,
): Tensor {
  const t = asTensor(x, op, 'x');
  assertNumeric(t, op);
  const axes = normalizeAxes(axis, t.rank, op);
  if ((kernel === 'Max' || kernel === 'Min') && axes.some((a) => t.shape[a] === 0)) {
    throw new RangeError(
      `${op}: cannot reduce over an empty dimension of shape [${t.shape.join(',')}]`,
    );
  }
  const y = runKernel(
    kernel,
    [t],
    { axes },
    { shape: reducedShape(t.shape, axes, false), dtype: t.dtype },
  );
  return keepDims ? reshapeView(y, reducedShape(t.shape, axes, true)) : y;
}

export const sum = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduce('Sum', 'sum', x, axis, keepDims);
export const prod = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduce('Prod', 'prod', x, axis, keepDims);
export const max = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduce('Max', 'max', x, axis, keepDims);
export const min = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduce('Min', 'min', x, axis, keepDims);

export function mean(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = asTensor(x, 'mean', 'x');
  assertFloat(t, 'mean');
  const axes = normalizeAxes(axis, t.rank, 'mean');
  const count = sizeOf(axes.map((a) => t.shape[a] as number));
  return div(sum(t, axes, keepDims), count);
}

function argReduce(kernel: 'ArgMax' | 'ArgMin', op: string, x: TensorLike, axis: number): Tensor {
  const t = asTensor(x, op, 'x');
  assertNumeric(t, op);
  const a = normalizeAxis(axis, t.rank, op);
  if (t.shape[a] === 0)
    throw new RangeError(`${op}: axis ${axis} has size 0 in shape [${t.shape.join(',')}]`);
  return runKernel(
    kernel,
    [t],
    { axis: a },
    { shape: reducedShape(t.shape, [a], false), dtype: 'int32' },
  );
}

/** Index (int32) of the first largest value along `axis`. */
export const argMax = (x: TensorLike, axis = 0): Tensor => argReduce('ArgMax', 'argMax', x, axis);
export const argMin = (x: TensorLike, axis = 0): Tensor => argReduce('ArgMin', 'argMin', x, axis);

/** log(sum(exp(x))) computed as max + log(sum(exp(x - max))) so it never overflows. */
export function logSumExp(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = asTensor(x, 'logSumExp', 'x');
  assertFloat(t, 'logSumExp');
  const axes = normalizeAxes(axis, t.rank, 'logSumExp');
  // The shift is a constant for differentiation (its gradient cancels); an infinite maximum
  // (all inputs -Infinity, or an Infinity) shifts by 0 so the result stays IEEE-correct.
  const m = stopGradient(max(t, axes, true));
  const shift = where(equal(abs(m), Infinity), 0, m);
  const y = add(log(sum(exp(sub(t, shift)), axes, true)), shift);
  return keepDims ? y : reshapeView(y, reducedShape(t.shape, axes, false));
}

/** Population variance (divides by N), as `tf.moments` and NumPy's default. */
export function variance(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = asTensor(x, 'variance', 'x');
  assertFloat(t, 'variance');
  const axes = normalizeAxes(axis, t.rank, 'variance');
  const mu = mean(t, axes, true);
  return mean(square(sub(t, mu)), axes, keepDims);
}

export function moments(
  x: TensorLike,
  axis?: Axis,
  keepDims = false,
): { mean: Tensor; variance: Tensor } {
  const t = asTensor(x, 'moments', 'x');
  return { mean: mean(t, axis, keepDims), variance: variance(t, axis, keepDims) };
}

export type NormOrder = 1 | 2 | 'euclidean' | 'fro' | typeof Infinity;

/** Vector norms: L1 (ord 1), L2 ('euclidean', 'fro', 2) or max-abs (Infinity) over `axis`. */
/**
 * sqrt(sum(x^2)) with the subgradient 0 at x = 0 (as PyTorch), where differentiating through
 * sqrt would give 0 * Infinity = NaN: gradient clipping by global norm meets zero gradients.
 */
function euclideanNorm(t: Tensor, axis: Axis | undefined, keepDims: boolean): Tensor {
  const axes = normalizeAxes(axis, t.rank, 'norm');
  const n = withTape(null, () => sqrt(sum(square(t), axes, true)));
  const y = recordCustom([t], n, (dy) => [mul(dy, where(equal(n, 0), 0, div(t, n)))]);
  return keepDims ? y : reshapeView(y, reducedShape(t.shape, axes, false));
}

export function norm(
  x: TensorLike,
  ord: NormOrder = 'euclidean',
  axis?: Axis,
  keepDims = false,
): Tensor {
  const t = asTensor(x, 'norm', 'x');
  assertDType(t, ['float32'], 'norm', 'x');
  if (ord === 1) return sum(abs(t), axis, keepDims);
  if (ord === 2 || ord === 'euclidean' || ord === 'fro') return euclideanNorm(t, axis, keepDims);
  if (ord === Infinity) return max(abs(t), axis, keepDims);
  throw new RangeError(
    `norm: ord must be 1, 2, 'euclidean', 'fro' or Infinity, received ${String(ord)}`,
  );
}
