// Fused recurrent steps: the gate arithmetic of one timestep of a SimpleRNN, LSTM or GRU over the
// whole batch, after the TypeScript side has written the step's recurrent product into the gate
// slots of the record (src/backend/recurrent-layout.ts describes the record). Forward: float32
// steps in the order of the step-by-step layer ops, four units at a time. Backward: float32, four
// units at a time.
//
// Activation codes: 0 tanh, 1 sigmoid, 2 relu, 3 linear. `mask` is the step's row of the
// timestep mask (0: none); `drop` the recurrent dropout mask (0: none); `outPrev` the previous
// step's outputs (0 at the first step: zeros); `prevNext` where the next step's product input
// goes (0 after the last step).

// The activations are float32 SIMD (Cephes's expf and tanhf polynomials, within 2 ulp of the
// exact values), four lanes at a time; `src/backend/js/recurrent.ts` computes the same operations
// in the same order, so both backends give the same bits for the same recurrent products.

// @ts-ignore: decorator
@inline
function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** e^x: x clamped to [-87, 88], then 2^n * e^r with |r| <= ln(2) / 2. */
// @ts-ignore: decorator
@inline
function exp4(x0: v128): v128 {
  const x = f32x4.max(f32x4.min(x0, splat(88.0)), splat(-87.0));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, splat(<f32>1.4426950408889634)), splat(0.5)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(fx, splat(0.693359375))), f32x4.mul(fx, splat(-2.12194440e-4)));
  const z = f32x4.mul(r, r);
  let y = splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), splat(1));
  const n = i32x4.trunc_sat_f32x4_s(fx);
  return f32x4.mul(y, i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23));
}

// @ts-ignore: decorator
@inline
function sigmoid4(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), exp4(f32x4.neg(x))));
}

/** tanh: an odd polynomial below |x| = 0.625, else 1 - 2 / (e^2|x| + 1) with x's sign. */
// @ts-ignore: decorator
@inline
function tanh4(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = exp4(f32x4.add(a, a));
  const big = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))));
  // x's sign on either branch (the polynomial alone would turn -0 into +0).
  const v = v128.bitselect(small, big, f32x4.lt(a, splat(0.625)));
  return v128.or(v, v128.and(x, i32x4.splat(0x80000000)));
}

// @ts-ignore: decorator
@inline
function activate(kind: i32, x: v128): v128 {
  if (kind == 0) return tanh4(x);
  if (kind == 1) return sigmoid4(x);
  // relu: NaN stays NaN and -0 becomes +0, as the Relu kernels.
  if (kind == 2) return f32x4.max(x, splat(0));
  return x;
}

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** Four floats at element i, or (one) a single float in lane 0. */
// @ts-ignore: decorator
@inline
function ld(base: usize, i: i32, one: bool): v128 {
  return one ? v128.load32_splat(at(base, i)) : v128.load(at(base, i));
}

// @ts-ignore: decorator
@inline
function st(base: usize, i: i32, v: v128, one: bool): void {
  if (one) v128.store32_lane(at(base, i), v, 0);
  else v128.store(at(base, i), v);
}

// @ts-ignore: decorator
@inline
function kept(mask: usize, b: i32): bool {
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

/** After a step's new h (where kept): the carried state, the output, the next product input. */
// @ts-ignore: decorator
@inline
function finish(
  keep: bool,
  hNew: v128,
  s: i32,
  one: bool,
  h: usize,
  out: usize,
  outPrev: usize,
  prevNext: usize,
  drop: usize,
): void {
  if (keep) {
    st(h, s, hNew, one);
    st(out, s, hNew, one);
  } else {
    st(out, s, outPrev == 0 ? splat(0) : ld(outPrev, s, one), one);
  }
  if (prevNext != 0) {
    const hs = ld(h, s, one);
    st(prevNext, s, drop == 0 ? hs : f32x4.mul(hs, ld(drop, s, one)), one);
  }
}

export function rnnSimpleStep(
  x: usize,
  g: usize,
  h: usize,
  out: usize,
  outPrev: usize,
  prevNext: usize,
  drop: usize,
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
      const hNew = activate(act, f32x4.add(ld(x, s, one), ld(g, s, one)));
      st(g, s, hNew, one);
      finish(keep, hNew, s, one, h, out, outPrev, prevNext, drop);
      j += one ? 1 : 4;
    }
  }
}

export function rnnLstmStep(
  x: usize,
  g: usize,
  cPrevOut: usize,
  tanhC: usize,
  h: usize,
  c: usize,
  out: usize,
  outPrev: usize,
  prevNext: usize,
  drop: usize,
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
      const zi = activate(gate, f32x4.add(ld(x, r, one), ld(g, r, one)));
      const zf = activate(gate, f32x4.add(ld(x, r + u, one), ld(g, r + u, one)));
      const zc = activate(act, f32x4.add(ld(x, r + 2 * u, one), ld(g, r + 2 * u, one)));
      const zo = activate(gate, f32x4.add(ld(x, r + 3 * u, one), ld(g, r + 3 * u, one)));
      const cPrev = ld(c, s, one);
      const cNew = f32x4.add(f32x4.mul(zf, cPrev), f32x4.mul(zi, zc));
      const tc = activate(act, cNew);
      const hNew = f32x4.mul(zo, tc);
      st(g, r, zi, one);
      st(g, r + u, zf, one);
      st(g, r + 2 * u, zc, one);
      st(g, r + 3 * u, zo, one);
      if (cPrevOut != 0) st(cPrevOut, s, cPrev, one);
      if (tanhC != 0) st(tanhC, s, tc, one);
      if (keep) st(c, s, cNew, one);
      finish(keep, hNew, s, one, h, out, outPrev, prevNext, drop);
      j += one ? 1 : 4;
    }
  }
}

