// GEMM and the memory helpers (zero, copy) for Lamina's wasm backend.
//
// Part of the kernels that assembly/kernels.ts exports (see there); pointers are byte offsets
// into memory the TypeScript side owns.

import { madd } from './madd';

// ---------------------------------------------------------------------------------------------
// Packed GEMM after Goto & van de Geijn: C (m x n, row stride ldc) += A (m x k) * B (k x n), or
// C = A B when `overwrite` (the first k-panel stores instead of adding: no zero-fill of C and one
// read of C fewer), where element (i, j) of A is at a + 4 * (i * ars + j * acs) (likewise B), so
// transposed operands are just other strides and are packed at full speed. Micro-kernel: 4 rows x
// 8 columns of f32x4 in the plain build; in the relaxed-SIMD build gemm's own tile has 6 rows
// (GEMM_MR), since a fused multiply-add needs no register for the product, so 12 sums, 2 B
// vectors and the A splat fit (measured 2% faster at 512^3 and 5% at 1024^3 than 4 rows with FMA;
// without FMA, 6 rows spill). `micro` and `packA`, which gemm-packed.ts shares, keep 4 rows.

export const MR: i32 = 4;
export const NR: i32 = 8;
export const MC: i32 = 64;
export const KC: i32 = 512;
const GEMM_MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : MR;
// gemm's A block: a multiple of GEMM_MR, at most MC_MAX rows.
const GEMM_MC: i32 = ASC_FEATURE_RELAXED_SIMD ? 60 : MC;
const NC: i32 = 1024;
const MC_MAX: i32 = 64;
const TILE_MAX: i32 = 64;

/**
 * Bytes of packing scratch gemm needs (A block, B block, an edge tile), sized for the larger
 * blocks of either build, so that memory laid out for one variant of the module runs the other
 * (the backend can switch variants on a live memory).
 */
