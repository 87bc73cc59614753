// Fused recurrent sequences: the whole time loop of a SimpleRNN, LSTM or GRU layer, forward or
// backward, over a run of batch rows [b0, b0 + nb). Rows are independent through the whole
// sequence (row b of a step's product needs row b of the previous state only), so the TypeScript
// side (src/backend/wasm/recurrent.ts) splits the batch across the thread pool with one call per
// thread per sequence, and no synchronisation between steps.
//
// Per step: the recurrent product on the recurrent kernel packed once per sequence
// (assembly/gemm-packed.ts) straight into the step's gate slots, then the gate kernel
// (assembly/recurrent.ts; backward assembly/recurrent-grad.ts, the product with the kernel's
// transpose after it). The record's layout is src/backend/recurrent-layout.ts.
//
// Both take a descriptor of i32 slots (the D_* and G_* constants below) that the TypeScript side
// writes into linear memory: sizes, codes and byte offsets of the full-batch arrays.

import { gemmPacked, packedFloats, packPanels } from './gemm-packed';
import { KC, MR, NR } from './gemm';
import { rnnAddScaled, rnnScaleInto } from './recurrent-math';
import { gruAfterStep, gruBeforeReset, gruBeforeStep, lstmStep, simpleStep } from './recurrent';
import { gruTileStep, lstmTileStep, tileProductT } from './recurrent-tiles';
import { gruAfterGrad, gruBeforeGrad1, gruBeforeGrad2, lstmGrad, simpleGrad } from './recurrent-grad';

// Cells (src/backend/wasm/recurrent.ts writes these codes).
const SIMPLE: i32 = 0;
const LSTM: i32 = 1;
const GRU: i32 = 2; // reset before the product
const GRU_AFTER: i32 = 3;

// Descriptor slots shared by both directions.
export const D_CELL: i32 = 0;
export const D_ACT: i32 = 1;
export const D_GATE: i32 = 2;
export const D_STEPS: i32 = 3;
export const D_BATCH: i32 = 4;
export const D_UNITS: i32 = 5;
/** 1 where a skipped row outputs zeros (zero_output_for_mask), 0 where it repeats its state. */
export const D_ZERO_OUT: i32 = 6;
/** The timestep mask [T, B] (0: none). */
export const D_MASK: i32 = 7;
/** The recurrent dropout mask [B, u] (0: none). */
export const D_DROP: i32 = 8;
/** Packing scratch for every row group (rnnScratchBytes). */
export const D_SCRATCH: i32 = 9;
/** The packed recurrent kernel (forward) or its transpose (backward; gru: U_zr^T). */
export const D_PACKED: i32 = 10;
/** gru: U_h packed (forward) or U_h^T (backward). */
export const D_PACKED_H: i32 = 11;
/** The record's gate section [T, B, G*u]. */
export const D_GATES: i32 = 12;
/** lstm cPrev / gru hPrev [T, B, u] (0: not kept). */
export const D_EXTRA1: i32 = 13;
/** lstm tanhC / gru inner product or r * prev [T, B, u] (0: not kept). */
export const D_EXTRA2: i32 = 14;
/** Each step's product input [T, B, u]. */
export const D_PREV: i32 = 15;
/** Forward: the carried h [B, u]; backward: dH. */
export const D_H: i32 = 16;
/** Forward: the carried c [B, u] (lstm); backward: dC. */
export const D_C: i32 = 17;
// Forward only.
/** The projected inputs [T, B, G*u]. */
export const D_X: i32 = 18;
/** The record's outputs [T, B, u]. */
export const D_OUT: i32 = 19;
/** gruResetAfter's recurrent bias [G*u] (0: none). */
export const D_BIAS: i32 = 20;
/**
 * 1 where prev, gates and extras have a slot per step (training); 0 where they are one step's
 * scratch, reused by every step (inference).
 */
export const D_SAVE: i32 = 21;
/**
 * Forward, lstm with u a multiple of 4 or gru with u a multiple of 16: the recurrent kernel in the
 * panels of assembly/recurrent-tiles.ts (gru: U_zr's; U_h's at D_PACKED_H), whose steps sum their
 * products in registers; 0: the plain packed GEMM, then the gate kernels.
 */
export const D_TILES: i32 = 22;
// Backward only.
/** d(outputs) [T, B, u]. */
export const D_DY: i32 = 18;
/** d(projected) [T, B, G*u]. */
export const D_DX: i32 = 19;
/** d(products) [T, B, G*u] (the same as D_DX except for a GRU). */
export const D_DA: i32 = 20;
/** d(product input) [B, u] scratch. */
export const D_DPREV: i32 = 21;
/** gru: the new h's gradient [B, u] scratch. */
export const D_DN: i32 = 22;
/**
 * Backward, u a multiple of 16: the recurrent kernel's transpose in the 16-column panels of
 * assembly/recurrent-tiles.ts (tileProductT; gru: U_zr^T's, U_h^T's at D_PACKED_H); 0: the
 * packed GEMM.
 */
