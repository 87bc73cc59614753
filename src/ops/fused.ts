/**
 * Fused optimizer updates (`OptimizerKernels` in `backend/kernels.ts`): one kernel, one pass and
 * one output where the elementwise formulation would run three to five kernels. For the
 * optimizers in `optimizers/`; not exported from the package. Inputs must be float32 tensors of
 * one shape (no broadcasting) and the scalars finite numbers; each step is rounded to float32
 * in the order written. Not differentiable: no gradient flows through them to any input.
 */
import { runKernel } from '../engine/engine.js';
import type { KernelName } from '../backend/kernels.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { assertFloat } from './convert.js';

function operands(op: string, names: readonly string[], xs: readonly Tensor[]): void {
  const first = xs[0] as Tensor;
  xs.forEach((x, i) => {
    const arg = names[i] as string;
    if (!(x instanceof Tensor))
      throw new TypeError(`${op}: argument '${arg}' must be a Tensor, received ${typeof x}`);
    assertFloat(x, op, arg);
    if (!shapesEqual(x.shape, first.shape))
      throw new RangeError(
        `${op}: argument '${arg}' must have the shape of '${names[0]}', ${formatShape(first.shape)}, received ${formatShape(x.shape)}`,
      );
  });
}

function scalars(op: string, attrs: Record<string, number>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new TypeError(
        `${op}: argument '${name}' must be a finite number, received ${String(value)}`,
      );
  }
}

function fused<K extends KernelName>(
  kernel: K,
  op: string,
  names: readonly string[],
  inputs: readonly Tensor[],
  attrs: Record<string, number>,
): Tensor {
  operands(op, names, inputs);
  scalars(op, attrs);
  const x = inputs[0] as Tensor;
  return runKernel(kernel, inputs as never, attrs as never, { shape: x.shape, dtype: 'float32' });
}

/** a * x + b * y. */
export function axpby(x: Tensor, y: Tensor, a: number, b: number): Tensor {
  return fused('Axpby', 'axpby', ['x', 'y'], [x, y], { a, b });
}

/** a * x + b * y^2. */
export function axpbySquare(x: Tensor, y: Tensor, a: number, b: number): Tensor {
  return fused('AxpbySquare', 'axpbySquare', ['x', 'y'], [x, y], { a, b });
}

/** w - lr * m / (sqrt(v) + eps): Adam's step (`lr` already bias-corrected). */
export function adamStep(w: Tensor, m: Tensor, v: Tensor, lr: number, eps: number): Tensor {
  return fused('AdamStep', 'adamStep', ['w', 'm', 'v'], [w, m, v], { lr, eps });
}

/** a * x - lr * g / sqrt(v + eps): RMSprop's and Adagrad's step (a = 1), or momentum (lr < 0). */
export function rmsStep(
  x: Tensor,
  g: Tensor,
  v: Tensor,
  a: number,
  lr: number,
  eps: number,
): Tensor {
  return fused('RmsStep', 'rmsStep', ['x', 'g', 'v'], [x, g, v], { a, lr, eps });
}
