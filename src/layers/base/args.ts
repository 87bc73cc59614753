/**
 * Checks of layer arguments and call inputs shared by every layer family, with Keras's wording
 * ("Invalid value for argument units: expected a positive integer. Received: units=0").
 */
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { isShapeList, type LayerTensors } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { showValue } from '../../validation/options.js';
import { LaminaRangeError, LaminaTypeError } from '../../errors.js';

/** The one input of a single-input layer (shape or tensor); a list is an error naming the layer. */
export function singleInput(x: LayerTensors, where: string): Tensor;
export function singleInput(x: SymbolicShape | SymbolicShape[], where: string): SymbolicShape;
export function singleInput(
  x: LayerTensors | SymbolicShape | SymbolicShape[],
  where: string,
): Tensor | SymbolicShape {
  if (x instanceof Tensor) return x;
  if (Array.isArray(x) && x.length > 0 && x[0] instanceof Tensor) {
    if (x.length === 1) return x[0] as Tensor;
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expects a single input, received ${x.length} tensors`,
    );
  }
  const shape = x as SymbolicShape | SymbolicShape[];
  if (isShapeList(shape)) {
    if (shape.length === 1) return shape[0] as SymbolicShape;
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expects a single input, received ${shape.length}`,
    );
  }
  return shape;
}

export function checkPositiveInt(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected a positive integer. Received: ${arg}=${showValue(value)}`,
    );
  }
  return value;
}

export function checkRate(value: unknown, arg: string, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected a float in [0, 1). Received: ${arg}=${showValue(value)}`,
    );
  }
  return value;
}

export function checkRank(x: Tensor, rank: number, where: string): void {
  if (x.rank !== rank)
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: expected an input of rank ${rank}, received shape ${formatShape(x.shape)}`,
    );
}

/** A boolean option (null or undefined take `fallback`); anything else is an error. */
export function checkBoolean(
  value: unknown,
  arg: string,
  where: string,
  fallback: boolean,
): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected a boolean. Received: ${arg}=${showValue(value)}`,
    );
  }
  return value;
}
