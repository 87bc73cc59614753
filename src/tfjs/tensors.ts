/**
 * TensorFlow.js's tensor constructors and buffers: `tensor1d` ... `tensor6d`, `buffer` and
 * `TensorBuffer`, with its argument orders and its checks (rank, dtype).
 */
import { tensor } from '../ops/convert.js';
import {
  allocate,
  isDType,
  type DType,
  type NestedArray,
  type TypedArray,
} from '../tensor/dtype.js';
import { formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Rank } from './types.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

export type TensorLikeValues = NestedArray | TypedArray | readonly number[] | readonly boolean[];

function checkDType(dtype: unknown, op: string): DType | undefined {
  if (dtype === undefined) return undefined;
  if (!isDType(dtype))
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: dtype must be 'float32', 'int32' or 'bool', received ${showJson(dtype) ?? String(dtype)}`,
    );
  return dtype;
}

/** A tensor of a fixed rank, as `tensor2d(values, shape?, dtype?)`. */
function ofRank(
  rank: number,
  op: string,
  values: TensorLikeValues,
  shape: Shape | undefined,
  dtype: DType | undefined,
): Tensor {
  const dt = checkDType(dtype, op);
  if (shape !== undefined && shape.length !== rank)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: shape must have rank ${rank}, received ${formatShape(shape)}`,
    );
  const t = tensor(values as NestedArray | TypedArray, shape, dt);
  if (t.rank !== rank) {
    const hint =
      rank > 1 && shape === undefined && t.rank === 1
        ? ' (flat values need a shape: pass it as the second argument)'
        : '';
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: expected values of rank ${rank}, received rank ${t.rank} (shape ${formatShape(t.shape)})${hint}`,
    );
  }
  return t;
}

/** A rank-1 tensor: `tensor1d(values, dtype?)` (TensorFlow.js's order: no shape argument). */
export function tensor1d(values: TensorLikeValues, dtype?: DType): Tensor {
  if (Array.isArray(dtype))
    throw new LaminaTypeError(
      'invalid-argument',
      `tensor1d: the second argument is the dtype, received an array (a shape?); tensor1d takes no shape`,
    );
  return ofRank(1, 'tensor1d', values, undefined, dtype);
}

export function tensor2d(
  values: TensorLikeValues,
  shape?: [number, number],
  dtype?: DType,
): Tensor {
  return ofRank(2, 'tensor2d', values, shape, dtype);
}

export function tensor3d(
  values: TensorLikeValues,
  shape?: [number, number, number],
  dtype?: DType,
): Tensor {
  return ofRank(3, 'tensor3d', values, shape, dtype);
}

export function tensor4d(
  values: TensorLikeValues,
  shape?: [number, number, number, number],
  dtype?: DType,
): Tensor {
  return ofRank(4, 'tensor4d', values, shape, dtype);
}

export function tensor5d(
  values: TensorLikeValues,
  shape?: [number, number, number, number, number],
  dtype?: DType,
): Tensor {
  return ofRank(5, 'tensor5d', values, shape, dtype);
}

export function tensor6d(
  values: TensorLikeValues,
  shape?: [number, number, number, number, number, number],
  dtype?: DType,
): Tensor {
  return ofRank(6, 'tensor6d', values, shape, dtype);
}

function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(Math.max(shape.length - 1, 0));
  let s = 1;
  for (let i = shape.length - 1; i > 0; i--) {
    s *= shape[i] as number;
    strides[i - 1] = s;
  }
  return strides;
}

/**
 * A mutable, CPU-side array with a shape, to fill element by element and turn into a tensor
 * (TensorFlow.js's `TensorBuffer`). Booleans are stored as 0/1.
 */
export class TensorBuffer<_R extends Rank = Rank> {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly values: TypedArray;
  readonly size: number;
  readonly strides: number[];

  constructor(shape: Shape, dtype: DType, values?: TypedArray) {
    const op = 'buffer';
    this.shape = Object.freeze([...shape]);
    this.dtype = checkDType(dtype, op) ?? 'float32';
    this.size = sizeOf(this.shape);
    this.strides = stridesOf(this.shape);
    if (values !== undefined && values.length !== this.size)
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: shape ${formatShape(this.shape)} needs ${this.size} values, received ${values.length}`,
      );
    this.values = values ?? allocate(this.dtype, this.size);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Sets the element at `locs` (one index per dimension). */
  set(value: number | boolean, ...locs: number[]): void {
    const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    this.values[this.locToIndex(locs.length === 0 && this.rank === 0 ? [] : locs)] = v;
  }

  get(...locs: number[]): number {
    return this.values[this.locToIndex(locs)] as number;
  }

  locToIndex(locs: readonly number[]): number {
    if (locs.length !== this.rank)
      throw new LaminaRangeError(
        'invalid-argument',
        `TensorBuffer: expected ${this.rank} indices for shape ${formatShape(this.shape)}, received ${locs.length}`,
      );
    let index = 0;
    locs.forEach((loc, d) => {
      const n = this.shape[d] as number;
      if (!Number.isInteger(loc) || loc < 0 || loc >= n)
        throw new LaminaRangeError(
          'invalid-argument',
          `TensorBuffer: index ${String(loc)} is out of range for dimension ${d} of size ${n}`,
        );
      index += loc * (d < this.rank - 1 ? (this.strides[d] as number) : 1);
    });
    return index;
  }

  indexToLoc(index: number): number[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size)
      throw new LaminaRangeError(
        'invalid-argument',
        `TensorBuffer: flat index ${index} is out of range [0, ${this.size})`,
      );
    const locs: number[] = [];
    let rest = index;
    for (const stride of this.strides) {
      locs.push(Math.floor(rest / stride));
      rest %= stride;
    }
    if (this.rank > 0) locs.push(rest);
    return locs;
  }

  toTensor(): Tensor {
    return tensor(this.values, this.shape, this.dtype);
  }
}

/** A `TensorBuffer` of `shape` (TensorFlow.js's `buffer(shape, dtype = 'float32', values?)`). */
export function buffer<R extends Rank = Rank>(
  shape: Shape,
  dtype: DType = 'float32',
  values?: TypedArray,
): TensorBuffer<R> {
  return new TensorBuffer<R>(shape, dtype, values);
}
