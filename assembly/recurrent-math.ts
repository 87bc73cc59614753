// What the fused recurrent step kernels share (assembly/recurrent.ts forward,
// assembly/recurrent-grad.ts backward): the float32 SIMD activations and their derivatives, and
// loads and stores of four lanes or, at the tail of a row, of one.
//
// Activation codes: 0 tanh, 1 sigmoid, 2 relu, 3 linear. The activations are Cephes's expf and
// tanhf polynomials in float32, four lanes at a time, within 2 ulp of the correctly rounded values
// over [-20, 20] (relative errors at most 1.4e-7; test/layers/recurrent-fused.test.ts measures
// them);
// `src/backend/js/recurrent.ts` computes the same operations in the same order, so both backends
// give the same bits for the same recurrent products in the plain build (the relaxed build runs
// the polynomials' Horner steps as fused multiply-adds, assembly/madd.ts: within rounding).

import { madd } from './madd';

// @ts-ignore: decorator
@inline
export function splat(v: f32): v128 {
  return f32x4.splat(v);
}

// The activations' constants, read from memory: V8 builds a v128 constant in registers with
// several instructions at each use, where a load (often folded into the arithmetic instruction)
// is one; a sigmoid pass measured 1.4x faster so. Each constant four times, 16 bytes apart, in
// static memory (a data segment: every instance, workers' too, writes the same bytes there when
// it starts, below the TypeScript allocator's heap).
// ROUNDER, 1.5 * 2^23: adding it to |v| < 2^22 rounds v to the nearest integer n and leaves n in
// the low mantissa bits, so n and 2^n come from one add (no floor, no saturating convert). ONE's
// bits are also 127 << 23 (a zero exponent); SIGN's (-0) the sign bit.
const SPLATTED = memory.data<f32>([
  88.0, 88.0, 88.0, 88.0, // EXP_HI
  -87.0, -87.0, -87.0, -87.0, // EXP_LO
  1.4426950408889634, 1.4426950408889634, 1.4426950408889634, 1.4426950408889634, // LOG2E
  12582912.0, 12582912.0, 12582912.0, 12582912.0, // ROUNDER
  0.693359375, 0.693359375, 0.693359375, 0.693359375, // LN2_HI
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, // LN2_LO
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, // EXP_P0
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, // EXP_P1
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, // EXP_P2
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, // EXP_P3
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, // EXP_P4
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, // EXP_P5
  1.0, 1.0, 1.0, 1.0, // ONE
  2.0, 2.0, 2.0, 2.0, // TWO
  -0.0, -0.0, -0.0, -0.0, // SIGN
  -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, // TANH_P0
  2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2, // TANH_P1
  -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2, // TANH_P2
  1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1, // TANH_P3
  -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1, // TANH_P4
  0.625, 0.625, 0.625, 0.625, // TANH_SMALL
], 16);
const EXP_HI: i32 = 0;
const EXP_LO: i32 = 1;
const LOG2E: i32 = 2;
const ROUNDER: i32 = 3;
const LN2_HI: i32 = 4;
const LN2_LO: i32 = 5;
const EXP_P0: i32 = 6;
const EXP_P1: i32 = 7;
const EXP_P2: i32 = 8;
const EXP_P3: i32 = 9;
const EXP_P4: i32 = 10;
const EXP_P5: i32 = 11;
const ONE: i32 = 12;
const TWO: i32 = 13;
const SIGN: i32 = 14;
const TANH_P0: i32 = 15;
const TANH_P1: i32 = 16;
const TANH_P2: i32 = 17;
const TANH_P3: i32 = 18;
const TANH_P4: i32 = 19;
const TANH_SMALL: i32 = 20;

// @ts-ignore: decorator
@inline
function k4(i: i32): v128 {
  return v128.load(SPLATTED + (<usize>i << 4));
}