/** h' = z * h + (1 - z) * hh. */
// @ts-ignore: decorator
@inline
function blend(z: v128, hPrev: v128, hh: v128): v128 {
  return f32x4.add(f32x4.mul(z, hPrev), f32x4.mul(f32x4.sub(splat(1), z), hh));
}

/** GRU, reset after the product: g holds h.U (all three blocks), bias the recurrent bias or 0. */
export function rnnGruAfterStep(
  x: usize,
  g: usize,
  hPrevOut: usize,
  inner: usize,
  bias: usize,
  h: usize,
  out: usize,
  outPrev: usize,
  prevNext: usize,
  drop: usize,
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
      let inZ = ld(g, r0, one);
      let inR = ld(g, r0 + u, one);
      let inH = ld(g, r0 + 2 * u, one);
      if (bias != 0) {
        inZ = f32x4.add(inZ, ld(bias, j, one));
        inR = f32x4.add(inR, ld(bias, j + u, one));
        inH = f32x4.add(inH, ld(bias, j + 2 * u, one));
      }
      const z = activate(gate, f32x4.add(ld(x, r0, one), inZ));
      const r = activate(gate, f32x4.add(ld(x, r0 + u, one), inR));
      const hh = activate(act, f32x4.add(ld(x, r0 + 2 * u, one), f32x4.mul(r, inH)));
      const hPrev = ld(h, s, one);
      st(g, r0, z, one);
      st(g, r0 + u, r, one);
      st(g, r0 + 2 * u, hh, one);
      st(inner, s, inH, one);
      st(hPrevOut, s, hPrev, one);
      finish(keep, blend(z, hPrev, hh), s, one, h, out, outPrev, prevNext, drop);
      j += one ? 1 : 4;
    }
  }
}

/** GRU, reset before the product, part 1: r, and r * prev (the candidate product's input). */
export function rnnGruBeforeReset(
  x: usize,
  g: usize,
  prev: usize,
  rPrev: usize,
  batch: i32,
  u: i32,
  gate: i32,
): void {
  const gu = 3 * u;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const q = b * gu + u + j;
      const r = activate(gate, f32x4.add(ld(x, q, one), ld(g, q, one)));
      st(g, q, r, one);
      st(rPrev, s, f32x4.mul(r, ld(prev, s, one)), one);
      j += one ? 1 : 4;
    }
  }
}

/** Part 2: g holds prev.U_z, r, and (r * prev).U_h. */
export function rnnGruBeforeStep(
  x: usize,
  g: usize,
  hPrevOut: usize,
  h: usize,
  out: usize,
  outPrev: usize,
  prevNext: usize,
  drop: usize,
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
      const z = activate(gate, f32x4.add(ld(x, r0, one), ld(g, r0, one)));
      const hh = activate(act, f32x4.add(ld(x, r0 + 2 * u, one), ld(g, r0 + 2 * u, one)));
      const hPrev = ld(h, s, one);
      st(g, r0, z, one);
      st(g, r0 + 2 * u, hh, one);
      st(hPrevOut, s, hPrev, one);
      finish(keep, blend(z, hPrev, hh), s, one, h, out, outPrev, prevNext, drop);
      j += one ? 1 : 4;
    }
  }
}

// ---- backward ---------------------------------------------------------------------------------
// dH (dC) hold the gradient reaching the carried states after the step; `carry` that of the
// previous output (a skipped step repeats it). A kept step takes both and zeroes them before the
// recurrence adds its part; a skipped one passes them on and writes zeros for its gates. Float32
// SIMD, four units at a time.

/** The activation's derivative from its output y. */
// @ts-ignore: decorator
@inline
function slope4(kind: i32, y: v128): v128 {
  if (kind == 0) return f32x4.sub(splat(1), f32x4.mul(y, y));
  if (kind == 1) return f32x4.mul(y, f32x4.sub(splat(1), y));
  if (kind == 2) return v128.and(f32x4.gt(y, splat(0)), splat(1));
  return splat(1);
}

/** The gradient of the step's new h (0 where skipped); updates carry and dH. */
// @ts-ignore: decorator
@inline
function enter(keep: bool, s: i32, one: bool, dOut: usize, carry: usize, dH: usize): v128 {
  const d = f32x4.add(ld(dOut, s, one), ld(carry, s, one));
  if (keep) {
    const dn = f32x4.add(d, ld(dH, s, one));
    st(carry, s, splat(0), one);
    st(dH, s, splat(0), one);
    return dn;
  }
  st(carry, s, d, one);
  return splat(0);
}

export function rnnSimpleGrad(
  dOut: usize,
  carry: usize,
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
      const dn = enter(keep, s, one, dOut, carry, dH);
      st(dx, s, f32x4.mul(dn, slope4(act, ld(g, s, one))), one);
      j += one ? 1 : 4;
    }
  }
}

export function rnnLstmGrad(
  dOut: usize,
  carry: usize,
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
      const dn = enter(keep, s, one, dOut, carry, dH);
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
export function rnnGruAfterGrad(
  dOut: usize,
  carry: usize,
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
      const dn = enter(keep, s, one, dOut, carry, dH);
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
export function rnnGruBeforeGrad1(
  dOut: usize,
  carry: usize,
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
      const dn = enter(keep, s, one, dOut, carry, dH);
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
export function rnnGruBeforeGrad2(
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
