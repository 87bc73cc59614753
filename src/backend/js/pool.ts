import type { KernelImpl, OutputInfo, TensorInfo } from '../backend.js';
import type { PoolAttrs } from '../kernels.js';
import { alloc, floatsOf } from './util.js';

type PoolTable = {
  readonly [K in 'MaxPool' | 'MaxPoolGrad' | 'AvgPool' | 'AvgPoolGrad']: KernelImpl<K>;
};

/**
 * Calls `visit(outIndex, inBases, count)` per output pixel with the input pixel offsets
 * (times channels) of its window, clipped to the image: padding never enters a pool.
 */
function forEachWindow(
  inShape: readonly number[],
  outShape: readonly number[],
  attrs: PoolAttrs,
  visit: (outBase: number, window: Int32Array, count: number) => void,
): void {
  const [n, h, w, c] = inShape as [number, number, number, number];
  const [, oh, ow] = outShape as [number, number, number];
  const [fh, fw] = attrs.filterSize;
  const [sh, sw] = attrs.strides;
  const window = new Int32Array(fh * fw);
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let count = 0;
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - attrs.pad.top + ky;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * sw - attrs.pad.left + kx;
            if (ix < 0 || ix >= w) continue;
            window[count++] = ((img * h + iy) * w + ix) * c;
          }
        }
        visit(((img * oh + oy) * ow + ox) * c, window, count);
      }
    }
  }
}

/**
 * Each window's dy goes to its chosen element: the first maximum, or the first NaN (so a NaN
 * input takes the gradient, as TensorFlow's does). With `positiveOnly` (MaxPoolReluGrad: x is a
 * relu's output), only where that element is > 0: the same sums as MaxPoolGrad followed by
 * ReluGrad, which zeroes every element that is not > 0 and keeps the others' sums as they are.
 */
export function maxPoolGrad(
  x: TensorInfo,
  dy: TensorInfo,
  attrs: PoolAttrs,
  out: OutputInfo,
  positiveOnly: boolean,
): Float32Array {
  const xs = floatsOf(x);
  const dys = floatsOf(dy);
  const dx = alloc(out) as Float32Array;
  const c = x.shape[3] as number;
  forEachWindow(x.shape, dy.shape, attrs, (o, win, count) => {
    for (let ch = 0; ch < c; ch++) {
      let best = -Infinity;
      let at = -1;
      for (let i = 0; i < count; i++) {
        const idx = (win[i] as number) + ch;
        const v = xs[idx] as number;
        if (at < 0 || v > best || (v !== v && best === best)) {
          best = v;
          at = idx;
        }
      }
      if (at >= 0 && (!positiveOnly || best > 0))
        dx[at] = (dx[at] as number) + (dys[o + ch] as number);
    }
  });
  return dx;
}

export const poolKernels: PoolTable = {
  MaxPool: ([x], attrs, out) => {
    const xs = floatsOf(x);
    const ys = alloc(out);
    const c = x.shape[3] as number;
    forEachWindow(x.shape, out.shape, attrs, (o, win, count) => {
      for (let ch = 0; ch < c; ch++) {
        let best = -Infinity;
        for (let i = 0; i < count; i++) {
          const v = xs[(win[i] as number) + ch] as number;
          if (v > best || v !== v) best = v;
          if (v !== v) break;
        }
        ys[o + ch] = best;
      }
    });
    return ys;
  },
  MaxPoolGrad: ([x, dy], attrs, out) => maxPoolGrad(x, dy, attrs, out, false),
  AvgPool: ([x], attrs, out) => {
    const xs = floatsOf(x);
    const ys = alloc(out);
    const c = x.shape[3] as number;
    forEachWindow(x.shape, out.shape, attrs, (o, win, count) => {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let i = 0; i < count; i++) sum += xs[(win[i] as number) + ch] as number;
        ys[o + ch] = sum / count;
      }
    });
    return ys;
  },
  AvgPoolGrad: ([dy], attrs, out) => {
    const dys = floatsOf(dy);
    const dx = alloc(out);
    const c = attrs.inputShape[3] as number;
    forEachWindow(attrs.inputShape, dy.shape, attrs, (o, win, count) => {
      for (let ch = 0; ch < c; ch++) {
        const g = (dys[o + ch] as number) / count;
        for (let i = 0; i < count; i++) {
          const idx = (win[i] as number) + ch;
          dx[idx] = (dx[idx] as number) + g;
        }
      }
    });
    return dx;
  },
};
