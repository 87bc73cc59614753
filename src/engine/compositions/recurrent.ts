/**
 * Default compositions of the fused recurrent sequences (`RecurrentKernels`): the recurrence
 * step by step with primitive kernels, writing and reading the record and the gradient in the
 * layout of `backend/recurrent-layout.ts`, so that a backend may implement either kernel alone.
 * Values agree with the fused kernels to rounding: those use their own float32 sigmoid and tanh
 * (within 2 ulp of the primitives'), and the reference backward pass works in float64.
 */
import type {
  RecurrentActivation,
  RecurrentAttrs,
  RecurrentGradAttrs,
  RecurrentKernels,
} from '../../backend/kernels.js';
import { recordLayout } from '../../backend/recurrent-layout.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { PrimitiveOps } from './primitives.js';
import type { CompositionTable } from './types.js';

function activate(p: PrimitiveOps, kind: RecurrentActivation, x: Tensor): Tensor {
  switch (kind) {
    case 'tanh':
      return p.unary('Tanh', x);
    case 'sigmoid':
      return p.unary('Sigmoid', x);
    case 'relu':
      return p.unary('Relu', x);
    case 'linear':
      return x;
  }
}

/** d times the activation's derivative, written with its output y. */
function throughActivation(
  p: PrimitiveOps,
  kind: RecurrentActivation,
  y: Tensor,
  d: Tensor,
): Tensor {
  switch (kind) {
    case 'tanh':
      return p.binary('Mul', d, p.binary('Sub', 1, p.unary('Square', y)));
    case 'sigmoid':
      return p.binary('Mul', d, p.binary('Mul', y, p.binary('Sub', 1, y)));
    case 'relu':
      return p.where(p.compare('Greater', y, 0), d, 0);
    case 'linear':
      return d;
  }
}

/** The optional inputs after the fixed ones, in kernel-list order. */
function optionals(
  attrs: RecurrentAttrs,
  rest: readonly Tensor[],
): { bias: Tensor | null; mask: Tensor | null; drop: Tensor | null } {
  let i = 0;
  const next = (): Tensor => rest[i++] as Tensor;
  const bias = attrs.recurrentBias ? next() : null;
  const mask = attrs.masked ? next() : null;
  const drop = attrs.recurrentDropout ? next() : null;
  return { bias, mask, drop };
}

/** Column block k (of width u) of a [rows, G*u] matrix. */
function block(p: PrimitiveOps, x: Tensor, k: number, u: number, count = 1): Tensor {
  return p.slice(x, [0, k * u], [x.shape[0] as number, count * u]);
}

/** Whether each row of step t is kept, [B, 1] (null: no mask). */
function keptRows(p: PrimitiveOps, mask: Tensor | null, t: number, batch: number): Tensor | null {
  if (mask === null) return null;
  return p.compare('NotEqual', p.reshape(p.slice(mask, [t, 0], [1, batch]), [batch, 1]), 0);
}

/** Flattens tensors into one vector, in order. */
function flatConcat(p: PrimitiveOps, parts: readonly Tensor[]): Tensor {
  const flat = parts.map((x) => p.reshape(x, [x.shape.reduce((a, b) => a * b, 1)]));
  return flat.length === 1 ? (flat[0] as Tensor) : p.concat(flat, 0);
}