export function gemmScratchBytes(): i32 {
  return (MC_MAX * KC + KC * NC + TILE_MAX) * 4;
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

/**
 * Packs rows [ic, ic + mc) x columns [pc, pc + kc) of A into panels of `tileRows` (4 or 6) rows,
 * each kc steps of tileRows floats. Inlined with a constant `tileRows`, so each copy keeps only
 * its own branches.
 */
// @ts-ignore: decorator
@inline
function packPanelsA(
  tileRows: i32, a: usize, ars: i32, acs: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize,
): void {
  const PANEL_BYTES = <usize>(tileRows << 2);
  for (let i = 0; i < mc; i += tileRows) {
    const rows = min(tileRows, mc - i);
    const row0 = ic + i;
    if (rows == tileRows && ars == 1) {
      // A^T stored row-major: the rows of a panel are contiguous for each p.
      let src = a + (<usize>((row0 + pc * acs) << 2));
      const step = <usize>(acs << 2);
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        if (tileRows == 6) store<u64>(dst + 16, load<u64>(src + 16));
        src += step;
        dst += PANEL_BYTES;
      }
    } else if (rows == tileRows && acs == 1) {
      // Rows of A contiguous along p: 4 x 4 blocks of the first 4 rows transposed in registers
      // (rows 4 and 5 of a 6-row panel go one float at a time).
      const rowB = <usize>(ars << 2);
      const s0 = a + (<usize>((row0 * ars + pc) << 2));
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        transpose4(s0 + (<usize>(p << 2)), rowB, dst, PANEL_BYTES);
        for (let r = 4; r < tileRows; r++) {
          const src = s0 + <usize>r * rowB + (<usize>(p << 2));
          const d = dst + (<usize>(r << 2));
          store<f32>(d, load<f32>(src));
          store<f32>(d + PANEL_BYTES, load<f32>(src + 4));
          store<f32>(d + 2 * PANEL_BYTES, load<f32>(src + 8));
          store<f32>(d + 3 * PANEL_BYTES, load<f32>(src + 12));
        }
        dst += 4 * PANEL_BYTES;
      }
      for (; p < kc; p++) {
        const o = <usize>(p << 2);
        for (let r = 0; r < tileRows; r++) store<f32>(dst + (<usize>(r << 2)), load<f32>(s0 + <usize>r * rowB + o));
        dst += PANEL_BYTES;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < tileRows; r++) {
          store<f32>(
            dst + (<usize>(r << 2)),
            r < rows ? load<f32>(a + (<usize>(((row0 + r) * ars + (pc + p) * acs) << 2))) : 0,
          );
        }
        dst += PANEL_BYTES;
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

/**
 * C (rows x cols at c, row stride ldc) += (or = without `add`) a packed A panel of `tileRows`
 * (4 or 6) rows times a packed B panel of NR columns, over kc steps. Inlined with a constant
 * `tileRows`, so the 4-row copy has no trace of rows 4 and 5.
 */
// @ts-ignore: decorator
@inline
function microKernel(
  tileRows: i32,
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, tile: usize, add: bool,
): void {
  const PANEL_BYTES = <usize>(tileRows << 2);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // Rows 4 and 5: the 6-row tile only.
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  // Bounded by A's pointer rather than a counter: one induction variable fewer in the loop V8
  // compiles, measured 8% faster (in the plain build, unrolling by 2 or 6- and 5-row tiles
  // measured slower: V8 spills the extra registers).
  const end = pa + <usize>kc * PANEL_BYTES;
  while (pa < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb + 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa + 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa + 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa + 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    if (tileRows == 6) {
      a = v128.load32_splat(pa + 16);
      c40 = madd(a, b0, c40);
      c41 = madd(a, b1, c41);
      a = v128.load32_splat(pa + 20);
      c50 = madd(a, b0, c50);
      c51 = madd(a, b1, c51);
    }
    pa += PANEL_BYTES;
    pb += 32;
  }
  const stride = <usize>(ldc << 2);
  if (rows == tileRows && cols == NR) {
    if (add) {
      addRow(c, c00, c01);
      addRow(c + stride, c10, c11);
      addRow(c + 2 * stride, c20, c21);
      addRow(c + 3 * stride, c30, c31);
      if (tileRows == 6) {
        addRow(c + 4 * stride, c40, c41);
        addRow(c + 5 * stride, c50, c51);
      }
    } else {
      storeRow(c, c00, c01);
      storeRow(c + stride, c10, c11);
      storeRow(c + 2 * stride, c20, c21);
      storeRow(c + 3 * stride, c30, c31);
      if (tileRows == 6) {
        storeRow(c + 4 * stride, c40, c41);
        storeRow(c + 5 * stride, c50, c51);
      }
    }
    return;
  }
  storeRow(tile, c00, c01);
  storeRow(tile + 32, c10, c11);
  storeRow(tile + 64, c20, c21);
  storeRow(tile + 96, c30, c31);
  if (tileRows == 6) {
    storeRow(tile + 128, c40, c41);
    storeRow(tile + 160, c50, c51);
  }
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

/** A's panels of MR rows, as the micro-kernel `micro` reads them (gemm-packed.ts). */
export function packA(a: usize, ars: i32, acs: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  packPanelsA(MR, a, ars, acs, ic, mc, pc, kc, dst);
}

/** The MR x NR micro-kernel (gemm-packed.ts). */
export function micro(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, tile: usize, add: bool,
): void {
  microKernel(MR, kc, pa, pb, c, ldc, rows, cols, tile, add);
}

function packAGemm(a: usize, ars: i32, acs: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  packPanelsA(GEMM_MR, a, ars, acs, ic, mc, pc, kc, dst);
}

function microGemm(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, tile: usize, add: bool,
): void {
  microKernel(GEMM_MR, kc, pa, pb, c, ldc, rows, cols, tile, add);
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
  const pb = scratch + (<usize>(MC_MAX * KC * 4));
  const tile = pb + (<usize>(KC * NC * 4)); // TILE_MAX floats
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    // k split into equal panels of at most KC (288 = 144 + 144, not 256 + 32): a short last
    // panel would pay a whole pass over C for few multiply-adds.
    const panels = (k + KC - 1) / KC;
    const kstep = (k + panels - 1) / panels;
    for (let pc = 0; pc < k; pc += kstep) {
      const kc = min(kstep, k - pc);
      packB(b, brs, bcs, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += GEMM_MC) {
        const mc = min(GEMM_MC, m - ic);
        packAGemm(a, ars, acs, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const bp = pb + (<usize>(jr * kc * 4));
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += GEMM_MR) {
            microGemm(
              kc,
              pa + (<usize>(ir * kc * 4)),
              bp,
              c + (<usize>(((ic + ir) * ldc + jc + jr) << 2)),
              ldc,
              min(GEMM_MR, mc - ir),
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
