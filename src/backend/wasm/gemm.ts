/**
 * The wasm backend's GEMM and the kernels that are one GEMM per batch (BatchMatMul). GEMM runs on
 * the calling thread, or, for large products once `setThreads(n > 1)` has started the worker pool
 * (`./threads.ts`), split across the pool. The convolutions (`./conv.ts`) reach it through the
 * kernel context.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import type { Gemm, NativeTable, WasmKernelContext } from './context.js';
import type { WasmData, WasmMemory } from './memory.js';
import type { LoadedKernels } from './module.js';
import {
  browserThreadHost,
  CALLABLE,
  MAX_CALL_ARGS,
  nodeThreadHost,
  OP_CALL,
  OP_GEMM,
  ThreadPool,
  type Callable,
  type ThreadHost,
} from './threads.js';
import { LaminaError } from '../../errors.js';

/** GEMMs with fewer multiply-adds than this stay on the calling thread (dispatch costs ~10 us). */
const PARALLEL_MIN_MACS = 2 ** 21;

/**
 * Runs kernel export `name` over the index range [0, total) (elements, rows or images), split
 * across the thread pool in parts that are multiples of `grain`, or in one call on this thread
 * when there is no pool or `total < minTotal`. `argsOf(start, count)` gives a part's arguments;
 * bit i of `floats` marks argument i as float32. Each part must write its own outputs only.
 */
export type Parallel = (
  name: Callable,
  total: number,
  grain: number,
  minTotal: number,
  argsOf: (start: number, count: number) => number[],
  floats?: number,
) => void;

const bitsF32 = new Float32Array(1);
const bitsI32 = new Int32Array(bitsF32.buffer);
function floatBits(v: number): number {
  bitsF32[0] = v;
  return bitsI32[0] as number;
}

export interface GemmDriver {
  gemm: Gemm;
  parallel: Parallel;
  /** Whether every worker has started (true without a pool); throws if one failed to. */
  workersReady(): boolean;
  setThreads(n: number): void;
  getThreads(): number;
  setThreadHost(host: ThreadHost): void;
}