function forward(p: PrimitiveOps, inputs: readonly Tensor[], attrs: RecurrentAttrs): Tensor {
  const { cell, activation: act, recurrentActivation: gate } = attrs;
  const [projected, kernel, h0] = inputs as [Tensor, Tensor, Tensor];
  const [steps, batch, gu] = projected.shape as [number, number, number];
  const u = h0.shape[1] as number;
  const lstm = cell === 'lstm';
  const { bias, mask, drop } = optionals(attrs, inputs.slice(lstm ? 4 : 3));
  let h = h0;
  let c = lstm ? (inputs[3] as Tensor) : null;
  const outputs: Tensor[] = [];
  const prevs: Tensor[] = [];
  const gates: Tensor[] = [];
  const extra1: Tensor[] = [];
  const extra2: Tensor[] = [];
  const zrKernel = cell === 'gru' ? block(p, kernel, 0, u, 2) : kernel;
  const candidateKernel = cell === 'gru' ? block(p, kernel, 2, u) : kernel;
  for (let t = 0; t < steps; t++) {
    const x = p.reshape(p.slice(projected, [t, 0, 0], [1, batch, gu]), [batch, gu]);
    const prev = drop === null ? h : p.binary('Mul', h, drop);
    prevs.push(prev);
    const product = p.matMul(prev, zrKernel);
    const pre = (k: number, inner: Tensor): Tensor => p.binary('Add', block(p, x, k, u), inner);
    let hNew: Tensor;
    if (cell === 'simple') {
      hNew = activate(p, act, p.binary('Add', x, product));
      gates.push(hNew);
    } else if (cell === 'lstm') {
      const i = activate(p, gate, pre(0, block(p, product, 0, u)));
      const f = activate(p, gate, pre(1, block(p, product, 1, u)));
      const g = activate(p, act, pre(2, block(p, product, 2, u)));
      const o = activate(p, gate, pre(3, block(p, product, 3, u)));
      const cPrev = c as Tensor;
      const cNew = p.binary('Add', p.binary('Mul', f, cPrev), p.binary('Mul', i, g));
      const tanhC = activate(p, act, cNew);
      hNew = p.binary('Mul', o, tanhC);
      gates.push(p.concat([i, f, g, o], 1));
      extra1.push(cPrev);
      extra2.push(tanhC);
      const keep = keptRows(p, mask, t, batch);
      c = keep === null ? cNew : p.where(keep, cNew, cPrev);
    } else {
      let z: Tensor;
      let r: Tensor;
      let inner: Tensor;
      if (cell === 'gru') {
        r = activate(p, gate, pre(1, block(p, product, 1, u)));
        const resetPrev = p.binary('Mul', r, prev);
        extra2.push(resetPrev);
        z = activate(p, gate, pre(0, block(p, product, 0, u)));
        inner = p.matMul(resetPrev, candidateKernel);
      } else {
        const withBias = bias === null ? product : p.binary('Add', product, bias);
        z = activate(p, gate, pre(0, block(p, withBias, 0, u)));
        r = activate(p, gate, pre(1, block(p, withBias, 1, u)));
        const candidate = block(p, withBias, 2, u);
        extra2.push(candidate);
        inner = p.binary('Mul', r, candidate);
      }
      const hh = activate(p, act, pre(2, inner));
      hNew = p.binary('Add', p.binary('Mul', z, h), p.binary('Mul', p.binary('Sub', 1, z), hh));
      gates.push(p.concat([z, r, hh], 1));
      extra1.push(h);
    }
    const keep = keptRows(p, mask, t, batch);
    h = keep === null ? hNew : p.where(keep, hNew, h);
    // A skipped row keeps its states and outputs the h it keeps (Keras 3), or zeros.
    outputs.push(keep === null || !attrs.zeroOutputForMask ? h : p.where(keep, hNew, 0));
  }
  const published = [...outputs, h, ...(c === null ? [] : [c])];
  if (!attrs.saveForBackward) return flatConcat(p, published);
  return flatConcat(p, [...published, ...prevs, ...gates, ...extra1, ...extra2]);
}

