import { invalidArgument, type JsonObject } from '../serialization/keras-object.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A penalty on a tensor: on a weight (kernel, bias, ...) or on a layer's output (activity).
 * `apply` returns a float32 scalar. Subclass it, give `className` and `getConfig`, and register
 * the class by name (`registerRegularizer`) to round-trip it through configs.
 */
export abstract class Regularizer {
  abstract readonly className: string;
  abstract apply(x: Tensor): Tensor;
  abstract getConfig(): JsonObject;
}

/** The message style of Keras: what was invalid, what was expected, what was received. */
export function checkFactor(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(where, arg, 'a non-negative float', value);
  }
  return value;
}
