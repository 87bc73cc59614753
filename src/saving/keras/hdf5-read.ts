/**
 * Reading HDF5 files safely. Some damaged files make the HDF5 library loop forever (found by
 * the loader fuzz: h5wasm 0.10.3 / HDF5 2.0.0 reading a variable-length string attribute from a
 * corrupted global heap), and WebAssembly running on the calling thread cannot be interrupted.
 * So in Node each file is read in a worker thread (hdf5-worker.ts) under a deadline: past it,
 * the worker is terminated and the read fails with a LaminaError ('corrupt-data') naming the
 * file. The worker is started on first use, kept for the next file (starting one and loading
 * h5wasm costs far more than a read) and never keeps the process alive while idle, unless the
 * HDF5 library trapped on a damaged file (its memory is then in an unknown state, and every later
 * read in that worker would fail): the next file gets a fresh worker. Where worker_threads is
 * missing (browsers), files are read on the calling thread.
 */
import { LaminaError } from '../../errors.js';
import { parseH5, type H5Contents } from './hdf5.js';
import type { H5ReadReply, H5ReadRequest } from './hdf5-worker.js';
import { workerThreads } from '../../platform/worker-threads.js';

/**
 * How long a read may take: `baseMs` plus `msPerMegabyte` for each MB of the file (a valid
 * file of several hundred MB reads in a few seconds). Tests lower it to keep the fuzz fast.
 */
export const hdf5ReadDeadline = { baseMs: 20_000, msPerMegabyte: 40 };

export function deadlineFor(byteLength: number): number {
  return Math.round(
    hdf5ReadDeadline.baseMs + (hdf5ReadDeadline.msPerMegabyte * byteLength) / 2 ** 20,
  );
}

interface NodeWorker {
  postMessage(request: H5ReadRequest): void;
  on(event: 'message', listener: (reply: H5ReadReply) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}
type NodeWorkerCtor = new (file: URL | string, options?: { eval: true }) => NodeWorker;

function workerConstructor(): NodeWorkerCtor | null {
  return workerThreads<{ Worker: NodeWorkerCtor }>()?.Worker ?? null;
}

/**
 * A worker running hdf5-worker beside this module. Run from TypeScript source (tests, `tsx`),
 * the worker needs the same loader, which Node 20 does not pass on to workers: it registers
 * tsx's before importing the module.
 */
function spawnWorker(Worker: NodeWorkerCtor): NodeWorker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./hdf5-worker.js', import.meta.url));
  const file = new URL('./hdf5-worker.ts', import.meta.url).href;
  const loader = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); });`,
    { eval: true },
  );
}

/** How long a worker may take to start and load h5wasm (not counted in a read's deadline). */
const STARTUP_MS = 120_000;

/** The running worker, whether it has loaded h5wasm, and the handler of the read in progress. */
interface Reader {
  worker: NodeWorker;
  ready: Promise<void>;
  settle: ((outcome: H5ReadReply | Error) => void) | null;
}
let reader: Reader | null = null;
let nextId = 0;
/** Reads run one after another, so that each one's deadline counts only its own time. */
let queue: Promise<unknown> = Promise.resolve();

function startReader(Worker: NodeWorkerCtor): Reader {
  const worker = spawnWorker(Worker);
  let markReady = (): void => {};
  let markFailed = (error: Error): void => void error;
  const started: Reader = {
    worker,
    ready: new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    }),
    settle: null,
  };
  started.ready.catch(() => undefined);
  const fail = (error: Error): void => {
    if (reader === started) reader = null;
    markFailed(error);
    started.settle?.(error);
  };
  worker.on('message', (reply) => {
    if ('ready' in reply) markReady();
    else started.settle?.(reply);
  });
  worker.on('error', fail);
  worker.on('exit', (code) =>
    fail(new LaminaError('io', `the HDF5 worker stopped (exit code ${code})`)),
  );
  worker.unref();
  return started;
}

/** Waits for `current` to load h5wasm, failing after STARTUP_MS. */
async function whenReady(current: Reader, where: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  current.worker.ref();
  try {
    await Promise.race([
      current.ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new LaminaError('io', `did not start within ${STARTUP_MS} ms`)),
          STARTUP_MS,
        );
      }),
    ]);
  } catch (e) {
    if (reader === current) reader = null;
    void current.worker.terminate();
    throw new LaminaError(
      'io',
      `${where}: the worker that reads HDF5 files failed to start (${(e as Error).message})`,
      { cause: e },
    );
  } finally {
    clearTimeout(timer);
    current.worker.unref();
  }
}

async function readInWorker(
  Worker: NodeWorkerCtor,
  bytes: Uint8Array,
  maxBytes: number,
  where: string,
): Promise<H5Contents> {
  const current = (reader ??= startReader(Worker));
  await whenReady(current, where);
  const id = ++nextId;
  const ms = deadlineFor(bytes.byteLength);
  return new Promise<H5Contents>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (reader === current) reader = null;
      current.settle = null;
      void current.worker.terminate();
      reject(
        new LaminaError(
          'corrupt-data',
          `${where}: the HDF5 library did not finish reading the file within ${ms} ms; the file is damaged (a valid file of ${bytes.byteLength} bytes reads far faster)`,
        ),
      );
    }, ms);
    current.settle = (outcome) => {
      clearTimeout(timer);
      current.settle = null;
      current.worker.unref();
      if (outcome instanceof Error)
        reject(
          new LaminaError('corrupt-data', `${where}: ${outcome.message} while reading the file`, {
            cause: outcome,
          }),
        );
      else if (!('id' in outcome) || outcome.id !== id)
        reject(new LaminaError('corrupt-data', `${where}: the HDF5 worker answered out of turn`));
      else if ('error' in outcome) {
        if (outcome.restart) {
          if (reader === current) reader = null;
          void current.worker.terminate();
        }
        reject(new LaminaError(outcome.error.code, outcome.error.message));
      } else resolve(outcome.contents);
    };
    // A read in progress keeps the process alive until its reply or its deadline.
    current.worker.ref();
    current.worker.postMessage({ id, bytes, maxBytes, where });
  });
}

/** Every dataset and group attribute of the HDF5 file `bytes` (see hdf5.ts), under a deadline. */
export function readH5(bytes: Uint8Array, maxBytes: number, where: string): Promise<H5Contents> {
  const Worker = workerConstructor();
  if (Worker === null) return parseH5(bytes, maxBytes, where);
  const read = queue.then(() => readInWorker(Worker, bytes, maxBytes, where));
  queue = read.catch(() => undefined);
  return read;
}
