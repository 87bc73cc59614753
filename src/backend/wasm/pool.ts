/**
 * The wasm backend's thread-pool driver: `setThreads`/`getThreads`/`workersReady` start, stop and
 * watch the worker pool (`./threads.ts`), and `parallel` splits a kernel export's work across it.
 * GEMM (`./gemm.ts`) splits its products over the same pool, with a packing scratch per thread.
 */
import type { LoadedKernels } from './module.js';
import {
  browserThreadHost,
  CALLABLE,
  MAX_CALL_ARGS,
  MAX_THREADS,
  nodeThreadHost,
  OP_CALL,
  ThreadPool,
  type Callable,
  type ThreadHost,
} from './threads.js';
import { LaminaError } from '../../errors.js';

/**
 * Runs kernel export `name` over the index range [0, total) (elements, rows or images), split
 * across the thread pool in parts that are multiples of `grain`, or in one call on this thread
 * when there is no pool or `total < minTotal`. `argsOf(start, count)` gives a part's arguments;
 * bit i of `floats` marks argument i as float32. Each part must write its own outputs only.
 * With `partsPerThread` > 1 the range is cut into that many parts per thread (while parts hold
 * at least `grain`), which the threads claim as they finish (OP_CLAIM): a thread the host
 * deschedules then delays the kernel by one small part instead of a whole share.
 */
export type Parallel = (
  name: Callable,
  total: number,
  grain: number,
  minTotal: number,
  argsOf: (start: number, count: number) => number[],
  floats?: number,
  partsPerThread?: number,
) => void;

const bitsF32 = new Float32Array(1);
const bitsI32 = new Int32Array(bitsF32.buffer);
function floatBits(v: number): number {
  bitsF32[0] = v;
  return bitsI32[0] as number;
}

export interface PoolDriver {
  /** The running pool, or null on one thread. */
  pool(): ThreadPool | null;
  parallel: Parallel;
  /** Whether every worker has started (true without a pool); throws if one failed to. */
  workersReady(): boolean;
  setThreads(n: number): void;
  getThreads(): number;
  setThreadHost(host: ThreadHost): void;
}

/** `reserve(n)` runs before a pool of n threads starts (GEMM allocates its scratch there). */
export function createPoolDriver(
  loaded: LoadedKernels,
  reserve: (threads: number) => void,
): PoolDriver {
  // `loaded.module` is read when a pool starts: setKernelVariant swaps it.
  const { memory, exports: k, shared } = loaded;
  let pool: ThreadPool | null = null;
  let host: ThreadHost | null = null;

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
    reserve(n);
    pool = new ThreadPool(host, loaded.module, memory, n);
  }

  const parallel: Parallel = (
    name,
    total,
    grain,
    minTotal,
    argsOf,
    floats = 0,
    partsPerThread = 1,
  ) => {
    const fn = k[name] as unknown as (...args: number[]) => void;
    const threads = pool?.size ?? 1;
    if (pool === null || total < minTotal || total <= grain) {
      if (total > 0) fn(...argsOf(0, total));
      return;
    }
    const parts = Math.min(threads * partsPerThread, MAX_THREADS);
    const chunk = Math.ceil(total / parts / grain) * grain;
    const argRows: number[][] = [];
    for (let start = 0; start < total; start += chunk)
      argRows.push(argsOf(start, Math.min(chunk, total - start)));
    const id = CALLABLE.indexOf(name) + 1;
    const rows = argRows.map((args) => {
      if (args.length > MAX_CALL_ARGS)
        throw new LaminaError(
          'internal',
          `wasm thread pool: ${name} takes ${args.length} arguments, at most ${MAX_CALL_ARGS} fit a job`,
        );
      return [
        id,
        floats,
        args.length,
        ...args.map((v, i) => ((floats >> i) & 1 ? floatBits(v) : v)),
      ];
    });
    const self = (row: readonly number[]): void =>
      fn(...(argRows[rows.indexOf(row as number[])] as number[]));
    if (partsPerThread > 1) pool.runClaimed(rows, self);
    else pool.run(OP_CALL, rows, self);
  };

  return {
    pool: () => pool,
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
