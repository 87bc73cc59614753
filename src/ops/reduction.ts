/** Reductions along axes, with `keepDims` as in TensorFlow.js. `axis` undefined = all axes. */
import { recordCustom, reshapeView, runKernel, stopGradient, withTape } from '../engine/engine.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, assertDType, assertFloat, assertNumeric, type TensorLike } from './convert.js';
import {
  abs,
  add,
  cast,
  div,
  equal,
  exp,
  log,
  mul,
  square,
  sqrt,
  sub,
  where,
} from './elementwise.js';
import { pad, reverse as reverseAlong, slice } from './movement.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

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
    throw new LaminaRangeError(
      'invalid-argument',
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

/** The sum over `axis`; the sum of a bool tensor counts its true values (int32, as TensorFlow.js). */
export function sum(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const t = asTensor(x, 'sum', 'x');
  return reduce('Sum', 'sum', t.dtype === 'bool' ? cast(t, 'int32') : t, axis, keepDims);
}
export const prod = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduce('Prod', 'prod', x, axis, keepDims);
export const max = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduce('Max', 'max', x, axis, keepDims);
export const min = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduce('Min', 'min', x, axis, keepDims);

/** The mean over `axis`; that of a bool tensor is the fraction of true values (float32). */
export function mean(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  const given = asTensor(x, 'mean', 'x');
  const t = given.dtype === 'bool' ? cast(given, 'float32') : given;
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
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: axis ${axis} has size 0 in shape [${t.shape.join(',')}]`,
    );
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
  throw new LaminaRangeError(
    'invalid-argument',
    `norm: ord must be 1, 2, 'euclidean', 'fro' or Infinity, received ${String(ord)}`,
  );
}

/**
 * Running sums along `axis` (TensorFlow.js's `cumsum`): with `exclusive` each sum leaves out its
 * own element; with `reverse` the sums run from the end. bool counts as int32. Composed of
 * log2(n) shifted additions (a Hillis-Steele scan), so it is differentiable without a kernel.
 */
export function cumsum(x: TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  const op = 'cumsum';
  const given = asTensor(x, op, 'x');
  const t = given.dtype === 'bool' ? cast(given, 'int32') : given;
  assertNumeric(t, op);
  if (t.rank === 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: x must have rank >= 1, received a scalar`,
    );
  for (const [name, v] of [
    ['exclusive', exclusive],
    ['reverse', reverse],
  ] as const) {
    if (typeof v !== 'boolean')
      throw new LaminaTypeError(
        'invalid-argument',
        `${op}: ${name} must be a boolean, received ${String(v)}`,
      );
  }
  const a = normalizeAxis(axis, t.rank, op);
  const n = t.shape[a] as number;
  /** `y` moved `by` places along the axis, zeros entering at the start. */
  const shifted = (y: Tensor, by: number): Tensor => {
    const size = y.shape.map((d, i) => (i === a ? n - by : d));
    const paddings = y.shape.map((_, i): [number, number] => (i === a ? [by, 0] : [0, 0]));
    return pad(slice(y, [], size), paddings);
  };
  let y = reverse ? reverseAlong(t, a) : t;
  for (let by = 1; by < n; by *= 2) y = add(y, shifted(y, by));
  if (exclusive && n > 0) y = shifted(y, 1);
  return reverse ? reverseAlong(y, a) : y;
}