function backward(p: PrimitiveOps, inputs: readonly Tensor[], attrs: RecurrentGradAttrs): Tensor {
  const { cell, activation: act, recurrentActivation: gate, steps } = attrs;
  const [dStates, record, kernel] = inputs as [Tensor, Tensor, Tensor];
  const [u, gu] = kernel.shape as [number, number];
  const lstm = cell === 'lstm';
  const batch = dStates.shape[1] as number;
  const { bias, mask, drop } = optionals(attrs, inputs.slice(3));
  const dOutputs = attrs.outputsGradient ? (inputs[inputs.length - 1] as Tensor) : null;
  const L = recordLayout(cell, steps, batch, u);
  const plane = batch * u;
  const section = (at: number, shape: number[]): Tensor =>
    p.reshape(p.slice(record, [at], [shape.reduce((a, b) => a * b, 1)]), shape);
  const rowOf = (d: Tensor, t: number): Tensor =>
    p.reshape(p.slice(d, [t, 0, 0], [1, batch, u]), [batch, u]);
  // The gradients reaching the carried states after step t (from the final states first).
  let dH = rowOf(dStates, 0);
  let dC = lstm ? rowOf(dStates, 1) : null;
  const zrKernel = cell === 'gru' ? block(p, kernel, 0, u, 2) : kernel;
  const candidateKernel = cell === 'gru' ? block(p, kernel, 2, u) : kernel;
  const dProjected: Tensor[] = [];
  // d(recurrent product) per step; for LSTM and SimpleRNN it is d(projected) itself.
  const dProduct: Tensor[] = [];
  for (let t = steps - 1; t >= 0; t--) {
    const dOut = dOutputs === null ? p.zeros([batch, u]) : rowOf(dOutputs, t);
    const keep = keptRows(p, mask, t, batch);
    let dn = p.binary('Add', dOut, dH);
    let dcIn = dC;
    if (keep === null) {
      dH = p.zeros([batch, u]);
    } else {
      dn = p.where(keep, dn, 0);
      // A skipped step passes the states' gradients on, plus its output's, which repeated h
      // (nothing with zeroOutputForMask: it output zeros).
      dH = p.where(keep, 0, attrs.zeroOutputForMask ? dH : p.binary('Add', dH, dOut));
      if (dC !== null) dcIn = p.where(keep, dC, 0);
    }
    const gates = section(L.gateValues + t * batch * gu, [batch, gu]);
    const prev = section(L.prev + t * plane, [batch, u]);
    const g = (k: number): Tensor => block(p, gates, k, u);
    let dPrevExtra: Tensor | null = null;
    if (cell === 'simple') {
      const dp = throughActivation(p, act, gates, dn);
      dProjected.push(dp);
      dProduct.push(dp);
    } else if (cell === 'lstm') {
      const [i, f, c, o] = [g(0), g(1), g(2), g(3)];
      const cPrev = section(L.extra1 + t * plane, [batch, u]);
      const tanhC = section(L.extra2 + t * plane, [batch, u]);
      const dcNew = p.binary(
        'Add',
        dcIn as Tensor,
        throughActivation(p, act, tanhC, p.binary('Mul', dn, o)),
      );
      const di = throughActivation(p, gate, i, p.binary('Mul', dcNew, c));
      const df = throughActivation(p, gate, f, p.binary('Mul', dcNew, cPrev));
      const dc = throughActivation(p, act, c, p.binary('Mul', dcNew, i));
      const dout = throughActivation(p, gate, o, p.binary('Mul', dn, tanhC));
      const dp = p.concat([di, df, dc, dout], 1);
      dProjected.push(dp);
      dProduct.push(dp);
      const carried = p.binary('Mul', dcNew, f);
      dC = keep === null ? carried : p.where(keep, carried, dC as Tensor);
    } else {
      const [z, r, hh] = [g(0), g(1), g(2)];
      const hPrev = section(L.extra1 + t * plane, [batch, u]);
      const extra = section(L.extra2 + t * plane, [batch, u]);
      const dph = throughActivation(p, act, hh, p.binary('Mul', dn, p.binary('Sub', 1, z)));
      const dpz = throughActivation(p, gate, z, p.binary('Mul', dn, p.binary('Sub', hPrev, hh)));
      let dr: Tensor;
      let dCandidate: Tensor;
      if (cell === 'gru') {
        // The candidate's product takes r * prev: its gradient decides r's.
        const dResetPrev = p.matMul(dph, candidateKernel, false, true);
        dr = p.binary('Mul', dResetPrev, prev);
        dPrevExtra = p.binary('Mul', dResetPrev, r);
        dCandidate = dph;
      } else {
        dr = p.binary('Mul', dph, extra);
        dCandidate = p.binary('Mul', dph, r);
      }
      const dpr = throughActivation(p, gate, r, dr);
      dProjected.push(p.concat([dpz, dpr, dph], 1));
      dProduct.push(p.concat([dpz, dpr, dCandidate], 1));
      // The direct path h' = z * h + ...
      dH = p.binary('Add', dH, p.binary('Mul', dn, z));
    }
    // Through the recurrent product to the previous state (times the dropout mask).
    const dStep = dProduct[dProduct.length - 1] as Tensor;
    const dZr = cell === 'gru' ? block(p, dStep, 0, u, 2) : dStep;
    let dPrev = p.matMul(dZr, zrKernel, false, true);
    if (dPrevExtra !== null) dPrev = p.binary('Add', dPrev, dPrevExtra);
    dH = p.binary('Add', dH, drop === null ? dPrev : p.binary('Mul', dPrev, drop));
  }
  dProjected.reverse();
  dProduct.reverse();
  const allRows = steps * batch;
  const dProducts = dProduct.length === 0 ? null : p.concat(dProduct, 0);
  const prevs = section(L.prev, [allRows, u]);
  // The recurrent kernel's gradient: one product over all T * B rows.
  let dKernel: Tensor;
  if (dProducts === null) {
    dKernel = p.zeros([u, gu]);
  } else if (cell === 'gru') {
    const resetPrevs = section(L.extra2, [allRows, u]);
    dKernel = p.concat(
      [
        p.matMul(prevs, block(p, dProducts, 0, u, 2), true, false),
        p.matMul(resetPrevs, block(p, dProducts, 2, u), true, false),
      ],
      1,
    );
  } else {
    dKernel = p.matMul(prevs, dProducts, true, false);
  }
  const parts: Tensor[] = [...dProjected, dKernel];
  if (bias !== null) parts.push(dProducts === null ? p.zeros([gu]) : p.sum(dProducts, [0]));
  parts.push(dH);
  if (dC !== null) parts.push(dC);
  return flatConcat(p, parts);
}

export const recurrentCompositions: CompositionTable<keyof RecurrentKernels> = {
  RecurrentSequence: (p, inputs, attrs) => forward(p, inputs, attrs),
  RecurrentSequenceGrad: (p, inputs, attrs) => backward(p, inputs, attrs),
};