/** The GEMM driver and its thread pool; `gemmScratch` is thread 0's packing scratch. */
export function createGemm(
  { memory, exports: k, module, shared }: LoadedKernels,
  mem: WasmMemory,
  gemmScratch: number,
): GemmDriver {
  let pool: ThreadPool | null = null;
  let host: ThreadHost | null = null;
  /** Packing scratch per thread (thread 0 uses gemmScratch). */
  const scratch: number[] = [gemmScratch];

  function setThreads(n: number): void {
    if (n === (pool?.size ?? 1)) return;
    pool?.stop();
    pool = null;
    if (n === 1) return;
    if (!shared) {
      throw new LaminaError(
        'unsupported',
        'setThreads: this runtime has no shared WebAssembly memory (browsers need a cross-origin ' +
          'isolated page: COOP same-origin + COEP require-corp)',
      );
    }
    host ??= nodeThreadHost() ?? browserThreadHost();
    if (host === null)
      throw new LaminaError('unsupported', 'setThreads: no way to start workers in this runtime');
    while (scratch.length < n) scratch.push(mem.allocPinned(k.gemmScratchBytes()));
    pool = new ThreadPool(host, module, memory, n);
  }

  /**
   * C += A B (C = A B with `overwrite`). Large products are split across the pool by column blocks (or by row blocks when
   * C is taller than wide); each thread packs its own panels into its own scratch.
   */
  function gemm(
    m: number,
    n: number,
    kk: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    ldc: number,
    overwrite = false,
  ): void {
    if (m === 0 || n === 0) return;
    if (kk === 0) {
      if (overwrite) for (let i = 0; i < m; i++) k.zero(c + i * ldc * 4, n * 4);
      return;
    }
    const ow = overwrite ? 1 : 0;
    const threads = pool?.size ?? 1;
    if (pool === null || m * n * kk < PARALLEL_MIN_MACS) {
      k.gemm(m, n, kk, a, ars, acs, b, brs, bcs, c, ldc, gemmScratch, ow);
      return;
    }
    const rows: number[][] = [];
    if (n >= m) {
      const chunk = Math.ceil(n / threads / 8) * 8;
      for (let t = 0, j0 = 0; j0 < n; t++, j0 += chunk) {
        const w = Math.min(chunk, n - j0);
        rows.push([
          m,
          w,
          kk,
          a,
          ars,
          acs,
          b + j0 * bcs * 4,
          brs,
          bcs,
          c + j0 * 4,
          ldc,
          scratch[t] as number,
          ow,
        ]);
      }
    } else {
      const chunk = Math.ceil(m / threads / 4) * 4;
      for (let t = 0, i0 = 0; i0 < m; t++, i0 += chunk) {
        const h = Math.min(chunk, m - i0);
        rows.push([
          h,
          n,
          kk,
          a + i0 * ars * 4,
          ars,
          acs,
          b,
          brs,
          bcs,
          c + i0 * ldc * 4,
          ldc,
          scratch[t] as number,
          ow,
        ]);
      }
    }
    pool.run(OP_GEMM, rows, (r) =>
      k.gemm(
        r[0] as number,
        r[1] as number,
        r[2] as number,
        r[3] as number,
        r[4] as number,
        r[5] as number,
        r[6] as number,
        r[7] as number,
        r[8] as number,
        r[9] as number,
        r[10] as number,
        r[11] as number,
        r[12] as number,
      ),
    );
  }

  const parallel: Parallel = (name, total, grain, minTotal, argsOf, floats = 0) => {
    const fn = k[name] as unknown as (...args: number[]) => void;
    const threads = pool?.size ?? 1;
    if (pool === null || total < minTotal || total <= grain) {
      if (total > 0) fn(...argsOf(0, total));
      return;
    }
    const chunk = Math.ceil(total / threads / grain) * grain;
    const parts: number[][] = [];
    for (let start = 0; start < total; start += chunk)
      parts.push(argsOf(start, Math.min(chunk, total - start)));
    const id = CALLABLE.indexOf(name) + 1;
    const rows = parts.map((args) => {
      if (args.length > MAX_CALL_ARGS)
        throw new LaminaError(
          'invalid-argument',
          `wasm thread pool: ${name} takes ${args.length} arguments, at most ${MAX_CALL_ARGS} fit a job`,
        );
      return [
        id,
        floats,
        args.length,
        ...args.map((v, i) => ((floats >> i) & 1 ? floatBits(v) : v)),
      ];
    });
    pool.run(OP_CALL, rows, (row) => fn(...(parts[rows.indexOf(row as number[])] as number[])));
  };

  return {
    gemm,
    parallel,
    workersReady: () => {
      if (pool === null) return true;
      pool.checkStarted();
      return pool.ready() === pool.size - 1;
    },
    setThreads,
    getThreads: () => pool?.size ?? 1,
    setThreadHost: (h) => {
      host = h;
      const n = pool?.size ?? 1;
      if (n > 1) {
        setThreads(1);
        setThreads(n);
      }
    },
  };
}

/** BatchMatMul: one GEMM per batch, or one tall GEMM when B is shared and A not transposed. */
export function matmulKernels({ ptrOf, output, native, gemm }: WasmKernelContext): NativeTable {
  const batchMatMul = (
    [a, b]: readonly TensorInfo[],
    { transposeA, transposeB }: { transposeA: boolean; transposeB: boolean },
    out: OutputInfo,
  ): WasmData => {
    const [batchA, a1, a2] = (a as TensorInfo).shape as [number, number, number];
    const [batchB, b1, b2] = (b as TensorInfo).shape as [number, number, number];
    const m = transposeA ? a2 : a1;
    const kk = transposeA ? a1 : a2;
    const n = transposeB ? b1 : b2;
    const batch = Math.max(batchA, batchB);
    const pa = ptrOf(a as TensorInfo);
    const pb = ptrOf(b as TensorInfo);
    const y = output(out);
    const ars = transposeA ? 1 : a2;
    const acs = transposeA ? a2 : 1;
    const brs = transposeB ? 1 : b2;
    const bcs = transposeB ? b2 : 1;
    if (batchB === 1 && !transposeA) {
      // One tall product: the batches of A are consecutive rows.
      gemm(m * batch, n, kk, pa, ars, acs, pb, brs, bcs, y.ptr, n, true);
      return y;
    }
    for (let i = 0; i < batch; i++) {
      const oa = batchA === 1 ? 0 : i * a1 * a2 * 4;
      const ob = batchB === 1 ? 0 : i * b1 * b2 * 4;
      gemm(m, n, kk, pa + oa, ars, acs, pb + ob, brs, bcs, y.ptr + i * m * n * 4, n, true);
    }
    return y;
  };

  return { BatchMatMul: native('BatchMatMul', batchMatMul) };
}
