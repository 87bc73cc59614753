// GEMM and the memory helpers (zero, copy) for Lamina's wasm backend.
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns.

// ---------------------------------------------------------------------------------------------
// Packed GEMM after Goto & van de Geijn: C (m x n, row stride ldc) += A (m x k) * B (k x n), or
// C = A B when `overwrite` (the first k-panel stores instead of adding: no zero-fill of C and one
// read of C fewer), where element (i, j) of A is at a + 4 * (i * ars + j * acs) (likewise B), so
// transposed operands are just other strides and are packed at full speed. Micro-kernel: 4 rows x
// 8 columns of f32x4.

export const MR: i32 = 4;
export const NR: i32 = 8;
export const MC: i32 = 64;
export const KC: i32 = 512;
const NC: i32 = 1024;

/** Bytes of packing scratch gemm needs (A block, B block, an edge tile). */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/**
 * Reads 4 rows of 4 floats (at src, src + srcStride, ...) and writes them transposed as 4 rows
 * (at dst, dst + dstStride, ...): row i of the output holds element i of each input row.
 */
// @ts-ignore: decorator
@inline
function transpose4(src: usize, srcStride: usize, dst: usize, dstStride: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + srcStride);
  const r2 = v128.load(src + 2 * srcStride);
  const r3 = v128.load(src + 3 * srcStride);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstStride, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

function packB(b: usize, brs: i32, bcs: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const col0 = jc + j;
    if (cols == NR && bcs == 1) {
      let src = b + (<usize>((pc * brs + col0) << 2));
      const step = <usize>(brs << 2);
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst + 16, v128.load(src + 16));
        src += step;
        dst += 32;
      }
    } else if (cols == NR && brs == 1) {
      // B^T stored row-major: column j of B is contiguous along p.
      for (let c = 0; c < NR; c++) {
        let src = b + (<usize>(((col0 + c) * bcs + pc) << 2));
        let d = dst + (<usize>(c << 2));
        for (let p = 0; p < kc; p++) {
          store<f32>(d, load<f32>(src));
          src += 4;
          d += 32;
        }
      }
      dst += <usize>(kc * 32);
    } else {
      for (let p = 0; p < kc; p++) {
        const row = b + (<usize>(((pc + p) * brs + col0 * bcs) << 2));
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>(c << 2)), c < cols ? load<f32>(row + (<usize>((c * bcs) << 2))) : 0);
        }
        dst += 32;
      }
    }
  }
}

export function packA(a: usize, ars: i32, acs: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const row0 = ic + i;
    if (rows == MR && ars == 1) {
      // A^T stored row-major: the 4 rows of a panel are contiguous for each p.
      let src = a + (<usize>((row0 + pc * acs) << 2));
      const step = <usize>(acs << 2);
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += step;
        dst += 16;
      }
    } else if (rows == MR && acs == 1) {
      // Rows of A contiguous along p: 4 x 4 blocks transposed in registers.
      const rowB = <usize>(ars << 2);
      const s0 = a + (<usize>((row0 * ars + pc) << 2));
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        transpose4(s0 + (<usize>(p << 2)), rowB, dst, 16);
        dst += 64;
      }
      for (; p < kc; p++) {
        const o = <usize>(p << 2);
        store<f32>(dst, load<f32>(s0 + o));
        store<f32>(dst + 4, load<f32>(s0 + rowB + o));
        store<f32>(dst + 8, load<f32>(s0 + 2 * rowB + o));
        store<f32>(dst + 12, load<f32>(s0 + 3 * rowB + o));
        dst += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(
            dst + (<usize>(r << 2)),
            r < rows ? load<f32>(a + (<usize>(((row0 + r) * ars + (pc + p) * acs) << 2))) : 0,
          );
        }
        dst += 16;
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function addRow(c: usize, lo: v128, hi: v128): void {
  v128.store(c, f32x4.add(v128.load(c), lo));
  v128.store(c + 16, f32x4.add(v128.load(c + 16), hi));
}

// @ts-ignore: decorator
@inline
function storeRow(c: usize, lo: v128, hi: v128): void {
  v128.store(c, lo);
  v128.store(c + 16, hi);
}

export function micro(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, tile: usize, add: bool,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // Bounded by A's pointer rather than a counter: one induction variable fewer in the loop V8
  // compiles, measured 8% faster (unrolling by 2 or 6- and 5-row tiles measured slower: V8
  // spills the extra registers).
  const end = pa + <usize>(kc << 4);
  while (pa < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb + 16);
    let a = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa + 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa + 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa + 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 16;
    pb += 32;
  }
  const stride = <usize>(ldc << 2);
  if (rows == MR && cols == NR) {
    if (add) {
      addRow(c, c00, c01);
      addRow(c + stride, c10, c11);
      addRow(c + 2 * stride, c20, c21);
      addRow(c + 3 * stride, c30, c31);
    } else {
      storeRow(c, c00, c01);
      storeRow(c + stride, c10, c11);
      storeRow(c + 2 * stride, c20, c21);
      storeRow(c + 3 * stride, c30, c31);
    }
    return;
  }
  v128.store(tile, c00);
  v128.store(tile + 16, c01);
  v128.store(tile + 32, c10);
  v128.store(tile + 48, c11);
  v128.store(tile + 64, c20);
  v128.store(tile + 80, c21);
  v128.store(tile + 96, c30);
  v128.store(tile + 112, c31);
  for (let r = 0; r < rows; r++) {
    const crow = c + <usize>r * stride;
    const trow = tile + (<usize>(r * 32));
    for (let j = 0; j < cols; j++) {
      const o = crow + (<usize>(j << 2));
      const v = load<f32>(trow + (<usize>(j << 2)));
      store<f32>(o, add ? load<f32>(o) + v : v);
    }
  }
}

export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  scratch: usize,
  overwrite: i32,
): void {
  const pa = scratch;
  const pb = scratch + (<usize>(MC * KC * 4));
  const tile = pb + (<usize>(KC * NC * 4));
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    // k split into equal panels of at most KC (288 = 144 + 144, not 256 + 32): a short last
    // panel would pay a whole pass over C for few multiply-adds.
    const panels = (k + KC - 1) / KC;
    const kstep = (k + panels - 1) / panels;
    for (let pc = 0; pc < k; pc += kstep) {
      const kc = min(kstep, k - pc);
      packB(b, brs, bcs, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, ars, acs, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const bp = pb + (<usize>(jr * kc * 4));
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            micro(
              kc,
              pa + (<usize>(ir * kc * 4)),
              bp,
              c + (<usize>(((ic + ir) * ldc + jc + jr) << 2)),
              ldc,
              min(MR, mc - ir),
              cols,
              tile,
              pc > 0 || overwrite == 0,
            );
          }
        }
      }
    }
  }
}

export function zero(p: usize, bytes: i32): void {
  memory.fill(p, 0, <usize>bytes);
}

export function copy(dst: usize, src: usize, bytes: i32): void {
  memory.copy(dst, src, <usize>bytes);
}
