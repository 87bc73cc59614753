import { fromValues } from '../engine/engine.js';
import {
  dtypeOfArray,
  isDType,
  toTypedArray,
  type DType,
  type NestedArray,
  type TypedArray,
} from '../tensor/dtype.js';
import { assertValidShape, formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

/** Anything an op accepts where it expects a tensor. */
export type TensorLike = Tensor | NestedArray | TypedArray;

function isTypedArray(v: unknown): v is TypedArray {
  return v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;
}

/** Shape of nested arrays, checking that they are not ragged. */
function inferShape(values: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as NestedArray;
  }
  const check = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(v))
        throw new LaminaTypeError(
          'invalid-argument',
          `${op}: ragged nested array: element ${path} has more dimensions than element [0...]`,
        );
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new LaminaTypeError(
          'invalid-argument',
          `${op}: expected numbers or booleans, received ${typeof v} at ${path}`,
        );
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${op}: ragged nested array: expected ${shape[dim]} elements at ${path || 'top level'}, received ${Array.isArray(v) ? v.length : 'a scalar'}`,
      );
    }
    for (let i = 0; i < v.length; i++) check(v[i] as NestedArray, dim + 1, `${path}[${i}]`);
  };
  check(values, 0, '');
  return shape;
}

function flatten(values: NestedArray, out: (number | boolean)[]): void {
  if (Array.isArray(values)) for (const v of values) flatten(v as NestedArray, out);
  else out.push(values as number | boolean);
}

function firstLeaf(values: NestedArray): number | boolean | undefined {
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    v = v[0] as NestedArray;
  }
  return v as number | boolean;
}

/**
 * Creates a tensor from nested arrays or a flat typed array with a shape. The dtype defaults to
 * the typed array's, bool for booleans, and float32 for numbers.
 */
export function tensor(values: NestedArray | TypedArray, shape?: Shape, dtype?: DType): Tensor {
  const op = 'tensor';
  if (dtype !== undefined && !isDType(dtype)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: dtype must be 'float32', 'int32' or 'bool', received ${String(dtype)}`,
    );
  }
  let flat: ArrayLike<number | boolean>;
  let inferred: number[];
  let dt: DType;
  if (isTypedArray(values)) {
    flat = values;
    inferred = [values.length];
    dt = dtype ?? dtypeOfArray(values);
  } else {
    inferred = inferShape(values, op);
    const list: (number | boolean)[] = [];
    flatten(values, list);
    flat = list;
    dt = dtype ?? (typeof firstLeaf(values) === 'boolean' ? 'bool' : 'float32');
  }
  let finalShape: Shape = inferred;
  if (shape !== undefined) {
    assertValidShape(shape, op);
    if (sizeOf(shape) !== flat.length) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: shape ${formatShape(shape)} needs ${sizeOf(shape)} values, received ${flat.length}`,
      );
    }
    finalShape = shape;
  }
  // A Uint8Array for bool still goes through toTypedArray, which checks every byte is 0 or 1.
  const data =
    isTypedArray(flat) && dtypeOfArray(flat) === dt && dt !== 'bool'
      ? flat.slice()
      : toTypedArray(flat, dt, op);
  return fromValues(data, finalShape, dt);
}

export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(value, [], dtype);
}

/**
 * Accepts a tensor, or converts a number / nested array to one. A bare number takes `like`'s
 * dtype so that `x.mul(2)` works for float32 and int32 alike.
 */
export function asTensor(x: TensorLike, op: string, arg: string, like?: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x) || isTypedArray(x)) {
    const dt = typeof x === 'number' && like !== undefined && like !== 'bool' ? like : undefined;
    try {
      return tensor(x, undefined, dt);
    } catch (e) {
      throw new LaminaTypeError(
        'invalid-argument',
        `${op}: argument '${arg}' could not be converted to a tensor: ${(e as Error).message}`,
      );
    }
  }
  throw new LaminaTypeError(
    'invalid-argument',
    `${op}: argument '${arg}' must be a Tensor, a number or a nested array, received ${typeof x}`,
  );
}

export function assertDType(x: Tensor, allowed: readonly DType[], op: string, arg: string): void {
  if (!allowed.includes(x.dtype)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: argument '${arg}' must have dtype ${allowed.join(' or ')}, received ${x.dtype}`,
    );
  }
}

export function assertFloat(x: Tensor, op: string, arg = 'x'): void {
  assertDType(x, ['float32'], op, arg);
}

export function assertNumeric(x: Tensor, op: string, arg = 'x'): void {
  assertDType(x, ['float32', 'int32'], op, arg);
}

export function assertRank(x: Tensor, rank: number, op: string, arg = 'x'): void {
  if (x.rank !== rank) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: argument '${arg}' must have rank ${rank}, received shape ${formatShape(x.shape)} (rank ${x.rank})`,
    );
  }
}
