/**
 * Node's `worker_threads`, reached synchronously through `process.getBuiltinModule` (Node 20.16+),
 * so that no module imports `node:*` and a browser bundle carries no reference to it. Undefined
 * outside Node. Each caller types the part it uses: the wasm thread pool and the HDF5 reader
 * (`Worker`), the HDF5 worker itself (`parentPort`).
 */
export function workerThreads<T>(): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('worker_threads') as T | undefined;
}
