/**
 * Registers the WebAssembly SIMD backend and makes it the default where the runtime supports
 * WASM SIMD (Node 20+, current browsers). `setBackend('js')` switches back to the reference.
 * Importing this module instantiates the kernels (top-level await).
 */
import { registerBackend, setBackend } from '../../engine/engine.js';
import { createWasmBackend, type WasmBackend } from './backend.js';
import { loadKernels, simdSupported } from './module.js';

export let wasmBackend: WasmBackend | null = null;

if (simdSupported()) {
  wasmBackend = createWasmBackend(await loadKernels());
  registerBackend(wasmBackend);
  setBackend('wasm');
}
