import type { KernelImpl } from '../backend.js';
import type { Conv2DAttrs, ConvKernels } from '../kernels.js';
import { alloc, floatsOf } from './util.js';
import { gemm } from './matmul.js';

type ConvTable = { readonly [K in keyof ConvKernels]: KernelImpl<K> };

interface Geometry {
  n: number;
  h: number;
  w: number;
  c: number;
  fh: number;
  fw: number;
  oh: number;
  ow: number;
}

function geometry(
  xShape: readonly number[],
  fShape: readonly number[],
  outShape: readonly number[],
): Geometry {
  const [n, h, w, c] = xShape as [number, number, number, number];
  const [fh, fw] = fShape as [number, number];
  const [, oh, ow] = outShape as [number, number, number];
  return { n, h, w, c, fh, fw, oh, ow };
}

let colBuffer = new Float32Array(0);
function scratch(size: number): Float32Array {
  if (colBuffer.length < size) colBuffer = new Float32Array(size);
  else colBuffer.fill(0, 0, size);
  return colBuffer;
}

/**
 * Walks the receptive fields of image `img` in im2col order: for each output pixel and tap,
 * `visit(colOffset, imageOffset)` with the offset of the tap's channels in the column buffer
 * (rows of fh * fw * c) and in the image, or -1 where the tap falls in the padding.
 */
function forEachTap(
  g: Geometry,
  attrs: Conv2DAttrs,
  img: number,
  visit: (colOffset: number, imageOffset: number) => void,
): void {
  const { h, w, c, fh, fw, oh, ow } = g;
  const [sh, sw] = attrs.strides;
  const [dh, dw] = attrs.dilations;
  const imgBase = img * h * w * c;
  let col = 0;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let ky = 0; ky < fh; ky++) {
        const iy = oy * sh - attrs.pad.top + ky * dh;
        for (let kx = 0; kx < fw; kx++) {
          const ix = ox * sw - attrs.pad.left + kx * dw;
          const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
          visit(col, inside ? imgBase + (iy * w + ix) * c : -1);
          col += c;
        }
      }
    }
  }
}

/** Unrolls the receptive fields of image `img` into rows of (fh, fw, c), zeros for padding. */
function im2col(
  xs: Float32Array,
  g: Geometry,
  attrs: Conv2DAttrs,
  img: number,
  col: Float32Array,
): void {
  const c = g.c;
  forEachTap(g, attrs, img, (dst, src) => {
    if (src < 0) col.fill(0, dst, dst + c);
    else for (let ch = 0; ch < c; ch++) col[dst + ch] = xs[src + ch] as number;
  });
}

/** The adjoint of im2col: adds each row of `col` back onto image `img` of dx. */
function col2im(
  col: Float32Array,
  g: Geometry,
  attrs: Conv2DAttrs,
  img: number,
  dx: Float32Array,
): void {
  const c = g.c;
  forEachTap(g, attrs, img, (src, dst) => {
    if (dst < 0) return;
    for (let ch = 0; ch < c; ch++)
      dx[dst + ch] = (dx[dst + ch] as number) + (col[src + ch] as number);
  });
}

/** Visits every (image, output pixel, tap) of a depthwise convolution with in-bounds input. */
function forEachDepthwiseTap(
  g: Geometry,
  attrs: Conv2DAttrs,
  visit: (xBase: number, fBase: number, yBase: number) => void,
): void {
  const { n, h, w, c, fh, fw, oh, ow } = g;
  const [sh, sw] = attrs.strides;
  const [dh, dw] = attrs.dilations;
  for (let img = 0; img < n; img++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const yBase = ((img * oh + oy) * ow + ox) * c;
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh - attrs.pad.top + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * sw - attrs.pad.left + kx * dw;
            if (ix < 0 || ix >= w) continue;
            visit(((img * h + iy) * w + ix) * c, (ky * fw + kx) * c, yBase);
          }
        }
      }
    }
  }
}

