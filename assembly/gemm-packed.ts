// GEMM with B packed once, for products that reuse one B many times: a recurrent layer's
// recurrent kernel (or its transpose) is the B of every step of a sequence, so packing it once
// per sequence instead of once per step saves a pass over it per step, and lets threads that
// split the rows share one packed copy.
//
// Packed layout: the k rows in blocks of KC; within a block, the columns in panels of NR (the
// last one zero-padded), each panel kc x NR row by row, as gemm's packB writes one block. Block
// pc starts at pc * npad floats (npad: n rounded up to NR). The micro-kernel, the order of the
// sums and so the results are gemm's, bit for bit.

import { KC, MC, MR, NR, micro, packA } from './gemm';

// @ts-ignore: decorator
@inline
function padded(n: i32): i32 {
  return (n + NR - 1) & ~(NR - 1);
}

/** Floats of B (k x n) packed. */
export function packedFloats(k: i32, n: i32): i32 {
  return k * padded(n);
}

// @ts-ignore: decorator
@inline
function padRows(m: i32): i32 {
  return (m + MR - 1) & ~(MR - 1);
}

/** Packs B (k x n; element (p, j) at b + 4 * (p * brs + j * bcs)) into dst. */
export function packPanels(b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  const npad = padded(n);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    let out = dst + (<usize>(pc * npad) << 2);
    for (let j = 0; j < n; j += NR) {
      const cols = min(NR, n - j);
      for (let p = 0; p < kc; p++) {
        const row = b + (<usize>((pc + p) * brs + j * bcs) << 2);
        for (let c = 0; c < NR; c++) {
          store<f32>(out + (<usize>(c << 2)), c < cols ? load<f32>(row + (<usize>(c * bcs) << 2)) : 0);
        }
        out += 32;
      }
    }
  }
}

/**
 * C (m x n, row stride ldc) += A B, or C = A B when `overwrite`, with B packed by packPanels;
 * A's element (i, p) at a + 4 * (i * ars + p * acs). `scratch` holds A's packed block
 * (min(m rounded up to MR, MC) x KC floats) and an edge tile (MR x NR floats) after it.
 */
export function gemmPacked(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  pb: usize,
  c: usize, ldc: i32,
  scratch: usize,
  overwrite: bool,
): void {
  const npad = padded(n);
  const pa = scratch;
  const tile = scratch + (<usize>(min(padRows(m), MC) * KC) << 2);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const block = pb + (<usize>(pc * npad) << 2);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      packA(a, ars, acs, ic, mc, pc, kc, pa);
      for (let jr = 0; jr < n; jr += NR) {
        const bp = block + (<usize>(jr * kc) << 2);
        const cols = min(NR, n - jr);
        for (let ir = 0; ir < mc; ir += MR) {
          micro(
            kc,
            pa + (<usize>(ir * kc) << 2),
            bp,
            c + (<usize>((ic + ir) * ldc + jr) << 2),
            ldc,
            min(MR, mc - ir),
            cols,
            tile,
            pc > 0 || !overwrite,
          );
        }
      }
    }
  }
}
