/**
 * Loads the AssemblyScript kernels (`assembly/kernels.ts`, embedded as base64 by
 * `npm run build:wasm`) into a linear memory this backend owns.
 */
import { kernelsSharedWasmBase64, kernelsWasmBase64, SHARED_MAX_PAGES } from './kernels.wasm.js';

export interface KernelExports {
  gemmScratchBytes(): number;
  heapBase(): number;
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    ldc: number,
    scratch: number,
    overwrite: number,
  ): void;
  zero(ptr: number, bytes: number): void;
  /**
   * The fused recurrent sequences (`assembly/recurrent-sequence.ts`): the time loop over batch
   * rows [b0, b0 + rows) of the sequence a descriptor describes.
   */
  rnnForward(desc: number, b0: number, rows: number): void;
  rnnBackward(desc: number, b0: number, rows: number): void;
  /** Bytes of packing scratch the sequences need for a batch. */
  rnnScratchBytes(batch: number): number;
  /** Packs B (k x n, element (p, j) at b + 4 * (p * brs + j * bcs)) for the sequences' GEMM. */
  packPanels(b: number, brs: number, bcs: number, k: number, n: number, dst: number): void;
  /** Floats of a k x n B packed. */
  packedFloats(k: number, n: number): number;
  copy(dst: number, src: number, bytes: number): void;
  binary(op: number, mode: number, a: number, b: number, y: number, n: number, m: number): void;
  unary(op: number, x: number, y: number, n: number): void;
  sumTrailing(x: number, y: number, outer: number, inner: number): void;
  sumLeading(x: number, y: number, outer: number, inner: number, acc: number): void;
  softmax(x: number, y: number, rows: number, n: number, log: number): void;
  gatherStrided(x: number, start: number, y: number, rank: number, meta: number, es: number): void;
  transpose2d(x: number, y: number, rows: number, cols: number): void;
  binaryBroadcast(op: number, a: number, b: number, y: number, rank: number, meta: number): void;
  where(c: number, a: number, b: number, y: number, rank: number, meta: number): void;
  cast(x: number, y: number, n: number, mode: number): void;
  im2col(x: number, col: number, ...geometry: number[]): void;
  col2im(col: number, dx: number, ...geometry: number[]): void;
  /** geometry: the 14 numbers of im2col, then the output channels. */
  convDirect(x: number, f: number, y: number, ...geometryAndCo: number[]): void;
  convFilterDirect(x: number, dy: number, df: number, ...geometryAndCo: number[]): void;
  /**
   * mode 0: y = depthwise(a = x, b = filter); 1: out (dx) += the input gradient of a = dy;
   * 2: out (dFilter) += the filter gradient of a = x, b = dy. geometry: the 14 numbers of
   * im2col, then the channel multiplier.
   */
  depthwise(mode: number, a: number, b: number, out: number, ...geometryAndMult: number[]): void;
  maxPool(x: number, y: number, ...geometry: number[]): void;
  maxPoolGrad(x: number, dy: number, dx: number, ...geometry: number[]): void;
  axpby(x: number, z: number, y: number, n: number, a: number, b: number): void;
  axpbySquare(x: number, z: number, y: number, n: number, a: number, b: number): void;
  adamStep(w: number, m: number, v: number, y: number, n: number, lr: number, eps: number): void;
  rmsStep(
    x: number,
    g: number,
    v: number,
    y: number,
    n: number,
    a: number,
    lr: number,
    eps: number,
  ): void;
  biasActivation(x: number, b: number, y: number, rows: number, n: number, relu: number): void;
  reluGrad(dy: number, x: number, y: number, n: number): void;
  penaltyGrad(x: number, y: number, n: number, a: number, b: number): void;
  clip(
    x: number,
    y: number,
    n: number,
    lo: number,
    hi: number,
    loValue: number,
    hiValue: number,
  ): void;
  clipGrad(dy: number, x: number, y: number, n: number, lo: number, hi: number): void;
  penalty(x: number, n: number, l1: number, l2: number): number;
  penaltyGradAdd(g: number, x: number, y: number, n: number, a: number, b: number): void;
}

// The smallest module using a v128 instruction (as in wasm-feature-detect).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

/** Whether this runtime runs WebAssembly SIMD (Node 20+, current browsers). */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export interface LoadedKernels {
  memory: WebAssembly.Memory;
  exports: KernelExports;
  /** The compiled module, which workers instantiate on the same (shared) memory. */
  module: WebAssembly.Module;
  /** Whether `memory` is shared (a SharedArrayBuffer), as the thread pool needs. */
  shared: boolean;
}

/**
 * Whether this runtime gives WebAssembly shared memory: always in Node; in browsers only on a
 * cross-origin isolated page (served with COOP `same-origin` and COEP `require-corp`).
 */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const g = globalThis as {
    crossOriginIsolated?: boolean;
    process?: { versions?: { node?: string } };
  };
  if (g.process?.versions?.node !== undefined) return true;
  return g.crossOriginIsolated === true;
}

/**
 * Compiles and instantiates the kernels (asynchronously: browsers refuse large sync compiles),
 * on a shared memory where the runtime allows one (so that `setThreads` can start workers on it
 * later), else on a plain one.
 */
export async function loadKernels(
  initialPages = 256,
  shared = sharedMemorySupported(),
): Promise<LoadedKernels> {
  const memory = shared
    ? new WebAssembly.Memory({ initial: initialPages, maximum: SHARED_MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: initialPages });
  const bytes = decodeBase64(shared ? kernelsSharedWasmBase64 : kernelsWasmBase64);
  const module = await WebAssembly.compile(bytes);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { memory, exports: instance.exports as unknown as KernelExports, module, shared };
}
