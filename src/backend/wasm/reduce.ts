/**
 * The wasm backend's reductions: Sum over leading or trailing axes (other axes are moved last by
 * a strided copy first), and Softmax / LogSoftmax over the last axis.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { collapse, type NativeTable, type WasmKernelContext } from './context.js';
import type { WasmData } from './memory.js';

export function reduceKernels({
  mem,
  k,
  meta,
  ptrOf,
  output,
  native,
  writeMeta,
}: WasmKernelContext): NativeTable {
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

  return {
    Sum: native('Sum', sum),
    Softmax: native('Softmax', softmax(0)),
    LogSoftmax: native('LogSoftmax', softmax(1)),
  };
}
