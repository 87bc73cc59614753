/**
 * The wasm backend's optional thread pool: workers instantiate the same kernels on the same
 * shared WebAssembly memory and take jobs through `Atomics` on a small control array (a brief
 * spin, then `Atomics.wait`); no message is posted per kernel call. The calling thread does the
 * first share of every job itself and then waits for the others.
 *
 * The pool is host-agnostic: a `ThreadHost` starts a worker running `WORKER_LOOP` with an init
 * object. `nodeThreadHost` (worker_threads) is used in Node; `browserThreadHost` (Web Workers
 * from a Blob URL) needs a cross-origin isolated page (COOP/COEP), where SharedArrayBuffer and
 * shared WebAssembly memory exist. See docs/backend.md.
 *
 * A browser starts a Web Worker only once the thread that created it (the page, or a worker)
 * returns to its event loop, so a caller that waited for a worker which has not started yet
 * would freeze the page until its 60 s timeout. Each worker therefore reports in (a `READY` count) once it has
 * instantiated the kernels; with a host whose workers do not start while the caller is blocked
 * (`startsWhileBlocked` false, the browser host), the pool runs every share on the calling
 * thread, posting nothing, until all its workers have reported in.
 */
import { LaminaError } from '../../errors.js';
import { workerThreads } from '../../platform/worker-threads.js';

/** What a worker receives once, at start. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** 1.. (the calling thread is 0). */
  index: number;
  /** The job generation at spawn time: a job posted before the worker is up still runs. */
  generation: number;
}

export interface WorkerHandle {
  terminate(): void;
}

/** Starts workers; plug another one in with `setThreadHost` (e.g. for a custom bundler setup). */
export interface ThreadHost {
  readonly name: string;
  spawn(init: WorkerInit): WorkerHandle;
  /** Whether the calling thread may block in `Atomics.wait` (not a browser's main thread). */
  readonly canBlock: boolean;
  /**
   * Whether a spawned worker starts while the spawning thread is blocked (Node's worker_threads
   * do; a browser's Web Workers start only once the spawning thread returns to its event loop).
   * When false or missing, jobs run on the calling thread alone until every worker has started.
   */
  readonly startsWhileBlocked?: boolean;
}

/**
 * Control array layout (Int32 slots). The job word (`JOB`) is a job counter shifted left by 2
 * with the job's op in the low 2 bits, so a worker reads which job and which op in one load: a
 * worker that wakes late for a claimed job (which returns without waiting for every worker) and
 * finds the next job already posted runs that one, once.
 */
const JOB = 0;
const PENDING = 2;
const FAILED = 3;
/** Workers that have instantiated the kernels and wait for jobs. */
const READY = 4;
/** Non-empty shares of kernels run by workers (see `threadStats`). */
const TASKS = 5;
/** Set when a worker could not start (instantiating the kernels, or loading its script, failed). */
const START_FAILED = 6;
/**
 * A claimed job's next part: (job counter & CLAIM_TAG_MASK) << 16 | parts << 8 | index. A
 * thread claims part `index` by a compare-exchange that bumps it, only while the tag is its
 * job's and index < parts, so a late worker never claims a later job's part.
 */
const NEXT = 7;
/** A claimed job's finished parts. */
const DONE = 8;
const CLAIM_TAG_MASK = 0x7fff;
const ARGS = 16;
const ARG_SLOTS = 32;
export const MAX_THREADS = 64;
export const OP_STOP = 0;
export const OP_GEMM = 1;
/**
 * Calls one of `CALLABLE` on the row's arguments: [index + 1 (0: nothing to do), float mask,
 * argument count, ...arguments], argument i read as float32 bits where bit i of the mask is set.
 */
export const OP_CALL = 2;
/**
 * OP_CALL's rows as parts claimed from a shared counter (rows 0..parts-1 of the argument slots,
 * at most MAX_THREADS): each thread, the caller included, runs parts until none is left, so a
 * thread the host deschedules takes fewer parts instead of holding up the job. Workers do not
 * count down PENDING for it; the caller waits for every part to be done.
 */
