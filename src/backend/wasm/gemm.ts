/**
 * The wasm backend's GEMM and the kernels that are one GEMM per batch (BatchMatMul). GEMM runs on
 * the calling thread, or, for large products once `setThreads(n > 1)` has started the worker pool
 * (`./pool.ts`), split across the pool. The convolutions (`./conv.ts`) reach it through the
 * kernel context.
 */
import type { OutputInfo, TensorInfo } from '../backend.js';
import type { Gemm, NativeTable, WasmKernelContext } from './context.js';
import type { WasmData, WasmMemory } from './memory.js';
import type { LoadedKernels } from './module.js';
import { OP_GEMM, type ThreadPool } from './threads.js';

/** GEMMs with fewer multiply-adds than this stay on the calling thread (dispatch costs ~10 us). */
const PARALLEL_MIN_MACS = 2 ** 21;

export interface GemmDriver {
  gemm: Gemm;
  /** Allocates packing scratch for `threads` threads; called before a pool of that size starts. */
  reserveScratch(threads: number): void;
}

/**
 * The GEMM driver over the thread pool `pool()` returns (null on one thread); `gemmScratch` is
 * thread 0's packing scratch.
 */
export function createGemm(
  { exports: k }: LoadedKernels,
  mem: WasmMemory,
  gemmScratch: number,
  pool: () => ThreadPool | null,
): GemmDriver {
  /** Packing scratch per thread (thread 0 uses gemmScratch). */
  const scratch: number[] = [gemmScratch];

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
    const threadPool = pool();
    const threads = threadPool?.size ?? 1;
    if (threadPool === null || m * n * kk < PARALLEL_MIN_MACS) {
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
    threadPool.run(OP_GEMM, rows, (r) =>
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

  return {
    gemm,
    reserveScratch: (threads) => {
      while (scratch.length < threads) scratch.push(mem.allocPinned(k.gemmScratchBytes()));
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
