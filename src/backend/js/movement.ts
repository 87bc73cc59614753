import type { KernelImpl } from '../backend.js';
import type { MovementKernels } from '../kernels.js';
import { stridesOf } from '../../tensor/shape.js';
import { aroundAxis } from './reduce.js';
import { alloc, valuesOf } from './util.js';

type MovementTable = { readonly [K in keyof MovementKernels]: KernelImpl<K> };

/**
 * Walks every output position in row-major order while tracking an input offset that moves by
 * `inStep[d]` when output dimension d advances (the shared engine of transpose, slice, tile...).
 */
function gatherStrided(
  src: ArrayLike<number>,
  dst: { [i: number]: number; length: number },
  outShape: readonly number[],
  inStep: readonly number[],
  start: number,
): void {
  const rank = outShape.length;
  const n = dst.length;
  if (n === 0) return;
  if (rank === 0) {
    dst[0] = src[start] as number;
    return;
  }
  const last = rank - 1;
  const lastLen = outShape[last] as number;
  const lastStep = inStep[last] as number;
  const idx = new Array<number>(rank).fill(0);
  let base = start;
  for (let i = 0; i < n; i += lastLen) {
    for (let j = 0; j < lastLen; j++) dst[i + j] = src[base + j * lastStep] as number;
    for (let d = last - 1; d >= 0; d--) {
      const k = (idx[d] as number) + 1;
      if (k < (outShape[d] as number)) {
        idx[d] = k;
        base += inStep[d] as number;
        break;
      }
      idx[d] = 0;
      base -= (k - 1) * (inStep[d] as number);
    }
  }
}

export const movementKernels: MovementTable = {
  Transpose: ([x], { perm }, out) => {
    const ys = alloc(out);
    const xStrides = stridesOf(x.shape);
    gatherStrided(
      valuesOf(x),
      ys,
      out.shape,
      perm.map((p) => xStrides[p] as number),
      0,
    );
    return ys;
  },
  Slice: ([x], { begin, strides }, out) => {
    const ys = alloc(out);
    const xStrides = stridesOf(x.shape);
    let start = 0;
    for (let d = 0; d < begin.length; d++) start += (begin[d] as number) * (xStrides[d] as number);
    gatherStrided(
      valuesOf(x),
      ys,
      out.shape,
      xStrides.map((s, d) => s * (strides[d] as number)),
      start,
    );
    return ys;
  },
  Pad: ([x], { before, interior, value }, out) => {
    const ys = alloc(out);
    if (value !== 0) ys.fill(value);
    const xs = valuesOf(x);
    const outStrides = stridesOf(out.shape);
    // Scatter x into the output: input step d lands at (before + i * (interior + 1)).
    const rank = x.shape.length;
    let start = 0;
    for (let d = 0; d < rank; d++) start += (before[d] as number) * (outStrides[d] as number);
    const step = outStrides.map((s, d) => s * ((interior[d] as number) + 1));
    if (rank === 0) {
      ys[0] = xs[0] as number;
      return ys;
    }
    const idx = new Array<number>(rank).fill(0);
    let o = start;
    for (let i = 0; i < xs.length; i++) {
      ys[o] = xs[i] as number;
      for (let d = rank - 1; d >= 0; d--) {
        const k = (idx[d] as number) + 1;
        if (k < (x.shape[d] as number)) {
          idx[d] = k;
          o += step[d] as number;
          break;
        }
        idx[d] = 0;
        o -= (k - 1) * (step[d] as number);
      }
    }
    return ys;
  },
  Concat: (inputs, { axis }, out) => {
    const ys = alloc(out);
    const { outer, inner } = aroundAxis(out.shape, axis);
    const rowOut = (out.shape[axis] as number) * inner;
    let offset = 0;
    for (const x of inputs) {
      const xs = valuesOf(x);
      const row = (x.shape[axis] as number) * inner;
      for (let o = 0; o < outer; o++)
        ys.set(xs.subarray(o * row, (o + 1) * row), o * rowOut + offset);
      offset += row;
    }
    return ys;
  },
  Gather: ([x, indices], { axis }, out) => {
    const ys = alloc(out);
    const xs = valuesOf(x);
    const ids = valuesOf(indices);
    const { outer, n, inner } = aroundAxis(x.shape, axis);
    const m = ids.length;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const src = (o * n + (ids[j] as number)) * inner;
        ys.set(xs.subarray(src, src + inner), (o * m + j) * inner);
      }
    }
    return ys;
  },
  ScatterAdd: ([updates, indices], { axis, size }, out) => {
    const ys = alloc(out);
    const us = valuesOf(updates);
    const ids = valuesOf(indices);
    const { outer, inner } = aroundAxis(out.shape, axis);
    const m = ids.length;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const dst = (o * size + (ids[j] as number)) * inner;
        const src = (o * m + j) * inner;
        for (let k = 0; k < inner; k++)
          ys[dst + k] = (ys[dst + k] as number) + (us[src + k] as number);
      }
    }
    return ys;
  },
  Tile: ([x], _attrs, out) => {
    const ys = alloc(out);
    const xs = valuesOf(x);
    const rank = out.shape.length;
    const xStrides = stridesOf(x.shape);
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < ys.length; i++) {
      let src = 0;
      for (let d = 0; d < rank; d++)
        src += ((idx[d] as number) % (x.shape[d] as number)) * (xStrides[d] as number);
      ys[i] = xs[src] as number;
      for (let d = rank - 1; d >= 0; d--) {
        const k = (idx[d] as number) + 1;
        if (k < (out.shape[d] as number)) {
          idx[d] = k;
          break;
        }
        idx[d] = 0;
      }
    }
    return ys;
  },
  Reverse: ([x], { axes }, out) => {
    const ys = alloc(out);
    const xStrides = stridesOf(x.shape);
    let start = 0;
    const step = xStrides.slice();
    for (const a of axes) {
      start += ((x.shape[a] as number) - 1) * (xStrides[a] as number);
      step[a] = -(xStrides[a] as number);
    }
    gatherStrided(valuesOf(x), ys, out.shape, step, start);
    return ys;
  },
  OneHot: ([indices], { depth, onValue, offValue }, out) => {
    const ys = alloc(out);
    if (offValue !== 0) ys.fill(offValue);
    const ids = valuesOf(indices);
    for (let i = 0; i < ids.length; i++) {
      const k = ids[i] as number;
      if (k >= 0 && k < depth) ys[i * depth + k] = onValue;
    }
    return ys;
  },
};
