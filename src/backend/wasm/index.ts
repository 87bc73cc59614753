/**
 * The wasm backend's public controls. `setThreads(n)` starts (or stops) the worker pool that
 * splits GEMM, and the convolutions built on it, across n threads (default 1). Needs shared
 * WebAssembly memory: always in Node; in browsers only on cross-origin isolated pages.
 */
import { wasmBackend } from './register.js';
import { MAX_THREADS, type ThreadHost } from './threads.js';

export { MAX_THREADS, nodeThreadHost, browserThreadHost, type ThreadHost } from './threads.js';

/** Sets the number of threads the wasm backend's GEMM uses (1 = no workers). */
export function setThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new RangeError(
      `setThreads: expected an integer from 1 to ${MAX_THREADS}, received ${String(n)}`,
    );
  }
  if (wasmBackend === null) {
    if (n === 1) return;
    throw new Error('setThreads: the wasm backend is not available (no WebAssembly SIMD here)');
  }
  wasmBackend.setThreads(n);
}

/** The number of threads the wasm backend uses (1 when it has no pool or is unavailable). */
export function getThreads(): number {
  return wasmBackend?.getThreads() ?? 1;
}

/** Replaces the way workers are started (Node worker_threads / Web Workers by default). */
export function setThreadHost(host: ThreadHost): void {
  if (wasmBackend === null) throw new Error('setThreadHost: the wasm backend is not available');
  wasmBackend.setThreadHost(host);
}
