import { fromValues } from '../engine/engine.js';
import { allocate, isDType, type DType } from '../tensor/dtype.js';
import { assertValidShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor, Variable, type VariableOptions } from '../tensor/tensor.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

function checkDType(dtype: DType, op: string): void {
  if (!isDType(dtype))
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: dtype must be 'float32', 'int32' or 'bool', received ${String(dtype)}`,
    );
}

export function fill(
  shape: Shape,
  value: number | boolean,
  dtype: DType = typeof value === 'boolean' ? 'bool' : 'float32',
): Tensor {
  assertValidShape(shape, 'fill');
  checkDType(dtype, 'fill');
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (dtype === 'int32' && !Number.isInteger(n))
    throw new LaminaTypeError(
      'invalid-argument',
      `fill: value ${n} is not an integer, as dtype int32 requires`,
    );
  if (dtype === 'bool' && n !== 0 && n !== 1)
    throw new LaminaTypeError(
      'invalid-argument',
      `fill: value ${n} is not a boolean, as dtype bool requires`,
    );
  const values = allocate(dtype, sizeOf(shape));
  if (n !== 0) values.fill(n);
  return fromValues(values, shape, dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return ones(x.shape, x.dtype);
}

/** Numbers from `start` up to (not including) `stop` by `step`, as `tf.range`. */
export function range(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new LaminaRangeError(
      'invalid-argument',
      `range: step must be a finite non-zero number, received ${step}`,
    );
  if (![start, stop].every(Number.isFinite))
    throw new LaminaRangeError(
      'invalid-argument',
      `range: start and stop must be finite, received ${start} and ${stop}`,
    );
  if (dtype !== 'float32' && dtype !== 'int32')
    throw new LaminaTypeError(
      'invalid-argument',
      `range: dtype must be float32 or int32, received ${String(dtype)}`,
    );
  if (dtype === 'int32' && ![start, stop, step].every(Number.isInteger)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `range: int32 needs integer start, stop and step, received ${start}, ${stop}, ${step}`,
    );
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = allocate(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromValues(values, [n], dtype);
}

/** `num` evenly spaced numbers from `start` to `stop`, both included. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num < 1)
    throw new LaminaRangeError(
      'invalid-argument',
      `linspace: num must be a positive integer, received ${num}`,
    );
  const values = new Float32Array(num);
  const step = num === 1 ? 0 : (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) values[i] = start + i * step;
  if (num > 1) values[num - 1] = stop;
  return fromValues(values, [num], 'float32');
}

/** Identity matrix, `numRows x numColumns` (square by default). */
export function eye(numRows: number, numColumns = numRows, dtype: DType = 'float32'): Tensor {
  assertValidShape([numRows, numColumns], 'eye');
  checkDType(dtype, 'eye');
  const values = allocate(dtype, numRows * numColumns);
  for (let i = 0; i < Math.min(numRows, numColumns); i++) values[i * numColumns + i] = 1;
  return fromValues(values, [numRows, numColumns], dtype);
}

/** A mutable, named tensor; trainable by default. */
export function variable(initialValue: Tensor, options: VariableOptions = {}): Variable {
  if (!(initialValue instanceof Tensor)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `variable: initialValue must be a Tensor, received ${typeof initialValue}`,
    );
  }
  return new Variable(initialValue, options);
}
