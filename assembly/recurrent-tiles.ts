// LSTM and GRU (reset before the product) steps with their recurrent products in register tiles:
// the product of one panel of 16 columns for 2 batch rows is summed in 8 registers straight from
// the step's product input (no packing of it), and the sums go to a small buffer (16 floats a row,
// in L1) from which that panel's gates and then cells are computed. The plain step
// (assembly/recurrent.ts after gemmPacked) writes the whole product block into the gate slots,
// reads it back, stores the activated gates and reads them again. Measured on W5's sequence (64 x
// 128 units, 32 steps, one thread): the product 7.4 -> 6.3 ms, the gates and cells 3.7 -> 3.2 ms;
// computing the cells straight from the registers measured slower (4.4 ms: the sums of the second
// row stay live through the first row's activations).
//
// The recurrent kernel is laid out once per sequence (src/backend/wasm/recurrent.ts) in panels of
// u rows of 16 floats: an LSTM's panel j / 4 holds [i, f, c, o] x units j..j+3; a GRU's first
// product's panel j / 8 holds [z, r] x units j..j+3, then [z, r] x units j+4..j+7, and its
// candidate's panel j / 16 the candidate's columns of units j..j+15. Each register sums its k
// terms in order from 0 as a mul then an add, as the GEMM micro-kernel (assembly/gemm.ts) does,
// so for u up to its k block (KC = 512) the products are the plain GEMM's bit for bit, and the
// steps' outputs the plain steps'.
//
// Backward (tileProductT), each step's product of the gate gradients with U^T runs on the same
// tiles, U^T in panels of 16 of its columns, written straight into dPrev's rows: no packing of
// the gate gradients per step, no edge tiles (units a multiple of 16).

import { blend } from './recurrent';
import { activate, kept, ld, splat, st } from './recurrent-math';
import { madd } from './madd';

/**
 * A row's 4 units' gates from their product sums (at `t`: i, f, c, o, 4 floats each): x + sum,
 * activated, written back to `t` and, where the record keeps them, to `g`.
 */
// @ts-ignore: decorator
@inline
function gatesFromTile(t: usize, b: i32, j: i32, x: usize, g: usize, u: i32, act: i32, gate: i32): void {
  const r = b * 4 * u + j;
  // x + product, the operands in lstmStep's order.
  const zi = activate(gate, f32x4.add(ld(x, r, false), v128.load(t)));
  const zf = activate(gate, f32x4.add(ld(x, r + u, false), v128.load(t + 16)));
  const zc = activate(act, f32x4.add(ld(x, r + 2 * u, false), v128.load(t + 32)));
  const zo = activate(gate, f32x4.add(ld(x, r + 3 * u, false), v128.load(t + 48)));
  v128.store(t, zi);
  v128.store(t + 16, zf);
  v128.store(t + 32, zc);
  v128.store(t + 48, zo);
  if (g != 0) {
    st(g, r, zi, false);
    st(g, r + u, zf, false);
    st(g, r + 2 * u, zc, false);
    st(g, r + 3 * u, zo, false);
  }
}

/** A row's 4 units' cell update from their gates (at `t`), storing as lstmStep does. */
// @ts-ignore: decorator
@inline
function cellFromGates(
  t: usize,
  b: i32,
  j: i32,
  cPrevOut: usize,
  tanhC: usize,
  h: usize,
  c: usize,
  out: usize,
  zeroOut: bool,
  mask: usize,
  u: i32,
  act: i32,
): void {
  const s = b * u + j;
  const cPrev = ld(c, s, false);
  const cNew = f32x4.add(f32x4.mul(v128.load(t + 16), cPrev), f32x4.mul(v128.load(t), v128.load(t + 32)));
  const tc = activate(act, cNew);
  const hNew = f32x4.mul(v128.load(t + 48), tc);
  if (cPrevOut != 0) st(cPrevOut, s, cPrev, false);
  if (tanhC != 0) st(tanhC, s, tc, false);
  if (kept(mask, b)) {
    st(c, s, cNew, false);
    st(h, s, hNew, false);
    st(out, s, hNew, false);
  } else {
    // A skipped row keeps its states and outputs the state it keeps (Keras), or zeros.
    st(out, s, zeroOut ? splat(0) : ld(h, s, false), false);
  }
}

