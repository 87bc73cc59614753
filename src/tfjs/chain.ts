/**
 * The Tensor methods TensorFlow.js code calls that the Keras face leaves out: conversions
 * (`toFloat`, `asType`, `as2D`...), buffers, and the memory calls, which are honest no-ops here
 * (tensors are garbage collected). Attached when `lamina-nn/tfjs` is imported.
 */
import { cast } from '../ops/elementwise.js';
import { onesLike, variable as makeVariable, zerosLike } from '../ops/creation.js';
import { reshape, stack } from '../ops/movement.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { Tensor, type Variable } from '../tensor/tensor.js';
import { TensorBuffer } from './tensors.js';
import { LaminaRangeError } from '../errors.js';

function checkedReshape(t: Tensor, shape: Shape, op: string): Tensor {
  if (shape.length === 0 ? t.size !== 1 : shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: cannot view a tensor of shape ${formatShape(t.shape)} as ${op}`,
    );
  return reshape(t, shape);
}

/**
 * `tensor.variable()`. A declared function rather than an inline method so that the emitted
 * `chain.d.ts` keeps its import of `Variable` (an inline method's return type loses it).
 */
function toVariable(this: Tensor, trainable = true, name?: string, dtype?: DType): Variable {
  return makeVariable(dtype === undefined ? this : cast(this, dtype), { trainable, name });
}

const methods = {
  /** Does nothing: the tensor's storage is reclaimed once nothing refers to it. */
  dispose(this: Tensor): void {},
  /** Always false: a tensor stays usable as long as it is referenced. */
  get isDisposed(): boolean {
    return false;
  },
  throwIfDisposed(this: Tensor): void {},
  toFloat(this: Tensor): Tensor {
    return cast(this, 'float32');
  },
  toInt(this: Tensor): Tensor {
    return cast(this, 'int32');
  },
  toBool(this: Tensor): Tensor {
    return cast(this, 'bool');
  },
  asType(this: Tensor, dtype: DType): Tensor {
    return cast(this, dtype);
  },
  asScalar(this: Tensor): Tensor {
    return checkedReshape(this, [], 'asScalar');
  },
  as1D(this: Tensor): Tensor {
    return reshape(this, [this.size]);
  },
  as2D(this: Tensor, rows: number, columns: number): Tensor {
    return checkedReshape(this, [rows, columns], 'as2D');
  },
  as3D(this: Tensor, rows: number, columns: number, depth: number): Tensor {
    return checkedReshape(this, [rows, columns, depth], 'as3D');
  },
  as4D(this: Tensor, rows: number, columns: number, depth: number, depth2: number): Tensor {
    return checkedReshape(this, [rows, columns, depth, depth2], 'as4D');
  },
  as5D(
    this: Tensor,
    rows: number,
    columns: number,
    depth: number,
    depth2: number,
    depth3: number,
  ): Tensor {
    return checkedReshape(this, [rows, columns, depth, depth2, depth3], 'as5D');
  },
  reshapeAs(this: Tensor, x: Tensor): Tensor {
    return reshape(this, x.shape);
  },
  /** The same values (tensors are immutable, so the storage is shared). */
  clone(this: Tensor): Tensor {
    return reshape(this, this.shape);
  },
  onesLike(this: Tensor): Tensor {
    return onesLike(this);
  },
  zerosLike(this: Tensor): Tensor {
    return zerosLike(this);
  },
  stack(this: Tensor, x: Tensor | readonly Tensor[], axis = 0): Tensor {
    return stack([this, ...(x instanceof Tensor ? [x] : x)], axis);
  },
  variable: toVariable,
  bufferSync(this: Tensor): TensorBuffer {
    return new TensorBuffer(this.shape, this.dtype, this.dataSync());
  },
  async buffer(this: Tensor): Promise<TensorBuffer> {
    return new TensorBuffer(this.shape, this.dtype, this.dataSync());
  },
  /** Prints the values (with dtype and shape, which `toString` always shows). */
  print(this: Tensor, _verbose = false): void {
    console.log(String(this));
  },
};

type Methods = typeof methods;
type TfjsTensorMethods = {
  [K in Exclude<keyof Methods, 'isDisposed'>]: Methods[K] extends (
    this: Tensor,
    ...args: infer A
  ) => infer R
    ? (...args: A) => R
    : never;
};

declare module '../tensor/tensor.js' {
  interface Tensor extends TfjsTensorMethods {
    readonly isDisposed: boolean;
  }
}

for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(methods))) {
  Object.defineProperty(Tensor.prototype, name, { ...descriptor, enumerable: false });
}
