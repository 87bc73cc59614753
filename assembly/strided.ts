// Strided kernels for Lamina's wasm backend: broadcasting binary ops, where, strided copies.
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns.

// ---------------------------------------------------------------------------------------------
// Broadcasting and movement. The TypeScript side collapses shapes and writes an i32 table at
// `meta`: the output shape (rank entries), then one stride row per input (in elements; 0 on a
// broadcast dimension, possibly negative for a reversal), then rank entries of odometer scratch.
// The output is contiguous; the loops walk it row by row along the last dimension.

/** Advances the odometer over dims [0, rank - 1); returns false when the walk is done. */
// @ts-ignore: decorator
@inline
function odometer(meta: usize, rank: i32, idx: usize, offs: usize, nIn: i32): bool {
  for (let d = rank - 2; d >= 0; d--) {
    const pi = idx + (<usize>d << 2);
    const k = load<i32>(pi) + 1;
    const len = load<i32>(meta + (<usize>d << 2));
    for (let t = 0; t < nIn; t++) {
      const st = load<i32>(meta + (<usize>((1 + t) * rank + d) << 2));
      const po = offs + (<usize>t << 2);
      store<i32>(po, load<i32>(po) + (k < len ? st : -(k - 1) * st));
    }
    if (k < len) {
      store<i32>(pi, k);
      return true;
    }
    store<i32>(pi, 0);
  }
  return false;
}

/** y (contiguous) = x[start + sum idx[d] * step[d]]; es: element bytes (4 or 1). */
export function gatherStrided(x: usize, start: i32, y: usize, rank: i32, meta: usize, es: i32): void {
  const idx = meta + (<usize>(2 * rank) << 2);
  const offs = idx + (<usize>rank << 2);
  for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
  store<i32>(offs, start);
  const len = load<i32>(meta + (<usize>(rank - 1) << 2));
  const step = load<i32>(meta + (<usize>(2 * rank - 1) << 2));
  const rowBytes = <usize>(len * es);
  let dst = y;
  do {
    const off = load<i32>(offs);
    if (es == 4) {
      const src = x + (<usize>off << 2);
      if (step == 1) memory.copy(dst, src, rowBytes);
      else if (step == 0) {
        const v = load<f32>(src);
        const vv = f32x4.splat(v);
        let j = 0;
        for (; j + 4 <= len; j += 4) v128.store(dst + (<usize>j << 2), vv);
        for (; j < len; j++) store<f32>(dst + (<usize>j << 2), v);
      } else {
        let p = src;
        const sb = <usize>(step << 2);
        for (let j = 0; j < len; j++) {
          store<i32>(dst + (<usize>j << 2), load<i32>(p));
          p += sb;
        }
      }
    } else {
      const src = x + <usize>off;
      if (step == 1) memory.copy(dst, src, rowBytes);
      else if (step == 0) memory.fill(dst, load<u8>(src), rowBytes);
      else for (let j = 0; j < len; j++) store<u8>(dst + <usize>j, load<u8>(src + <usize>(j * step)));
    }
    dst += rowBytes;
  } while (odometer(meta, rank, idx, offs, 1));
}

/** 2-D transpose of 4-byte elements, in 8x8 tiles: y (cols x rows) = x (rows x cols)^T. */
export function transpose2d(x: usize, y: usize, rows: i32, cols: i32): void {
  const T = 8;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = min(rows, i0 + T);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = min(cols, j0 + T);
      for (let j = j0; j < j1; j++) {
        const yr = y + (<usize>(j * rows) << 2);
        for (let i = i0; i < i1; i++) {
          store<i32>(yr + (<usize>i << 2), load<i32>(x + (<usize>(i * cols + j) << 2)));
        }
      }
    }
  }
}

// Binary ops over broadcast strides. op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum
// (f32 out); 8 equal, 9 notEqual, 10 greater, 11 greaterEqual, 12 less, 13 lessEqual (bool out,
// one byte per element).

// @ts-ignore: decorator
@inline
function fop(op: i32, x: f32, y: f32): f32 {
  if (op == 0) return x + y;
  if (op == 1) return x - y;
  if (op == 2) return x * y;
  if (op == 3) return x / y;
  if (x != x || y != y) return NaN;
  if (op == 4) return x > y ? x : y;
  return x < y ? x : y;
}

// @ts-ignore: decorator
@inline
function vfop(op: i32, x: v128, y: v128): v128 {
  if (op == 0) return f32x4.add(x, y);
  if (op == 1) return f32x4.sub(x, y);
  if (op == 2) return f32x4.mul(x, y);
  if (op == 3) return f32x4.div(x, y);
  // As the reference: x > y ? x : y (x < y for minimum), NaN when either is NaN.
  const pick = op == 4 ? f32x4.gt(x, y) : f32x4.lt(x, y);
  const r = v128.bitselect(x, y, pick);
  const ok = v128.and(f32x4.eq(x, x), f32x4.eq(y, y));
  return v128.bitselect(r, f32x4.add(x, y), ok);
}

