/**
 * TensorFlow.js's memory and runtime calls. Lamina's tensors are garbage collected, so `tidy`,
 * `dispose` and `keep` have nothing to do; they exist so that TensorFlow.js code runs unchanged,
 * and they do exactly what they say here. `memory()` reports real counts: the tensors' storage
 * that the garbage collector has not reclaimed yet.
 */
import { threadsReady } from '../backend/wasm/index.js';
import {
  getBackend as laminaBackend,
  listBackends,
  setBackend as setLaminaBackend,
} from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { setTensorObserver, type Storage } from '../tensor/tensor.js';
import { LaminaTypeError } from '../errors.js';

/** Runs `fn` and returns its result: there is no scope to clean up (tensors are collected). */
export function tidy<T>(nameOrFn: string | (() => T), fn?: () => T): T {
  const f = typeof nameOrFn === 'function' ? nameOrFn : fn;
  if (typeof f !== 'function')
    throw new LaminaTypeError(
      'invalid-argument',
      'tidy: expected a function, as tidy(fn) or tidy(name, fn)',
    );
  return f();
}

/** Does nothing: storage is reclaimed when the last reference to a tensor goes away. */
export function dispose(_container?: unknown): void {}

/** Returns `result`: every tensor is kept until nothing refers to it. */
export function keep<T>(result: T): T {
  return result;
}

/** Does nothing: variables are garbage collected like any tensor. */
export function disposeVariables(): void {}

export interface MemoryInfo {
  /** Live tensor objects (created and not yet reclaimed by the garbage collector). */
  numTensors: number;
  /** Distinct storage buffers behind them (reshapes share their input's buffer). */
  numDataBuffers: number;
  /** Bytes of those buffers. */
  numBytes: number;
  unreliable: boolean;
  reasons: string[];
}

const BYTES: Record<Tensor['dtype'], number> = { float32: 4, int32: 4, bool: 1 };

let liveTensors = 0;
let liveBuffers = 0;
let liveBytes = 0;
const seenStorage = new WeakSet<Storage>();
const tensorsReclaimed = new FinalizationRegistry<null>(() => {
  liveTensors -= 1;
});
const buffersReclaimed = new FinalizationRegistry<number>((bytes) => {
  liveBuffers -= 1;
  liveBytes -= bytes;
});

function observe(t: Tensor): void {
  liveTensors += 1;
  tensorsReclaimed.register(t, null);
  const storage = t.storage;
  if (!seenStorage.has(storage)) {
    seenStorage.add(storage);
    const bytes = t.size * BYTES[t.dtype];
    liveBuffers += 1;
    liveBytes += bytes;
    buffersReclaimed.register(storage, bytes);
  }
}

// Counting starts when this face is imported, so the Keras face never pays for it.
setTensorObserver(observe);

/** What the tensors created since `lamina-nn/tfjs` was imported still hold. */
export function memory(): MemoryInfo {
  return {
    numTensors: liveTensors,
    numDataBuffers: liveBuffers,
    numBytes: liveBytes,
    unreliable: true,
    reasons: [
      'tensors are garbage collected: the counts fall when the collector runs, not at dispose()',
    ],
  };
}

/** TensorFlow.js backend names for Lamina's: 'cpu' is the plain-TypeScript reference backend. */
const TFJS_NAMES: Record<string, string> = { js: 'cpu', wasm: 'wasm' };
const LAMINA_NAMES: Record<string, string> = { cpu: 'js', wasm: 'wasm' };

/** 'wasm' (the WebAssembly SIMD backend) or 'cpu' (the plain-TypeScript reference). */
export function getBackend(): string {
  const name = laminaBackend();
  return TFJS_NAMES[name] ?? name;
}

/**
 * Switches backend and resolves true; for a backend Lamina does not have ('webgl', 'webgpu',
 * 'tensorflow'), warns, keeps the current one and resolves false, as TensorFlow.js does when a
 * backend fails to start.
 */
export async function setBackend(name: string): Promise<boolean> {
  const lamina = LAMINA_NAMES[name] ?? name;
  if (!listBackends().includes(lamina)) {
    console.warn(
      `setBackend('${name}'): lamina-nn has no such backend (available: ${listBackends()
        .map((b) => TFJS_NAMES[b] ?? b)
        .join(', ')}); staying on '${getBackend()}'`,
    );
    return false;
  }
  setLaminaBackend(lamina);
  await threadsReady();
  return true;
}

/** Resolves when the backend (and its worker threads, if any) can run. */
export async function ready(): Promise<void> {
  await threadsReady();
}

/** What TensorFlow.js code asks of `tf.backend()`. */
export interface BackendInfo {
  readonly name: string;
  /** The fuzz factor added to denominators: 1e-7, as TensorFlow.js's float32 backends. */
  epsilon(): number;
  floatPrecision(): 32;
}

export function backend(): BackendInfo {
  return { name: getBackend(), epsilon: () => 1e-7, floatPrecision: () => 32 };
}

/** Resolves at the next animation frame in browsers, at the next turn of the event loop in Node. */
export function nextFrame(): Promise<void> {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => unknown })
    .requestAnimationFrame;
  if (raf !== undefined) return new Promise((resolve) => raf(() => resolve()));
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Milliseconds that `f` took (`wallMs`, and `kernelMs`, the same here: kernels run in line). */
export async function time(f: () => void): Promise<{ wallMs: number; kernelMs: number }> {
  const start = performance.now();
  f();
  const wallMs = performance.now() - start;
  return { wallMs, kernelMs: wallMs };
}
