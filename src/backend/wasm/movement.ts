/**
 * The wasm backend's movement kernels: Transpose, Slice, Reverse and Tile, each one strided read
 * (`gatherStrided`) of its input, on 4-byte or 1-byte elements of any dtype.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { collapse, type NativeTable, type WasmKernelContext } from './context.js';
import { elementBytes, type WasmData } from './memory.js';

export function movementKernels({
  k,
  meta,
  ptrOf,
  output,
  native,
  writeMeta,
}: WasmKernelContext): NativeTable {
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

  const sameWidth = (inputs: readonly TensorInfo[], out: OutputInfo): boolean =>
    inputs.every((i) => i.dtype === out.dtype);

  return {
    Transpose: native('Transpose', transpose, sameWidth),
    Slice: native('Slice', slice, sameWidth),
    Reverse: native('Reverse', reverse, sameWidth),
    Tile: native('Tile', tile, sameWidth),
  };
}
