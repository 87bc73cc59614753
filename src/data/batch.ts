/**
 * Batching of dataset elements, as tfjs-data's `batch()` does it: a batch has the structure of
 * one element, each leaf replaced by the leaves of all elements stacked on a new first axis.
 * Tensors are stacked; numbers become a float32 vector, booleans a bool vector, typed arrays and
 * nested number arrays a tensor with the batch axis first; arrays holding tensors or objects,
 * and objects, are batched entry by entry. Missing values and strings are refused (Lamina has
 * no string dtype and never guesses a value).
 */
import { stack } from '../ops/movement.js';
import { tensor } from '../ops/convert.js';
import { dtypeOfArray, type NestedArray, type TypedArray } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

/** The batched form of an element type: leaves become tensors, containers keep their keys. */
export type Batched<T> = T extends Tensor | number | boolean | TypedArray | NestedArray
  ? Tensor
  : T extends object
    ? { -readonly [K in keyof T]: Batched<T[K]> }
    : never;

function isTypedArray(v: unknown): v is TypedArray {
  return v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;
}

/** True for numbers, booleans and arrays of them nested to any depth. */
function isNumericArray(v: unknown): boolean {
  if (!Array.isArray(v)) return typeof v === 'number' || typeof v === 'boolean';
  return v.every(isNumericArray);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `a ${v.dtype} Tensor of shape ${formatShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (isTypedArray(v)) return `a ${v.constructor.name} of length ${v.length}`;
  return typeof v;
}

function at(path: string): string {
  return path === '' ? 'the element' : `'${path}'`;
}

/**
 * Stacks `rows` (the elements of one batch, at least one) into one batched structure. `where`
 * names the caller for error messages; `path` is the position inside the element.
 */
export function batchElements(rows: readonly unknown[], where: string, path = ''): unknown {
  const first = rows[0];
  rows.forEach((r, i) => {
    if (r === undefined || r === null) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: element ${i} of the batch has no value at ${at(path)} (received ${String(r)}); ` +
          'give the column a default or filter such elements out before batching',
      );
    }
    if (typeof r === 'string') {
      throw new LaminaTypeError(
        'invalid-argument',
        `${where}: element ${i} of the batch holds the string ${JSON.stringify(r)} at ${at(path)}; ` +
          'tensors are numeric (float32, int32, bool): map the value to a number before batching',
      );
    }
  });
  const mismatch = (i: number, expected: string): never => {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: element ${i} of the batch holds ${kindOf(rows[i])} at ${at(path)}, expected ${expected} like element 0`,
    );
  };
  if (first instanceof Tensor) {
    rows.forEach((r, i) => {
      if (!(r instanceof Tensor) || r.dtype !== first.dtype) mismatch(i, kindOf(first));
    });
    try {
      return stack(rows as Tensor[]);
    } catch (e) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: cannot batch the tensors at ${at(path)}: ${(e as Error).message}`,
      );
    }
  }
  if (typeof first === 'number') {
    const values = new Float32Array(rows.length);
    rows.forEach((r, i) => {
      if (typeof r !== 'number') mismatch(i, 'a number');
      values[i] = r as number;
    });
    return tensor(values, [rows.length]);
  }
  if (typeof first === 'boolean') {
    rows.forEach((r, i) => {
      if (typeof r !== 'boolean') mismatch(i, 'a boolean');
    });
    return tensor(rows as boolean[], [rows.length], 'bool');
  }
  if (isTypedArray(first)) return batchTypedArrays(rows, first, mismatch);
  if (Array.isArray(first)) {
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== first.length)
        mismatch(i, `an array of length ${first.length}`);
    });
    if (first.every((v) => typeof v === 'number'))
      return batchNumberRows(rows, first.length, where, path);
    if (isNumericArray(first)) {
      try {
        return tensor(rows as NestedArray[]);
      } catch (e) {
        throw new LaminaRangeError(
          'invalid-argument',
          `${where}: cannot batch the arrays at ${at(path)}: ${(e as Error).message}`,
        );
      }
    }
    return first.map((_, k) =>
      batchElements(
        rows.map((r) => (r as unknown[])[k]),
        where,
        path === '' ? String(k) : `${path}.${k}`,
      ),
    );
  }
  if (typeof first === 'object') {
    const keys = Object.keys(first as object);
    rows.forEach((r, i) => {
      const rk = typeof r === 'object' && !Array.isArray(r) ? Object.keys(r as object) : null;
      if (rk === null || rk.length !== keys.length || !keys.every((k) => rk.includes(k)))
        mismatch(i, `an object with the keys ${keys.join(', ')}`);
    });
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      out[k] = batchElements(
        rows.map((r) => (r as Record<string, unknown>)[k]),
        where,
        path === '' ? k : `${path}.${k}`,
      );
    }
    return out;
  }
  throw new LaminaTypeError(
    'invalid-argument',
    `${where}: cannot batch ${kindOf(first)} at ${at(path)}`,
  );
}

function batchTypedArrays(
  rows: readonly unknown[],
  first: TypedArray,
  mismatch: (i: number, expected: string) => never,
): Tensor {
  const n = first.length;
  const Ctor = first.constructor as new (length: number) => TypedArray;
  const out = new Ctor(rows.length * n);
  rows.forEach((r, i) => {
    if (!(r instanceof Ctor) || (r as TypedArray).length !== n) mismatch(i, kindOf(first));
    out.set(r as TypedArray, i * n);
  });
  return tensor(out, [rows.length, n], dtypeOfArray(first));
}

/** The common case of flat number arrays (feature vectors), filled straight into one buffer. */
function batchNumberRows(
  rows: readonly unknown[],
  width: number,
  where: string,
  path: string,
): Tensor {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => {
    const row = r as unknown[];
    for (let k = 0; k < width; k++) {
      const v = row[k];
      if (typeof v !== 'number') {
        // The general path names the problem precisely (a missing value, a string, ...).
        const column = rows.map((x) => (x as unknown[])[k]);
        batchElements(column, where, path === '' ? String(k) : `${path}.${k}`);
        throw new LaminaTypeError(
          'invalid-argument',
          `${where}: element ${i} of the batch holds ${kindOf(v)} at ${at(path)}`,
        );
      }
      out[i * width + k] = v;
    }
  });
  return tensor(out, [rows.length, width]);
}
