/**
 * The wasm backend's public controls. `setThreads(n)` starts (or stops) the worker pool that
 * splits GEMMs (and the convolutions built on them), large elementwise kernels, pooling and the
 * column kernels across n threads (default 1). Needs shared WebAssembly memory: always in Node;
 * in browsers only on cross-origin isolated pages, where `await threadsReady()` lets the workers
 * start (a browser starts a Web Worker only once the page returns to its event loop).
 * `getKernelVariant()` says which build of the kernels runs (relaxed SIMD, with fused
 * multiply-adds, where the runtime has it), `setKernelVariant('plain')` opts out of it for results
 * that are the same bits on every machine.
 */
import { wasmBackend } from './instance.js';
import type { KernelVariant } from './module.js';
import { MAX_THREADS, type ThreadHost } from './threads.js';
import { LaminaError, LaminaRangeError } from '../../errors.js';

export { MAX_THREADS, nodeThreadHost, browserThreadHost, type ThreadHost } from './threads.js';
export type { KernelVariant } from './module.js';

/** Sets the number of threads the wasm backend's kernels use (1 = no workers). */
export function setThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new LaminaRangeError(
      'invalid-argument',
      `setThreads: expected an integer from 1 to ${MAX_THREADS}, received ${String(n)}`,
    );
  }
  if (wasmBackend === null) {
    if (n === 1) return;
    throw new LaminaError(
      'unsupported',
      'setThreads: the wasm backend is not available (no WebAssembly SIMD here)',
    );
  }
  wasmBackend.setThreads(n);
}

/** The number of threads the wasm backend uses (1 when it has no pool or is unavailable). */
export function getThreads(): number {
  return wasmBackend?.getThreads() ?? 1;
}

/**
 * Resolves once every worker started by `setThreads` has started and takes work, yielding to the
 * event loop meanwhile (until then kernels run on the calling thread alone, with the same
 * results). Rejects if a worker failed to start, or after `timeoutMs` naming how many are missing.
 */
export async function threadsReady(timeoutMs = 10_000): Promise<void> {
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `threadsReady: timeoutMs must be a number >= 0, received ${String(timeoutMs)}`,
    );
  }
  const start = Date.now();
  while (wasmBackend !== null && !wasmBackend.workersReady()) {
    if (Date.now() - start > timeoutMs) {
      throw new LaminaError(
        'invalid-state',
        `threadsReady: the ${getThreads() - 1} worker(s) of setThreads(${getThreads()}) did not all start within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Replaces the way workers are started (Node worker_threads / Web Workers by default). */
export function setThreadHost(host: ThreadHost): void {
  if (wasmBackend === null)
    throw new LaminaError('unsupported', 'setThreadHost: the wasm backend is not available');
  wasmBackend.setThreadHost(host);
}

/**
 * Which build of the wasm kernels runs: `'relaxed'` (WebAssembly relaxed SIMD: multiply-adds
 * fused where the CPU has FMA; the default where the runtime validates it: Node 21+, Chrome
 * 114+) or `'plain'` (SIMD only); null when the wasm backend is unavailable.
 */
export function getKernelVariant(): KernelVariant | null {
  return wasmBackend?.kernelVariant() ?? null;
}

/**
 * Chooses the build of the wasm kernels. A fused multiply-add rounds once where a multiply and an
 * add round twice, and whether relaxed SIMD fuses depends on the CPU and the engine, so
 * `'relaxed'` results may differ in their last bits between machines (never between two runs on
 * one machine and engine); `'plain'` gives the same bits everywhere, more slowly. Tensors, weights
 * and the thread count carry over. Resolves once the new build runs; kernels called before that
 * run on the old one. Rejects with a LaminaError (`unsupported`) for `'relaxed'` on a runtime
 * without relaxed SIMD, or without the wasm backend.
 */
export async function setKernelVariant(variant: KernelVariant): Promise<void> {
  if (variant !== 'relaxed' && variant !== 'plain') {
    throw new LaminaRangeError(
      'invalid-argument',
      `setKernelVariant: expected 'relaxed' or 'plain', received ${JSON.stringify(variant) ?? String(variant)}`,
    );
  }
  if (wasmBackend === null) {
    throw new LaminaError(
      'unsupported',
      'setKernelVariant: the wasm backend is not available (no WebAssembly SIMD here)',
    );
  }
  await wasmBackend.setKernelVariant(variant);
}
