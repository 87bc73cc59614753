import { invalidArgument, type JsonObject } from '../serialization/keras-object.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A projection applied to a weight after each optimizer update (Keras's `Constraint`, with
 * `apply` standing for `__call__(w)`). Subclass it, give `className` and `getConfig`, and
 * register the class by name (`registerConstraint`) to round-trip it through configs.
 */
export abstract class Constraint {
  abstract readonly className: string;
  abstract apply(w: Tensor): Tensor;
  abstract getConfig(): JsonObject;
}

/** The axis (or axes) along which a norm is taken. */
export type ConstraintAxis = number | readonly number[];

export function checkNonNegative(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(where, arg, 'a non-negative number', value);
  }
  return value;
}

/** An integer or a non-empty list of distinct integers; kept as given (copied). */
export function checkAxis(value: unknown, where: string): number | number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((a) => typeof a === 'number' && Number.isInteger(a)) &&
    new Set(value).size === value.length
  ) {
    return [...(value as number[])];
  }
  throw invalidArgument(
    where,
    'axis',
    'an integer or a non-empty list of distinct integers',
    value,
  );
}

/** The axis of a config: a number or a list of numbers, `fallback` when absent. */
export function configAxis(config: JsonObject, where: string, fallback: number): number | number[] {
  const v = config.axis;
  if (v === undefined || v === null) return fallback;
  return checkAxis(v, where);
}
