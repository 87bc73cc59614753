// Fused recurrent steps: the gate arithmetic of one timestep of a SimpleRNN, LSTM or GRU over the
// whole batch, after the TypeScript side has written the step's recurrent product into the gate
// slots of the record (src/backend/recurrent-layout.ts describes the record). Forward: float32
// steps in the order of the step-by-step layer ops, activations in f64 as the unary kernels
// compute them, so the values are the unfused path's bit for bit. Backward: f64 per element,
// rounded when stored.
//
// Activation codes: 0 tanh, 1 sigmoid, 2 relu, 3 linear. `mask` is the step's row of the
// timestep mask (0: none); `drop` the recurrent dropout mask (0: none); `outPrev` the previous
// step's outputs (0 at the first step: zeros); `prevNext` where the next step's product input
// goes (0 after the last step).

import { sigmoid } from './elementwise';

// @ts-ignore: decorator
@inline
function activate(kind: i32, x: f32): f32 {
  if (kind == 0) return <f32>Math.tanh(<f64>x);
  if (kind == 1) return <f32>sigmoid(<f64>x);
  if (kind == 2) return x > 0 ? x : x == x ? <f32>0 : x;
  return x;
}

/** The activation's derivative from its output y. */
// @ts-ignore: decorator
@inline
function slope(kind: i32, y: f64): f64 {
  if (kind == 0) return 1 - y * y;
  if (kind == 1) return y * (1 - y);
  if (kind == 2) return y > 0 ? 1 : 0;
  return 1;
}

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
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
  for (let i = 0; i < n; i++) store<f32>(at(dst, i), load<f32>(at(src, i)) * load<f32>(at(drop, i)));
}

/** dH += dPrev * drop (or dPrev without drop), n floats. */
export function rnnAddScaled(dH: usize, dPrev: usize, drop: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const d = load<f32>(at(dPrev, i));
    store<f32>(at(dH, i), load<f32>(at(dH, i)) + (drop == 0 ? d : d * load<f32>(at(drop, i))));
  }
}

/** After a step's new h (where kept): the carried state, the output, the next product input. */
// @ts-ignore: decorator
@inline
function finish(
  keep: bool,
  hNew: f32,
  s: i32,
  h: usize,
  out: usize,
  outPrev: usize,
  prevNext: usize,
  drop: usize,
): void {
  if (keep) {
    store<f32>(at(h, s), hNew);
    store<f32>(at(out, s), hNew);
  } else {
    store<f32>(at(out, s), outPrev == 0 ? <f32>0 : load<f32>(at(outPrev, s)));
  }
  if (prevNext != 0) {
    const hs = load<f32>(at(h, s));
    store<f32>(at(prevNext, s), drop == 0 ? hs : hs * load<f32>(at(drop, s)));
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const hNew = activate(act, load<f32>(at(x, s)) + load<f32>(at(g, s)));
      store<f32>(at(g, s), hNew);
      finish(keep, hNew, s, h, out, outPrev, prevNext, drop);
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const r = b * gu + j;
      const zi = activate(gate, load<f32>(at(x, r)) + load<f32>(at(g, r)));
      const zf = activate(gate, load<f32>(at(x, r + u)) + load<f32>(at(g, r + u)));
      const zc = activate(act, load<f32>(at(x, r + 2 * u)) + load<f32>(at(g, r + 2 * u)));
      const zo = activate(gate, load<f32>(at(x, r + 3 * u)) + load<f32>(at(g, r + 3 * u)));
      const cPrev = load<f32>(at(c, s));
      const cNew = zf * cPrev + zi * zc;
      const tc = activate(act, cNew);
      const hNew = zo * tc;
      store<f32>(at(g, r), zi);
      store<f32>(at(g, r + u), zf);
      store<f32>(at(g, r + 2 * u), zc);
      store<f32>(at(g, r + 3 * u), zo);
      store<f32>(at(cPrevOut, s), cPrev);
      store<f32>(at(tanhC, s), tc);
      if (keep) store<f32>(at(c, s), cNew);
      finish(keep, hNew, s, h, out, outPrev, prevNext, drop);
    }
  }
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const r0 = b * gu + j;
      let inZ = load<f32>(at(g, r0));
      let inR = load<f32>(at(g, r0 + u));
      let inH = load<f32>(at(g, r0 + 2 * u));
      if (bias != 0) {
        inZ = inZ + load<f32>(at(bias, j));
        inR = inR + load<f32>(at(bias, j + u));
        inH = inH + load<f32>(at(bias, j + 2 * u));
      }
      const z = activate(gate, load<f32>(at(x, r0)) + inZ);
      const r = activate(gate, load<f32>(at(x, r0 + u)) + inR);
      const hh = activate(act, load<f32>(at(x, r0 + 2 * u)) + r * inH);
      const hPrev = load<f32>(at(h, s));
      const hNew = z * hPrev + (<f32>1 - z) * hh;
      store<f32>(at(g, r0), z);
      store<f32>(at(g, r0 + u), r);
      store<f32>(at(g, r0 + 2 * u), hh);
      store<f32>(at(inner, s), inH);
      store<f32>(at(hPrevOut, s), hPrev);
      finish(keep, hNew, s, h, out, outPrev, prevNext, drop);
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const q = b * gu + u + j;
      const r = activate(gate, load<f32>(at(x, q)) + load<f32>(at(g, q)));
      store<f32>(at(g, q), r);
      store<f32>(at(rPrev, s), r * load<f32>(at(prev, s)));
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const r0 = b * gu + j;
      const z = activate(gate, load<f32>(at(x, r0)) + load<f32>(at(g, r0)));
      const hh = activate(act, load<f32>(at(x, r0 + 2 * u)) + load<f32>(at(g, r0 + 2 * u)));
      const hPrev = load<f32>(at(h, s));
      const hNew = z * hPrev + (<f32>1 - z) * hh;
      store<f32>(at(g, r0), z);
      store<f32>(at(g, r0 + 2 * u), hh);
      store<f32>(at(hPrevOut, s), hPrev);
      finish(keep, hNew, s, h, out, outPrev, prevNext, drop);
    }
  }
}

