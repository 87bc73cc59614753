/**
 * The WebAssembly SIMD backend. Float32 kernels that matter for training speed run in
 * AssemblyScript (`assembly/kernels.ts`) on memory this module owns; every other kernel, and any
 * kernel on int32/bool inputs or on a layout the fast paths do not cover, falls back per call to
 * the reference kernels (`../js/`), with the values copied out of and back into linear memory.
 * The native subset is listed in docs/backend.md.
 */
import type {
  Backend,
  DataHandle,
  KernelImpl,
  KernelTable,
  OutputInfo,
  TensorInfo,
} from '../backend.js';
import type { Conv2DAttrs, KernelName, PoolAttrs } from '../kernels.js';
import { jsBackend } from '../js/index.js';
import { sizeOf, type Shape } from '../../tensor/shape.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { WasmData, WasmMemory } from './memory.js';
import type { KernelExports, LoadedKernels } from './module.js';

type AnyImpl = (inputs: readonly TensorInfo[], attrs: unknown, out: OutputInfo) => DataHandle;

export interface WasmBackend extends Backend {
  readonly mem: WasmMemory;
}

export function createWasmBackend({ memory, exports: k }: LoadedKernels): WasmBackend {
  const gemmScratch = Math.ceil(k.heapBase() / 16) * 16;
  const base = gemmScratch + k.gemmScratchBytes();
  const need = base - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
  const mem = new WasmMemory(memory, base);

  const dataOf = (info: TensorInfo): WasmData => info.data as WasmData;

  /** Byte offset of a float32 input's values, copying them into linear memory if needed. */
  function ptrOf(info: TensorInfo): number {
    const d = dataOf(info);
    return d.ptr >= 0 ? d.ptr : mem.attach(d, true);
  }

  /** A fresh float32 output handle with a block in linear memory. */
  function output(out: OutputInfo): WasmData {
    const d = new WasmData(sizeOf(out.shape), out.dtype, null);
    mem.attach(d, false);
    return d;
  }

  function write(values: TypedArray): DataHandle {
    const dtype =
      values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
    return new WasmData(values.length, dtype, values);
  }

  function read(handle: DataHandle): TypedArray {
    return mem.read(handle as WasmData);
  }

  /** Runs the reference kernel on copies of the inputs. */
  function fallback(name: KernelName): AnyImpl {
    const impl = jsBackend.kernels[name] as unknown as AnyImpl;
    return (inputs, attrs, out) => {
      const infos = inputs.map((i): TensorInfo => ({ ...i, data: read(i.data) }));
      return write(impl(infos, attrs, out) as TypedArray);
    };
  }

  const allFloat = (inputs: readonly TensorInfo[]): boolean =>
    inputs.every((i) => i.dtype === 'float32');

  /** A native kernel that returns null where it does not apply (then the reference runs). */
  function native(
    name: KernelName,
    impl: (inputs: readonly TensorInfo[], attrs: never, out: OutputInfo) => WasmData | null,
  ): AnyImpl {
    const slow = fallback(name);
    return (inputs, attrs, out) => {
      if (out.dtype !== 'float32' || !allFloat(inputs)) return slow(inputs, attrs, out);
      mem.maybeSpill();
      return impl(inputs, attrs as never, out) ?? slow(inputs, attrs, out);
    };
  }

  function gemm(
    m: number,
    n: number,
    kk: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    ldc: number,
  ): void {
    if (m === 0 || n === 0 || kk === 0) return;
    k.gemm(m, n, kk, a, ars, acs, b, brs, bcs, c, ldc, gemmScratch);
  }

  const batchMatMul = (
    [a, b]: readonly TensorInfo[],
    { transposeA, transposeB }: { transposeA: boolean; transposeB: boolean },
    out: OutputInfo,
  ): WasmData => {
    const [batchA, a1, a2] = (a as TensorInfo).shape as [number, number, number];
    const [batchB, b1, b2] = (b as TensorInfo).shape as [number, number, number];
    const m = transposeA ? a2 : a1;
    const kk = transposeA ? a1 : a2;
    const n = transposeB ? b1 : b2;
    const batch = Math.max(batchA, batchB);
    const pa = ptrOf(a as TensorInfo);
    const pb = ptrOf(b as TensorInfo);
    const y = output(out);
    k.zero(y.ptr, m * n * batch * 4);
    const ars = transposeA ? 1 : a2;
    const acs = transposeA ? a2 : 1;
    const brs = transposeB ? 1 : b2;
    const bcs = transposeB ? b2 : 1;
    if (batchB === 1 && !transposeA) {
      // One tall product: the batches of A are consecutive rows.
      gemm(m * batch, n, kk, pa, ars, acs, pb, brs, bcs, y.ptr, n);
      return y;
    }
    for (let i = 0; i < batch; i++) {
      const oa = batchA === 1 ? 0 : i * a1 * a2 * 4;
      const ob = batchB === 1 ? 0 : i * b1 * b2 * 4;
      gemm(m, n, kk, pa + oa, ars, acs, pb + ob, brs, bcs, y.ptr + i * m * n * 4, n);
    }
    return y;
  };

  /** Strips leading 1s: [1, 1, 5] -> [5]. */
  const squeezeLeading = (s: Shape): Shape => {
    let i = 0;
    while (i < s.length - 1 && s[i] === 1) i++;
    return s.slice(i);
  };
  const isTrailingOf = (s: Shape, outShape: Shape): boolean => {
    const t = squeezeLeading(s);
    if (t.length > outShape.length) return false;
    for (let i = 1; i <= t.length; i++)
      if (t[t.length - i] !== outShape[outShape.length - i]) return false;
    return true;
  };

  const binary =
    (op: number) =>
    ([a, b]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData | null => {
      const ai = a as TensorInfo;
      const bi = b as TensorInfo;
      const n = sizeOf(out.shape);
      const na = sizeOf(ai.shape);
      const nb = sizeOf(bi.shape);
      let mode: number;
      let m = 0;
      if (na === n && nb === n) mode = 0;
      else if (nb === 1 && na === n) mode = 1;
      else if (na === 1 && nb === n) mode = 2;
      else if (na === n && nb > 0 && isTrailingOf(bi.shape, out.shape)) {
        mode = 3;
        m = nb;
      } else if (nb === n && na > 0 && isTrailingOf(ai.shape, out.shape)) {
        mode = 4;
        m = na;
      } else return null;
      const pa = ptrOf(ai);
      const pb = ptrOf(bi);
      const y = output(out);
      if (n > 0) k.binary(op, mode, pa, pb, y.ptr, n, m);
      return y;
    };

  const unary =
    (op: number) =>
    ([x]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData => {
      const px = ptrOf(x as TensorInfo);
      const y = output(out);
      k.unary(op, px, y.ptr, sizeOf(out.shape));
      return y;
    };

  const sum = (
    [x]: readonly TensorInfo[],
    { axes }: { axes: readonly number[] },
    out: OutputInfo,
  ): WasmData | null => {
    const xi = x as TensorInfo;
    const rank = xi.shape.length;
    const total = sizeOf(xi.shape);
    const trailing = axes.every((ax, i) => ax === rank - axes.length + i);
    const leading = axes.every((ax, i) => ax === i);
    if (!trailing && !leading) return null;
    const px = ptrOf(xi);
    const y = output(out);
    const outer = sizeOf(out.shape);
    if (axes.length === 0) {
      k.copy(y.ptr, px, total * 4);
    } else if (trailing) {
      k.sumTrailing(px, y.ptr, outer, outer === 0 ? 0 : total / outer);
    } else {
      const inner = outer;
      const acc = mem.alloc(inner * 8);
      k.sumLeading(px, y.ptr, inner === 0 ? 0 : total / inner, inner, acc);
      mem.freeBlock(acc, inner * 8);
    }
    return y;
  };

  const softmax =
    (log: number) =>
    ([x]: readonly TensorInfo[], { axis }: { axis: number }, out: OutputInfo): WasmData | null => {
      const xi = x as TensorInfo;
      if (axis !== xi.shape.length - 1) return null;
      const n = xi.shape[axis] as number;
      const total = sizeOf(xi.shape);
      const px = ptrOf(xi);
      const y = output(out);
      if (n > 0) k.softmax(px, y.ptr, total / n, n, log);
      return y;
    };

  /** [n, h, w, c, fh, fw, oh, ow, sh, sw, dh, dw, padTop, padLeft] */
  const convGeometry = (
    xShape: readonly number[],
    fShape: readonly number[],
    yShape: readonly number[],
    attrs: Conv2DAttrs,
  ): number[] => {
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

  const isPointwise = (g: readonly number[]): boolean =>
    g[4] === 1 && g[5] === 1 && g[8] === 1 && g[9] === 1 && g[1] === g[6] && g[2] === g[7];

  /** Column buffer (n*oh*ow rows of fh*fw*c) for x, or x itself for a pointwise conv. */
  function columns(px: number, g: readonly number[]): { ptr: number; bytes: number } {
    if (isPointwise(g)) return { ptr: px, bytes: 0 };
    const [n, , , c, fh, fw, oh, ow] = g as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const bytes = n * oh * ow * fh * fw * c * 4;
    const ptr = mem.alloc(bytes);
    k.im2col(px, ptr, ...g);
    return { ptr, bytes };
  }

  const conv2d = ([x, f]: readonly TensorInfo[], attrs: Conv2DAttrs, out: OutputInfo): WasmData => {
    const xi = x as TensorInfo;
    const fi = f as TensorInfo;
    const g = convGeometry(xi.shape, fi.shape, out.shape, attrs);
    const [n, , , c, fh, fw, oh, ow] = g as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const co = fi.shape[3] as number;
    const rowLen = fh * fw * c;
    const px = ptrOf(xi);
    const pf = ptrOf(fi);
    const col = columns(px, g);
    const y = output(out);
    k.zero(y.ptr, n * oh * ow * co * 4);
    gemm(n * oh * ow, co, rowLen, col.ptr, rowLen, 1, pf, co, 1, y.ptr, co);
    if (col.bytes > 0) mem.freeBlock(col.ptr, col.bytes);
    return y;
  };

  const conv2dBackpropInput = (
    [dy, f]: readonly TensorInfo[],
    attrs: Conv2DAttrs & { inputShape: readonly number[] },
    out: OutputInfo,
  ): WasmData => {
    const dyi = dy as TensorInfo;
    const fi = f as TensorInfo;
    const g = convGeometry(attrs.inputShape, fi.shape, dyi.shape, attrs);
    const [n, h, w, c, fh, fw, oh, ow] = g as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const co = fi.shape[3] as number;
    const rowLen = fh * fw * c;
    const pdy = ptrOf(dyi);
    const pf = ptrOf(fi);
    const dx = output(out);
    const rows = n * oh * ow;
    if (isPointwise(g)) {
      k.zero(dx.ptr, rows * c * 4);
      gemm(rows, rowLen, co, pdy, co, 1, pf, 1, co, dx.ptr, rowLen);
      return dx;
    }
    const bytes = rows * rowLen * 4;
    const col = mem.alloc(bytes);
    k.zero(col, bytes);
    // dcol (rows x rowLen) = dy (rows x co) * filter^T (co x rowLen)
    gemm(rows, rowLen, co, pdy, co, 1, pf, 1, co, col, rowLen);
    k.zero(dx.ptr, n * h * w * c * 4);
    k.col2im(col, dx.ptr, ...g);
    mem.freeBlock(col, bytes);
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
    const [n, , , c, fh, fw, oh, ow] = g as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const co = attrs.filterShape[3] as number;
    const rowLen = fh * fw * c;
    const px = ptrOf(xi);
    const pdy = ptrOf(dyi);
    const col = columns(px, g);
    const df = output(out);
    k.zero(df.ptr, rowLen * co * 4);
    // dFilter (rowLen x co) = col^T (rowLen x rows) * dy (rows x co)
    gemm(rowLen, co, n * oh * ow, col.ptr, 1, rowLen, pdy, co, 1, df.ptr, co);
    if (col.bytes > 0) mem.freeBlock(col.ptr, col.bytes);
    return df;
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

  const maxPool = ([x]: readonly TensorInfo[], attrs: PoolAttrs, out: OutputInfo): WasmData => {
    const xi = x as TensorInfo;
    const px = ptrOf(xi);
    const y = output(out);
    k.maxPool(px, y.ptr, ...poolGeometry(xi.shape, out.shape, attrs));
    return y;
  };

  const maxPoolGrad = (
    [x, dy]: readonly TensorInfo[],
    attrs: PoolAttrs,
    out: OutputInfo,
  ): WasmData => {
    const xi = x as TensorInfo;
    const dyi = dy as TensorInfo;
    const px = ptrOf(xi);
    const pdy = ptrOf(dyi);
    const dx = output(out);
    k.zero(dx.ptr, sizeOf(out.shape) * 4);
    k.maxPoolGrad(px, pdy, dx.ptr, ...poolGeometry(xi.shape, dyi.shape, attrs));
    return dx;
  };

  const nativeKernels: Partial<Record<KernelName, AnyImpl>> = {
    BatchMatMul: native('BatchMatMul', batchMatMul),
    Add: native('Add', binary(0)),
    Sub: native('Sub', binary(1)),
    Mul: native('Mul', binary(2)),
    Div: native('Div', binary(3)),
    Neg: native('Neg', unary(0)),
    Abs: native('Abs', unary(1)),
    Square: native('Square', unary(2)),
    Relu: native('Relu', unary(3)),
    Exp: native('Exp', unary(4)),
    Log: native('Log', unary(5)),
    Sigmoid: native('Sigmoid', unary(6)),
    Tanh: native('Tanh', unary(7)),
    Sum: native('Sum', sum),
    Softmax: native('Softmax', softmax(0)),
    LogSoftmax: native('LogSoftmax', softmax(1)),
    Conv2D: native('Conv2D', conv2d),
    Conv2DBackpropInput: native('Conv2DBackpropInput', conv2dBackpropInput),
    Conv2DBackpropFilter: native('Conv2DBackpropFilter', conv2dBackpropFilter),
    MaxPool: native('MaxPool', maxPool),
    MaxPoolGrad: native('MaxPoolGrad', maxPoolGrad),
  };

  const kernels = Object.fromEntries(
    (Object.keys(jsBackend.kernels) as KernelName[]).map((name) => [
      name,
      nativeKernels[name] ?? fallback(name),
    ]),
  ) as unknown as KernelTable;

  return { name: 'wasm', write, read, kernels, mem };
}

/** Kernels that run natively on float32 inputs (the rest fall back to the reference backend). */
export const NATIVE_KERNELS: readonly KernelName[] = [
  'BatchMatMul',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Neg',
  'Abs',
  'Square',
  'Relu',
  'Exp',
  'Log',
  'Sigmoid',
  'Tanh',
  'Sum',
  'Softmax',
  'LogSoftmax',
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'MaxPool',
  'MaxPoolGrad',
];

export type { KernelExports, KernelImpl };
