/**
 * What the wasm backend's kernel modules share. `createWasmBackend` (`./backend.ts`) lays out
 * linear memory and builds one `WasmKernelContext`; each family module (`./gemm.ts`,
 * `./elementwise.ts`, `./reduce.ts`, `./movement.ts`, `./conv.ts`, `./optimizer.ts`) turns it
 * into its part of the kernel table, wrapping every native implementation in `native` so that
 * inputs it does not cover fall back to the reference kernels.
 */
import type { KernelImpl, KernelTable, OutputInfo, TensorInfo } from '../backend.js';
import type { KernelAttrs, KernelName } from '../kernels.js';
import type { WasmData, WasmMemory } from './memory.js';
import type { KernelExports } from './module.js';
import type { Parallel } from './pool.js';
import type { Callable } from './threads.js';

/**
 * A native kernel for kernel K: null where it does not apply (then the reference runs). Inputs
 * come as a plain list (a family module indexes them itself); attributes are K's.
 */
export type NativeImpl<K extends KernelName> = (
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs<K>,
  out: OutputInfo,
) => WasmData | null;

/** Which inputs and output dtypes a native kernel takes. */
export type Accepts = (inputs: readonly TensorInfo[], out: OutputInfo) => boolean;

/** A family module's share of the kernel table: the kernels it runs natively, each typed. */
export type NativeTable = Partial<KernelTable>;

/**
 * Elementwise kernels split across the thread pool from this many elements on (a dispatch costs
 * ~10 us; a SIMD pass over 64K floats, output copied back to JS, measured ~25 us here).
 */
export const PARALLEL_MIN_ELEMENTS = 1 << 16;
/** Parts of elementwise work are multiples of this many elements (whole cache lines). */
export const ELEMENT_GRAIN = 16;

/**
 * Runs an elementwise kernel export over n float32 elements, split across the pool: its
 * arguments are `leading` integers, then `pointers` (byte offsets that advance with each part),
 * the part's element count, then float32 `scalars`.
 */
export function splitElements(
  parallel: Parallel,
  name: Callable,
  leading: readonly number[],
  pointers: readonly number[],
  n: number,
  scalars: readonly number[] = [],
): void {
  const floats = ((1 << scalars.length) - 1) << (leading.length + pointers.length + 1);
  parallel(
    name,
    n,
    ELEMENT_GRAIN,
    PARALLEL_MIN_ELEMENTS,
    (i, count) => [...leading, ...pointers.map((p) => p + i * 4), count, ...scalars],
    floats,
  );
}

/** Shape and stride rows after `collapse`, as `writeMeta` stores them. */
export interface Collapsed {
  shape: number[];
  rows: number[][];
}

/**
 * C += A B on float32 matrices given by byte offsets and element strides (see `./gemm.ts`), or
 * C = A B with `overwrite` (C's previous contents are never read: no zero-fill needed).
 */
export type Gemm = (
  m: number,
  n: number,
  kk: number,
  a: number,
  ars: number,
  acs: number,
  b: number,
  brs: number,
  bcs: number,
  c: number,
  ldc: number,
  overwrite?: boolean,
) => void;

export interface WasmKernelContext {
  readonly mem: WasmMemory;
  /** The AssemblyScript kernels' exports. */
  readonly k: KernelExports;
  /** Byte offset of the i32 table of shapes and strides for the broadcasting and movement kernels. */
  readonly meta: number;
  /** Byte offset of an input's values in linear memory, copying them in unless resident. */
  ptrOf(info: TensorInfo): number;
  /** A fresh output handle with a block in linear memory (written through to JS by `native`). */
  output(out: OutputInfo): WasmData;
  /**
   * A native kernel that returns null where it does not apply (then the reference runs).
   * `accepts` says which dtypes it takes (float32 in and out unless told).
   */
  native<K extends KernelName>(name: K, impl: NativeImpl<K>, accepts?: Accepts): KernelImpl<K>;
  /** Writes shape and stride rows to the meta table; false when they do not fit. */
  writeMeta(c: Collapsed): boolean;
  gemm: Gemm;
  /** Splits a kernel export's work across the thread pool (see `./pool.ts`). */
  parallel: Parallel;
}

/**
 * Drops size-1 dimensions and merges neighbours that every stride row walks contiguously, so
 * the kernels' inner loops run as long as possible. Returns rank >= 1.
 */
export function collapse(
  shape: readonly number[],
  rows: readonly (readonly number[])[],
): Collapsed {
  const outShape: number[] = [];
  const outRows: number[][] = rows.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const len = shape[d] as number;
    if (len === 1) continue;
    const last = outShape.length - 1;
    if (
      last >= 0 &&
      rows.every((r, t) => (outRows[t]![last] as number) === (r[d] as number) * len)
    ) {
      outShape[last] = (outShape[last] as number) * len;
      rows.forEach((r, t) => (outRows[t]![last] = r[d] as number));
      continue;
    }
    outShape.push(len);
    rows.forEach((r, t) => outRows[t]!.push(r[d] as number));
  }
  if (outShape.length === 0) return { shape: [1], rows: rows.map(() => [0]) };
  return { shape: outShape, rows: outRows };
}
