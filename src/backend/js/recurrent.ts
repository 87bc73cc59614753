/**
 * Fused recurrent sequences, the reference: per step one recurrent product (the packed GEMM of
 * `./matmul.ts`) and a loop over the gates. The forward pass rounds every step to float32 in the
 * order of the step-by-step layer ops (`layers/recurrent/`), with float32 sigmoid and tanh
 * (Cephes's polynomials, within 2 ulp) computed exactly as the wasm kernels' SIMD lanes compute
 * them, so both backends agree bit for bit given the same recurrent products; the backward pass
 * works in float64 per element and rounds once when it stores, and forms the recurrent kernel's
 * gradient as one product over all steps.
 */
import type { KernelImpl, TensorInfo } from '../backend.js';
import type {
  RecurrentActivation,
  RecurrentAttrs,
  RecurrentGradAttrs,
  RecurrentKernels,
} from '../kernels.js';
import { gradLayout, recordLayout } from '../recurrent-layout.js';
import { gemm, type MatrixView } from './matmul.js';
import { floatsOf } from './util.js';

type RecurrentTable = { readonly [K in keyof RecurrentKernels]: KernelImpl<K> };

const f = Math.fround;

const EXP_P = [
  1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
  5.0000001201e-1,
].map(f);
const TANH_P = [
  -5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1,
].map(f);
const LOG2E = f(Math.LOG2E);
const LN2_HI = f(0.693359375);
const LN2_LO = f(-2.1219444e-4);
const ROUNDER = 1.5 * 2 ** 23;

/**
 * e^x in float32 (Cephes's expf): x clamped to [-87, 88], then 2^n * e^r with |r| <= ln(2) / 2
 * and a degree-7 polynomial; every step rounded to float32 in the order the SIMD kernel runs it.
 */
export function expF32(x0: number): number {
  const x = x0 < -87 ? -87 : x0 > 88 ? 88 : x0;
  // n = x / ln 2 rounded to the nearest integer (ties to even), as adding 1.5 * 2^23 in float32
  // rounds it in the SIMD kernel.
  const fx = f(f(x * LOG2E) + ROUNDER) - ROUNDER;
  const r = f(f(x - f(fx * LN2_HI)) - f(fx * LN2_LO));
  const z = f(r * r);
  let y = EXP_P[0] as number;
  for (let i = 1; i < EXP_P.length; i++) y = f(f(y * r) + (EXP_P[i] as number));
  y = f(f(f(y * z) + r) + 1);
  return f(y * 2 ** fx);
}

/** 1 / (1 + e^-x) in float32 (within 2 ulp). */
export function sigmoidF32(x: number): number {
  return f(1 / f(1 + expF32(-x)));
}

/** tanh in float32 (Cephes's tanhf, within 2 ulp): a polynomial below |x| = 0.625. */
export function tanhF32(x: number): number {
  const a = Math.abs(x);
  let v: number;
  if (a < 0.625) {
    const z = f(x * x);
    let p = TANH_P[0] as number;
    for (let i = 1; i < TANH_P.length; i++) p = f(f(p * z) + (TANH_P[i] as number));
    v = f(f(f(p * z) * x) + x);
  } else {
    v = f(1 - f(2 / f(expF32(f(a + a)) + 1)));
  }
  // x's sign on either branch (the polynomial alone would turn -0 into +0).
  return x < 0 || Object.is(x, -0) ? -Math.abs(v) : v;
}

/** The activation as the fused kernels compute it (float32; relu and linear exact). */
function activate(kind: RecurrentActivation, x: number): number {
  switch (kind) {
    case 'tanh':
      return tanhF32(x);
    case 'sigmoid':
      return sigmoidF32(x);
    case 'relu':
      return x > 0 ? x : x === x ? 0 : x;
    case 'linear':
      return x;
  }
}

/** The activation's derivative, from its output y. */
function slope(kind: RecurrentActivation, y: number): number {
  switch (kind) {
    case 'tanh':
      return 1 - y * y;
    case 'sigmoid':
      return y * (1 - y);
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'linear':
      return 1;
  }
}

const view = (
  data: Float32Array,
  offset: number,
  rowStride: number,
  colStride = 1,
): MatrixView => ({
  data,
  offset,
  rowStride,
  colStride,
});

/** The optional inputs after the fixed ones, in kernel-list order. */
function optionals(
  attrs: RecurrentAttrs,
  rest: readonly TensorInfo[],
): { bias: Float32Array | null; mask: Float32Array | null; drop: Float32Array | null } {
  let i = 0;
  const next = (): Float32Array => floatsOf(rest[i++] as TensorInfo);
  const bias = attrs.recurrentBias ? next() : null;
  const mask = attrs.masked ? next() : null;
  const drop = attrs.recurrentDropout ? next() : null;
  return { bias, mask, drop };
}

