/**
 * The wasm backend's fused recurrent sequences. The time loop runs inside the kernels
 * (`assembly/recurrent-sequence.ts`): per step the recurrent product, on the recurrent kernel
 * packed once per sequence, goes straight into the step's gate slots of the record, then one gate
 * kernel turns it into gates, states and outputs in place. Batch rows are independent through the
 * whole sequence, so the batch is split across the thread pool, in more parts than threads that
 * the threads claim as they finish (a descheduled worker takes fewer parts).
 * No JS array, tape entry or copy-out per step: the record is handed back once. Backward walks the
 * steps in reverse the same way (gate gradients, then the product with the packed transpose of
 * the recurrent kernel) and forms the recurrent kernel's gradient as one product over all T * B
 * rows at the end. The layout of the record and of the gradient is `../recurrent-layout.ts`.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import type {
  KernelAttrs,
  RecurrentActivation,
  RecurrentAttrs,
  RecurrentCell,
} from '../kernels.js';
import { gradLayout, recordLayout } from '../recurrent-layout.js';
import { collapse, type NativeTable, type WasmKernelContext } from './context.js';
import type { WasmData } from './memory.js';

const ACTIVATION_CODES: Record<RecurrentActivation, number> = {
  tanh: 0,
  sigmoid: 1,
  relu: 2,
  linear: 3,
};
const CELL_CODES: Record<RecurrentCell, number> = { simple: 0, lstm: 1, gru: 2, gruResetAfter: 3 };

/** The descriptor's i32 slots, as `assembly/recurrent-sequence.ts` reads them. */
const D = {
  cell: 0,
  act: 1,
  gate: 2,
  steps: 3,
  batch: 4,
  units: 5,
  zeroOut: 6,
  mask: 7,
  drop: 8,
  scratch: 9,
  packed: 10,
  packedH: 11,
  gates: 12,
  extra1: 13,
  extra2: 14,
  prev: 15,
  h: 16,
  c: 17,
  // forward
  x: 18,
  out: 19,
  bias: 20,
  save: 21,
  tiles: 22,
  // backward
  dy: 18,
  dx: 19,
  dA: 20,
  dPrev: 21,
  dn: 22,
  tilesT: 23,
} as const;
const DESCRIPTOR_BYTES = 24 * 4;

/**
 * The batch is split across the pool from this many rows on, in runs of whole 4-row groups (the
 * GEMM micro-kernel's height; each run packs into its own groups' scratch).
 */
const PARALLEL_MIN_ROWS = 8;
const ROW_GRAIN = 4;
/**
 * Parts per thread, claimed as threads finish (see `Parallel`): a sequence kernel runs for
 * milliseconds, long enough for the host to deschedule a worker (V8's GC threads compete for the
 * CPUs), which with one share per thread held up the whole kernel.
 */