export const OP_CLAIM = 3;

/** Kernel exports a pool may run for a share of an elementwise, pooling or convolution kernel. */
export const CALLABLE = [
  'unary',
  'binary',
  'reluGrad',
  'penaltyGradAdd',
  'penaltyGrad',
  'clip',
  'clipGrad',
  'biasActivation',
  'axpby',
  'axpbySquare',
  'adamStep',
  'rmsStep',
  'maxPool',
  'maxPoolGrad',
  'im2col',
  'col2im',
  'convDirect',
  'rnnForward',
  'rnnBackward',
  'depthwise',
] as const;
export type Callable = (typeof CALLABLE)[number];
/** Most arguments an OP_CALL row carries. */
export const MAX_CALL_ARGS = ARG_SLOTS - 3;

/**
 * The worker's whole program, as source text, so that it needs no file of its own (works under
 * tsx, from dist/, and from a bundle). Expects `run(init)` to be called once with a WorkerInit.
 */
export const WORKER_LOOP = `
function run(init) {
  const ctl = new Int32Array(init.control);
  const bits = new Float32Array(init.control);
  const callable = ${JSON.stringify(CALLABLE)};
  let k = null;
  try {
    k = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
    Atomics.add(ctl, ${READY}, 1);
  } catch (e) {
    // Not ready, ever; jobs posted to it anyway (Node) fail below, so the caller still returns.
    Atomics.store(ctl, ${START_FAILED}, 1);
  }
  const own = ${ARGS} + init.index * ${ARG_SLOTS};
  const call = (a) => {
    const mask = ctl[a + 1];
    const args = [];
    for (let i = 0; i < ctl[a + 2]; i++)
      args.push((mask >> i) & 1 ? bits[a + 3 + i] : ctl[a + 3 + i]);
    k[callable[ctl[a] - 1]](...args);
  };
  let seen = init.generation;
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctl, ${JOB}) === seen) {
      if (++spins > 20000) { Atomics.wait(ctl, ${JOB}, seen); spins = 0; }
    }
    seen = Atomics.load(ctl, ${JOB});
    const op = seen & 3;
    if (op === ${OP_STOP}) return;
    if (op === ${OP_CLAIM}) {
      const tag = (seen >>> 2) & ${CLAIM_TAG_MASK};
      for (;;) {
        const next = Atomics.load(ctl, ${NEXT});
        const parts = (next >>> 8) & 255;
        const index = next & 255;
        if (next >>> 16 !== tag || index >= parts) break;
        if (Atomics.compareExchange(ctl, ${NEXT}, next, next + 1) !== next) continue;
        try {
          call(${ARGS} + index * ${ARG_SLOTS});
          Atomics.add(ctl, ${TASKS}, 1);
        } catch (e) {
          Atomics.store(ctl, ${FAILED}, 1);
        }
        if (Atomics.add(ctl, ${DONE}, 1) + 1 === parts) Atomics.notify(ctl, ${DONE});
      }
      continue;
    }
    try {
      if (op === ${OP_GEMM} && ctl[own] > 0) {
        const a = own;
        k.gemm(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6],
          ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10], ctl[a + 11], ctl[a + 12]);
        Atomics.add(ctl, ${TASKS}, 1);
      } else if (op === ${OP_CALL} && ctl[own] > 0) {
        call(own);
        Atomics.add(ctl, ${TASKS}, 1);
      }
    } catch (e) {
      Atomics.store(ctl, ${FAILED}, 1);
    }
    if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
  }
}
`;

type NodeWorker = { unref(): void; terminate(): Promise<number> };
type NodeWorkerCtor = new (
  code: string,
  options: { eval: true; workerData: WorkerInit },
) => NodeWorker;

/** worker_threads, the worker's code passed as a string (`eval: true`). Null outside Node. */
export function nodeThreadHost(): ThreadHost | null {
  const wt = workerThreads<{ Worker: NodeWorkerCtor }>();
  if (wt === undefined) return null;
  return {
    name: 'node worker_threads',
    canBlock: true,
    startsWhileBlocked: true,
    spawn(init) {
      const w = new wt.Worker(`${WORKER_LOOP}\nrun(require('node:worker_threads').workerData);`, {
        eval: true,
        workerData: init,
      });
      w.unref(); // an idle pool never keeps the process alive
      return { terminate: () => void w.terminate() };
    },
  };
}

