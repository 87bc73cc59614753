import { fromValues } from '../engine/engine.js';
import { fill } from '../ops/creation.js';
import { allocate, isDType, type DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFinite, checkShape, Initializer } from './initializer.js';
import { show } from '../serialization/keras-object.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

function checkDType(dtype: DType | undefined, where: string): DType {
  if (dtype === undefined) return 'float32';
  if (!isDType(dtype)) {
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: dtype must be 'float32', 'int32' or 'bool', received ${show(dtype)}`,
    );
  }
  return dtype;
}

/** All zeros, in any dtype. */
export class Zeros extends Initializer {
  readonly className = 'Zeros';
  generate(shape: readonly number[], dtype?: DType): Tensor {
    return fill(checkShape(shape, 'Zeros'), 0, checkDType(dtype, 'Zeros'));
  }
  getConfig(): Record<string, never> {
    return {};
  }
}

/** All ones, in any dtype. */
export class Ones extends Initializer {
  readonly className = 'Ones';
  generate(shape: readonly number[], dtype?: DType): Tensor {
    return fill(checkShape(shape, 'Ones'), 1, checkDType(dtype, 'Ones'));
  }
  getConfig(): Record<string, never> {
    return {};
  }
}

export interface ConstantOptions {
  /** The value of every element; 0 by default. */
  value?: number;
}

/** Every element equal to `value` (a number). */
export class Constant extends Initializer {
  readonly className = 'Constant';
  readonly value: number;
  constructor({ value = 0 }: ConstantOptions = {}) {
    super();
    this.value = checkFinite(value, 'value', 'Constant');
  }
  generate(shape: readonly number[], dtype?: DType): Tensor {
    const d = checkDType(dtype, 'Constant');
    if (d === 'int32' && !Number.isInteger(this.value)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `Constant: value ${this.value} is not an integer, as dtype int32 requires`,
      );
    }
    if (d === 'bool' && this.value !== 0 && this.value !== 1) {
      throw new LaminaTypeError(
        'invalid-argument',
        `Constant: value ${this.value} is not 0 or 1, as dtype bool requires`,
      );
    }
    return fill(checkShape(shape, 'Constant'), this.value, d);
  }
  getConfig(): { value: number } {
    return { value: this.value };
  }
}

export interface IdentityOptions {
  /** The value on the diagonal; 1 by default. */
  gain?: number;
}

/** `gain` times the identity matrix `eye(rows, cols)`; rank-2 shapes only. */
export class Identity extends Initializer {
  readonly className = 'Identity';
  readonly gain: number;
  constructor({ gain = 1 }: IdentityOptions = {}) {
    super();
    this.gain = checkFinite(gain, 'gain', 'Identity');
  }
  generate(shape: readonly number[], dtype?: DType): Tensor {
    checkShape(shape, 'Identity');
    if (shape.length !== 2) {
      throw new LaminaRangeError(
        'invalid-argument',
        `Identity: can only initialize 2D matrices, received shape ${formatShape(shape)} of rank ${shape.length}`,
      );
    }
    const d = checkDType(dtype, 'Identity');
    if (d === 'bool')
      throw new LaminaTypeError(
        'invalid-argument',
        `Identity: dtype must be 'float32' or 'int32', received 'bool'`,
      );
    if (d === 'int32' && !Number.isInteger(this.gain)) {
      throw new LaminaTypeError(
        'invalid-argument',
        `Identity: gain ${this.gain} is not an integer, as dtype int32 requires`,
      );
    }
    const [rows, cols] = shape as [number, number];
    const values = allocate(d, rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = this.gain;
    return fromValues(values, shape, d);
  }
  getConfig(): { gain: number } {
    return { gain: this.gain };
  }
}
