/**
 * Fused optimizer updates (`OptimizerKernels` in `backend/kernels.ts`) and fused backprop and
 * penalty steps (`FusedKernels`): one kernel, one pass and one output where the elementwise
 * formulation would run two to five kernels. For the optimizers, the gradient table and the
 * regularizers; not exported from the package. Inputs must be float32 tensors of one shape (no
 * broadcasting) and the scalars finite numbers; each step is rounded to float32 in the order
 * written. The optimizer updates are not differentiable; the others have gradient rules.
 */
import { runKernel } from '../engine/engine.js';
import type { KernelAttrs, KernelInputs } from '../backend/kernels.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { assertFloat } from './convert.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

function operands(op: string, names: readonly string[], xs: readonly Tensor[]): void {
  const first = xs[0] as Tensor;
  xs.forEach((x, i) => {
    const arg = names[i] as string;
    if (!(x instanceof Tensor))
      throw new LaminaTypeError(
        'invalid-argument',
        `${op}: argument '${arg}' must be a Tensor, received ${typeof x}`,
      );
    assertFloat(x, op, arg);
    if (!shapesEqual(x.shape, first.shape))
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: argument '${arg}' must have the shape of '${names[0]}', ${formatShape(first.shape)}, received ${formatShape(x.shape)}`,
      );
  });
}

function scalars(op: string, attrs: Record<string, number>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new LaminaTypeError(
        'invalid-argument',
        `${op}: argument '${name}' must be a finite number, received ${String(value)}`,
      );
  }
}

/** The one-pass kernels whose inputs share the output's shape and whose attributes are numbers. */
type ElementwiseFused =
  'Axpby' | 'AxpbySquare' | 'AdamStep' | 'RmsStep' | 'ReluGrad' | 'PenaltyGradAdd';

function fused<K extends ElementwiseFused>(
  kernel: K,
  op: string,
  names: readonly string[],
  inputs: KernelInputs<K, Tensor>,
  attrs: KernelAttrs<K>,
): Tensor {
  const xs: readonly Tensor[] = inputs;
  operands(op, names, xs);
  scalars(op, attrs);
  const x = xs[0] as Tensor;
  return runKernel(kernel, inputs, attrs, { shape: x.shape, dtype: 'float32' });
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

/**
 * activation(x + bias) in one pass, bias along x's last dimension: a Dense or convolution
 * layer's bias and activation ('linear' or 'relu'; other activations run as separate ops).
 */
export function biasActivation(x: Tensor, bias: Tensor, activation: 'linear' | 'relu'): Tensor {
  const op = 'biasActivation';
  operands(op, ['x'], [x]);
  if (x.rank === 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: argument 'x' must have rank >= 1, received a scalar`,
    );
  const n = x.shape[x.rank - 1] as number;
  checkBiasActivation(
    op,
    bias,
    n,
    activation,
    `the last dimension of 'x', ${formatShape(x.shape)}`,
  );
  return runKernel(
    'BiasActivation',
    [x, bias],
    { activation },
    { shape: x.shape, dtype: 'float32' },
  );
}

/** Checks a bias and an activation for the fused layer kernels; returns the output channels. */
export function checkBiasActivation(
  op: string,
  bias: Tensor,
  channels: number,
  activation: string,
  of: string,
): void {
  operands(op, ['bias'], [bias]);
  if (bias.rank !== 1 || bias.shape[0] !== channels) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: argument 'bias' must have shape [${channels}] (${of}), received ${formatShape(bias.shape)}`,
    );
  }
  if (activation !== 'linear' && activation !== 'relu') {
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: argument 'activation' must be 'linear' or 'relu', received ${String(activation)}`,
    );
  }
}

/**
 * activation(a b + bias) for a [m, k] and b [k, n]: a Dense layer's product, bias and
 * activation as one kernel (one output instead of two), with the values of the separate ops.
 * `transient`: only kernels read the result, and the caller releases it (`OutputInfo`).
 */
export function matMulBiasActivation(
  a: Tensor,
  b: Tensor,
  bias: Tensor,
  activation: 'linear' | 'relu',
  transient = false,
): Tensor {
  const op = 'matMulBiasActivation';
  operands(op, ['a'], [a]);
  operands(op, ['b'], [b]);
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0]) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: expected a [m, k] and b [k, n], received a ${formatShape(a.shape)} and b ${formatShape(b.shape)}`,
    );
  }
  const n = b.shape[1] as number;
  checkBiasActivation(op, bias, n, activation, `the columns of 'b'`);
  return runKernel(
    'MatMulBiasActivation',
    [a, b, bias],
    { activation },
    { shape: [a.shape[0] as number, n], dtype: 'float32', transient },
  );
}

/** dy where min <= x <= max, else 0: clipByValue's gradient in one pass (gradient table). */
export function clipByValueGrad(dy: Tensor, x: Tensor, min: number, max: number): Tensor {
  const op = 'clipByValueGrad';
  operands(op, ['dy', 'x'], [dy, x]);
  // Infinite bounds are allowed, as in clipByValue.
  if (typeof min !== 'number' || typeof max !== 'number' || !(min <= max)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: expected numbers min <= max, received ${min} and ${max}`,
    );
  }
  return runKernel('ClipByValueGrad', [dy, x], { min, max }, { shape: x.shape, dtype: 'float32' });
}

/** dy where x > 0, else 0: relu's gradient in one pass (for the gradient table). */
export function reluGrad(dy: Tensor, x: Tensor): Tensor {
  return fused('ReluGrad', 'reluGrad', ['dy', 'x'], [dy, x], {});
}

/**
 * l1 * sum(|x|) + l2 * sum(x^2) as a float32 scalar, in one pass (a zero factor's term is left
 * out, so it is exactly 0); its gradient is added to x's other gradients in one more pass.
 * For the L1/L2 regularizers.
 */
export function penalty(x: Tensor, l1: number, l2: number): Tensor {
  operands('penalty', ['x'], [x]);
  scalars('penalty', { l1, l2 });
  return runKernel('Penalty', [x], { l1, l2 }, { shape: [], dtype: 'float32' });
}

/**
 * x^T dz + (a * sign(w) + b * w) for x [m, k], dz [m, n], w [k, n]: a Dense kernel's gradient with
 * its penalty's gradient folded in (for the gradient table).
 */
export function weightGradPenalty(x: Tensor, dz: Tensor, w: Tensor, a: number, b: number): Tensor {
  const op = 'weightGradPenalty';
  operands(op, ['x'], [x]);
  operands(op, ['dz'], [dz]);
  operands(op, ['w'], [w]);
  scalars(op, { a, b });
  const [m, k] = x.shape as [number, number];
  const n = dz.shape[1] as number;
  if (
    x.rank !== 2 ||
    dz.rank !== 2 ||
    w.rank !== 2 ||
    dz.shape[0] !== m ||
    w.shape[0] !== k ||
    w.shape[1] !== n
  ) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: expected x [m, k], dz [m, n] and w [k, n], received ${formatShape(x.shape)}, ${formatShape(dz.shape)} and ${formatShape(w.shape)}`,
    );
  }
  return runKernel('WeightGradPenalty', [x, dz, w], { a, b }, { shape: [k, n], dtype: 'float32' });
}

/** g + (a * sign(x) + b * x): adds an L1/L2 penalty's gradient to `g` in one pass. */
export function penaltyGradAdd(g: Tensor, x: Tensor, a: number, b: number): Tensor {
  return fused('PenaltyGradAdd', 'penaltyGradAdd', ['g', 'x'], [g, x], { a, b });
}