export const convKernels: Omit<ConvTable, 'MaxPool' | 'MaxPoolGrad' | 'AvgPool' | 'AvgPoolGrad'> = {
  Conv2D: ([x, filter], attrs, out) => {
    const xs = floatsOf(x);
    const ys = alloc(out) as Float32Array;
    const g = geometry(x.shape, filter.shape, out.shape);
    const co = filter.shape[3] as number;
    const rowLen = g.fh * g.fw * g.c;
    const col = scratch(g.oh * g.ow * rowLen);
    const fView = { data: floatsOf(filter), offset: 0, rowStride: co, colStride: 1 };
    const cView = { data: col, offset: 0, rowStride: rowLen, colStride: 1 };
    for (let img = 0; img < g.n; img++) {
      im2col(xs, g, attrs, img, col);
      gemm(g.oh * g.ow, co, rowLen, cView, fView, ys, img * g.oh * g.ow * co);
    }
    return ys;
  },
  Conv2DBackpropInput: ([dy, filter], attrs, out) => {
    const dx = alloc(out) as Float32Array;
    const g = geometry(attrs.inputShape, filter.shape, dy.shape);
    const co = filter.shape[3] as number;
    const rowLen = g.fh * g.fw * g.c;
    const dys = floatsOf(dy);
    // dcol (oh*ow x rowLen) = dy (oh*ow x co) * filter^T (co x rowLen)
    const fT = { data: floatsOf(filter), offset: 0, rowStride: 1, colStride: co };
    const col = scratch(g.oh * g.ow * rowLen);
    for (let img = 0; img < g.n; img++) {
      col.fill(0, 0, g.oh * g.ow * rowLen);
      const dyView = { data: dys, offset: img * g.oh * g.ow * co, rowStride: co, colStride: 1 };
      gemm(g.oh * g.ow, rowLen, co, dyView, fT, col, 0);
      col2im(col, g, attrs, img, dx);
    }
    return dx;
  },
  Conv2DBackpropFilter: ([x, dy], attrs, out) => {
    const df = alloc(out) as Float32Array;
    const g = geometry(x.shape, attrs.filterShape, dy.shape);
    const co = attrs.filterShape[3] as number;
    const rowLen = g.fh * g.fw * g.c;
    const xs = floatsOf(x);
    const dys = floatsOf(dy);
    const col = scratch(g.oh * g.ow * rowLen);
    // dFilter (rowLen x co) += col^T (rowLen x oh*ow) * dy (oh*ow x co), summed over images.
    const colT = { data: col, offset: 0, rowStride: 1, colStride: rowLen };
    for (let img = 0; img < g.n; img++) {
      im2col(xs, g, attrs, img, col);
      const dyView = { data: dys, offset: img * g.oh * g.ow * co, rowStride: co, colStride: 1 };
      gemm(rowLen, co, g.oh * g.ow, colT, dyView, df, 0);
    }
    return df;
  },
  DepthwiseConv2D: ([x, filter], attrs, out) => {
    const xs = floatsOf(x);
    const fs = floatsOf(filter);
    const ys = alloc(out) as Float32Array;
    const g = geometry(x.shape, filter.shape, out.shape);
    const mult = filter.shape[3] as number;
    const c = g.c;
    forEachDepthwiseTap(g, attrs, (xBase, fBase, yBase) => {
      for (let ch = 0; ch < c; ch++) {
        const xv = xs[xBase + ch] as number;
        for (let q = 0; q < mult; q++) {
          const o = yBase * mult + ch * mult + q;
          ys[o] = (ys[o] as number) + xv * (fs[(fBase + ch) * mult + q] as number);
        }
      }
    });
    return ys;
  },
  DepthwiseConv2DBackpropInput: ([dy, filter], attrs, out) => {
    const dys = floatsOf(dy);
    const fs = floatsOf(filter);
    const dx = alloc(out) as Float32Array;
    const g = geometry(attrs.inputShape, filter.shape, dy.shape);
    const mult = filter.shape[3] as number;
    const c = g.c;
    forEachDepthwiseTap(g, attrs, (xBase, fBase, yBase) => {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let q = 0; q < mult; q++)
          acc +=
            (dys[yBase * mult + ch * mult + q] as number) * (fs[(fBase + ch) * mult + q] as number);
        dx[xBase + ch] = (dx[xBase + ch] as number) + acc;
      }
    });
    return dx;
  },
  DepthwiseConv2DBackpropFilter: ([x, dy], attrs, out) => {
    const xs = floatsOf(x);
    const dys = floatsOf(dy);
    const df = alloc(out) as Float32Array;
    const g = geometry(x.shape, attrs.filterShape, dy.shape);
    const mult = attrs.filterShape[3] as number;
    const c = g.c;
    forEachDepthwiseTap(g, attrs, (xBase, fBase, yBase) => {
      for (let ch = 0; ch < c; ch++) {
        const xv = xs[xBase + ch] as number;
        for (let q = 0; q < mult; q++) {
          const o = (fBase + ch) * mult + q;
          df[o] = (df[o] as number) + xv * (dys[yBase * mult + ch * mult + q] as number);
        }
      }
    });
    return df;
  },
};