function forward(inputs: readonly TensorInfo[], attrs: RecurrentAttrs): Float32Array {
  const { cell, activation: act, recurrentActivation: gate } = attrs;
  const [projected, kernel, h0] = inputs as [TensorInfo, TensorInfo, TensorInfo];
  const [steps, batch, gu] = projected.shape as [number, number, number];
  const u = h0.shape[1] as number;
  const lstm = cell === 'lstm';
  const rest = inputs.slice(lstm ? 4 : 3);
  const { bias, mask, drop } = optionals(attrs, rest);
  const xs = floatsOf(projected);
  const us = floatsOf(kernel);
  const L = recordLayout(cell, steps, batch, u);
  const rec = new Float32Array(L.size);
  const plane = batch * u;
  const h = Float32Array.from(floatsOf(h0));
  const c = lstm ? Float32Array.from(floatsOf(inputs[3] as TensorInfo)) : new Float32Array(0);
  const out = new Float32Array(plane);
  // The recurrent product per step (without resetAfter, a GRU's candidate part comes later).
  const productCols = cell === 'gru' ? 2 * u : gu;
  const prod = new Float32Array(batch * productCols);
  const prodH = new Float32Array(cell === 'gru' ? plane : 0);
  for (let t = 0; t < steps; t++) {
    const prevAt = L.prev + t * plane;
    for (let i = 0; i < plane; i++) {
      rec[prevAt + i] =
        drop === null ? (h[i] as number) : f((h[i] as number) * (drop[i] as number));
    }
    prod.fill(0);
    gemm(batch, productCols, u, view(rec, prevAt, u), view(us, 0, gu), prod, 0);
    const gAt = L.gateValues + t * batch * gu;
    const xAt = t * batch * gu;
    if (cell === 'gru') {
      // r first (the candidate's product takes r * prev), then z and the candidate.
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < u; j++) {
          const r = activate(
            gate,
            f((xs[xAt + b * gu + u + j] as number) + (prod[b * 2 * u + u + j] as number)),
          );
          rec[gAt + b * gu + u + j] = r;
          rec[L.extra2 + t * plane + b * u + j] = f(r * (rec[prevAt + b * u + j] as number));
        }
      }
      prodH.fill(0);
      gemm(batch, u, u, view(rec, L.extra2 + t * plane, u), view(us, 2 * u, gu), prodH, 0);
    }
    for (let b = 0; b < batch; b++) {
      const keep = mask === null || mask[t * batch + b] !== 0;
      for (let j = 0; j < u; j++) {
        const s = b * u + j;
        const x = xAt + b * gu;
        const g = gAt + b * gu;
        let hNew: number;
        if (cell === 'simple') {
          hNew = activate(act, f((xs[x + j] as number) + (prod[b * gu + j] as number)));
          rec[g + j] = hNew;
        } else if (cell === 'lstm') {
          const p = b * gu;
          const zi = activate(gate, f((xs[x + j] as number) + (prod[p + j] as number)));
          const zf = activate(gate, f((xs[x + u + j] as number) + (prod[p + u + j] as number)));
          const zc = activate(
            act,
            f((xs[x + 2 * u + j] as number) + (prod[p + 2 * u + j] as number)),
          );
          const zo = activate(
            gate,
            f((xs[x + 3 * u + j] as number) + (prod[p + 3 * u + j] as number)),
          );
          const cPrev = c[s] as number;
          const cNew = f(f(zf * cPrev) + f(zi * zc));
          const tc = activate(act, cNew);
          hNew = f(zo * tc);
          rec[g + j] = zi;
          rec[g + u + j] = zf;
          rec[g + 2 * u + j] = zc;
          rec[g + 3 * u + j] = zo;
          rec[L.extra1 + t * plane + s] = cPrev;
          rec[L.extra2 + t * plane + s] = tc;
          if (keep) c[s] = cNew;
        } else {
          const hPrev = h[s] as number;
          let z: number;
          let r: number;
          let inner: number;
          if (cell === 'gru') {
            const p = b * 2 * u;
            z = activate(gate, f((xs[x + j] as number) + (prod[p + j] as number)));
            r = rec[g + u + j] as number;
            inner = prodH[s] as number;
          } else {
            const p = b * gu;
            const bz = bias === null ? 0 : (bias[j] as number);
            const br = bias === null ? 0 : (bias[u + j] as number);
            const bh = bias === null ? 0 : (bias[2 * u + j] as number);
            const inZ = bias === null ? (prod[p + j] as number) : f((prod[p + j] as number) + bz);
            const inR =
              bias === null ? (prod[p + u + j] as number) : f((prod[p + u + j] as number) + br);
            const inH =
              bias === null
                ? (prod[p + 2 * u + j] as number)
                : f((prod[p + 2 * u + j] as number) + bh);
            z = activate(gate, f((xs[x + j] as number) + inZ));
            r = activate(gate, f((xs[x + u + j] as number) + inR));
            rec[L.extra2 + t * plane + s] = inH;
            inner = f(r * inH);
          }
          const hh = activate(act, f((xs[x + 2 * u + j] as number) + inner));
          hNew = f(f(z * hPrev) + f(f(1 - z) * hh));
          rec[g + j] = z;
          rec[g + u + j] = r;
          rec[g + 2 * u + j] = hh;
          rec[L.extra1 + t * plane + s] = hPrev;
        }
        if (keep) {
          h[s] = hNew;
          out[s] = hNew;
        } else {
          // A skipped row keeps its states and outputs the h it keeps (Keras), or zeros.
          out[s] = attrs.zeroOutputForMask ? 0 : (h[s] as number);
        }
      }
    }
    rec.set(out, L.outputs + t * plane);
  }
  rec.set(h, L.outputs + steps * plane);
  if (lstm) rec.set(c, L.outputs + (steps + 1) * plane);
  return attrs.saveForBackward ? rec : rec.slice(0, L.prev);
}

