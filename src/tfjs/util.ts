/**
 * `tf.util`: the helpers TensorFlow.js code reaches for. Shuffles draw from Lamina's seeded
 * random stream (`setSeed`, or the `seed` argument), so they repeat from run to run.
 */
import { allocate, isDType, type DType, type TypedArray } from '../tensor/dtype.js';
import { randomFor } from '../tensor/rng.js';
import { sizeOf } from '../tensor/shape.js';
import { LaminaError, LaminaRangeError } from '../errors.js';

/** Throws `Error(message())` (or the message string) unless `expr` holds. */
export function assert(expr: boolean, message: string | (() => string)): asserts expr {
  if (!expr)
    throw new LaminaError('invalid-argument', typeof message === 'function' ? message() : message);
}

export function assertNonNull<T>(value: T | null | undefined, name?: string): asserts value is T {
  if (value === null || value === undefined)
    throw new LaminaError('invalid-argument', `${name ?? 'value'} must not be null or undefined`);
}

export function assertShapesMatch(a: readonly number[], b: readonly number[], prefix = ''): void {
  if (!arraysEqual(a, b))
    throw new LaminaError(
      'invalid-argument',
      `${prefix}Shapes [${a.join(',')}] and [${b.join(',')}] must match`,
    );
}

/** Arrays and typed arrays alike: anything indexed with a length. */
type Shuffleable = { length: number; [index: number]: unknown };

/** One Fisher-Yates permutation from the seeded stream, applied in place to every array. */
function permuteTogether(arrays: readonly Shuffleable[], seed: number | undefined): void {
  const rng = randomFor(seed);
  const n = arrays[0]?.length ?? 0;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    for (const a of arrays) {
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/** Shuffles `array` in place from the seeded stream. */
export function shuffle(array: Shuffleable, seed?: number): void {
  permuteTogether([array], seed);
}

/** Shuffles two arrays of the same length in place with the same permutation. */
export function shuffleCombo(a: Shuffleable, b: Shuffleable, seed?: number): void {
  if (a.length !== b.length)
    throw new LaminaError(
      'invalid-argument',
      `shuffleCombo: the arrays must have the same length, received ${a.length} and ${b.length}`,
    );
  permuteTogether([a, b], seed);
}

/** The indices 0 .. n-1 in a seeded random order. */
export function createShuffledIndices(n: number, seed?: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffle(out, seed);
  return out;
}

export function sizeFromShape(shape: readonly number[]): number {
  return sizeOf(shape);
}

type Nested<T> = T | readonly Nested<T>[];

/** Flattens nested arrays (and typed arrays inside them) into one list. */
export function flatten<T extends number | boolean | string>(
  arr: Nested<T> | TypedArray,
  result: T[] = [],
): T[] {
  if (Array.isArray(arr) || ArrayBuffer.isView(arr)) {
    const items = arr as ArrayLike<Nested<T>>;
    for (let i = 0; i < items.length; i++) flatten(items[i] as Nested<T>, result);
  } else {
    result.push(arr as T);
  }
  return result;
}

export function arraysEqual(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function computeStrides(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i > 0; i--) {
    s *= shape[i] as number;
    strides.unshift(s);
  }
  return strides;
}

export function clamp(min: number, x: number, max: number): number {
  return Math.max(min, Math.min(x, max));
}

export function sum(arr: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < arr.length; i++) s += arr[i] as number;
  return s;
}

export function now(): number {
  return performance.now();
}

export function isTypedArray(a: unknown): a is TypedArray {
  return a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array;
}

export function isNumber(x: unknown): x is number {
  return typeof x === 'number';
}

export function isString(x: unknown): x is string {
  return typeof x === 'string';
}

export function isBoolean(x: unknown): x is boolean {
  return typeof x === 'boolean';
}

export function isFunction(x: unknown): boolean {
  return typeof x === 'function';
}

export function isInt(x: number): boolean {
  return Number.isInteger(x);
}

export function isValidDtype(dtype: unknown): dtype is DType {
  return isDType(dtype);
}

/** The dtype `tensor(values)` would give these values. */
export function inferDtype(values: unknown): DType {
  if (Array.isArray(values)) return inferDtype(values[0]);
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array || typeof values === 'boolean') return 'bool';
  return 'float32';
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

export function getTypedArrayFromDType(dtype: DType, size: number): TypedArray {
  return allocate(dtype, size);
}

export function makeZerosTypedArray(size: number, dtype: DType): TypedArray {
  return allocate(dtype, size);
}

export function makeOnesTypedArray(size: number, dtype: DType): TypedArray {
  return allocate(dtype, size).fill(1);
}

export function nearestLargerEven(n: number): number {
  return n % 2 === 0 ? n : n + 1;
}

/** Axes as a list of non-negative integers (all axes when undefined). */
export function parseAxisParam(
  axis: number | number[] | undefined,
  shape: readonly number[],
): number[] {
  const rank = shape.length;
  const list = axis === undefined ? shape.map((_, i) => i) : ([] as number[]).concat(axis);
  return list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank)
      throw new LaminaRangeError(
        'invalid-argument',
        `parseAxisParam: axis ${a} is out of range for rank ${rank}`,
      );
    return a < 0 ? rank + a : a;
  });
}

export function encodeString(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function decodeString(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** The platform's `fetch` (TensorFlow.js's util.fetch). */
export function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return globalThis.fetch(input, init);
}

export const util = {
  assert,
  assertNonNull,
  assertShapesMatch,
  shuffle,
  shuffleCombo,
  createShuffledIndices,
  sizeFromShape,
  flatten,
  arraysEqual,
  computeStrides,
  clamp,
  sum,
  now,
  isTypedArray,
  isNumber,
  isString,
  isBoolean,
  isFunction,
  isInt,
  isValidDtype,
  inferDtype,
  bytesPerElement,
  getTypedArrayFromDType,
  makeZerosTypedArray,
  makeOnesTypedArray,
  nearestLargerEven,
  parseAxisParam,
  encodeString,
  decodeString,
  fetch,
};
