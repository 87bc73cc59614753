/**
 * The wasm backend's fused recurrent sequences: per step, the recurrent product goes straight
 * into the step's gate slots of the record (the threaded GEMM, `./gemm.ts`), then one gate kernel
 * (`assembly/recurrent.ts`) turns it into gates, states and outputs in place. No JS array, tape
 * entry or copy-out per step: the record is handed back once. Backward walks the steps in reverse
 * the same way (gate gradients, then the product with the recurrent kernel's transpose), and
 * forms the recurrent kernel's gradient as one product over all T * B rows at the end.
 * The layout of the record and of the gradient is `../recurrent-layout.ts`.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import type { KernelAttrs, RecurrentActivation, RecurrentAttrs } from '../kernels.js';
import { gradLayout, recordLayout } from '../recurrent-layout.js';
import type { NativeTable, WasmKernelContext } from './context.js';
import type { WasmData } from './memory.js';

const CODES: Record<RecurrentActivation, number> = { tanh: 0, sigmoid: 1, relu: 2, linear: 3 };

/** Byte offsets of the optional inputs after the fixed ones (0 where absent). */
function optionals(
  ptrOf: (info: TensorInfo) => number,
  attrs: RecurrentAttrs,
  rest: readonly TensorInfo[],
): { bias: number; mask: number; drop: number } {
  let i = 0;
  const next = (): number => ptrOf(rest[i++] as TensorInfo);
  const bias = attrs.recurrentBias ? next() : 0;
  const mask = attrs.masked ? next() : 0;
  const drop = attrs.recurrentDropout ? next() : 0;
  return { bias, mask, drop };
}

