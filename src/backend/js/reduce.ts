import type { ImplOf, KernelImpl, TensorInfo } from '../backend.js';
import type { ReductionKernels, Spec } from '../kernels.js';

type AxisSpec = Spec<1, { axis: number }>;
import type { Shape } from '../../tensor/shape.js';
import { alloc, floatsOf, valuesOf } from './util.js';

type ReductionTable = { readonly [K in keyof ReductionKernels]: KernelImpl<K> };

/**
 * For each input element (row-major), the flat index of the output element it reduces into:
 * kept dimensions advance the output index, reduced ones do not.
 */
function reduceInto(
  x: TensorInfo,
  axes: readonly number[],
  init: number,
  combine: (acc: number, v: number) => number,
  out: { shape: Shape; dtype: TensorInfo['dtype'] },
): ReturnType<typeof alloc> {
  const xs = valuesOf(x);
  const ys = alloc(out);
  const rank = x.shape.length;
  // Fast path: reducing a trailing block of axes means contiguous runs.
  const trailing = axes.every((a, i) => a === rank - axes.length + i);
  if (trailing) {
    const inner = xs.length / Math.max(ys.length, 1);
    for (let o = 0; o < ys.length; o++) {
      let acc = init;
      const base = o * inner;
      for (let j = 0; j < inner; j++) acc = combine(acc, xs[base + j] as number);
      ys[o] = acc;
    }
    return ys;
  }
  const reduced = new Set(axes);
  const ostride = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (!reduced.has(d)) {
      ostride[d] = s;
      s *= x.shape[d] as number;
    }
  }
  // Accumulate in doubles: an int32 output cannot hold the +-Infinity seed of max / min.
  const acc = new Float64Array(ys.length).fill(init);
  const idx = new Array<number>(rank).fill(0);
  let oi = 0;
  for (let i = 0; i < xs.length; i++) {
    acc[oi] = combine(acc[oi] as number, xs[i] as number);
    for (let d = rank - 1; d >= 0; d--) {
      const k = (idx[d] as number) + 1;
      if (k < (x.shape[d] as number)) {
        idx[d] = k;
        oi += ostride[d] as number;
        break;
      }
      idx[d] = 0;
      oi -= (k - 1) * (ostride[d] as number);
    }
  }
  ys.set(acc);
  return ys;
}

/** Splits a shape around `axis` into (outer, length, inner) for axis-wise loops. */
export function aroundAxis(
  shape: Shape,
  axis: number,
): { outer: number; n: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d] as number;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d] as number;
  return { outer, n: shape[axis] as number, inner };
}

function argReduce(better: (v: number, best: number) => boolean): ImplOf<AxisSpec> {
  return ([x], { axis }, out) => {
    const xs = valuesOf(x);
    const ys = alloc(out);
    const { outer, n, inner } = aroundAxis(x.shape, axis);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        let best = xs[base] as number;
        let bi = 0;
        for (let k = 1; k < n; k++) {
          const v = xs[base + k * inner] as number;
          // NaN wins and stays, as in NumPy.
          if (best === best && (v !== v || better(v, best))) {
            best = v;
            bi = k;
          }
        }
        ys[o * inner + j] = bi;
      }
    }
    return ys;
  };
}

function softmaxLike(log: boolean): ImplOf<AxisSpec> {
  return ([x], { axis }, out) => {
    const xs = floatsOf(x);
    const ys = alloc(out);
    const { outer, n, inner } = aroundAxis(x.shape, axis);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        let max = -Infinity;
        for (let k = 0; k < n; k++) {
          const v = xs[base + k * inner] as number;
          if (v > max || v !== v) max = v;
        }
        if (max === -Infinity) max = 0;
        let sum = 0;
        for (let k = 0; k < n; k++) sum += Math.exp((xs[base + k * inner] as number) - max);
        if (log) {
          const lse = Math.log(sum);
          for (let k = 0; k < n; k++)
            ys[base + k * inner] = (xs[base + k * inner] as number) - max - lse;
        } else {
          for (let k = 0; k < n; k++)
            ys[base + k * inner] = Math.exp((xs[base + k * inner] as number) - max) / sum;
        }
      }
    }
    return ys;
  };
}

export const reductionKernels: ReductionTable = {
  Sum: ([x], { axes }, out) => reduceInto(x, axes, 0, (a, v) => a + v, out),
  Prod: ([x], { axes }, out) => reduceInto(x, axes, 1, (a, v) => a * v, out),
  Max: ([x], { axes }, out) =>
    reduceInto(x, axes, -Infinity, (a, v) => (v > a || v !== v ? v : a), out),
  Min: ([x], { axes }, out) =>
    reduceInto(x, axes, Infinity, (a, v) => (v < a || v !== v ? v : a), out),
  ArgMax: argReduce((v, best) => v > best),
  ArgMin: argReduce((v, best) => v < best),
  Softmax: softmaxLike(false),
  LogSoftmax: softmaxLike(true),
};
