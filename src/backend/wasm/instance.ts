/**
 * The WebAssembly SIMD backend, instantiated where the runtime supports WASM SIMD (Node 20+,
 * current browsers), else null. Importing this module instantiates the kernels (top-level
 * await); the package's entry point registers the backend with the engine and makes it the
 * default, so that backend/ never imports the engine above it.
 */
import { createWasmBackend, type WasmBackend } from './backend.js';
import { loadKernels, simdSupported } from './module.js';

export const wasmBackend: WasmBackend | null = simdSupported()
  ? createWasmBackend(await loadKernels())
  : null;