const PARTS_PER_THREAD = 4;

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
  const { k, mem, meta, ptrOf, output, native, writeMeta, gemm, parallel } = ctx;

  /**
   * Gathers the float32 elements of `from` at element `start` + sum idx[d] * steps[d] over `shape`
   * into `to`, contiguous (the movement kernels' strided gather); false if the shape does not fit
   * the meta table.
   */
  const gather = (
    from: number,
    start: number,
    shape: number[],
    steps: number[],
    to: number,
  ): boolean => {
    const c = collapse(shape, [steps]);
    if (!writeMeta(c)) return false;
    k.gatherStrided(from, start, to, c.shape.length, meta, 4);
    return true;
  };

  /**
   * Lays out the recurrent kernel U [u, G*u] in the 16-float panels of
   * `assembly/recurrent-tiles.ts`, one gather each: an LSTM's panel j / 4 is U's columns j..j+3 of
   * each gate; a reset-before GRU's panel j / 8 of `dst` the z and r columns of units j..j+3, then
   * of j+4..j+7, and its panel j / 16 of `dstH` the candidate's columns of units j..j+15. False
   * where the units do not fill whole panels (the packed GEMM and gate kernels run).
   */
  const packTiles = (
    cell: RecurrentCell,
    pu: number,
    u: number,
    dst: number,
    dstH: number,
  ): boolean => {
    const gu = 3 * u;
    if (cell === 'lstm')
      return u % 4 === 0 && gather(pu, 0, [u / 4, u, 4, 4], [4, 4 * u, u, 1], dst);
    return (
      cell === 'gru' &&
      u % 16 === 0 &&
      gather(pu, 0, [u / 8, u, 2, 2, 4], [8, gu, 4, u, 1], dst) &&
      gather(pu, 2 * u, [u / 16, u, 16], [16, gu, 1], dstH)
    );
  };

  /**
   * Backward: U^T ([G*u, u]) in 16-column panels for tileProductT, panel j / 16 holding U^T's
   * columns j..j+15 (U's rows); a reset-before GRU's U_zr^T in `dst` and U_h^T in `dstH`. False
   * where u is not a multiple of 16 (the packed GEMM runs).
   */
  const packTilesT = (
    cell: RecurrentCell,
    pu: number,
    u: number,
    gu: number,
    dst: number,
    dstH: number,
  ): boolean => {
    if (u % 16 !== 0) return false;
    const transposed = (start: number, rows: number, to: number): boolean =>
      gather(pu, start, [u / 16, rows, 16], [16 * gu, 1, gu], to);
    if (cell !== 'gru') return transposed(0, gu, dst);
    return transposed(0, 2 * u, dst) && transposed(2 * u, u, dstH);
  };

  /** A scratch region carved into consecutive blocks of the given byte sizes (16-aligned). */
  const carve = (sizes: readonly number[]): { blocks: number[]; free: () => void } => {
    const aligned = sizes.map((n) => Math.ceil(n / 16) * 16);
    const total = aligned.reduce((a, b) => a + b, 0);
    const base = mem.alloc(total);
    const blocks: number[] = [];
    let at = base;
    for (const n of aligned) {
      blocks.push(at);
      at += n;
    }
    return { blocks, free: () => mem.freeBlock(base, total) };
  };

  /** Writes the descriptor's slots (unset ones 0). */
  const describe = (desc: number, slots: ReadonlyArray<readonly [number, number]>): void => {
    const v = mem.view(desc, DESCRIPTOR_BYTES / 4, 'int32');
    v.fill(0);
    for (const [i, value] of slots) v[i] = value;
  };

  /** The descriptor slots both directions fill alike: the cell, its sizes and its buffers. */
  const sharedSlots = (
    attrs: Pick<
      RecurrentAttrs,
      'cell' | 'activation' | 'recurrentActivation' | 'zeroOutputForMask'
    >,
    b: Record<'steps' | 'batch' | 'u' | 'mask' | 'drop' | 'scratch' | 'packed' | 'packedH', number>,
  ): (readonly [number, number])[] => [
    [D.cell, CELL_CODES[attrs.cell]],
    [D.act, ACTIVATION_CODES[attrs.activation]],
    [D.gate, ACTIVATION_CODES[attrs.recurrentActivation]],
    [D.steps, b.steps],
    [D.batch, b.batch],
    [D.units, b.u],
    [D.zeroOut, attrs.zeroOutputForMask ? 1 : 0],
    [D.mask, b.mask],
    [D.drop, b.drop],
    [D.scratch, b.scratch],
    [D.packed, b.packed],
    [D.packedH, attrs.cell === 'gru' ? b.packedH : 0],
  ];

  const run = (name: 'rnnForward' | 'rnnBackward', desc: number, batch: number): void =>
    parallel(
      name,
      batch,
      ROW_GRAIN,
      PARALLEL_MIN_ROWS,
      (b0, rows) => [desc, b0, rows],
      0,
      PARTS_PER_THREAD,
    );

  const forward = (
    inputs: readonly TensorInfo[],
    attrs: KernelAttrs<'RecurrentSequence'>,
    out: OutputInfo,
  ): WasmData => {
    const { cell } = attrs;
    const [projected, kernel, h0] = inputs as [TensorInfo, TensorInfo, TensorInfo];
    const [steps, batch, gu] = projected.shape as [number, number, number];
    const u = h0.shape[1] as number;
    const lstm = cell === 'lstm';
    const gruBefore = cell === 'gru';
    const px = ptrOf(projected);
    const pu = ptrOf(kernel);
    const ph0 = ptrOf(h0);
    const pc0 = lstm ? ptrOf(inputs[3] as TensorInfo) : 0;
    const { bias, mask, drop } = optionals(ptrOf, attrs, inputs.slice(lstm ? 4 : 3));
    const y = output(out);
    const L = recordLayout(cell, steps, batch, u);
    const plane = batch * u;
    const bytes = plane * 4;
    const f = (offset: number): number => y.ptr + offset * 4;
    const save = attrs.saveForBackward;
    // For inference, one step's product input, gates and extras (the record is then the
    // outputs and final states only); an LSTM keeps no extras there.
    const leanExtras = !save && !lstm && cell !== 'simple';
    const s = carve([
      bytes,
      lstm ? bytes : 0,
      save ? 0 : bytes,
      save ? 0 : batch * gu * 4,
      leanExtras ? bytes : 0,
      leanExtras ? bytes : 0,
      (gruBefore ? k.packedFloats(u, 2 * u) : k.packedFloats(u, gu)) * 4,
      gruBefore ? k.packedFloats(u, u) * 4 : 0,
      k.rnnScratchBytes(batch),
      DESCRIPTOR_BYTES,
    ]);
    const [h, c, leanPrev, leanGates, leanE1, leanE2, packed, packedH, scratch, desc] =
      s.blocks as [number, number, number, number, number, number, number, number, number, number];
    k.copy(h, ph0, bytes);
    if (lstm) k.copy(c, pc0, bytes);
    // The tiles (in the packed blocks: they hold the kernel's floats or more) or the panels.
    const tiled = packTiles(cell, pu, u, packed, packedH);
    if (!tiled && gruBefore) {
      k.packPanels(pu, gu, 1, u, 2 * u, packed);
      k.packPanels(pu + 2 * u * 4, gu, 1, u, u, packedH);
    } else if (!tiled) {
      k.packPanels(pu, gu, 1, u, gu, packed);
    }
    const section = (at: number, lean: number): number => (at < 0 ? 0 : save ? f(at) : lean);
    describe(desc, [
      ...sharedSlots(attrs, { steps, batch, u, mask, drop, scratch, packed, packedH }),
      [D.gates, section(L.gateValues, leanGates)],
      [D.extra1, section(L.extra1, leanExtras ? leanE1 : 0)],
      [D.extra2, section(L.extra2, leanExtras ? leanE2 : 0)],
      [D.prev, section(L.prev, leanPrev)],
      [D.h, h],
      [D.c, lstm ? c : 0],
      [D.x, px],
      [D.out, f(L.outputs)],
      [D.bias, bias],
      [D.save, save ? 1 : 0],
      [D.tiles, tiled ? packed : 0],
    ]);
    run('rnnForward', desc, batch);
    k.copy(f(L.outputs + steps * plane), h, bytes);
    if (lstm) k.copy(f(L.outputs + (steps + 1) * plane), c, bytes);
    s.free();
    return y;
  };

  const backward = (
    inputs: readonly TensorInfo[],
    attrs: KernelAttrs<'RecurrentSequenceGrad'>,
    out: OutputInfo,
  ): WasmData => {
    const { cell, steps } = attrs;
    const [dStates, record, kernel] = inputs as [TensorInfo, TensorInfo, TensorInfo];
    const batch = dStates.shape[1] as number;
    const [u, gu] = kernel.shape as [number, number];
    const lstm = cell === 'lstm';
    const gruBefore = cell === 'gru';
    const pds = ptrOf(dStates);
    const dOutputs = attrs.outputsGradient ? (inputs[inputs.length - 1] as TensorInfo) : null;
    const pdy = dOutputs === null ? 0 : ptrOf(dOutputs);
    const rec = ptrOf(record);
    const pu = ptrOf(kernel);
    const { mask, drop } = optionals(ptrOf, attrs, inputs.slice(3));
    const y = output(out);
    const L = recordLayout(cell, steps, batch, u);
    const G = gradLayout(attrs, steps, batch, u);
    const plane = batch * u;
    const bytes = plane * 4;
    const r = (offset: number): number => (offset < 0 ? 0 : rec + offset * 4);
    const dx = y.ptr + G.projected * 4;
    // A GRU's product gradients differ from its projection's (r scales the candidate's).
    const ownDA = cell === 'gru' || cell === 'gruResetAfter';
    const s = carve([
      bytes,
      lstm ? bytes : 0,
      bytes,
      gruBefore ? bytes : 0,
      ownDA ? steps * batch * gu * 4 : 0,
      (gruBefore ? k.packedFloats(2 * u, u) : k.packedFloats(gu, u)) * 4,
      gruBefore ? k.packedFloats(u, u) * 4 : 0,
      k.rnnScratchBytes(batch),
      DESCRIPTOR_BYTES,
      // Without the outputs' gradient the steps read zeros (filled here, in linear memory).
      dOutputs === null ? steps * bytes : 0,
    ]);
    const [dH, dC, dPrev, dn, ownDABase, packed, packedH, scratch, desc, zeroOutputs] =
      s.blocks as [number, number, number, number, number, number, number, number, number, number];
    const dA = ownDA ? ownDABase : dx;
    if (dOutputs === null) k.zero(zeroOutputs, steps * bytes);
    const dOut = dOutputs === null ? zeroOutputs : pdy;
    k.copy(dH, pds, bytes);
    if (lstm) k.copy(dC, pds + bytes, bytes);
    // The recurrent kernel's transpose: element (p, j) of U^T is U[j][p].
    const tiledT = packTilesT(cell, pu, u, gu, packed, packedH);
    if (!tiledT && gruBefore) {
      k.packPanels(pu, 1, gu, 2 * u, u, packed);
      k.packPanels(pu + 2 * u * 4, 1, gu, u, u, packedH);
    } else if (!tiledT) {
      k.packPanels(pu, 1, gu, gu, u, packed);
    }
    describe(desc, [
      ...sharedSlots(attrs, { steps, batch, u, mask, drop, scratch, packed, packedH }),
      [D.gates, r(L.gateValues)],
      [D.extra1, r(L.extra1)],
      [D.extra2, r(L.extra2)],
      [D.prev, r(L.prev)],
      [D.h, dH],
      [D.c, lstm ? dC : 0],
      [D.dy, dOut],
      [D.dx, dx],
      [D.dA, dA],
      [D.dPrev, dPrev],
      [D.dn, gruBefore ? dn : 0],
      [D.tilesT, tiledT ? packed : 0],
    ]);
    run('rnnBackward', desc, batch);
    // The recurrent kernel's gradient: prev^T dA over all T * B rows (gru: r * prev for U_h).
    const dK = y.ptr + G.kernel * 4;
    const rowsAll = steps * batch;
    if (gruBefore) {
      gemm(u, 2 * u, rowsAll, r(L.prev), 1, u, dA, gu, 1, dK, gu, true);
      gemm(u, u, rowsAll, r(L.extra2), 1, u, dA + 2 * u * 4, gu, 1, dK + 2 * u * 4, gu, true);
    } else {
      gemm(u, gu, rowsAll, r(L.prev), 1, u, dA, gu, 1, dK, gu, true);
    }
    if (G.bias >= 0) {
      const acc = mem.alloc(gu * 8);
      k.sumLeading(dA, y.ptr + G.bias * 4, rowsAll, gu, acc);
      mem.freeBlock(acc, gu * 8);
    }
    k.copy(y.ptr + G.h0 * 4, dH, bytes);
    if (lstm) k.copy(y.ptr + G.c0 * 4, dC, bytes);
    s.free();
    return y;
  };

  return {
    RecurrentSequence: native('RecurrentSequence', forward),
    RecurrentSequenceGrad: native('RecurrentSequenceGrad', backward),
  };
}
