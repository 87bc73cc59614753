// Fused recurrent steps, forward: the gate arithmetic of one timestep of a SimpleRNN, LSTM or GRU
// over a run of batch rows, after the sequence driver (assembly/recurrent-sequence.ts) has written
// the step's recurrent product into the gate slots of the record (src/backend/recurrent-layout.ts
// describes the record). Float32 steps in the order of the step-by-step layer ops, four units at a
// time, with the activations of assembly/recurrent-math.ts.
//
// `mask` is the step's row of the timestep mask (0: none): a skipped row keeps its states and
// outputs the h it keeps, or zeros with `zeroOut` (Keras's zero_output_for_mask). `drop` is the
// recurrent dropout mask (0: none); `prevNext` where the next step's product input goes (0 after
// the last step). The functions are inlined into the driver, once with the usual activations as
// constants (tanh, sigmoid gates: their branches fold away) and once with any.

import { activate, kept, ld, splat, st } from './recurrent-math';

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
  zeroOut: bool,
  prevNext: usize,
  drop: usize,
): void {
  if (keep) {
    st(h, s, hNew, one);
    st(out, s, hNew, one);
  } else {
    // A skipped row keeps its states and outputs the state it keeps (Keras), or zeros.
    st(out, s, zeroOut ? splat(0) : ld(h, s, one), one);
  }
  if (prevNext != 0) {
    const hs = ld(h, s, one);
    st(prevNext, s, drop == 0 ? hs : f32x4.mul(hs, ld(drop, s, one)), one);
  }
}

// @ts-ignore: decorator
@inline
export function simpleStep(
  x: usize,
  g: usize,
  h: usize,
  out: usize,
  zeroOut: bool,
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
      finish(keep, hNew, s, one, h, out, zeroOut, prevNext, drop);
      j += one ? 1 : 4;
    }
  }
}

// @ts-ignore: decorator
@inline
export function lstmStep(
  x: usize,
  g: usize,
  cPrevOut: usize,
  tanhC: usize,
  h: usize,
  c: usize,
  out: usize,
  zeroOut: bool,
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
    // The row's gates first, then its cells: the gates are independent of each other, so the
    // CPU overlaps them, where one pass per unit waited on each unit's chain (gates, then
    // tanh(c), then h), which measured 1.4x slower.
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const r = b * gu + j;
      st(g, r, activate(gate, f32x4.add(ld(x, r, one), ld(g, r, one))), one);
      const f = r + u;
      st(g, f, activate(gate, f32x4.add(ld(x, f, one), ld(g, f, one))), one);
      const q = r + 2 * u;
      st(g, q, activate(act, f32x4.add(ld(x, q, one), ld(g, q, one))), one);
      const o = r + 3 * u;
      st(g, o, activate(gate, f32x4.add(ld(x, o, one), ld(g, o, one))), one);
      j += one ? 1 : 4;
    }
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const r = b * gu + j;
      const zi = ld(g, r, one);
      const zf = ld(g, r + u, one);
      const zc = ld(g, r + 2 * u, one);
      const zo = ld(g, r + 3 * u, one);
      const cPrev = ld(c, s, one);
      const cNew = f32x4.add(f32x4.mul(zf, cPrev), f32x4.mul(zi, zc));
      const tc = activate(act, cNew);
      const hNew = f32x4.mul(zo, tc);
      if (cPrevOut != 0) st(cPrevOut, s, cPrev, one);
      if (tanhC != 0) st(tanhC, s, tc, one);
      if (keep) st(c, s, cNew, one);
      finish(keep, hNew, s, one, h, out, zeroOut, prevNext, drop);
      j += one ? 1 : 4;
    }
  }
}

/** h' = z * h + (1 - z) * hh. */
// @ts-ignore: decorator
@inline
export function blend(z: v128, hPrev: v128, hh: v128): v128 {
  return f32x4.add(f32x4.mul(z, hPrev), f32x4.mul(f32x4.sub(splat(1), z), hh));
}

/** GRU, reset after the product: g holds h.U (all three blocks), bias the recurrent bias or 0. */
// @ts-ignore: decorator
@inline
export function gruAfterStep(
  x: usize,
  g: usize,
  hPrevOut: usize,
  inner: usize,
  bias: usize,
  h: usize,
  out: usize,
  zeroOut: bool,
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
    // z and r for the row first (independent: overlapped), then the candidates (each waits on
    // its r) and the new states, as in lstmStep.
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const r0 = b * gu + j;
      let inZ = ld(g, r0, one);
      let inR = ld(g, r0 + u, one);
      if (bias != 0) {
        inZ = f32x4.add(inZ, ld(bias, j, one));
        inR = f32x4.add(inR, ld(bias, j + u, one));
      }
      st(g, r0, activate(gate, f32x4.add(ld(x, r0, one), inZ)), one);
      st(g, r0 + u, activate(gate, f32x4.add(ld(x, r0 + u, one), inR)), one);
      j += one ? 1 : 4;
    }
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const r0 = b * gu + j;
      let inH = ld(g, r0 + 2 * u, one);
      if (bias != 0) inH = f32x4.add(inH, ld(bias, j + 2 * u, one));
      const z = ld(g, r0, one);
      const r = ld(g, r0 + u, one);
      const hh = activate(act, f32x4.add(ld(x, r0 + 2 * u, one), f32x4.mul(r, inH)));
      const hPrev = ld(h, s, one);
      st(g, r0 + 2 * u, hh, one);
      st(inner, s, inH, one);
      st(hPrevOut, s, hPrev, one);
      finish(keep, blend(z, hPrev, hh), s, one, h, out, zeroOut, prevNext, drop);
      j += one ? 1 : 4;
    }
  }
}

/** GRU, reset before the product, part 1: r, and r * prev (the candidate product's input). */
// @ts-ignore: decorator
@inline
export function gruBeforeReset(
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
// @ts-ignore: decorator
@inline
export function gruBeforeStep(
  x: usize,
  g: usize,
  hPrevOut: usize,
  h: usize,
  out: usize,
  zeroOut: bool,
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
    // z for the row first (its units independent: overlapped), then the candidates and the new
    // states, as in lstmStep and gruAfterStep.
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const r0 = b * gu + j;
      st(g, r0, activate(gate, f32x4.add(ld(x, r0, one), ld(g, r0, one))), one);
      j += one ? 1 : 4;
    }
    for (let j = 0; j < u; ) {
      const one = j + 4 > u;
      const s = b * u + j;
      const r0 = b * gu + j;
      const z = ld(g, r0, one);
      const hh = activate(act, f32x4.add(ld(x, r0 + 2 * u, one), ld(g, r0 + 2 * u, one)));
      const hPrev = ld(h, s, one);
      st(g, r0 + 2 * u, hh, one);
      st(hPrevOut, s, hPrev, one);
      finish(keep, blend(z, hPrev, hh), s, one, h, out, zeroOut, prevNext, drop);
      j += one ? 1 : 4;
    }
  }
}