// ---- backward ---------------------------------------------------------------------------------
// dH (dC) hold the gradient reaching the carried states after the step; `carry` that of the
// previous output (a skipped step repeats it). A kept step takes both and zeroes them before the
// recurrence adds its part; a skipped one passes them on and writes zeros for its gates.

/** The gradient of the step's new h (0 where skipped); updates carry and dH. */
// @ts-ignore: decorator
@inline
function enter(keep: bool, s: i32, dOut: usize, carry: usize, dH: usize): f64 {
  const d = <f64>load<f32>(at(dOut, s)) + <f64>load<f32>(at(carry, s));
  if (keep) {
    const dn = d + <f64>load<f32>(at(dH, s));
    store<f32>(at(carry, s), 0);
    store<f32>(at(dH, s), 0);
    return dn;
  }
  store<f32>(at(carry, s), <f32>d);
  return 0;
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const dn = enter(keep, s, dOut, carry, dH);
      store<f32>(at(dx, s), <f32>(dn * slope(act, <f64>load<f32>(at(g, s)))));
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const r = b * gu + j;
      const dn = enter(keep, s, dOut, carry, dH);
      if (!keep) {
        store<f32>(at(dx, r), 0);
        store<f32>(at(dx, r + u), 0);
        store<f32>(at(dx, r + 2 * u), 0);
        store<f32>(at(dx, r + 3 * u), 0);
        continue;
      }
      const zi = <f64>load<f32>(at(g, r));
      const zf = <f64>load<f32>(at(g, r + u));
      const zc = <f64>load<f32>(at(g, r + 2 * u));
      const zo = <f64>load<f32>(at(g, r + 3 * u));
      const tc = <f64>load<f32>(at(tanhC, s));
      const dcNew = <f64>load<f32>(at(dC, s)) + dn * zo * slope(act, tc);
      store<f32>(at(dx, r), <f32>(dcNew * zc * slope(gate, zi)));
      store<f32>(at(dx, r + u), <f32>(dcNew * <f64>load<f32>(at(cPrev, s)) * slope(gate, zf)));
      store<f32>(at(dx, r + 2 * u), <f32>(dcNew * zi * slope(act, zc)));
      store<f32>(at(dx, r + 3 * u), <f32>(dn * tc * slope(gate, zo)));
      store<f32>(at(dC, s), <f32>(dcNew * zf));
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const r0 = b * gu + j;
      const dn = enter(keep, s, dOut, carry, dH);
      const z = <f64>load<f32>(at(g, r0));
      const r = <f64>load<f32>(at(g, r0 + u));
      const hh = <f64>load<f32>(at(g, r0 + 2 * u));
      const dpz = dn * (<f64>load<f32>(at(hPrev, s)) - hh) * slope(gate, z);
      const dph = dn * (1 - z) * slope(act, hh);
      const dpr = dph * <f64>load<f32>(at(inner, s)) * slope(gate, r);
      store<f32>(at(dx, r0), <f32>dpz);
      store<f32>(at(dx, r0 + u), <f32>dpr);
      store<f32>(at(dx, r0 + 2 * u), <f32>dph);
      store<f32>(at(dA, r0), <f32>dpz);
      store<f32>(at(dA, r0 + u), <f32>dpr);
      store<f32>(at(dA, r0 + 2 * u), <f32>(dph * r));
      store<f32>(at(dH, s), <f32>(<f64>load<f32>(at(dH, s)) + dn * z));
    }
  }
}

/** GRU (reset before), part 1: the new h's gradient (into dn) and the candidate's. */
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const q = b * gu + 2 * u + j;
      const dn = enter(keep, s, dOut, carry, dH);
      const z = <f64>load<f32>(at(g, b * gu + j));
      const dph = <f32>(dn * (1 - z) * slope(act, <f64>load<f32>(at(g, q))));
      store<f32>(at(dnOut, s), <f32>dn);
      store<f32>(at(dx, q), dph);
      store<f32>(at(dA, q), dph);
      store<f32>(at(dH, s), <f32>(<f64>load<f32>(at(dH, s)) + dn * z));
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
    for (let j = 0; j < u; j++) {
      const s = b * u + j;
      const r0 = b * gu + j;
      const z = <f64>load<f32>(at(g, r0));
      const r = <f64>load<f32>(at(g, r0 + u));
      const hh = <f64>load<f32>(at(g, r0 + 2 * u));
      const d = <f64>load<f32>(at(dn, s));
      const dpz = <f32>(d * (<f64>load<f32>(at(hPrev, s)) - hh) * slope(gate, z));
      const drp = <f64>load<f32>(at(dRPrev, s));
      const dpr = <f32>(drp * <f64>load<f32>(at(prev, s)) * slope(gate, r));
      store<f32>(at(dx, r0), dpz);
      store<f32>(at(dx, r0 + u), dpr);
      store<f32>(at(dA, r0), dpz);
      store<f32>(at(dA, r0 + u), dpr);
      store<f32>(at(dRPrev, s), <f32>(drp * r));
    }
  }
}