export function recurrentKernels(ctx: WasmKernelContext): NativeTable {
  const { k, mem, ptrOf, output, native, gemm } = ctx;

  const forward = (
    inputs: readonly TensorInfo[],
    attrs: KernelAttrs<'RecurrentSequence'>,
    out: OutputInfo,
  ): WasmData => {
    const { cell } = attrs;
    const act = CODES[attrs.activation];
    const gate = CODES[attrs.recurrentActivation];
    const [projected, kernel, h0] = inputs as [TensorInfo, TensorInfo, TensorInfo];
    const [steps, batch, gu] = projected.shape as [number, number, number];
    const u = h0.shape[1] as number;
    const lstm = cell === 'lstm';
    const px = ptrOf(projected);
    const pu = ptrOf(kernel);
    const ph0 = ptrOf(h0);
    const pc0 = lstm ? ptrOf(inputs[3] as TensorInfo) : 0;
    const { bias, mask, drop } = optionals(ptrOf, attrs, inputs.slice(lstm ? 4 : 3));
    const y = output(out);
    const L = recordLayout(cell, steps, batch, u);
    const plane = batch * u;
    const bytes = plane * 4;
    const rec = y.ptr;
    const f = (offset: number): number => rec + offset * 4;
    const save = attrs.saveForBackward;
    // The carried states; for inference, one step's product input, gates and extras too (the
    // record is then the outputs and final states only).
    const stepBytes = save ? 0 : 3 * bytes + batch * gu * 4;
    const scratchBytes = 2 * bytes + stepBytes;
    const scratch = mem.alloc(scratchBytes);
    const h = scratch;
    const c = scratch + bytes;
    const lean = scratch + 2 * bytes;
    /** Byte offset of section `at` (record offset) at step t, or of its one-step scratch. */
    const section = (at: number, t: number, per: number, leanAt: number): number =>
      at < 0 ? 0 : save ? f(at + t * per) : lean + leanAt;
    k.copy(h, ph0, bytes);
    if (lstm) k.copy(c, pc0, bytes);
    k.rnnScaleInto(h, drop, section(L.prev, 0, plane, 0), plane);
    for (let t = 0; t < steps; t++) {
      const x = px + t * batch * gu * 4;
      const prev = section(L.prev, t, plane, 0);
      const e1 = section(L.extra1, t, plane, bytes);
      const e2 = section(L.extra2, t, plane, 2 * bytes);
      const g = section(L.gateValues, t, batch * gu, 3 * bytes);
      const outT = f(L.outputs + t * plane);
      const outPrev = t === 0 ? 0 : outT - bytes;
      // Inference reuses one product input: the step kernels write it after reading it.
      const prevNext = t + 1 < steps ? section(L.prev, t + 1, plane, 0) : 0;
      const maskT = mask === 0 ? 0 : mask + t * batch * 4;
      if (cell === 'gru') {
        gemm(batch, 2 * u, u, prev, u, 1, pu, gu, 1, g, gu, true);
        k.rnnGruBeforeReset(x, g, prev, e2, batch, u, gate);
        gemm(batch, u, u, e2, u, 1, pu + 2 * u * 4, gu, 1, g + 2 * u * 4, gu, true);
        k.rnnGruBeforeStep(x, g, e1, h, outT, outPrev, prevNext, drop, maskT, batch, u, act, gate);
        continue;
      }
      gemm(batch, gu, u, prev, u, 1, pu, gu, 1, g, gu, true);
      if (cell === 'simple') {
        k.rnnSimpleStep(x, g, h, outT, outPrev, prevNext, drop, maskT, batch, u, act);
      } else if (lstm) {
        k.rnnLstmStep(
          x,
          g,
          e1,
          e2,
          h,
          c,
          outT,
          outPrev,
          prevNext,
          drop,
          maskT,
          batch,
          u,
          act,
          gate,
        );
      } else {
        k.rnnGruAfterStep(
          x,
          g,
          e1,
          e2,
          bias,
          h,
          outT,
          outPrev,
          prevNext,
          drop,
          maskT,
          batch,
          u,
          act,
          gate,
        );
      }
    }
    k.copy(f(L.outputs + steps * plane), h, bytes);
    if (lstm) k.copy(f(L.outputs + (steps + 1) * plane), c, bytes);
    mem.freeBlock(scratch, scratchBytes);
    return y;
  };

  const backward = (
    inputs: readonly TensorInfo[],
    attrs: KernelAttrs<'RecurrentSequenceGrad'>,
    out: OutputInfo,
  ): WasmData => {
    const { cell } = attrs;
    const act = CODES[attrs.activation];
    const gate = CODES[attrs.recurrentActivation];
    const [dY, record, kernel] = inputs as [TensorInfo, TensorInfo, TensorInfo];
    const [rows, batch] = dY.shape as [number, number, number];
    const [u, gu] = kernel.shape as [number, number];
    const lstm = cell === 'lstm';
    const steps = rows - (lstm ? 2 : 1);
    const pdy = ptrOf(dY);
    const rec = ptrOf(record);
    const pu = ptrOf(kernel);
    const { mask, drop } = optionals(ptrOf, attrs, inputs.slice(3));
    const y = output(out);
    const L = recordLayout(cell, steps, batch, u);
    const G = gradLayout(attrs, steps, batch, u);
    const plane = batch * u;
    const bytes = plane * 4;
    const r = (offset: number): number => rec + offset * 4;
    const dxOf = (t: number): number => y.ptr + (G.projected + t * batch * gu) * 4;
    // dH, dC, carry, dPrev, dn (gru) and, for a GRU, dA for every step.
    const ownDA = cell === 'gru' || cell === 'gruResetAfter';
    const scratchBytes = 5 * bytes + (ownDA ? steps * batch * gu * 4 : 0);
    const scratch = mem.alloc(scratchBytes);
    const dH = scratch;
    const dC = scratch + bytes;
    const carry = scratch + 2 * bytes;
    const dPrev = scratch + 3 * bytes;
    const dn = scratch + 4 * bytes;
    const dABase = ownDA ? scratch + 5 * bytes : dxOf(0);
    const dAOf = (t: number): number => dABase + t * batch * gu * 4;
    k.copy(dH, pdy + steps * bytes, bytes);
    if (lstm) k.copy(dC, pdy + (steps + 1) * bytes, bytes);
    k.zero(carry, bytes);
    const productCols = cell === 'gru' ? 2 * u : gu;
    for (let t = steps - 1; t >= 0; t--) {
      const dOut = pdy + t * bytes;
      const g = r(L.gateValues + t * batch * gu);
      const dx = dxOf(t);
      const dA = dAOf(t);
      const maskT = mask === 0 ? 0 : mask + t * batch * 4;
      const e1 = L.extra1 < 0 ? 0 : r(L.extra1 + t * plane);
      const e2 = L.extra2 < 0 ? 0 : r(L.extra2 + t * plane);
      if (cell === 'simple') {
        k.rnnSimpleGrad(dOut, carry, dH, g, dx, maskT, batch, u, act);
      } else if (lstm) {
        k.rnnLstmGrad(dOut, carry, dH, dC, g, e1, e2, dx, maskT, batch, u, act, gate);
      } else if (cell === 'gruResetAfter') {
        k.rnnGruAfterGrad(dOut, carry, dH, g, e1, e2, dx, dA, maskT, batch, u, act, gate);
      } else {
        k.rnnGruBeforeGrad1(dOut, carry, dH, dn, g, dx, dA, maskT, batch, u, act);
        // d(r * prev) = d(candidate product) . U_h^T
        gemm(batch, u, u, dA + 2 * u * 4, gu, 1, pu + 2 * u * 4, 1, gu, dPrev, u, true);
        k.rnnGruBeforeGrad2(dn, g, e1, r(L.prev + t * plane), dPrev, dx, dA, batch, u, gate);
        // dPrev (now its r * d(r * prev) part) += d(z, r products) . U_zr^T
        gemm(batch, u, 2 * u, dA, gu, 1, pu, 1, gu, dPrev, u, false);
        k.rnnAddScaled(dH, dPrev, drop, plane);
        continue;
      }
      gemm(batch, u, productCols, dA, gu, 1, pu, 1, gu, dPrev, u, true);
      k.rnnAddScaled(dH, dPrev, drop, plane);
    }
    // The recurrent kernel's gradient: prev^T dA over all T * B rows (gru: r * prev for U_h).
    const dK = y.ptr + G.kernel * 4;
    const rowsAll = steps * batch;
    if (cell === 'gru') {
      gemm(u, 2 * u, rowsAll, r(L.prev), 1, u, dABase, gu, 1, dK, gu, true);
      gemm(u, u, rowsAll, r(L.extra2), 1, u, dABase + 2 * u * 4, gu, 1, dK + 2 * u * 4, gu, true);
    } else {
      gemm(u, gu, rowsAll, r(L.prev), 1, u, dABase, gu, 1, dK, gu, true);
    }
    if (G.bias >= 0) {
      const acc = mem.alloc(gu * 8);
      k.sumLeading(dABase, y.ptr + G.bias * 4, rowsAll, gu, acc);
      mem.freeBlock(acc, gu * 8);
    }
    k.copy(y.ptr + G.h0 * 4, dH, bytes);
    if (lstm) k.copy(y.ptr + G.c0 * 4, dC, bytes);
    mem.freeBlock(scratch, scratchBytes);
    return y;
  };

  return {
    RecurrentSequence: native('RecurrentSequence', forward),
    RecurrentSequenceGrad: native('RecurrentSequenceGrad', backward),
  };
}