/** Bytes of one panel: k rows of 16 floats. */
// @ts-ignore: decorator
@inline
function panelBytes(k: i32): usize {
  return <usize>k << 6;
}

/** Stores a row's 16 sums, or adds them to what is there (out + sum, as the GEMM's addRow). */
// @ts-ignore: decorator
@inline
function storeRow(t: usize, s0: v128, s1: v128, s2: v128, s3: v128, add: bool): void {
  if (add) {
    v128.store(t, f32x4.add(v128.load(t), s0));
    v128.store(t + 16, f32x4.add(v128.load(t + 16), s1));
    v128.store(t + 32, f32x4.add(v128.load(t + 32), s2));
    v128.store(t + 48, f32x4.add(v128.load(t + 48), s3));
  } else {
    v128.store(t, s0);
    v128.store(t + 16, s1);
    v128.store(t + 32, s2);
    v128.store(t + 48, s3);
  }
}

/**
 * Row b of `out` (16 floats, rows `outBytes` apart) = row b of `a` (k floats, rows `aStride` floats
 * apart) times `panel` (k x 16), or out + that with `add`, for b in [0, nb): two rows a tile, a
 * lone last row computed twice and stored once.
 */
// @ts-ignore: decorator
@inline
function tileProduct(
  a: usize, aStride: i32, k: i32, panel: usize, out: usize, outBytes: usize, nb: i32, add: bool,
): void {
  const rowBytes = <usize>aStride << 2;
  for (let b = 0; b < nb; b += 2) {
    const two = b + 1 < nb;
    let a0 = a + <usize>b * rowBytes;
    let a1 = two ? a0 + rowBytes : a0;
    const end = a0 + (<usize>k << 2);
    let pb = panel;
    let i0 = splat(0), f0 = splat(0), c0 = splat(0), o0 = splat(0);
    let i1 = splat(0), f1 = splat(0), c1 = splat(0), o1 = splat(0);
    while (a0 < end) {
      const bi = v128.load(pb);
      const bf = v128.load(pb + 16);
      const bc = v128.load(pb + 32);
      const bo = v128.load(pb + 48);
      let x = v128.load32_splat(a0);
      i0 = madd(x, bi, i0);
      f0 = madd(x, bf, f0);
      c0 = madd(x, bc, c0);
      o0 = madd(x, bo, o0);
      x = v128.load32_splat(a1);
      i1 = madd(x, bi, i1);
      f1 = madd(x, bf, f1);
      c1 = madd(x, bc, c1);
      o1 = madd(x, bo, o1);
      a0 += 4;
      a1 += 4;
      pb += 64;
    }
    const t = out + <usize>b * outBytes;
    storeRow(t, i0, f0, c0, o0, add);
    if (two) storeRow(t + outBytes, i1, f1, c1, o1, add);
  }
}

/**
 * One LSTM step over rows [0, nb) of a run (u a multiple of 4): for each group of 4 units, for
 * each pair of rows, the tile's product from `prev` (the step's product input, [nb, u]) and the
 * group's panel of `tiles` into `sums` (nb rounded up to even x 16 floats), then the rows'
 * gates, then their cells. `g` receives the activated gates where the record
 * keeps them (0: inference), `cPrevOut` and `tanhC` likewise. The caller writes the next step's
 * product input from h after the whole step: `prev` may be that same buffer.
 */
// @ts-ignore: decorator
@inline
export function lstmTileStep(
  x: usize,
  prev: usize,
  tiles: usize,
  sums: usize,
  g: usize,
  cPrevOut: usize,
  tanhC: usize,
  h: usize,
  c: usize,
  out: usize,
  zeroOut: bool,
  mask: usize,
  nb: i32,
  u: i32,
  act: i32,
  gate: i32,
): void {
  for (let j = 0; j < u; j += 4) {
    tileProduct(prev, u, u, tiles + <usize>(j >> 2) * panelBytes(u), sums, 64, nb, false);
    // The rows' gates first, then their cells: independent activations side by side, as
    // lstmStep orders them.
    for (let b = 0; b < nb; b++) gatesFromTile(sums + (<usize>b << 6), b, j, x, g, u, act, gate);
    for (let b = 0; b < nb; b++) {
      cellFromGates(sums + (<usize>b << 6), b, j, cPrevOut, tanhC, h, c, out, zeroOut, mask, u, act);
    }
  }
}

