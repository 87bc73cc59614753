/** Activation functions, numerically stable where it matters (softplus, softmax, logSoftmax). */
import { runKernel } from '../engine/engine.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, assertFloat, type TensorLike } from './convert.js';
import { abs, add, div, erf, greater, mul, where } from './elementwise.js';
import { LaminaRangeError } from '../errors.js';

function floatUnary(
  kernel: 'Relu' | 'Relu6' | 'Elu' | 'Sigmoid' | 'Tanh' | 'Softplus',
  op: string,
  x: TensorLike,
): Tensor {
  const t = asTensor(x, op, 'x');
  assertFloat(t, op);
  return runKernel(kernel, [t], {}, { shape: t.shape, dtype: t.dtype });
}

export const relu = (x: TensorLike): Tensor => floatUnary('Relu', 'relu', x);
export const relu6 = (x: TensorLike): Tensor => floatUnary('Relu6', 'relu6', x);
/** x for x > 0, else exp(x) - 1. */
export const elu = (x: TensorLike): Tensor => floatUnary('Elu', 'elu', x);
export const sigmoid = (x: TensorLike): Tensor => floatUnary('Sigmoid', 'sigmoid', x);
export const tanh = (x: TensorLike): Tensor => floatUnary('Tanh', 'tanh', x);
/** log(1 + exp(x)), without overflow. */
export const softplus = (x: TensorLike): Tensor => floatUnary('Softplus', 'softplus', x);

/** x for x >= 0, else alpha * x (TensorFlow.js default alpha 0.2). */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  const t = asTensor(x, 'leakyRelu', 'x');
  assertFloat(t, 'leakyRelu');
  if (!Number.isFinite(alpha))
    throw new LaminaRangeError(
      'invalid-argument',
      `leakyRelu: alpha must be a finite number, received ${alpha}`,
    );
  return runKernel('LeakyRelu', [t], { alpha }, { shape: t.shape, dtype: t.dtype });
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** scale * (x > 0 ? x : alpha * (exp(x) - 1)), with the self-normalizing constants. */
export function selu(x: TensorLike): Tensor {
  const t = asTensor(x, 'selu', 'x');
  assertFloat(t, 'selu');
  return mul(where(greater(t, 0), t, mul(elu(t), SELU_ALPHA)), SELU_SCALE);
}

/**
 * Gaussian error linear unit: x * Phi(x) exactly (Keras default), or the tanh approximation
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) with `approximate`.
 */
export function gelu(x: TensorLike, approximate = false): Tensor {
  const t = asTensor(x, 'gelu', 'x');
  assertFloat(t, 'gelu');
  if (approximate) {
    const inner = mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(t, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(t, 0.5), add(erf(mul(t, Math.SQRT1_2)), 1));
}

/** Keras 3 definition: relu6(x + 3) / 6, i.e. 0 below -3, 1 above 3, x/6 + 1/2 between. */
export function hardSigmoid(x: TensorLike): Tensor {
  const t = asTensor(x, 'hardSigmoid', 'x');
  assertFloat(t, 'hardSigmoid');
  return div(relu6(add(t, 3)), 6);
}

/** x / (1 + |x|). */
export function softsign(x: TensorLike): Tensor {
  const t = asTensor(x, 'softsign', 'x');
  assertFloat(t, 'softsign');
  return div(t, add(abs(t), 1));
}

/** x * sigmoid(beta * x) (also called SiLU for beta = 1). */
export function swish(x: TensorLike, beta = 1): Tensor {
  const t = asTensor(x, 'swish', 'x');
  assertFloat(t, 'swish');
  return mul(t, sigmoid(beta === 1 ? t : mul(t, beta)));
}

export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x, 'softmax', 'x');
  assertFloat(t, 'softmax');
  const a = normalizeAxis(axis, t.rank, 'softmax');
  return runKernel('Softmax', [t], { axis: a }, { shape: t.shape, dtype: t.dtype });
}

export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x, 'logSoftmax', 'x');
  assertFloat(t, 'logSoftmax');
  const a = normalizeAxis(axis, t.rank, 'logSoftmax');
  return runKernel('LogSoftmax', [t], { axis: a }, { shape: t.shape, dtype: t.dtype });
}
