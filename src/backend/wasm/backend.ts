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
import { sizeOf, stridesOf, type Shape } from '../../tensor/shape.js';
import { broadcastStrides } from '../js/util.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { elementBytes, WasmData, WasmMemory } from './memory.js';
import type { KernelExports, LoadedKernels } from './module.js';
import {
  browserThreadHost,
  nodeThreadHost,
  OP_GEMM,
  ThreadPool,
  type ThreadHost,
} from './threads.js';

type AnyImpl = (inputs: readonly TensorInfo[], attrs: unknown, out: OutputInfo) => DataHandle;

export interface WasmBackend extends Backend {
  readonly mem: WasmMemory;
  /** Whether the memory is shared, so that `setThreads(n > 1)` can start workers. */
  readonly shared: boolean;
  setThreads(n: number): void;
  getThreads(): number;
  setThreadHost(host: ThreadHost): void;
}

/** GEMMs with fewer multiply-adds than this stay on the calling thread (dispatch costs ~10 us). */
const PARALLEL_MIN_MACS = 2 ** 21;

export function createWasmBackend({
  memory,
  exports: k,
  module,
  shared,
}: LoadedKernels): WasmBackend {
  const gemmScratch = Math.ceil(k.heapBase() / 16) * 16;
  // An i32 table of shapes and strides for the broadcasting and movement kernels.
  const meta = gemmScratch + k.gemmScratchBytes();
  const META_INTS = 256;
  const base = meta + META_INTS * 4;
  const need = base - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
  const mem = new WasmMemory(memory, base);

  const dataOf = (info: TensorInfo): WasmData => info.data as WasmData;

  /** Byte offset of an input's values in linear memory, copying them in unless resident. */
  const ptrOf = (info: TensorInfo): number => mem.ptrOf(dataOf(info));

  /** A fresh output handle with a block in linear memory (written through to JS by `native`). */
  const output = (out: OutputInfo): WasmData => mem.output(sizeOf(out.shape), out.dtype);

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

  const allFloat = (inputs: readonly TensorInfo[], out: OutputInfo): boolean =>
    out.dtype === 'float32' && inputs.every((i) => i.dtype === 'float32');

  /**
   * A native kernel that returns null where it does not apply (then the reference runs).
   * `accepts` says which dtypes it takes (float32 in and out unless told).
   */
  function native(
    name: KernelName,
    impl: (inputs: readonly TensorInfo[], attrs: never, out: OutputInfo) => WasmData | null,
    accepts: (inputs: readonly TensorInfo[], out: OutputInfo) => boolean = allFloat,
  ): AnyImpl {
    const slow = fallback(name);
    return (inputs, attrs, out) => {
      if (!accepts(inputs, out)) return slow(inputs, attrs, out);
      mem.beginKernel();
      const y = impl(inputs, attrs as never, out);
      if (y === null) return slow(inputs, attrs, out);
      mem.settle(y);
      return y;
    };
  }

  /**
   * Drops size-1 dimensions and merges neighbours that every stride row walks contiguously, so
   * the kernels' inner loops run as long as possible. Returns rank >= 1.
   */
  function collapse(
    shape: readonly number[],
    rows: readonly (readonly number[])[],
  ): { shape: number[]; rows: number[][] } {
    const outShape: number[] = [];
    const outRows: number[][] = rows.map(() => []);
    for (let d = 0; d < shape.length; d++) {
      const len = shape[d] as number;
      if (len === 1) continue;
      const last = outShape.length - 1;
      if (
        last >= 0 &&
        rows.every((r, t) => (outRows[t]![last] as number) === (r[d] as number) * len)
      ) {
        outShape[last] = (outShape[last] as number) * len;
        rows.forEach((r, t) => (outRows[t]![last] = r[d] as number));
        continue;
      }
      outShape.push(len);
      rows.forEach((r, t) => outRows[t]!.push(r[d] as number));
    }
    if (outShape.length === 0) return { shape: [1], rows: rows.map(() => [0]) };
    return { shape: outShape, rows: outRows };
  }

  /** Writes shape and stride rows to the meta table; false when they do not fit. */
  function writeMeta(c: { shape: number[]; rows: number[][] }): boolean {
    const rank = c.shape.length;
    if (rank * (c.rows.length + 3) > META_INTS) return false;
    mem.refreshViews();
    const at = meta >>> 2;
    mem.i32.set(c.shape, at);
    c.rows.forEach((r, t) => mem.i32.set(r, at + (t + 1) * rank));
    return true;
  }

  /** y = x read at `start` + sum idx[d] * steps[d] over the output shape (any dtype). */
  function gatherStrided(
    x: TensorInfo,
    outShape: readonly number[],
    steps: readonly number[],
    start: number,
    out: OutputInfo,
  ): WasmData | null {
    const c = collapse(outShape, [steps]);
    if (!writeMeta(c)) return null;
    const px = ptrOf(x);
    const y = output(out);
    if (sizeOf(out.shape) === 0) return y;
    const rank = c.shape.length;
    const es = elementBytes(x.dtype);
    if (
      es === 4 &&
      rank === 2 &&
      c.rows[0]![0] === 1 &&
      c.rows[0]![1] === c.shape[0] &&
      start === 0
    )
      k.transpose2d(px, y.ptr, c.shape[1] as number, c.shape[0] as number);
    else k.gatherStrided(px, start, y.ptr, rank, meta, es);
    return y;
  }

  // ------------------------------------------------------------------ threads
  let pool: ThreadPool | null = null;
  let host: ThreadHost | null = null;
  /** Packing scratch per thread (thread 0 uses gemmScratch). */
  const scratch: number[] = [gemmScratch];

  function setThreads(n: number): void {
    if (n === (pool?.size ?? 1)) return;
    pool?.stop();
    pool = null;
    if (n === 1) return;
    if (!shared) {
      throw new Error(
        'setThreads: this runtime has no shared WebAssembly memory (browsers need a cross-origin ' +
          'isolated page: COOP same-origin + COEP require-corp)',
      );
    }
    host ??= nodeThreadHost() ?? browserThreadHost();
    if (host === null) throw new Error('setThreads: no way to start workers in this runtime');
    while (scratch.length < n) scratch.push(mem.allocPinned(k.gemmScratchBytes()));
    pool = new ThreadPool(host, module, memory, n);
  }

  /**
   * C += A B. Large products are split across the pool by column blocks (or by row blocks when
   * C is taller than wide); each thread packs its own panels into its own scratch.
   */
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
    const threads = pool?.size ?? 1;
    if (pool === null || m * n * kk < PARALLEL_MIN_MACS) {
      k.gemm(m, n, kk, a, ars, acs, b, brs, bcs, c, ldc, gemmScratch);
      return;
    }
    const rows: number[][] = [];
    if (n >= m) {
      const chunk = Math.ceil(n / threads / 8) * 8;
      for (let t = 0, j0 = 0; j0 < n; t++, j0 += chunk) {
        const w = Math.min(chunk, n - j0);
        rows.push([
          m,
          w,
          kk,
          a,
          ars,
          acs,
          b + j0 * bcs * 4,
          brs,
          bcs,
          c + j0 * 4,
          ldc,
          scratch[t] as number,
        ]);
      }
    } else {
      const chunk = Math.ceil(m / threads / 4) * 4;
      for (let t = 0, i0 = 0; i0 < m; t++, i0 += chunk) {
        const h = Math.min(chunk, m - i0);
        rows.push([
          h,
          n,
          kk,
          a + i0 * ars * 4,
          ars,
          acs,
          b,
          brs,
          bcs,
          c + i0 * ldc * 4,
          ldc,
          scratch[t] as number,
        ]);
      }
    }
    pool.run(OP_GEMM, rows, (r) =>
      k.gemm(
        r[0] as number,
        r[1] as number,
        r[2] as number,
        r[3] as number,
        r[4] as number,
        r[5] as number,
        r[6] as number,
        r[7] as number,
        r[8] as number,
        r[9] as number,
        r[10] as number,
        r[11] as number,
      ),
    );
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
      } else return broadcast(op, ai, bi, out);
      const pa = ptrOf(ai);
      const pb = ptrOf(bi);
      const y = output(out);
      if (n > 0) k.binary(op, mode, pa, pb, y.ptr, n, m);
      return y;
    };

  /** Binary op `op` (see assembly/kernels.ts) over general broadcasting. */
  function broadcast(op: number, a: TensorInfo, b: TensorInfo, out: OutputInfo): WasmData | null {
    const c = collapse(out.shape, [
      broadcastStrides(a.shape, out.shape),
      broadcastStrides(b.shape, out.shape),
    ]);
    if (!writeMeta(c)) return null;
    const pa = ptrOf(a);
    const pb = ptrOf(b);
    const y = output(out);
    if (sizeOf(out.shape) > 0) k.binaryBroadcast(op, pa, pb, y.ptr, c.shape.length, meta);
    return y;
  }

  const broadcastOp =
    (op: number) =>
    ([a, b]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData | null =>
      broadcast(op, a as TensorInfo, b as TensorInfo, out);

  const floatInputs = (inputs: readonly TensorInfo[]): boolean =>
    inputs.every((i) => i.dtype === 'float32');

  const where = ([c, a, b]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo) => {
    const ci = c as TensorInfo;
    const ai = a as TensorInfo;
    const bi = b as TensorInfo;
    const col = collapse(out.shape, [
      broadcastStrides(ci.shape, out.shape),
      broadcastStrides(ai.shape, out.shape),
      broadcastStrides(bi.shape, out.shape),
    ]);
    if (!writeMeta(col)) return null;
    const pc = ptrOf(ci);
    const pa = ptrOf(ai);
    const pb = ptrOf(bi);
    const y = output(out);
    if (sizeOf(out.shape) > 0) k.where(pc, pa, pb, y.ptr, col.shape.length, meta);
    return y;
  };

  const CAST_MODES: Record<string, number> = {
    'float32>int32': 0,
    'float32>bool': 1,
    'int32>float32': 2,
    'bool>float32': 3,
    'int32>bool': 4,
    'bool>int32': 5,
  };

  const cast = ([x]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData => {
    const xi = x as TensorInfo;
    const px = ptrOf(xi);
    const y = output(out);
    const n = sizeOf(out.shape);
    if (xi.dtype === out.dtype) k.copy(y.ptr, px, n * elementBytes(out.dtype));
    else k.cast(px, y.ptr, n, CAST_MODES[`${xi.dtype}>${out.dtype}`] as number);
    return y;
  };

  const transpose = (
    [x]: readonly TensorInfo[],
    { perm }: { perm: readonly number[] },
    out: OutputInfo,
  ): WasmData | null => {
    const xi = x as TensorInfo;
    const st = stridesOf(xi.shape);
    return gatherStrided(
      xi,
      out.shape,
      perm.map((p) => st[p] as number),
      0,
      out,
    );
  };

  const slice = (
    [x]: readonly TensorInfo[],
    { begin, strides }: { begin: readonly number[]; strides: readonly number[] },
    out: OutputInfo,
  ): WasmData | null => {
    const xi = x as TensorInfo;
    const st = stridesOf(xi.shape);
    let start = 0;
    for (let d = 0; d < begin.length; d++) start += (begin[d] as number) * (st[d] as number);
    return gatherStrided(
      xi,
      out.shape,
      st.map((s, d) => s * (strides[d] as number)),
      start,
      out,
    );
  };

  const reverse = (
    [x]: readonly TensorInfo[],
    { axes }: { axes: readonly number[] },
    out: OutputInfo,
  ): WasmData | null => {
    const xi = x as TensorInfo;
    const st = stridesOf(xi.shape);
    const steps = st.slice();
    let start = 0;
    for (const a of axes) {
      start += ((xi.shape[a] as number) - 1) * (st[a] as number);
      steps[a] = -(st[a] as number);
    }
    return gatherStrided(xi, out.shape, steps, start, out);
  };

  /** Tile as a strided read over [reps0, s0, reps1, s1, ...] with step 0 on the reps. */
  const tile = ([x]: readonly TensorInfo[], _attrs: unknown, out: OutputInfo): WasmData | null => {
    const xi = x as TensorInfo;
    const st = stridesOf(xi.shape);
    const shape: number[] = [];
    const steps: number[] = [];
    xi.shape.forEach((s, d) => {
      shape.push((out.shape[d] as number) / s, s);
      steps.push(0, st[d] as number);
    });
    if (xi.shape.some((s) => s === 0)) return output(out);
    return gatherStrided(xi, shape, steps, 0, out);
  };

  const anyDtype = (): boolean => true;
  const sameWidth = (inputs: readonly TensorInfo[], out: OutputInfo): boolean =>
    inputs.every((i) => i.dtype === out.dtype);

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
    if (!trailing && !leading) {
      // Move the reduced axes last (a strided copy into scratch), then sum trailing.
      const keep = xi.shape.map((_, d) => d).filter((d) => !axes.includes(d));
      const perm = [...keep, ...axes];
      const st = stridesOf(xi.shape);
      const c = collapse(
        perm.map((p) => xi.shape[p] as number),
        [perm.map((p) => st[p] as number)],
      );
      if (!writeMeta(c)) return null;
      const px = ptrOf(xi);
      const y = output(out);
      const outer = sizeOf(out.shape);
      if (total > 0) {
        const moved = mem.alloc(total * 4);
        k.gatherStrided(px, 0, moved, c.shape.length, meta, 4);
        k.sumTrailing(moved, y.ptr, outer, outer === 0 ? 0 : total / outer);
        mem.freeBlock(moved, total * 4);
      } else k.zero(y.ptr, outer * 4);
      return y;
    }
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
    Sign: native('Sign', unary(8)),
    Sqrt: native('Sqrt', unary(9)),
    Rsqrt: native('Rsqrt', unary(10)),
    Reciprocal: native('Reciprocal', unary(11)),
    Floor: native('Floor', unary(12)),
    Ceil: native('Ceil', unary(13)),
    Maximum: native('Maximum', broadcastOp(4)),
    Minimum: native('Minimum', broadcastOp(5)),
    Equal: native('Equal', broadcastOp(8), floatInputs),
    NotEqual: native('NotEqual', broadcastOp(9), floatInputs),
    Greater: native('Greater', broadcastOp(10), floatInputs),
    GreaterEqual: native('GreaterEqual', broadcastOp(11), floatInputs),
    Less: native('Less', broadcastOp(12), floatInputs),
    LessEqual: native('LessEqual', broadcastOp(13), floatInputs),
    Where: native(
      'Where',
      where,
      ([c, a, b], out) =>
        c?.dtype === 'bool' &&
        out.dtype !== 'bool' &&
        a?.dtype === out.dtype &&
        b?.dtype === out.dtype,
    ),
    Cast: native('Cast', cast, anyDtype),
    Transpose: native('Transpose', transpose, sameWidth),
    Slice: native('Slice', slice, sameWidth),
    Reverse: native('Reverse', reverse, sameWidth),
    Tile: native('Tile', tile, sameWidth),
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

  return {
    name: 'wasm',
    write,
    read,
    kernels,
    mem,
    shared,
    setThreads,
    getThreads: () => pool?.size ?? 1,
    setThreadHost: (h) => {
      host = h;
      const n = pool?.size ?? 1;
      if (n > 1) {
        setThreads(1);
        setThreads(n);
      }
    },
  };
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
  'Sign',
  'Sqrt',
  'Rsqrt',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Maximum',
  'Minimum',
  'Equal',
  'NotEqual',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Where',
  'Cast',
  'Transpose',
  'Slice',
  'Reverse',
  'Tile',
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
