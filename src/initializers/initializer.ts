import { invalidArgument, show, type JsonObject } from '../serialization/keras-object.js';
import type { DType } from '../tensor/dtype.js';
import { assertValidShape, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { LaminaTypeError } from '../errors.js';

/**
 * Makes the initial value of a weight from its shape: Keras's `Initializer`, with `generate`
 * standing for Keras's `__call__(shape, dtype)`. Subclass it, give `className` and `getConfig`,
 * and register the class by name (`registerInitializer`) to round-trip it through configs.
 */
export abstract class Initializer {
  abstract readonly className: string;
  abstract generate(shape: readonly number[], dtype?: DType): Tensor;
  abstract getConfig(): JsonObject;
}

export function checkFinite(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidArgument(where, arg, 'a finite number', value);
  }
  return value;
}

export function checkNonNegative(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(where, arg, 'a non-negative number', value);
  }
  return value;
}

/** An integer seed, or undefined (values then come from the global stream, see `setSeed`). */
export function checkSeed(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidArgument(where, 'seed', 'an integer or undefined', value);
  }
  return value;
}

export function checkShape(shape: unknown, where: string): Shape {
  if (!Array.isArray(shape)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: shape must be an array of integers, received ${show(shape)}`,
    );
  }
  assertValidShape(shape, where);
  return shape;
}

/** Random initializers make float32 values only. */
export function checkFloatDType(dtype: DType | undefined, where: string): 'float32' {
  if (dtype !== undefined && dtype !== 'float32') {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: dtype must be 'float32' for random values, received ${show(dtype)}`,
    );
  }
  return 'float32';
}