function backward(inputs: readonly TensorInfo[], attrs: RecurrentGradAttrs): Float32Array {
  const { cell, activation: act, recurrentActivation: gate, steps: T } = attrs;
  const [dStates, record, kernel] = inputs as [TensorInfo, TensorInfo, TensorInfo];
  const [u, gu] = kernel.shape as [number, number];
  const lstm = cell === 'lstm';
  const B = dStates.shape[1] as number;
  const { mask, drop } = optionals(attrs, inputs.slice(3));
  const dss = floatsOf(dStates);
  // Without the outputs' gradient, every step's is zero.
  const dys = attrs.outputsGradient ? floatsOf(inputs[inputs.length - 1] as TensorInfo) : null;
  const rec = floatsOf(record);
  const us = floatsOf(kernel);
  const L = recordLayout(cell, T, B, u);
  const G = gradLayout(attrs, T, B, u);
  const grad = new Float32Array(G.size);
  const plane = B * u;
  // The gradients reaching the carried states after step t (from the final states first).
  const dH = Float64Array.from(dss.subarray(0, plane));
  const dC = lstm ? Float64Array.from(dss.subarray(plane, 2 * plane)) : new Float64Array(0);
  // d(recurrent product) per step; for LSTM and SimpleRNN it is d(projected) itself.
  const dA = cell === 'lstm' || cell === 'simple' ? grad : new Float32Array(T * B * gu);
  const dPrev = new Float32Array(plane);
  const dRPrev = new Float32Array(cell === 'gru' ? plane : 0);
  const dhNew = new Float64Array(plane);
  const dcIn = new Float64Array(lstm ? plane : 0);
  const kept = new Uint8Array(plane);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const keep = mask === null || mask[t * B + b] !== 0;
      for (let j = 0; j < u; j++) {
        const i = b * u + j;
        const dOut = dys === null ? 0 : (dys[t * plane + i] as number);
        kept[i] = keep ? 1 : 0;
        // A kept step takes the states' gradients; a skipped one passes them on, plus its
        // output's, which repeated h (nothing with zeroOutputForMask: it output zeros).
        if (keep) {
          dhNew[i] = dOut + (dH[i] as number);
          dH[i] = 0;
          if (lstm) dcIn[i] = dC[i] as number;
        } else {
          dhNew[i] = 0;
          if (!attrs.zeroOutputForMask) dH[i] = (dH[i] as number) + dOut;
          if (lstm) dcIn[i] = 0;
        }
      }
    }
    const gAt = L.gateValues + t * B * gu;
    const xAt = t * B * gu;
    const stepPlane = t * plane;
    if (cell === 'gru') {
      // The candidate's part first: its product's gradient decides r's.
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < u; j++) {
          const i = b * u + j;
          const hh = rec[gAt + b * gu + 2 * u + j] as number;
          const z = rec[gAt + b * gu + j] as number;
          const dph = (dhNew[i] as number) * (1 - z) * slope(act, hh);
          grad[xAt + b * gu + 2 * u + j] = dph;
          dA[xAt + b * gu + 2 * u + j] = dph;
        }
      }
      dRPrev.fill(0);
      gemm(B, u, u, view(dA, xAt + 2 * u, gu), view(us, 2 * u, 1, gu), dRPrev, 0);
    }
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < u; j++) {
        const i = b * u + j;
        const dn = dhNew[i] as number;
        const g = gAt + b * gu;
        const x = xAt + b * gu;
        if (cell === 'simple') {
          const dp = dn * slope(act, rec[g + j] as number);
          grad[x + j] = dp;
        } else if (cell === 'lstm') {
          const zi = rec[g + j] as number;
          const zf = rec[g + u + j] as number;
          const zc = rec[g + 2 * u + j] as number;
          const zo = rec[g + 3 * u + j] as number;
          const cPrev = rec[L.extra1 + stepPlane + i] as number;
          const tc = rec[L.extra2 + stepPlane + i] as number;
          if (kept[i] === 1) {
            const dcNew = (dcIn[i] as number) + dn * zo * slope(act, tc);
            grad[x + j] = dcNew * zc * slope(gate, zi);
            grad[x + u + j] = dcNew * cPrev * slope(gate, zf);
            grad[x + 2 * u + j] = dcNew * zi * slope(act, zc);
            grad[x + 3 * u + j] = dn * tc * slope(gate, zo);
            dC[i] = dcNew * zf;
          }
        } else {
          const z = rec[g + j] as number;
          const r = rec[g + u + j] as number;
          const hh = rec[g + 2 * u + j] as number;
          const hPrev = rec[L.extra1 + stepPlane + i] as number;
          const dpz = dn * (hPrev - hh) * slope(gate, z);
          let dr: number;
          if (cell === 'gru') {
            dr = (dRPrev[i] as number) * (rec[L.prev + stepPlane + i] as number);
          } else {
            const dph = dn * (1 - z) * slope(act, hh);
            grad[x + 2 * u + j] = dph;
            dA[x + 2 * u + j] = dph * r;
            dr = dph * (rec[L.extra2 + stepPlane + i] as number);
          }
          const dpr = dr * slope(gate, r);
          grad[x + j] = dpz;
          grad[x + u + j] = dpr;
          dA[x + j] = dpz;
          dA[x + u + j] = dpr;
          // The direct path h' = z * h + ...
          dH[i] = (dH[i] as number) + dn * z;
        }
      }
    }
    // Through the recurrent product to the previous state (times the dropout mask).
    dPrev.fill(0);
    const productCols = cell === 'gru' ? 2 * u : gu;
    gemm(B, u, productCols, view(dA, xAt, gu), view(us, 0, 1, gu), dPrev, 0);
    for (let i = 0; i < plane; i++) {
      let d = dPrev[i] as number;
      if (cell === 'gru') {
        const r = rec[gAt + Math.floor(i / u) * gu + u + (i % u)] as number;
        d += (dRPrev[i] as number) * r;
      }
      dH[i] = (dH[i] as number) + (drop === null ? d : d * (drop[i] as number));
    }
  }
  // The recurrent kernel's gradient: one product over all T * B rows.
  if (cell === 'gru') {
    const zr = new Float32Array(u * 2 * u);
    gemm(u, 2 * u, T * B, view(rec, L.prev, 1, u), view(dA, 0, gu), zr, 0);
    const hh = new Float32Array(u * u);
    gemm(u, u, T * B, view(rec, L.extra2, 1, u), view(dA, 2 * u, gu), hh, 0);
    for (let r = 0; r < u; r++) {
      grad.set(zr.subarray(r * 2 * u, (r + 1) * 2 * u), G.kernel + r * gu);
      grad.set(hh.subarray(r * u, (r + 1) * u), G.kernel + r * gu + 2 * u);
    }
  } else {
    gemm(u, gu, T * B, view(rec, L.prev, 1, u), view(dA, 0, gu), grad, G.kernel);
  }
  if (G.bias >= 0) {
    for (let j = 0; j < gu; j++) {
      let sum = 0;
      for (let r = 0; r < T * B; r++) sum += dA[r * gu + j] as number;
      grad[G.bias + j] = sum;
    }
  }
  grad.set(dH, G.h0);
  if (lstm) grad.set(dC, G.c0);
  return grad;
}

export const recurrentKernels: RecurrentTable = {
  RecurrentSequence: (inputs, attrs) => forward(inputs, attrs),
  RecurrentSequenceGrad: (inputs, attrs) => backward(inputs, attrs),
};