export const D_TILES_T: i32 = 23;
export const DESCRIPTOR_SLOTS: i32 = 24;

/** Bytes of packing scratch per group of MR rows (rnnScratchBytes). */
const GROUP_SCRATCH: i32 = (MR * KC + MR * NR) << 2;

/**
 * Bytes of packing scratch for a batch: each run of rows, starting at a multiple of MR, uses the
 * groups from its first row on, so runs never share scratch.
 */
export function rnnScratchBytes(batch: i32): i32 {
  return ((batch + MR - 1) / MR) * GROUP_SCRATCH;
}

// @ts-ignore: decorator
@inline
function slot(desc: usize, i: i32): i32 {
  return load<i32>(desc + (<usize>i << 2));
}

/** Byte offset of row b of step t of a [T, B, width] section (0 where the section is absent). */
// @ts-ignore: decorator
@inline
function rowAt(base: i32, t: i32, batch: i32, b: i32, width: i32): usize {
  return base == 0 ? 0 : <usize>base + (<usize>((t * batch + b) * width) << 2);
}

// @ts-ignore: decorator
@inline
function forwardSteps(desc: usize, b0: i32, nb: i32, act: i32, gate: i32): void {
  const cell = slot(desc, D_CELL);
  const steps = slot(desc, D_STEPS);
  const batch = slot(desc, D_BATCH);
  const u = slot(desc, D_UNITS);
  const gu = (cell == LSTM ? 4 : cell == SIMPLE ? 1 : 3) * u;
  const zeroOut = slot(desc, D_ZERO_OUT) != 0;
  // Inference reuses one step's slots: step t's "row" in them is always step 0's.
  const per = slot(desc, D_SAVE) != 0 ? 1 : 0;
  const packed = <usize>slot(desc, D_PACKED);
  const scratch = <usize>slot(desc, D_SCRATCH) + <usize>(b0 / MR) * GROUP_SCRATCH;
  const h = rowAt(slot(desc, D_H), 0, batch, b0, u);
  const c = rowAt(slot(desc, D_C), 0, batch, b0, u);
  const drop = rowAt(slot(desc, D_DROP), 0, batch, b0, u);
  const bias = <usize>slot(desc, D_BIAS);
  const tiles = <usize>slot(desc, D_TILES);
  rnnScaleInto(h, drop, rowAt(slot(desc, D_PREV), 0, batch, b0, u), nb * u);
  for (let t = 0; t < steps; t++) {
    const x = rowAt(slot(desc, D_X), t, batch, b0, gu);
    const g = rowAt(slot(desc, D_GATES), t * per, batch, b0, gu);
    const prev = rowAt(slot(desc, D_PREV), t * per, batch, b0, u);
    const e1 = rowAt(slot(desc, D_EXTRA1), t * per, batch, b0, u);
    const e2 = rowAt(slot(desc, D_EXTRA2), t * per, batch, b0, u);
    const out = rowAt(slot(desc, D_OUT), t, batch, b0, u);
    const next = t + 1 < steps ? rowAt(slot(desc, D_PREV), (t + 1) * per, batch, b0, u) : 0;
    const mask = rowAt(slot(desc, D_MASK), t, batch, b0, 1);
    if (tiles != 0) {
      // The run's packing scratch (unused here) holds the tiles' sums; an LSTM's inference keeps
      // no gates (a GRU's z waits there for its candidate). The next product input is written
      // after the whole step: in inference it is `prev`.
      if (cell == LSTM) {
        lstmTileStep(x, prev, tiles, scratch, per != 0 ? g : 0, e1, e2, h, c, out, zeroOut, mask, nb, u, act, gate);
      } else {
        const tilesH = <usize>slot(desc, D_PACKED_H);
        gruTileStep(x, prev, tiles, tilesH, scratch, g, e1, e2, h, out, zeroOut, mask, nb, u, act, gate);
      }
      if (next != 0) rnnScaleInto(h, drop, next, nb * u);
      continue;
    }
    if (cell == GRU) {
      gemmPacked(nb, 2 * u, u, prev, u, 1, packed, g, gu, scratch, true);
      gruBeforeReset(x, g, prev, e2, nb, u, gate);
      const packedH = <usize>slot(desc, D_PACKED_H);
      gemmPacked(nb, u, u, e2, u, 1, packedH, g + (<usize>(2 * u) << 2), gu, scratch, true);
      gruBeforeStep(x, g, e1, h, out, zeroOut, next, drop, mask, nb, u, act, gate);
      continue;
    }
    gemmPacked(nb, gu, u, prev, u, 1, packed, g, gu, scratch, true);
    if (cell == SIMPLE) {
      simpleStep(x, g, h, out, zeroOut, next, drop, mask, nb, u, act);
    } else if (cell == LSTM) {
      lstmStep(x, g, e1, e2, h, c, out, zeroOut, next, drop, mask, nb, u, act, gate);
    } else {
      gruAfterStep(x, g, e1, e2, bias, h, out, zeroOut, next, drop, mask, nb, u, act, gate);
    }
  }
}

