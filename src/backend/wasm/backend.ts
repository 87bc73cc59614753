/**
 * The WebAssembly SIMD backend. Float32 kernels that matter for training speed run in
 * AssemblyScript (`assembly/kernels.ts`) on memory this module owns; every other kernel, and any
 * kernel on int32/bool inputs or on a layout the fast paths do not cover, falls back per call to
 * the reference kernels (`../js/`), with the values copied out of and back into linear memory.
 * The native subset is listed in docs/backend.md.
 *
 * This file lays out linear memory, builds the context the kernel families share
 * (`./context.ts`), creates the thread-pool driver (`./pool.ts`) and assembles the table: GEMM
 * and BatchMatMul (`./gemm.ts`), elementwise (`./elementwise.ts`), reductions (`./reduce.ts`),
 * movement (`./movement.ts`), convolution and pooling (`./conv.ts`), fused optimizer updates
 * (`./optimizer.ts`), fused bias + activation, backprop and penalty steps (`./fused.ts`), fused
 * recurrent sequences (`./recurrent.ts`).
 */
import type {
  Backend,
  DataHandle,
  KernelImpl,
  KernelTable,
  OutputInfo,
  TensorInfo,
} from '../backend.js';
import type { KernelInputs, KernelName } from '../kernels.js';
import { jsBackend } from '../js/index.js';
import { sizeOf } from '../../tensor/shape.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { Accepts, Collapsed, NativeImpl, NativeTable, WasmKernelContext } from './context.js';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { fusedKernels } from './fused.js';
import { createGemm, matmulKernels } from './gemm.js';
import { elementBytes, WasmData, WasmMemory } from './memory.js';
import {
  swapKernels,
  type KernelExports,
  type KernelVariant,
  type LoadedKernels,
} from './module.js';
import { movementKernels } from './movement.js';
import { optimizerKernels } from './optimizer.js';
import { createPoolDriver } from './pool.js';
import { recurrentKernels } from './recurrent.js';
import { reduceKernels } from './reduce.js';
import type { ThreadHost } from './threads.js';
import { LaminaError } from '../../errors.js';

export interface WasmBackend extends Backend {
  /** Every kernel: the reference backend's, on copies of the values, where none is native. */
  readonly kernels: KernelTable;
  /** The kernels that run natively on float32 inputs (the others are the reference's). */
  readonly nativeKernels: ReadonlySet<KernelName>;
  readonly mem: WasmMemory;
  /** Whether the memory is shared, so that `setThreads(n > 1)` can start workers. */
  readonly shared: boolean;
  setThreads(n: number): void;
  getThreads(): number;
  /** Whether every worker of the pool has started (see `threadsReady`). */
  workersReady(): boolean;
  setThreadHost(host: ThreadHost): void;
  /** Which build of the kernels runs (see `KernelVariant`). */
  kernelVariant(): KernelVariant;
  /**
   * Switches to another build of the kernels on the same memory (tensors, caches and the thread
   * count carry over; the pool restarts on the new module). Calls run one after another.
   */
  setKernelVariant(variant: KernelVariant): Promise<void>;
}