/** e^x: x clamped to [-87, 88], then 2^n * e^r with n = round(x / ln 2), |r| <= ln(2) / 2. */
// @ts-ignore: decorator
@inline
function exp4(x0: v128): v128 {
  const x = f32x4.max(f32x4.min(x0, k4(EXP_HI)), k4(EXP_LO));
  const t = f32x4.add(f32x4.mul(x, k4(LOG2E)), k4(ROUNDER));
  const fx = f32x4.sub(t, k4(ROUNDER));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(fx, k4(LN2_HI))), f32x4.mul(fx, k4(LN2_LO)));
  const z = f32x4.mul(r, r);
  let y = k4(EXP_P0);
  y = madd(y, r, k4(EXP_P1));
  y = madd(y, r, k4(EXP_P2));
  y = madd(y, r, k4(EXP_P3));
  y = madd(y, r, k4(EXP_P4));
  y = madd(y, r, k4(EXP_P5));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), k4(ONE));
  // n + 127 in the exponent field: t's low bits hold n (two's complement), shifted into place.
  return f32x4.mul(y, i32x4.add(i32x4.shl(t, 23), k4(ONE)));
}

// @ts-ignore: decorator
@inline
function sigmoid4(x: v128): v128 {
  return f32x4.div(k4(ONE), f32x4.add(k4(ONE), exp4(f32x4.neg(x))));
}

/** tanh: an odd polynomial below |x| = 0.625, else 1 - 2 / (e^2|x| + 1) with x's sign. */
// @ts-ignore: decorator
@inline
function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = k4(TANH_P0);
  p = madd(p, z, k4(TANH_P1));
  p = madd(p, z, k4(TANH_P2));
  p = madd(p, z, k4(TANH_P3));
  p = madd(p, z, k4(TANH_P4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp4(f32x4.add(a, a));
  const big = f32x4.sub(k4(ONE), f32x4.div(k4(TWO), f32x4.add(e, k4(ONE))));
  // x's sign on either branch (the polynomial alone would turn -0 into +0).
  const v = v128.bitselect(small, big, f32x4.lt(a, k4(TANH_SMALL)));
  return v128.or(v, v128.and(x, k4(SIGN)));
}

/**
 * The activation of code `kind`. Kernels are inlined with constant codes for the usual cells
 * (tanh with sigmoid gates), so that the branches fold away there.
 */
// @ts-ignore: decorator
@inline
export function activate(kind: i32, x: v128): v128 {
  if (kind == 0) return tanh4(x);
  if (kind == 1) return sigmoid4(x);
  // relu: NaN stays NaN and -0 becomes +0, as the Relu kernels.
  if (kind == 2) return f32x4.max(x, splat(0));
  return x;
}

/** The activation's derivative from its output y. */
// @ts-ignore: decorator
@inline
export function slope4(kind: i32, y: v128): v128 {
  if (kind == 0) return f32x4.sub(splat(1), f32x4.mul(y, y));
  if (kind == 1) return f32x4.mul(y, f32x4.sub(splat(1), y));
  if (kind == 2) return v128.and(f32x4.gt(y, splat(0)), splat(1));
  return splat(1);
}

// @ts-ignore: decorator
@inline
export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** Four floats at element i, or (one) a single float in lane 0. */
// @ts-ignore: decorator
@inline
export function ld(base: usize, i: i32, one: bool): v128 {
  return one ? v128.load32_splat(at(base, i)) : v128.load(at(base, i));
}

// @ts-ignore: decorator
@inline
export function st(base: usize, i: i32, v: v128, one: bool): void {
  if (one) v128.store32_lane(at(base, i), v, 0);
  else v128.store(at(base, i), v);
}

/** Whether batch row b is kept at this step (mask 0: every row is). */
// @ts-ignore: decorator
@inline
export function kept(mask: usize, b: i32): bool {
  return mask == 0 || load<f32>(at(mask, b)) != 0;
}

/** dst = src * drop (or a copy without drop), n floats. */
export function rnnScaleInto(src: usize, drop: usize, dst: usize, n: i32): void {
  if (drop == 0) {
    memory.copy(dst, src, <usize>n << 2);
    return;
  }
  for (let i = 0; i < n; ) {
    const one = i + 4 > n;
    st(dst, i, f32x4.mul(ld(src, i, one), ld(drop, i, one)), one);
    i += one ? 1 : 4;
  }
}

/** dH += dPrev * drop (or dPrev without drop), n floats. */
export function rnnAddScaled(dH: usize, dPrev: usize, drop: usize, n: i32): void {
  for (let i = 0; i < n; ) {
    const one = i + 4 > n;
    const d = ld(dPrev, i, one);
    st(dH, i, f32x4.add(ld(dH, i, one), drop == 0 ? d : f32x4.mul(d, ld(drop, i, one))), one);
    i += one ? 1 : 4;
  }
}