/** The forward time loop for batch rows [b0, b0 + nb) (b0 a multiple of 4). */
export function rnnForward(desc: usize, b0: i32, nb: i32): void {
  const act = slot(desc, D_ACT);
  const gate = slot(desc, D_GATE);
  if (act == 0 && gate == 1) forwardSteps(desc, b0, nb, 0, 1);
  else forwardSteps(desc, b0, nb, act, gate);
}

// @ts-ignore: decorator
@inline
function backwardSteps(desc: usize, b0: i32, nb: i32, act: i32, gate: i32): void {
  const cell = slot(desc, D_CELL);
  const steps = slot(desc, D_STEPS);
  const batch = slot(desc, D_BATCH);
  const u = slot(desc, D_UNITS);
  const gu = (cell == LSTM ? 4 : cell == SIMPLE ? 1 : 3) * u;
  const zeroOut = slot(desc, D_ZERO_OUT) != 0;
  const packed = <usize>slot(desc, D_PACKED);
  const scratch = <usize>slot(desc, D_SCRATCH) + <usize>(b0 / MR) * GROUP_SCRATCH;
  const dH = rowAt(slot(desc, D_H), 0, batch, b0, u);
  const dC = rowAt(slot(desc, D_C), 0, batch, b0, u);
  const dPrev = rowAt(slot(desc, D_DPREV), 0, batch, b0, u);
  const dn = rowAt(slot(desc, D_DN), 0, batch, b0, u);
  const drop = rowAt(slot(desc, D_DROP), 0, batch, b0, u);
  const tilesT = <usize>slot(desc, D_TILES_T);
  const plane = nb * u;
  for (let t = steps - 1; t >= 0; t--) {
    const dOut = rowAt(slot(desc, D_DY), t, batch, b0, u);
    const g = rowAt(slot(desc, D_GATES), t, batch, b0, gu);
    const dx = rowAt(slot(desc, D_DX), t, batch, b0, gu);
    const dA = rowAt(slot(desc, D_DA), t, batch, b0, gu);
    const e1 = rowAt(slot(desc, D_EXTRA1), t, batch, b0, u);
    const e2 = rowAt(slot(desc, D_EXTRA2), t, batch, b0, u);
    const mask = rowAt(slot(desc, D_MASK), t, batch, b0, 1);
    if (cell == GRU) {
      gruBeforeGrad1(dOut, zeroOut, dH, dn, g, dx, dA, mask, nb, u, act);
      // d(r * prev) = d(candidate product) . U_h^T
      const packedH = <usize>slot(desc, D_PACKED_H);
      const dAh = dA + (<usize>(2 * u) << 2);
      if (tilesT != 0) tileProductT(dAh, gu, u, packedH, dPrev, nb, u, false);
      else gemmPacked(nb, u, u, dAh, gu, 1, packedH, dPrev, u, scratch, true);
      const prev = rowAt(slot(desc, D_PREV), t, batch, b0, u);
      gruBeforeGrad2(dn, g, e1, prev, dPrev, dx, dA, nb, u, gate);
      // dPrev (now its r * d(r * prev) part) += d(z, r products) . U_zr^T
      if (tilesT != 0) tileProductT(dA, gu, 2 * u, tilesT, dPrev, nb, u, true);
      else gemmPacked(nb, u, 2 * u, dA, gu, 1, packed, dPrev, u, scratch, false);
      rnnAddScaled(dH, dPrev, drop, plane);
      continue;
    }
    if (cell == SIMPLE) {
      simpleGrad(dOut, zeroOut, dH, g, dx, mask, nb, u, act);
    } else if (cell == LSTM) {
      lstmGrad(dOut, zeroOut, dH, dC, g, e1, e2, dx, mask, nb, u, act, gate);
    } else {
      gruAfterGrad(dOut, zeroOut, dH, g, e1, e2, dx, dA, mask, nb, u, act, gate);
    }
    if (tilesT != 0) tileProductT(dA, gu, gu, tilesT, dPrev, nb, u, false);
    else gemmPacked(nb, u, gu, dA, gu, 1, packed, dPrev, u, scratch, true);
    rnnAddScaled(dH, dPrev, drop, plane);
  }
}

/** The backward time loop for batch rows [b0, b0 + nb) (b0 a multiple of 4). */
export function rnnBackward(desc: usize, b0: i32, nb: i32): void {
  const act = slot(desc, D_ACT);
  const gate = slot(desc, D_GATE);
  if (act == 0 && gate == 1) backwardSteps(desc, b0, nb, 0, 1);
  else backwardSteps(desc, b0, nb, act, gate);
}

// Packing the recurrent kernel (or its transpose) once per sequence.
export { packedFloats, packPanels };