/**
 * One GRU step, reset before the product, over rows [0, nb) of a run (u a multiple of 16): per
 * 8-unit panel of `tilesZR` the z and r sums, then z and r (into the gate slots `g`) and r * prev
 * (into `rPrev`, the candidate product's input); after every panel, per 16-unit panel of `tilesH`
 * the candidate's sums from rPrev, then the candidates and the new states. `hPrevOut` receives h
 * where the record keeps it (0: not kept). The caller writes the next step's product input from h
 * after the whole step: `prev` may be that same buffer.
 */
// @ts-ignore: decorator
@inline
export function gruTileStep(
  x: usize,
  prev: usize,
  tilesZR: usize,
  tilesH: usize,
  sums: usize,
  g: usize,
  hPrevOut: usize,
  rPrev: usize,
  h: usize,
  out: usize,
  zeroOut: bool,
  mask: usize,
  nb: i32,
  u: i32,
  act: i32,
  gate: i32,
): void {
  const gu = 3 * u;
  for (let j0 = 0; j0 < u; j0 += 8) {
    tileProduct(prev, u, u, tilesZR + <usize>(j0 >> 3) * panelBytes(u), sums, 64, nb, false);
    for (let b = 0; b < nb; b++) {
      for (let half = 0; half < 2; half++) {
        const t = sums + (<usize>b << 6) + (<usize>half << 5);
        const j = j0 + 4 * half;
        const r0 = b * gu + j;
        const s = b * u + j;
        // x + product, the operands in gruBeforeReset's and gruBeforeStep's order.
        const z = activate(gate, f32x4.add(ld(x, r0, false), v128.load(t)));
        const r = activate(gate, f32x4.add(ld(x, r0 + u, false), v128.load(t + 16)));
        st(g, r0, z, false);
        st(g, r0 + u, r, false);
        st(rPrev, s, f32x4.mul(r, ld(prev, s, false)), false);
      }
    }
  }
  for (let j0 = 0; j0 < u; j0 += 16) {
    tileProduct(rPrev, u, u, tilesH + <usize>(j0 >> 4) * panelBytes(u), sums, 64, nb, false);
    for (let b = 0; b < nb; b++) {
      const keep = kept(mask, b);
      for (let q = 0; q < 4; q++) {
        const j = j0 + 4 * q;
        const r0 = b * gu + j;
        const s = b * u + j;
        const hh = activate(act, f32x4.add(ld(x, r0 + 2 * u, false), v128.load(sums + (<usize>b << 6) + (<usize>q << 4))));
        const hPrev = ld(h, s, false);
        st(g, r0 + 2 * u, hh, false);
        if (hPrevOut != 0) st(hPrevOut, s, hPrev, false);
        const hNew = blend(ld(g, r0, false), hPrev, hh);
        if (keep) {
          st(h, s, hNew, false);
          st(out, s, hNew, false);
        } else {
          st(out, s, zeroOut ? splat(0) : hPrev, false);
        }
      }
    }
  }
}

/**
 * Backward, the product of a step's gate gradients with the recurrent kernel's transpose:
 * dPrev ([nb, u]) = dA ([nb, k], rows `aStride` floats apart) U^T, or dPrev + that with `add`,
 * with U^T (k x u, u a multiple of 16) in 16-column panels, written straight into dPrev's rows
 * (no packing of dA, no edge tiles).
 */
// @ts-ignore: decorator
@inline
export function tileProductT(
  dA: usize, aStride: i32, k: i32, tilesT: usize, dPrev: usize, nb: i32, u: i32, add: bool,
): void {
  const outBytes = <usize>u << 2;
  for (let j = 0; j < u; j += 16) {
    const panel = tilesT + <usize>(j >> 4) * panelBytes(k);
    tileProduct(dA, aStride, k, panel, dPrev + (<usize>j << 2), outBytes, nb, add);
  }
}