// @ts-ignore: decorator
@inline
function cop(op: i32, x: f32, y: f32): u8 {
  if (op == 8) return <u8>(x == y);
  if (op == 9) return <u8>(x != y);
  if (op == 10) return <u8>(x > y);
  if (op == 11) return <u8>(x >= y);
  if (op == 12) return <u8>(x < y);
  return <u8>(x <= y);
}

// @ts-ignore: decorator
@inline
function binRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, y: usize, n: i32): void {
  if (op < 8) {
    let j = 0;
    if (sa == 1 && sb == 1) {
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(y + o, vfop(op, v128.load(a + o), v128.load(b + o)));
      }
    } else if (sa == 1 && sb == 0) {
      const v = v128.load32_splat(b);
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(y + o, vfop(op, v128.load(a + o), v));
      }
    } else if (sa == 0 && sb == 1) {
      const v = v128.load32_splat(a);
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(y + o, vfop(op, v, v128.load(b + o)));
      }
    }
    for (; j < n; j++) {
      store<f32>(
        y + (<usize>j << 2),
        fop(op, load<f32>(a + (<usize>(j * sa) << 2)), load<f32>(b + (<usize>(j * sb) << 2))),
      );
    }
  } else {
    for (let j = 0; j < n; j++) {
      store<u8>(
        y + <usize>j,
        cop(op, load<f32>(a + (<usize>(j * sa) << 2)), load<f32>(b + (<usize>(j * sb) << 2))),
      );
    }
  }
}

// @ts-ignore: decorator
@inline
function binBroadcastOp(op: i32, a: usize, b: usize, y: usize, rank: i32, meta: usize): void {
  const idx = meta + (<usize>(3 * rank) << 2);
  const offs = idx + (<usize>rank << 2);
  for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
  store<i32>(offs, 0);
  store<i32>(offs + 4, 0);
  const len = load<i32>(meta + (<usize>(rank - 1) << 2));
  const sa = load<i32>(meta + (<usize>(2 * rank - 1) << 2));
  const sb = load<i32>(meta + (<usize>(3 * rank - 1) << 2));
  const yb = <usize>(op < 8 ? len << 2 : len);
  let dst = y;
  do {
    binRow(op, a + (<usize>load<i32>(offs) << 2), sa, b + (<usize>load<i32>(offs + 4) << 2), sb, dst, len);
    dst += yb;
  } while (odometer(meta, rank, idx, offs, 2));
}

export function binaryBroadcast(op: i32, a: usize, b: usize, y: usize, rank: i32, meta: usize): void {
  if (op == 0) binBroadcastOp(0, a, b, y, rank, meta);
  else if (op == 1) binBroadcastOp(1, a, b, y, rank, meta);
  else if (op == 2) binBroadcastOp(2, a, b, y, rank, meta);
  else if (op == 3) binBroadcastOp(3, a, b, y, rank, meta);
  else if (op == 4) binBroadcastOp(4, a, b, y, rank, meta);
  else if (op == 5) binBroadcastOp(5, a, b, y, rank, meta);
  else if (op == 8) binBroadcastOp(8, a, b, y, rank, meta);
  else if (op == 9) binBroadcastOp(9, a, b, y, rank, meta);
  else if (op == 10) binBroadcastOp(10, a, b, y, rank, meta);
  else if (op == 11) binBroadcastOp(11, a, b, y, rank, meta);
  else if (op == 12) binBroadcastOp(12, a, b, y, rank, meta);
  else binBroadcastOp(13, a, b, y, rank, meta);
}

/** y = cond ? a : b over broadcast strides (cond one byte per element; a, b, y 4-byte). */
export function where(c: usize, a: usize, b: usize, y: usize, rank: i32, meta: usize): void {
  const idx = meta + (<usize>(4 * rank) << 2);
  const offs = idx + (<usize>rank << 2);
  for (let d = 0; d < rank; d++) store<i32>(idx + (<usize>d << 2), 0);
  store<i32>(offs, 0);
  store<i32>(offs + 4, 0);
  store<i32>(offs + 8, 0);
  const len = load<i32>(meta + (<usize>(rank - 1) << 2));
  const sc = load<i32>(meta + (<usize>(2 * rank - 1) << 2));
  const sa = load<i32>(meta + (<usize>(3 * rank - 1) << 2));
  const sb = load<i32>(meta + (<usize>(4 * rank - 1) << 2));
  let dst = y;
  do {
    const cr = c + <usize>load<i32>(offs);
    const ar = a + (<usize>load<i32>(offs + 4) << 2);
    const br = b + (<usize>load<i32>(offs + 8) << 2);
    if (sc == 1 && sa == 1 && sb == 0) {
      const bv = load<i32>(br);
      for (let j = 0; j < len; j++) {
        store<i32>(dst + (<usize>j << 2), load<u8>(cr + <usize>j) ? load<i32>(ar + (<usize>j << 2)) : bv);
      }
    } else {
      for (let j = 0; j < len; j++) {
        store<i32>(
          dst + (<usize>j << 2),
          load<u8>(cr + <usize>(j * sc))
            ? load<i32>(ar + (<usize>(j * sa) << 2))
            : load<i32>(br + (<usize>(j * sb) << 2)),
        );
      }
    }
    dst += <usize>len << 2;
  } while (odometer(meta, rank, idx, offs, 3));
}
