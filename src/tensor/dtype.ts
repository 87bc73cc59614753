/** Element types a tensor can hold. `bool` is stored as bytes holding 0 or 1. */
import { LaminaTypeError } from '../errors.js';
export type DType = 'float32' | 'int32' | 'bool';

export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** Numbers nested to any depth, as `tensor([[1, 2], [3, 4]])` accepts and `arraySync()` returns. */
export type NestedArray = number | boolean | readonly NestedArray[];

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

export function dtypeOfArray(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  return 'bool';
}

/** Converts JS numbers to the dtype's storage, refusing values the dtype cannot represent. */
export function toTypedArray(
  values: ArrayLike<number | boolean>,
  dtype: DType,
  op: string,
): TypedArray {
  const out = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (dtype === 'bool') {
      if (typeof v === 'boolean') out[i] = v ? 1 : 0;
      else if (v === 0 || v === 1) out[i] = v;
      else
        throw new LaminaTypeError(
          'invalid-argument',
          `${op}: expected a boolean (or 0/1) for dtype bool, received ${String(v)} at flat index ${i}`,
        );
    } else {
      const n = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
      if (typeof n !== 'number') {
        throw new LaminaTypeError(
          'invalid-argument',
          `${op}: expected a number, received ${typeof v} at flat index ${i}`,
        );
      }
      if (dtype === 'int32' && !(Number.isInteger(n) && n >= -2147483648 && n <= 2147483647)) {
        throw new LaminaTypeError(
          'invalid-argument',
          `${op}: expected an int32 value, received ${n} at flat index ${i}`,
        );
      }
      out[i] = n;
    }
  }
  return out;
}
