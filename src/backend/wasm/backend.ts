/**
 * The WebAssembly SIMD backend. Float32 kernels that matter for training speed run in
 * AssemblyScript (`assembly/kernels.ts`) on memory this module owns; every other kernel, and any
 * kernel on int32/bool inputs or on a layout the fast paths do not cover, falls back per call to
 * the reference kernels (`../js/`), with the values copied out of and back into linear memory.
 * The native subset is listed in docs/backend.md.
 *
 * This file lays out linear memory, builds the context the kernel families share
 * (`./context.ts`) and assembles the table: GEMM and BatchMatMul (`./gemm.ts`), elementwise
 * (`./elementwise.ts`), reductions (`./reduce.ts`), movement (`./movement.ts`), convolution and
 * pooling (`./conv.ts`), fused optimizer updates (`./optimizer.ts`), fused bias + activation,
 * backprop and penalty steps (`./fused.ts`), fused recurrent sequences (`./recurrent.ts`).
 */
import type {
  Backend,
  DataHandle,
  KernelImpl,
  KernelTable,
  OutputInfo,
  TensorInfo,
} from '../backend.js';
import type { KernelName } from '../kernels.js';
import { jsBackend } from '../js/index.js';
import { sizeOf } from '../../tensor/shape.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type {
  Accepts,
  AnyImpl,
  Collapsed,
  NativeImpl,
  NativeTable,
  WasmKernelContext,
} from './context.js';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { fusedKernels } from './fused.js';
import { createGemm, matmulKernels } from './gemm.js';
import { WasmData, WasmMemory } from './memory.js';
import type { KernelExports, LoadedKernels } from './module.js';
import { movementKernels } from './movement.js';
import { optimizerKernels } from './optimizer.js';
import { recurrentKernels } from './recurrent.js';
import { reduceKernels } from './reduce.js';
import type { ThreadHost } from './threads.js';
import { LaminaError } from '../../errors.js';

export interface WasmBackend extends Backend {
  readonly mem: WasmMemory;
  /** Whether the memory is shared, so that `setThreads(n > 1)` can start workers. */
  readonly shared: boolean;
  setThreads(n: number): void;
  getThreads(): number;
  /** Whether every worker of the pool has started (see `threadsReady`). */
  workersReady(): boolean;
  setThreadHost(host: ThreadHost): void;
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
  function fallback(name: KernelName): AnyImpl {
    const impl = jsBackend.kernels[name] as unknown as AnyImpl;
    return (inputs, attrs, out) => {
      const infos = inputs.map((i): TensorInfo => ({ ...i, data: read(i.data) }));
      return write(impl(infos, attrs, out) as TypedArray);
    };
  }

  const allFloat = (inputs: readonly TensorInfo[], out: OutputInfo): boolean =>
    out.dtype === 'float32' && inputs.every((i) => i.dtype === 'float32');

  /**
   * A native kernel that returns null where it does not apply (then the reference runs).
   * `accepts` says which dtypes it takes (float32 in and out unless told).
   */
  function native(name: KernelName, impl: NativeImpl, accepts: Accepts = allFloat): AnyImpl {
    const slow = fallback(name);
    return (inputs, attrs, out) => {
      if (!accepts(inputs, out)) return slow(inputs, attrs, out);
      mem.beginKernel();
      const y = withKernelName(name, () => impl(inputs, attrs as never, out));
      if (y === null) return slow(inputs, attrs, out);
      mem.settle(y);
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

  const threads = createGemm(loaded, mem, gemmScratch);
  const context: WasmKernelContext = {
    mem,
    k,
    meta,
    ptrOf,
    output,
    native,
    writeMeta,
    gemm: threads.gemm,
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

  const kernels = Object.fromEntries(
    (Object.keys(jsBackend.kernels) as KernelName[]).map((name) => [
      name,
      nativeKernels[name] ?? fallback(name),
    ]),
  ) as unknown as KernelTable;

  return {
    name: 'wasm',
    write,
    read,
    kernels,
    mem,
    shared,
    setThreads: threads.setThreads,
    getThreads: threads.getThreads,
    workersReady: threads.workersReady,
    setThreadHost: threads.setThreadHost,
  };
}

/** Kernels that run natively on float32 inputs (the rest fall back to the reference backend). */
export const NATIVE_KERNELS: readonly KernelName[] = [
  'BatchMatMul',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Neg',
  'Abs',
  'Square',
  'Relu',
  'Exp',
  'Log',
  'Sigmoid',
  'Tanh',
  'Sign',
  'Sqrt',
  'Rsqrt',
  'Reciprocal',
  'Floor',
  'Ceil',
  'ClipByValue',
  'Maximum',
  'Minimum',
  'Equal',
  'NotEqual',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Where',
  'Cast',
  'Transpose',
  'Slice',
  'Reverse',
  'Tile',
  'Sum',
  'Softmax',
  'LogSoftmax',
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'DepthwiseConv2D',
  'DepthwiseConv2DBackpropInput',
  'DepthwiseConv2DBackpropFilter',
  'MaxPool',
  'MaxPoolGrad',
  'Axpby',
  'AxpbySquare',
  'AdamStep',
  'RmsStep',
  'BiasActivation',
  'MatMulBiasActivation',
  'Conv2DBiasActivation',
  'ReluGrad',
  'ClipByValueGrad',
  'Penalty',
  'PenaltyGradAdd',
  'WeightGradPenalty',
];

export type { KernelExports, KernelImpl };
