/**
 * The wasm backend's NHWC convolutions and max pooling. Conv2D and its two gradients are GEMMs
 * over an im2col column buffer filled and consumed a few images at a time (x itself for a
 * pointwise convolution), except with fewer than 4 input channels, where direct kernels read x in
 * place; depthwise convolutions and pooling run directly.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import type { Conv2DAttrs, PoolAttrs } from '../kernels.js';
import { sizeOf } from '../../tensor/shape.js';
import { PARALLEL_MIN_ELEMENTS, type NativeTable, type WasmKernelContext } from './context.js';
import { biasActivate } from './fused.js';
import type { WasmData } from './memory.js';

/** The 14 numbers of `convGeometry`, named in its comment. */
type Geometry = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** Column buffers are filled and consumed this many bytes at a time (see `inChunks`). */
const COL_CHUNK_BYTES = 2 * 2 ** 20;

export function convKernels(ctx: WasmKernelContext): NativeTable {
  const { mem, k, ptrOf, output, native, gemm, parallel } = ctx;
  /**
   * Runs a per-image kernel across the pool, images split between threads: `argsOf` gets the
   * first image and the count; `perImage` elements of work each decide when it pays.
   */
  const byImage = (
    name: 'im2col' | 'col2im' | 'convDirect' | 'maxPool' | 'maxPoolGrad' | 'depthwise',
    n: number,
    perImage: number,
    argsOf: (i0: number, count: number) => number[],
  ): void => parallel(name, n, 1, Math.ceil(PARALLEL_MIN_ELEMENTS / Math.max(perImage, 1)), argsOf);

  /** [n, h, w, c, fh, fw, oh, ow, sh, sw, dh, dw, padTop, padLeft] */
  const convGeometry = (
    xShape: readonly number[],
    fShape: readonly number[],
    yShape: readonly number[],
    attrs: Conv2DAttrs,
  ): Geometry => {
    const [n, h, w, c] = xShape as [number, number, number, number];
    const [fh, fw] = fShape as [number, number];
    const [, oh, ow] = yShape as [number, number, number];
    return [
      n,
      h,
      w,
      c,
      fh,
      fw,
      oh,
      ow,
      attrs.strides[0],
      attrs.strides[1],
      attrs.dilations[0],
      attrs.dilations[1],
      attrs.pad.top,
      attrs.pad.left,
    ];
  };

  /**
   * Few input channels (K = fh * fw * c of 9 or 27): the direct kernels, which read x in place,
   * beat im2col + GEMM (im2col writes K-float rows one tap at a time; the GEMM packs and updates C
   * for K multiply-adds). They take output channels 4 at a time.
   */
  const isDirect = (g: Geometry, co: number): boolean => g[3] < 4 && co % 4 === 0;

  const isPointwise = (g: Geometry): boolean =>
    g[4] === 1 && g[5] === 1 && g[8] === 1 && g[9] === 1 && g[1] === g[6] && g[2] === g[7];

  /**
   * Runs `body(i0, nb, col)` over the batch in chunks of `nb` images whose column buffer (nb*oh*ow
   * rows of fh*fw*c floats, at `col`) stays within COL_CHUNK_BYTES, so that im2col's output, the
   * GEMM's reads of it (or col2im's) and any zero fill stay in cache instead of streaming a
   * whole-batch buffer (8.9 MB for W3's second layer) through memory. One chunk buffer, reused.
   */
  function inChunks(g: Geometry, body: (i0: number, nb: number, col: number) => void): void {
    const [n, , , c, fh, fw, oh, ow] = g;
    const perImage = oh * ow * fh * fw * c * 4;
    const nb = Math.max(1, Math.min(n, Math.floor(COL_CHUNK_BYTES / perImage)));
    const bytes = nb * perImage;
    const col = mem.alloc(bytes);
    for (let i0 = 0; i0 < n; i0 += nb) body(i0, Math.min(nb, n - i0), col);
    mem.freeBlock(col, bytes);
  }

  /** im2col of images i0 .. i0+nb-1 of x into col. */
  const im2col = (px: number, g: Geometry, i0: number, nb: number, col: number): void => {
    const [, h, w, c, fh, fw, oh, ow] = g;
    const colImage = oh * ow * fh * fw * c * 4;
    byImage('im2col', nb, colImage / 4, (j, count) => [
      px + (i0 + j) * h * w * c * 4,
      col + j * colImage,
      count,
      ...g.slice(1),
    ]);
  };

  /** convDirect's epilogue modes (assembly/conv.ts): the sum, + bias, relu(sum + bias). */
  const EPILOGUE = { none: 0, linear: 1, relu: 2 } as const;

  /**
   * The convolution; with `bias`, its bias and activation too, applied by the direct kernel as
   * it stores its output, or in a pass over the output after the GEMM.
   */
  const convolve = (
    xi: TensorInfo,
    fi: TensorInfo,
    attrs: Conv2DAttrs,
    out: OutputInfo,
    bias?: { info: TensorInfo; activation: 'linear' | 'relu' },
  ): WasmData => {
    const g = convGeometry(xi.shape, fi.shape, out.shape, attrs);
    const [n, , , c, fh, fw, oh, ow] = g;
    const co = fi.shape[3] as number;
    const px = ptrOf(xi);
    const pf = ptrOf(fi);
    if (isDirect(g, co)) {
      const pb = bias === undefined ? 0 : ptrOf(bias.info);
      const mode = EPILOGUE[bias?.activation ?? 'none'];
      const y = output(out);
      byImage('convDirect', n, oh * ow * co * fh * fw * c, (i, count) => [
        px + i * g[1] * g[2] * c * 4,
        pf,
        y.ptr + i * oh * ow * co * 4,
        count,
        ...g.slice(1),
        co,
        pb,
        mode,
      ]);
      return y;
    }
    const y = convByGemm(px, pf, g, co, out);
    if (bias !== undefined) {
      const size = sizeOf(out.shape);
      biasActivate(ctx, y.ptr, y.ptr, size, ptrOf(bias.info), co, bias.activation);
    }
    return y;
  };

  /** y = conv2d(x, f) as GEMMs: over x itself (pointwise) or over im2col chunks. */
  const convByGemm = (
    px: number,
    pf: number,
    g: Geometry,
    co: number,
    out: OutputInfo,
  ): WasmData => {
    const [n, , , c, fh, fw, oh, ow] = g;
    const rowLen = fh * fw * c;
    const y = output(out);
    // Every GEMM below writes its rows of y (overwrite): no zero-fill.
    if (isPointwise(g)) {
      gemm(n * oh * ow, co, rowLen, px, rowLen, 1, pf, co, 1, y.ptr, co, true);
      return y;
    }
    inChunks(g, (i0, nb, col) => {
      im2col(px, g, i0, nb, col);
      const rows = nb * oh * ow;
      gemm(rows, co, rowLen, col, rowLen, 1, pf, co, 1, y.ptr + i0 * oh * ow * co * 4, co, true);
    });
    return y;
  };

  const conv2d = ([x, f]: readonly TensorInfo[], attrs: Conv2DAttrs, out: OutputInfo): WasmData =>
    convolve(x as TensorInfo, f as TensorInfo, attrs, out);

  /** The convolution, bias and activation: one output, with no pass of their own where direct. */
  const conv2dBiasActivation = (
    [x, f, bias]: readonly TensorInfo[],
    { activation, ...attrs }: Conv2DAttrs & { activation: 'linear' | 'relu' },
    out: OutputInfo,
  ): WasmData =>
    convolve(x as TensorInfo, f as TensorInfo, attrs, out, {
      info: bias as TensorInfo,
      activation,
    });

  const conv2dBackpropInput = (
    [dy, f]: readonly TensorInfo[],
    attrs: Conv2DAttrs & { inputShape: readonly number[] },
    out: OutputInfo,
  ): WasmData => {
    const dyi = dy as TensorInfo;
    const fi = f as TensorInfo;
    const g = convGeometry(attrs.inputShape, fi.shape, dyi.shape, attrs);
    const [n, h, w, c, fh, fw, oh, ow] = g;
    const co = fi.shape[3] as number;
    const rowLen = fh * fw * c;
    const pdy = ptrOf(dyi);
    const pf = ptrOf(fi);
    const dx = output(out);
    const rows = n * oh * ow;
    if (isPointwise(g)) {
      gemm(rows, rowLen, co, pdy, co, 1, pf, 1, co, dx.ptr, rowLen, true);
      return dx;
    }
    k.zero(dx.ptr, n * h * w * c * 4); // col2im adds into dx
    inChunks(g, (i0, nb, col) => {
      const r = nb * oh * ow;
      // dcol (r x rowLen) = dy (r x co) * filter^T (co x rowLen), written over the chunk
      gemm(r, rowLen, co, pdy + i0 * oh * ow * co * 4, co, 1, pf, 1, co, col, rowLen, true);
      const colImage = oh * ow * rowLen * 4;
      byImage('col2im', nb, colImage / 4, (j, count) => [
        col + j * colImage,
        dx.ptr + (i0 + j) * h * w * c * 4,
        count,
        ...g.slice(1),
      ]);
    });
    return dx;
  };

  const conv2dBackpropFilter = (
    [x, dy]: readonly TensorInfo[],
    attrs: Conv2DAttrs & { filterShape: readonly number[] },
    out: OutputInfo,
  ): WasmData => {
    const xi = x as TensorInfo;
    const dyi = dy as TensorInfo;
    const g = convGeometry(xi.shape, attrs.filterShape, dyi.shape, attrs);
    const [n, , , c, fh, fw, oh, ow] = g;
    const co = attrs.filterShape[3] as number;
    const rowLen = fh * fw * c;
    const px = ptrOf(xi);
    const pdy = ptrOf(dyi);
    const df = output(out);
    if (isDirect(g, co)) {
      k.convFilterDirect(px, pdy, df.ptr, ...g, co);
      return df;
    }
    if (isPointwise(g)) {
      gemm(rowLen, co, n * oh * ow, px, 1, rowLen, pdy, co, 1, df.ptr, co, true);
      return df;
    }
    if (n === 0) k.zero(df.ptr, rowLen * co * 4);
    // dFilter (rowLen x co) = col^T (rowLen x rows) * dy (rows x co): the first chunk writes,
    // the others add.
    inChunks(g, (i0, nb, col) => {
      im2col(px, g, i0, nb, col);
      const pd = pdy + i0 * oh * ow * co * 4;
      gemm(rowLen, co, nb * oh * ow, col, 1, rowLen, pd, co, 1, df.ptr, co, i0 === 0);
    });
    return df;
  };

  /**
   * The depthwise kernels: one export, `mode` 0 (forward), 1 (input gradient) or 2 (filter
   * gradient); the gradients add into an output the caller zeroes. The forward pass and the input
   * gradient write each image's output from that image alone, so they split by image; the filter
   * gradient sums over the images and stays on one thread, in the reference's order.
   */
  const depthwise = (
    mode: 0 | 1 | 2,
    a: TensorInfo,
    b: TensorInfo,
    g: Geometry,
    mult: number,
    out: OutputInfo,
  ): WasmData => {
    const pa = ptrOf(a);
    const pb = ptrOf(b);
    const y = output(out);
    if (mode !== 0) k.zero(y.ptr, sizeOf(out.shape) * 4);
    if (mode === 2) {
      k.depthwise(mode, pa, pb, y.ptr, ...g, mult);
      return y;
    }
    const [n, h, w, c, fh, fw, oh, ow] = g;
    const inner = h * w * c * 4;
    const outer = oh * ow * c * mult * 4;
    const [aBytes, outBytes] = mode === 0 ? [inner, outer] : [outer, inner];
    byImage('depthwise', n, (outer / 4) * fh * fw, (i, count) => [
      mode,
      pa + i * aBytes,
      pb,
      y.ptr + i * outBytes,
      count,
      ...g.slice(1),
      mult,
    ]);
    return y;
  };

  const depthwiseConv2d = ([x, f]: readonly TensorInfo[], attrs: Conv2DAttrs, out: OutputInfo) => {
    const xi = x as TensorInfo;
    const fi = f as TensorInfo;
    const g = convGeometry(xi.shape, fi.shape, out.shape, attrs);
    return depthwise(0, xi, fi, g, fi.shape[3] as number, out);
  };

  const depthwiseBackpropInput = (
    [dy, f]: readonly TensorInfo[],
    attrs: Conv2DAttrs & { inputShape: readonly number[] },
    out: OutputInfo,
  ): WasmData => {
    const dyi = dy as TensorInfo;
    const fi = f as TensorInfo;
    const g = convGeometry(attrs.inputShape, fi.shape, dyi.shape, attrs);
    return depthwise(1, dyi, fi, g, fi.shape[3] as number, out);
  };

  const depthwiseBackpropFilter = (
    [x, dy]: readonly TensorInfo[],
    attrs: Conv2DAttrs & { filterShape: readonly number[] },
    out: OutputInfo,
  ): WasmData => {
    const xi = x as TensorInfo;
    const dyi = dy as TensorInfo;
    const g = convGeometry(xi.shape, attrs.filterShape, dyi.shape, attrs);
    return depthwise(2, xi, dyi, g, attrs.filterShape[3] as number, out);
  };

  const poolGeometry = (
    xShape: readonly number[],
    yShape: readonly number[],
    attrs: PoolAttrs,
  ): number[] => {
    const [n, h, w, c] = xShape as [number, number, number, number];
    const [, oh, ow] = yShape as [number, number, number];
    return [
      n,
      h,
      w,
      c,
      attrs.filterSize[0],
      attrs.filterSize[1],
      oh,
      ow,
      attrs.strides[0],
      attrs.strides[1],
      attrs.pad.top,
      attrs.pad.left,
    ];
  };

  /**
   * Runs a pooling kernel split by image; `pointers` are the byte offsets of its arrays, each an
   * input-sized ('x') or output-sized ('y') array per image.
   */
  const poolByImage = (
    name: 'maxPool' | 'maxPoolGrad',
    xShape: readonly number[],
    yShape: readonly number[],
    attrs: PoolAttrs,
    pointers: readonly (readonly [number, 'x' | 'y'])[],
    trailing: readonly number[] = [],
  ): void => {
    const pg = poolGeometry(xShape, yShape, attrs);
    const [n, h, w, c] = xShape as [number, number, number, number];
    const [, oh, ow] = yShape as [number, number, number];
    const bytes = { x: h * w * c * 4, y: oh * ow * c * 4 };
    byImage(name, n, h * w * c, (i, count) => [
      ...pointers.map(([p, per]) => p + i * bytes[per]),
      count,
      ...pg.slice(1),
      ...trailing,
    ]);
  };

  const maxPool = ([x]: readonly TensorInfo[], attrs: PoolAttrs, out: OutputInfo): WasmData => {
    const xi = x as TensorInfo;
    const px = ptrOf(xi);
    const y = output(out);
    poolByImage('maxPool', xi.shape, out.shape, attrs, [
      [px, 'x'],
      [y.ptr, 'y'],
    ]);
    return y;
  };

  /** MaxPoolGrad, or with `positiveOnly` MaxPoolReluGrad (relu's gradient folded in). */
  const maxPoolGradOf =
    (positiveOnly: boolean) =>
    ([x, dy]: readonly TensorInfo[], attrs: PoolAttrs, out: OutputInfo): WasmData => {
      const xi = x as TensorInfo;
      const dyi = dy as TensorInfo;
      const px = ptrOf(xi);
      const pdy = ptrOf(dyi);
      const dx = output(out);
      poolByImage(
        'maxPoolGrad',
        xi.shape,
        dyi.shape,
        attrs,
        [
          [px, 'x'],
          [pdy, 'y'],
          [dx.ptr, 'x'],
        ],
        [positiveOnly ? 1 : 0],
      );
      return dx;
    };

  return {
    Conv2D: native('Conv2D', conv2d),
    Conv2DBiasActivation: native('Conv2DBiasActivation', conv2dBiasActivation),
    Conv2DBackpropInput: native('Conv2DBackpropInput', conv2dBackpropInput),
    Conv2DBackpropFilter: native('Conv2DBackpropFilter', conv2dBackpropFilter),
    DepthwiseConv2D: native('DepthwiseConv2D', depthwiseConv2d),
    DepthwiseConv2DBackpropInput: native('DepthwiseConv2DBackpropInput', depthwiseBackpropInput),
    DepthwiseConv2DBackpropFilter: native('DepthwiseConv2DBackpropFilter', depthwiseBackpropFilter),
    MaxPool: native('MaxPool', maxPool),
    MaxPoolGrad: native('MaxPoolGrad', maxPoolGradOf(false)),
    MaxPoolReluGrad: native('MaxPoolReluGrad', maxPoolGradOf(true)),
  };
}