/**
 * Web Workers from a Blob URL. Needs a cross-origin isolated page (`Cross-Origin-Opener-Policy:
 * same-origin`, `Cross-Origin-Embedder-Policy: require-corp`) for shared memory. The page's main
 * thread cannot block, so it spins while the workers finish. A Web Worker starts only after the
 * spawning thread returns to its event loop (`startsWhileBlocked` false). Null where Worker is
 * missing.
 */
export function browserThreadHost(): ThreadHost | null {
  const g = globalThis as {
    Worker?: new (url: string) => {
      postMessage(m: unknown): void;
      terminate(): void;
      onerror: ((e: unknown) => void) | null;
    };
    Blob?: new (parts: string[], o: { type: string }) => object;
    URL?: { createObjectURL(b: object): string };
    document?: unknown;
  };
  if (g.Worker === undefined || g.Blob === undefined || g.URL === undefined) return null;
  const url = g.URL.createObjectURL(
    new g.Blob([`${WORKER_LOOP}\nself.onmessage = (e) => run(e.data);`], {
      type: 'text/javascript',
    }),
  );
  const W = g.Worker;
  return {
    name: 'web workers',
    canBlock: g.document === undefined,
    startsWhileBlocked: false,
    spawn(init) {
      const w = new W(url);
      // A script that fails to load (a Content-Security-Policy without blob: workers, say).
      w.onerror = () => Atomics.store(new Int32Array(init.control), START_FAILED, 1);
      w.postMessage(init);
      return { terminate: () => w.terminate() };
    },
  };
}

/** Read-only counters over the thread pools (for tests and diagnostics). */
export interface ThreadStats {
  /** Workers of the running pools. */
  workers: number;
  /** Of those, the ones that have started (instantiated the kernels) and take jobs. */
  ready: number;
  /** Non-empty shares of kernels that workers (not the calling thread) ran, all pools since load. */
  tasks: number;
}

const running = new Set<ThreadPool>();
let stoppedTasks = 0;

export function threadStats(): ThreadStats {
  const stats = { workers: 0, ready: 0, tasks: stoppedTasks };
  for (const pool of running) {
    stats.workers += pool.size - 1;
    stats.ready += pool.ready();
    stats.tasks += pool.tasks();
  }
  return stats;
}

