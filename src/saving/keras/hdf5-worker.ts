/**
 * The worker side of hdf5-read.ts: reads each HDF5 file it is sent with `parseH5` and posts
 * back the contents, or the error as a code and message (a LaminaError does not survive
 * structured cloning as a class). Node's worker_threads is reached through
 * `workerThreads()` (platform/worker-threads.ts), as the wasm thread pool does.
 */
import { LaminaError } from '../../errors.js';
import { loadH5wasm, parseH5, type H5Contents } from './hdf5.js';
import { workerThreads } from '../../platform/worker-threads.js';

/** One file to read. */
export interface H5ReadRequest {
  id: number;
  bytes: Uint8Array;
  maxBytes: number;
  where: string;
}

/** What the worker answers: the contents, or the error it met. */
export type H5ReadReply =
  | { ready: true }
  | { id: number; contents: H5Contents }
  | { id: number; error: { code: LaminaError['code']; message: string }; restart: boolean };

interface Port {
  on(event: 'message', listener: (request: H5ReadRequest) => void): void;
  postMessage(reply: H5ReadReply, transfer?: ArrayBuffer[]): void;
}

const port = workerThreads<{ parentPort: Port | null }>()?.parentPort;

async function answer(request: H5ReadRequest, to: Port): Promise<void> {
  try {
    const contents = await parseH5(request.bytes, request.maxBytes, request.where);
    const buffers = [...contents.datasets.values()].map((d) => d.values.buffer as ArrayBuffer);
    to.postMessage({ id: request.id, contents }, buffers);
  } catch (e) {
    const error =
      e instanceof LaminaError
        ? { code: e.code, message: e.message }
        : {
            code: 'corrupt-data' as const,
            message: `${request.where}: the HDF5 library failed on the file (${String(e)})`,
          };
    // A trap inside the HDF5 library (an out-of-bounds access on a damaged file) leaves its
    // memory in an unknown state: every later read would fail, so this worker must be replaced.
    const cause = e instanceof LaminaError ? e.cause : e;
    to.postMessage({
      id: request.id,
      error,
      restart: cause instanceof WebAssembly.RuntimeError || !(e instanceof LaminaError),
    });
  }
}

if (port !== null && port !== undefined) {
  const to = port;
  // One file at a time: the main thread sends the next request only after this one's reply.
  to.on('message', (request) => void answer(request, to));
  // Loading h5wasm takes longer than most reads: the main thread starts a read's deadline only
  // after this.
  void loadH5wasm().then(() => to.postMessage({ ready: true }));
}
