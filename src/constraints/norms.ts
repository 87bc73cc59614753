import {
  add,
  cast,
  clipByValue,
  div,
  greaterEqual,
  mul,
  sqrt,
  square,
} from '../ops/elementwise.js';
import { sum } from '../ops/reduction.js';
import { Tensor } from '../tensor/tensor.js';
import { checkAxis, checkNonNegative, Constraint, type ConstraintAxis } from './constraint.js';
import { invalidArgument, show } from '../serialization/keras-object.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

/** Keras's backend.epsilon(), added to norms before dividing by them. */
const EPSILON = 1e-7;

function checkTensor(w: unknown, where: string): Tensor {
  if (!(w instanceof Tensor))
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expected a Tensor, received ${show(w)}`,
    );
  return w;
}

/** sqrt(sum(w^2, axis, keepDims)). */
function norms(w: Tensor, axis: number | number[]): Tensor {
  return sqrt(sum(square(w), axis, true));
}

function axisConfig(axis: number | number[]): number | number[] {
  return typeof axis === 'number' ? axis : [...axis];
}

export interface MaxNormOptions {
  /** The largest norm allowed; 2 by default. */
  maxValue?: number;
  /**
   * The axis (or axes) along which norms are taken; 0 by default, so each column of a Dense
   * kernel `[in, out]` (the weights into one unit) is constrained. For a Conv2D kernel
   * `[h, w, in, out]`, use [0, 1, 2].
   */
  axis?: ConstraintAxis;
}

/** Rescales slices whose L2 norm exceeds `maxValue` down to that norm: w * clip(n, 0, max) / (eps + n). */
export class MaxNorm extends Constraint {
  readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: number | number[];
  constructor({ maxValue = 2, axis = 0 }: MaxNormOptions = {}) {
    super();
    this.maxValue = checkNonNegative(maxValue, 'maxValue', 'MaxNorm');
    this.axis = checkAxis(axis, 'MaxNorm');
  }
  apply(w: Tensor): Tensor {
    const n = norms(checkTensor(w, 'MaxNorm'), this.axis);
    const desired = clipByValue(n, 0, this.maxValue);
    return mul(w, div(desired, add(n, EPSILON)));
  }
  getConfig(): { max_value: number; axis: number | number[] } {
    return { max_value: this.maxValue, axis: axisConfig(this.axis) };
  }
}

/** Zeroes negative weights: w * (w >= 0). */
export class NonNeg extends Constraint {
  readonly className = 'NonNeg';
  apply(w: Tensor): Tensor {
    checkTensor(w, 'NonNeg');
    return mul(w, cast(greaterEqual(w, 0), w.dtype));
  }
  getConfig(): Record<string, never> {
    return {};
  }
}

export interface UnitNormOptions {
  /** The axis (or axes) along which norms are taken; 0 by default. */
  axis?: ConstraintAxis;
}

/** Rescales slices to unit L2 norm: w / (eps + n). */
export class UnitNorm extends Constraint {
  readonly className = 'UnitNorm';
  readonly axis: number | number[];
  constructor({ axis = 0 }: UnitNormOptions = {}) {
    super();
    this.axis = checkAxis(axis, 'UnitNorm');
  }
  apply(w: Tensor): Tensor {
    return div(w, add(norms(checkTensor(w, 'UnitNorm'), this.axis), EPSILON));
  }
  getConfig(): { axis: number | number[] } {
    return { axis: axisConfig(this.axis) };
  }
}

export interface MinMaxNormOptions {
  /** The smallest norm allowed; 0 by default. */
  minValue?: number;
  /** The largest norm allowed; 1 by default. */
  maxValue?: number;
  /**
   * How far each call moves norms into [minValue, maxValue]: 1 (default) enforces the bounds,
   * less moves norms only part of the way, so that they converge over the updates.
   */
  rate?: number;
  /** The axis (or axes) along which norms are taken; 0 by default. */
  axis?: ConstraintAxis;
}

/**
 * Moves slice norms into [minValue, maxValue]:
 * w * (rate * clip(n, min, max) + (1 - rate) * n) / (eps + n).
 */
export class MinMaxNorm extends Constraint {
  readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: number | number[];
  constructor({ minValue = 0, maxValue = 1, rate = 1, axis = 0 }: MinMaxNormOptions = {}) {
    super();
    this.minValue = checkNonNegative(minValue, 'minValue', 'MinMaxNorm');
    this.maxValue = checkNonNegative(maxValue, 'maxValue', 'MinMaxNorm');
    if (this.minValue > this.maxValue) {
      throw new LaminaRangeError(
        'invalid-argument',
        `MinMaxNorm: Invalid value for argument minValue: expected minValue <= maxValue. Received: minValue=${minValue}, maxValue=${maxValue}`,
      );
    }
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw invalidArgument('MinMaxNorm', 'rate', 'a number in [0, 1]', rate);
    }
    this.rate = rate;
    this.axis = checkAxis(axis, 'MinMaxNorm');
  }
  apply(w: Tensor): Tensor {
    const n = norms(checkTensor(w, 'MinMaxNorm'), this.axis);
    const desired = add(
      mul(clipByValue(n, this.minValue, this.maxValue), this.rate),
      mul(n, 1 - this.rate),
    );
    return mul(w, div(desired, add(n, EPSILON)));
  }
  getConfig(): { min_value: number; max_value: number; rate: number; axis: number | number[] } {
    return {
      min_value: this.minValue,
      max_value: this.maxValue,
      rate: this.rate,
      axis: axisConfig(this.axis),
    };
  }
}