/** A running pool of `size - 1` workers plus the calling thread. */
export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly workers: WorkerHandle[] = [];
  /** Set once every worker has reported in (it never goes back). */
  private allReady = false;
  /** Jobs posted (the job word's upper bits). */
  private jobs = 0;

  constructor(
    readonly host: ThreadHost,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    readonly size: number,
  ) {
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * (ARGS + ARG_SLOTS * MAX_THREADS)));
    for (let index = 1; index < size; index++) {
      this.workers.push(
        host.spawn({
          module,
          memory,
          control: this.ctl.buffer as SharedArrayBuffer,
          index,
          generation: 0,
        }),
      );
    }
    running.add(this);
  }

  /** Workers that have started and take jobs. */
  ready(): number {
    return Atomics.load(this.ctl, READY);
  }

  /** Non-empty shares run by this pool's workers. */
  tasks(): number {
    return Atomics.load(this.ctl, TASKS);
  }

  /**
   * Runs job `op` with one argument row per thread (row 0 on the calling thread, through
   * `self`); rows beyond `args.length` get m = 0 (nothing to do). Returns when all are done.
   * Until every worker has started, a host whose workers cannot start while this thread waits
   * (a browser) gets every row run here, through `self`, and nothing posted.
   */
  run(
    op: number,
    args: readonly (readonly number[])[],
    self: (row: readonly number[]) => void,
  ): void {
    const ctl = this.ctl;
    this.checkStarted();
    if (!this.allReady) {
      this.allReady = this.ready() === this.size - 1;
      if (!this.allReady && this.host.startsWhileBlocked !== true) {
        for (const row of args) self(row);
        return;
      }
    }
    for (let t = 1; t < this.size; t++) {
      const row = args[t];
      const at = ARGS + t * ARG_SLOTS;
      if (row === undefined) ctl[at] = 0;
      else ctl.set(row, at);
    }
    Atomics.store(ctl, PENDING, this.size - 1);
    this.post(op);
    if (args[0] !== undefined) self(args[0]);
    this.wait(PENDING, 0);
    this.throwIfFailed();
  }

  /**
   * Runs OP_CALL rows as parts that every thread (this one included, through `self`) claims
   * until none is left (see OP_CLAIM); at most MAX_THREADS rows. Returns when every part is
   * done, without waiting for workers that claimed none.
   */
  runClaimed(rows: readonly (readonly number[])[], self: (row: readonly number[]) => void): void {
    const ctl = this.ctl;
    this.checkStarted();
    if (!this.allReady) {
      this.allReady = this.ready() === this.size - 1;
      if (!this.allReady && this.host.startsWhileBlocked !== true) {
        for (const row of rows) self(row);
        return;
      }
    }
    const parts = rows.length;
    if (parts > MAX_THREADS)
      throw new LaminaError(
        'internal',
        `wasm thread pool: ${parts} parts, at most ${MAX_THREADS} fit a claimed job`,
      );
    rows.forEach((row, i) => ctl.set(row, ARGS + i * ARG_SLOTS));
    Atomics.store(ctl, DONE, 0);
    const tag = ((this.jobs + 1) & CLAIM_TAG_MASK) << 16;
    Atomics.store(ctl, NEXT, tag | (parts << 8));
    this.post(OP_CLAIM);
    for (;;) {
      const next = Atomics.load(ctl, NEXT);
      const index = next & 255;
      if (index >= parts) break;
      if (Atomics.compareExchange(ctl, NEXT, next, next + 1) !== next) continue;
      self(rows[index] as readonly number[]);
      Atomics.add(ctl, DONE, 1);
    }
    this.wait(DONE, parts);
    this.throwIfFailed();
  }

  /** Publishes job `op` (its rows written): a new job word, and wakes the workers. */
  private post(op: number): void {
    this.jobs = (this.jobs + 1) & 0xfffffff;
    Atomics.store(this.ctl, JOB, (this.jobs << 2) | op);
    Atomics.notify(this.ctl, JOB);
  }

  private throwIfFailed(): void {
    if (Atomics.load(this.ctl, FAILED) !== 0) {
      Atomics.store(this.ctl, FAILED, 0);
      throw new LaminaError(
        'internal',
        'wasm thread pool: a worker failed to run its share of a kernel',
      );
    }
  }

  /** Throws if a worker could not start (it would never take a job). */
  checkStarted(): void {
    if (Atomics.load(this.ctl, START_FAILED) !== 0) {
      throw new LaminaError(
        'invalid-state',
        `wasm thread pool (${this.host.name}): a worker failed to start; setThreads(1) stops the pool`,
      );
    }
  }

  /**
   * Waits for the workers' shares: spins, then, where the thread may block, `Atomics.wait`s;
   * a browser page's main thread only spins (its workers are known to be running: see `run`).
   */
  private wait(slot: number, target: number): void {
    const ctl = this.ctl;
    let spins = 0;
    const start = performance.now();
    for (;;) {
      const now = Atomics.load(ctl, slot);
      if (now === target) return;
      if (++spins < 20000) continue;
      if (this.host.canBlock) Atomics.wait(ctl, slot, now, 1000);
      if (performance.now() - start > 60_000)
        throw new LaminaError(
          'invalid-state',
          `wasm thread pool: ${Math.abs(target - now)} worker share(s) not done within 60 s`,
        );
    }
  }

  /** Stops the workers (they finish their current job first). */
  stop(): void {
    this.post(OP_STOP);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
    if (running.delete(this)) stoppedTasks += this.tasks();
  }
}
