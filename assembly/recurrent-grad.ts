// Fused recurrent steps, backward: the gate gradients of one timestep over a run of batch rows,
// walked in reverse by the sequence driver (assembly/recurrent-sequence.ts). dH (dC) hold the
// gradient reaching the carried states after the step. A kept row takes it and zeroes it before the
// recurrence adds its part; a skipped one passes it on and writes zeros for its gates. Float32
// SIMD, four units at a time; inlined into the driver like the forward steps.

import { kept, ld, slope4, splat, st } from './recurrent-math';

/**
 * The gradient of the step's new h: a kept row takes the output's and the carried state's (dH,
 * zeroed for the recurrence to add its part); a skipped row (0) passes the state's on, plus its
 * output's, which repeated the state (nothing with zeroOut: it output zeros).
 */
// @ts-ignore: decorator
@inline
function enter(keep: bool, s: i32, one: bool, dOut: usize, zeroOut: bool, dH: usize): v128 {
  const d = ld(dOut, s, one);
  if (keep) {
    const dn = f32x4.add(d, ld(dH, s, one));
    st(dH, s, splat(0), one);
    return dn;
  }
  if (!zeroOut) st(dH, s, f32x4.add(ld(dH, s, one), d), one);
  return splat(0);
}

// @ts-ignore: decorator
@inline
export function simpleGrad(
  dOut: usize,
  zeroOut: bool,
  dH: usize,
  g: usize,
  dx: usize,
  mask: usize,
  batch: i32,
  u: i32,
  act: i32,
): void {
  for (let b = 0; b < batch; b++) {
    const keep = kept(mask, b);
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const dn = enter(keep, s, one, dOut, zeroOut, dH);
      st(dx, s, f32x4.mul(dn, slope4(act, ld(g, s, one))), one);
      j += one ? 1 : 4;
    }
  }
}

// @ts-ignore: decorator
@inline
export function lstmGrad(
  dOut: usize,
  zeroOut: bool,
  dH: usize,
  dC: usize,
  g: usize,
  cPrev: usize,
  tanhC: usize,
  dx: usize,
  mask: usize,
  batch: i32,
  u: i32,
  act: i32,
  gate: i32,
): void {
  const gu = 4 * u;
  for (let b = 0; b < batch; b++) {
    const keep = kept(mask, b);
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const r = b * gu + j;
      const dn = enter(keep, s, one, dOut, zeroOut, dH);
      if (!keep) {
        const zero = splat(0);
        st(dx, r, zero, one);
        st(dx, r + u, zero, one);
        st(dx, r + 2 * u, zero, one);
        st(dx, r + 3 * u, zero, one);
        j += one ? 1 : 4;
        continue;
      }
      const zi = ld(g, r, one);
      const zf = ld(g, r + u, one);
      const zc = ld(g, r + 2 * u, one);
      const zo = ld(g, r + 3 * u, one);
      const tc = ld(tanhC, s, one);
      const dcNew = f32x4.add(ld(dC, s, one), f32x4.mul(f32x4.mul(dn, zo), slope4(act, tc)));
      st(dx, r, f32x4.mul(f32x4.mul(dcNew, zc), slope4(gate, zi)), one);
      st(dx, r + u, f32x4.mul(f32x4.mul(dcNew, ld(cPrev, s, one)), slope4(gate, zf)), one);
      st(dx, r + 2 * u, f32x4.mul(f32x4.mul(dcNew, zi), slope4(act, zc)), one);
      st(dx, r + 3 * u, f32x4.mul(f32x4.mul(dn, tc), slope4(gate, zo)), one);
      st(dC, s, f32x4.mul(dcNew, zf), one);
      j += one ? 1 : 4;
    }
  }
}

/** GRU (reset after): dx = d(projected), dA = d(h.U + bias). */
// @ts-ignore: decorator
@inline
export function gruAfterGrad(
  dOut: usize,
  zeroOut: bool,
  dH: usize,
  g: usize,
  hPrev: usize,
  inner: usize,
  dx: usize,
  dA: usize,
  mask: usize,
  batch: i32,
  u: i32,
  act: i32,
  gate: i32,
): void {
  const gu = 3 * u;
  for (let b = 0; b < batch; b++) {
    const keep = kept(mask, b);
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const r0 = b * gu + j;
      const dn = enter(keep, s, one, dOut, zeroOut, dH);
      const z = ld(g, r0, one);
      const r = ld(g, r0 + u, one);
      const hh = ld(g, r0 + 2 * u, one);
      const dpz = f32x4.mul(f32x4.mul(dn, f32x4.sub(ld(hPrev, s, one), hh)), slope4(gate, z));
      const dph = f32x4.mul(f32x4.mul(dn, f32x4.sub(splat(1), z)), slope4(act, hh));
      const dpr = f32x4.mul(f32x4.mul(dph, ld(inner, s, one)), slope4(gate, r));
      st(dx, r0, dpz, one);
      st(dx, r0 + u, dpr, one);
      st(dx, r0 + 2 * u, dph, one);
      st(dA, r0, dpz, one);
      st(dA, r0 + u, dpr, one);
      st(dA, r0 + 2 * u, f32x4.mul(dph, r), one);
      st(dH, s, f32x4.add(ld(dH, s, one), f32x4.mul(dn, z)), one);
      j += one ? 1 : 4;
    }
  }
}

/** GRU (reset before), part 1: the new h's gradient (into dnOut) and the candidate's. */
// @ts-ignore: decorator
@inline
export function gruBeforeGrad1(
  dOut: usize,
  zeroOut: bool,
  dH: usize,
  dnOut: usize,
  g: usize,
  dx: usize,
  dA: usize,
  mask: usize,
  batch: i32,
  u: i32,
  act: i32,
): void {
  const gu = 3 * u;
  for (let b = 0; b < batch; b++) {
    const keep = kept(mask, b);
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const q = b * gu + 2 * u + j;
      const dn = enter(keep, s, one, dOut, zeroOut, dH);
      const z = ld(g, b * gu + j, one);
      const dph = f32x4.mul(f32x4.mul(dn, f32x4.sub(splat(1), z)), slope4(act, ld(g, q, one)));
      st(dnOut, s, dn, one);
      st(dx, q, dph, one);
      st(dA, q, dph, one);
      st(dH, s, f32x4.add(ld(dH, s, one), f32x4.mul(dn, z)), one);
      j += one ? 1 : 4;
    }
  }
}

/** Part 2: dRPrev holds d(r * prev); z's and r's gradients; dRPrev becomes its part for h. */
// @ts-ignore: decorator
@inline
export function gruBeforeGrad2(
  dn: usize,
  g: usize,
  hPrev: usize,
  prev: usize,
  dRPrev: usize,
  dx: usize,
  dA: usize,
  batch: i32,
  u: i32,
  gate: i32,
): void {
  const gu = 3 * u;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const r0 = b * gu + j;
      const z = ld(g, r0, one);
      const r = ld(g, r0 + u, one);
      const hh = ld(g, r0 + 2 * u, one);
      const d = ld(dn, s, one);
      const dpz = f32x4.mul(f32x4.mul(d, f32x4.sub(ld(hPrev, s, one), hh)), slope4(gate, z));
      const drp = ld(dRPrev, s, one);
      const dpr = f32x4.mul(f32x4.mul(drp, ld(prev, s, one)), slope4(gate, r));
      st(dx, r0, dpz, one);
      st(dx, r0 + u, dpr, one);
      st(dA, r0, dpz, one);
      st(dA, r0 + u, dpr, one);
      st(dRPrev, s, f32x4.mul(drp, r), one);
      j += one ? 1 : 4;
    }
  }
}
