/**
 * Where things lie in the flat record of a fused recurrent sequence (`RecurrentSequence`) and in
 * its gradient (`RecurrentSequenceGrad`). Both backends and the op share these offsets (in
 * float32 elements). Every section is contiguous and time-major, so that the recurrent kernel's
 * gradient is one product over all T * B rows.
 *
 * Record, for T steps, batch B, u units and G gate blocks:
 * - outputs [T, B, u], then the final states [S, B, u] (h, then c for an LSTM): the op's result;
 * - prev [T, B, u]: each step's recurrent product input (h_{t-1}, times the dropout mask);
 * - gates [T, B, G*u]: the gates after their activations (lstm i, f, g, o; gru z, r, hh; simple
 *   the new h);
 * - lstm: cPrev [T, B, u] (the carried c_{t-1}) and tanhC [T, B, u] (act(c_t));
 *   gru: hPrev [T, B, u] (the carried h_{t-1}, no dropout) and extra [T, B, u] (resetAfter: the
 *   recurrent product of the candidate plus its bias; else r * prev, its product's input).
 *
 * Gradient: d(projected) [T, B, G*u], d(recurrent kernel) [u, G*u], d(recurrent bias) [G*u]
 * (recurrentBias), d(h0) [B, u], d(c0) [B, u] (lstm).
 */
import type { RecurrentAttrs, RecurrentCell } from './kernels.js';

export function gateCount(cell: RecurrentCell): number {
  return cell === 'lstm' ? 4 : cell === 'simple' ? 1 : 3;
}

export function stateCount(cell: RecurrentCell): number {
  return cell === 'lstm' ? 2 : 1;
}

export interface RecordLayout {
  steps: number;
  batch: number;
  units: number;
  gates: number;
  states: number;
  outputs: number;
  prev: number;
  gateValues: number;
  /** lstm cPrev / gru hPrev (-1 for simple). */
  extra1: number;
  /** lstm tanhC / gru candidate product or r * prev (-1 for simple). */
  extra2: number;
  size: number;
}

export function recordLayout(
  cell: RecurrentCell,
  steps: number,
  batch: number,
  units: number,
): RecordLayout {
  const g = gateCount(cell);
  const s = stateCount(cell);
  const plane = batch * units;
  const outputs = 0;
  const prev = (steps + s) * plane;
  const gateValues = prev + steps * plane;
  const afterGates = gateValues + steps * plane * g;
  const hasExtra = cell !== 'simple';
  return {
    steps,
    batch,
    units,
    gates: g,
    states: s,
    outputs,
    prev,
    gateValues,
    extra1: hasExtra ? afterGates : -1,
    extra2: hasExtra ? afterGates + steps * plane : -1,
    size: afterGates + (hasExtra ? 2 * steps * plane : 0),
  };
}

export interface GradLayout {
  projected: number;
  kernel: number;
  /** -1 without a recurrent bias. */
  bias: number;
  h0: number;
  /** -1 unless lstm. */
  c0: number;
  size: number;
}

export function gradLayout(
  attrs: Pick<RecurrentAttrs, 'cell' | 'recurrentBias'>,
  steps: number,
  batch: number,
  units: number,
): GradLayout {
  const gu = gateCount(attrs.cell) * units;
  const kernel = steps * batch * gu;
  const bias = kernel + units * gu;
  const h0 = bias + (attrs.recurrentBias ? gu : 0);
  const c0 = attrs.cell === 'lstm' ? h0 + batch * units : -1;
  return {
    projected: 0,
    kernel,
    bias: attrs.recurrentBias ? bias : -1,
    h0,
    c0,
    size: h0 + batch * units * (attrs.cell === 'lstm' ? 2 : 1),
  };
}