/** Runs a kernel; an out-of-memory error gets the kernel's name in front. */
function withKernelName<T>(name: KernelName, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof LaminaError && e.code === 'out-of-memory')
      throw new LaminaError('out-of-memory', `${name}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * The table with `pick(name)` for every kernel of the list, each typed as its kernel: `pick` is
 * checked per kernel; only the assembly of the entries into the mapped type is not.
 */
function kernelTable(pick: <K extends KernelName>(name: K) => KernelImpl<K>): KernelTable {
  const names = Object.keys(jsBackend.kernels) as KernelName[];
  return Object.fromEntries(names.map((name) => [name, pick(name)])) as unknown as KernelTable;
}

export function createWasmBackend(loaded: LoadedKernels): WasmBackend {
  const { memory, exports: k, shared } = loaded;
  const gemmScratch = Math.ceil(k.heapBase() / 16) * 16;
  // An i32 table of shapes and strides for the broadcasting and movement kernels.
  const meta = gemmScratch + k.gemmScratchBytes();
  const META_INTS = 256;
  const base = meta + META_INTS * 4;
  const need = base - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
  const mem = new WasmMemory(memory, base);

  const dataOf = (info: TensorInfo): WasmData => info.data as WasmData;

  /** Byte offset of an input's values in linear memory, copying them in unless resident. */
  const ptrOf = (info: TensorInfo): number => mem.ptrOf(dataOf(info));

  /** A fresh output handle with a block in linear memory (written through to JS by `native`). */
  const output = (out: OutputInfo): WasmData => mem.output(sizeOf(out.shape), out.dtype);

  function write(values: TypedArray): DataHandle {
    const dtype =
      values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
    return new WasmData(values.length, dtype, values);
  }

  function read(handle: DataHandle): TypedArray {
    return mem.read(handle as WasmData);
  }

  /** Runs the reference kernel on copies of the inputs. */
  function fallback<K extends KernelName>(name: K): KernelImpl<K> {
    const reference: KernelTable = jsBackend.kernels;
    const impl: KernelImpl<K> = reference[name];
    return (inputs, attrs, out) => {
      const copies = (inputs as readonly TensorInfo[]).map((i): TensorInfo => ({
        ...i,
        data: read(i.data),
      })) as readonly TensorInfo[] as KernelInputs<K, TensorInfo>;
      return write(impl(copies, attrs, out) as TypedArray);
    };
  }

  const allFloat = (inputs: readonly TensorInfo[], out: OutputInfo): boolean =>
    out.dtype === 'float32' && inputs.every((i) => i.dtype === 'float32');

  /**
   * A native kernel that returns null where it does not apply (then the reference runs).
   * `accepts` says which dtypes it takes (float32 in and out unless told).
   */
  function native<K extends KernelName>(
    name: K,
    impl: NativeImpl<K>,
    accepts: Accepts = allFloat,
  ): KernelImpl<K> {
    const slow = fallback(name);
    return (inputs, attrs, out) => {
      if (!accepts(inputs, out)) return slow(inputs, attrs, out);
      let resident = 0;
      for (const input of inputs as readonly TensorInfo[])
        resident += mem.residentBytes(input.data as WasmData);
      mem.beginKernel(sizeOf(out.shape) * elementBytes(out.dtype), resident);
      const y = withKernelName(name, () => impl(inputs, attrs, out));
      if (y === null) return slow(inputs, attrs, out);
      if (out.transient === true) mem.hold(y);
      else mem.settle(y);
      return y;
    };
  }

  /** Writes shape and stride rows to the meta table; false when they do not fit. */
  function writeMeta(c: Collapsed): boolean {
    const rank = c.shape.length;
    if (rank * (c.rows.length + 3) > META_INTS) return false;
    mem.refreshViews();
    const at = meta >>> 2;
    mem.i32.set(c.shape, at);
    c.rows.forEach((r, t) => mem.i32.set(r, at + (t + 1) * rank));
    return true;
  }

  const threads = createPoolDriver(loaded, (n) => gemmDriver.reserveScratch(n));
  const gemmDriver = createGemm(loaded, mem, gemmScratch, threads.pool);
  const context: WasmKernelContext = {
    mem,
    k,
    meta,
    ptrOf,
    output,
    native,
    writeMeta,
    gemm: gemmDriver.gemm,
    parallel: threads.parallel,
  };

  const nativeKernels: NativeTable = {
    ...matmulKernels(context),
    ...elementwiseKernels(context),
    ...movementKernels(context),
    ...reduceKernels(context),
    ...convKernels(context),
    ...optimizerKernels(context),
    ...fusedKernels(context),
    ...recurrentKernels(context),
  };

  let switching: Promise<void> = Promise.resolve();
  function setKernelVariant(variant: KernelVariant): Promise<void> {
    const run = async (): Promise<void> => {
      if (variant === loaded.variant) return;
      await swapKernels(loaded, variant);
      const n = threads.getThreads();
      if (n > 1) {
        threads.setThreads(1);
        threads.setThreads(n);
      }
    };
    switching = switching.then(run, run);
    return switching;
  }

  // Every kernel: native where a family module has it, else the reference on copies.
  const kernels = kernelTable((name) => nativeKernels[name] ?? fallback(name));

  return {
    name: 'wasm',
    write,
    read,
    view: (handle, offset, length) => mem.share(handle as WasmData, offset, length),
    release: (handle) => mem.release(handle as WasmData),
    kernels,
    nativeKernels: new Set(Object.keys(nativeKernels) as KernelName[]),
    mem,
    shared,
    setThreads: threads.setThreads,
    getThreads: threads.getThreads,
    workersReady: threads.workersReady,
    setThreadHost: threads.setThreadHost,
    kernelVariant: () => loaded.variant,
    setKernelVariant,
  };
}

export type { KernelExports, KernelImpl };
