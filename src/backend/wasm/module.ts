/**
 * Loads the AssemblyScript kernels (`assembly/kernels.ts`, embedded as base64 by
 * `npm run build:wasm`) into a linear memory this backend owns: the relaxed-SIMD build (fused
 * multiply-adds) where the runtime validates it, else the plain SIMD build.
 */
import {
  kernelsRelaxedSharedWasmBase64,
  kernelsRelaxedWasmBase64,
  kernelsSharedWasmBase64,
  kernelsWasmBase64,
  SHARED_MAX_PAGES,
} from './kernels.wasm.js';
import { LaminaError } from '../../errors.js';

/**
 * Which build of the kernels runs. `'relaxed'`: WebAssembly relaxed SIMD, whose multiply-adds
 * are fused (rounded once) where the CPU has FMA and the engine uses it, so the last bits of
 * results may differ between machines or engines (never between runs on one of them); faster.
 * `'plain'`: SIMD only, a multiply and an add rounded apart, the same bits everywhere.
 */
export type KernelVariant = 'relaxed' | 'plain';

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

/** The bytes of one build of the kernels. */
function kernelBytes(shared: boolean, variant: KernelVariant): Uint8Array<ArrayBuffer> {
  if (variant === 'relaxed')
    return decodeBase64(shared ? kernelsRelaxedSharedWasmBase64 : kernelsRelaxedWasmBase64);
  return decodeBase64(shared ? kernelsSharedWasmBase64 : kernelsWasmBase64);
}

let relaxedValidates: boolean | undefined;

/**
 * Whether this runtime validates the relaxed-SIMD build of the kernels (Node 21+, Chrome 114+;
 * Node 20 only with `--experimental-wasm-relaxed-simd`). The module itself is checked, not a probe,
 * so the answer covers every instruction it uses.
 */
export function relaxedSimdSupported(): boolean {
  relaxedValidates ??=
    typeof WebAssembly === 'object' && WebAssembly.validate(kernelBytes(false, 'relaxed'));
  return relaxedValidates;
}

export interface LoadedKernels {
  memory: WebAssembly.Memory;
  /**
   * The running instance's exports, copied into a mutable object: `swapKernels` replaces them in
   * place, so code that holds this object calls the new build.
   */
  exports: KernelExports;
  /** The compiled module, which workers instantiate on the same (shared) memory. */
  module: WebAssembly.Module;
  /** Whether `memory` is shared (a SharedArrayBuffer), as the thread pool needs. */
  shared: boolean;
  variant: KernelVariant;
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

/** The variant the backend loads unless told: relaxed where the runtime has it. */
export function defaultKernelVariant(): KernelVariant {
  return relaxedSimdSupported() ? 'relaxed' : 'plain';
}

/** Compiles one build (asynchronously: browsers refuse large sync compiles). */
async function compileKernels(
  shared: boolean,
  variant: KernelVariant,
): Promise<WebAssembly.Module> {
  if (variant === 'relaxed' && !relaxedSimdSupported()) {
    throw new LaminaError(
      'unsupported',
      "setKernelVariant: expected a runtime with WebAssembly relaxed SIMD for 'relaxed' (Node 21+, " +
        'Chrome 114+, Node 20 with --experimental-wasm-relaxed-simd); this one does not validate it',
    );
  }
  return WebAssembly.compile(kernelBytes(shared, variant));
}

async function instantiateKernels(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
): Promise<KernelExports> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { ...(instance.exports as unknown as KernelExports) };
}

/**
 * Compiles and instantiates the kernels (`variant`: relaxed where the runtime validates it), on
 * a shared memory where the runtime allows one (so that `setThreads` can start workers on it
 * later), else on a plain one.
 */
export async function loadKernels(
  initialPages = 256,
  shared = sharedMemorySupported(),
  variant: KernelVariant = defaultKernelVariant(),
): Promise<LoadedKernels> {
  const memory = shared
    ? new WebAssembly.Memory({ initial: initialPages, maximum: SHARED_MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: initialPages });
  const module = await compileKernels(shared, variant);
  const exports = await instantiateKernels(module, memory);
  return { memory, exports, module, shared, variant };
}

/**
 * Replaces the running build with `variant` on the same memory, in place in `loaded` (exports,
 * module, variant). Both builds lay out memory alike (the same static data and GEMM scratch, which
 * the check below guards), so every pointer the backend holds stays valid, and the new instance's
 * data segments rewrite the same bytes. It runs between kernels, when workers are idle; the caller
 * then restarts a running thread pool, so that its workers instantiate the new module.
 */
export async function swapKernels(loaded: LoadedKernels, variant: KernelVariant): Promise<void> {
  const module = await compileKernels(loaded.shared, variant);
  const exports = await instantiateKernels(module, loaded.memory);
  const old = loaded.exports;
  if (
    exports.heapBase() !== old.heapBase() ||
    exports.gemmScratchBytes() !== old.gemmScratchBytes()
  ) {
    throw new LaminaError(
      'internal',
      `setKernelVariant: the '${variant}' build lays out memory differently from the '${loaded.variant}' one ` +
        `(heap base ${exports.heapBase()} vs ${old.heapBase()}, GEMM scratch ${exports.gemmScratchBytes()} vs ` +
        `${old.gemmScratchBytes()} bytes); rebuild with npm run build:wasm`,
    );
  }
  Object.assign(old, exports);
  loaded.module = module;
  loaded.variant = variant;
}
