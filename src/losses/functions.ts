/**
 * Keras 3's loss functions (keras/src/losses/losses.py and the backends' crossentropies), each
 * returning per-sample losses: the mean (or sum) over the last axis.
 */
import { relu, softplus, logSoftmax } from '../ops/activations.js';
import {
  abs,
  add,
  cast,
  clipByValue,
  div,
  exp,
  log,
  lessEqual,
  log1p,
  maximum,
  mul,
  neg,
  notEqual,
  sqrt,
  square,
  sub,
  where,
} from '../ops/elementwise.js';
import type { TensorLike } from '../ops/convert.js';
import { expandDims, oneHot, squeeze } from '../ops/movement.js';
import { max, mean, sum } from '../ops/reduction.js';
import type { Tensor } from '../tensor/tensor.js';
import { asFloat, EPSILON, prepare, shapeStr } from './loss.js';
import { LaminaError, LaminaRangeError } from '../errors.js';

/** Mean over the last axis (a scalar stays a scalar). */
const lastMean = (x: Tensor): Tensor => (x.rank === 0 ? x : mean(x, -1));

export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'mean_squared_error');
  return lastMean(square(sub(t, p)));
}

export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'mean_absolute_error');
  return lastMean(abs(sub(t, p)));
}

/** 100 * mean(|(y - p) / max(|y|, eps)|). */
export function meanAbsolutePercentageError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'mean_absolute_percentage_error');
  return mul(lastMean(abs(div(sub(t, p), maximum(abs(t), EPSILON)))), 100);
}

/** mean((log(max(p, eps) + 1) - log(max(y, eps) + 1))^2). */
export function meanSquaredLogarithmicError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'mean_squared_logarithmic_error');
  const lp = log(add(maximum(p, EPSILON), 1));
  const lt = log(add(maximum(t, EPSILON), 1));
  return lastMean(square(sub(lp, lt)));
}

/** 0.5 e^2 where |e| <= delta, else delta |e| - 0.5 delta^2. */
export function huber(yTrue: TensorLike, yPred: TensorLike, delta = 1): Tensor {
  if (!(typeof delta === 'number' && delta >= 0))
    throw new LaminaRangeError(
      'invalid-argument',
      `huber: delta must be a non-negative number, received ${String(delta)}`,
    );
  const [t, p] = prepare(yTrue, yPred, 'huber_loss');
  const e = sub(p, t);
  const a = abs(e);
  const quadratic = mul(square(e), 0.5);
  const linear = sub(mul(a, delta), 0.5 * delta * delta);
  return lastMean(where(lessEqual(a, delta), quadratic, linear));
}

/** log(cosh(x)) computed as x + softplus(-2x) - log(2), which never overflows. */
export function logCosh(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'log_cosh');
  const x = sub(p, t);
  return lastMean(sub(add(x, softplus(mul(x, -2))), Math.LN2));
}

/** Labels all in {0, 1} become {-1, 1}, as Keras's `convert_binary_labels_to_hinge`. */
function hingeLabels(t: Tensor): Tensor {
  const binary = t.dataSync().every((v) => v === 0 || v === 1);
  return binary ? sub(mul(t, 2), 1) : t;
}

export function hinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'hinge');
  return lastMean(relu(sub(1, mul(hingeLabels(t), p))));
}

export function squaredHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'squared_hinge');
  return lastMean(square(relu(sub(1, mul(hingeLabels(t), p)))));
}

/** max(0, max((1 - y) p) - sum(y p) + 1). */
export function categoricalHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'categorical_hinge');
  const pos = sum(mul(t, p), -1);
  const negative = max(mul(sub(1, t), p), -1);
  return maximum(add(sub(negative, pos), 1), 0);
}

/** sum(y log(y / p)) with y and p clipped to [eps, 1]. */
export function klDivergence(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t0, p0] = prepare(yTrue, yPred, 'kl_divergence');
  const t = clipByValue(t0, EPSILON, 1);
  const p = clipByValue(p0, EPSILON, 1);
  return sum(mul(t, log(div(t, p))), -1);
}

/** mean(p - y log(p + eps)). */
export function poisson(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'poisson');
  return lastMean(sub(p, mul(t, log(add(p, EPSILON)))));
}

/** x / max(||x||, eps) along `axis` (Keras's `normalize`: x * min(rsqrt(sum x^2), 1 / eps)). */
export function l2Normalize(x: Tensor, axis = -1): Tensor {
  return div(x, sqrt(maximum(sum(square(x), axis, true), EPSILON * EPSILON)));
}

/** -cos(y, p) along `axis`: -1 for parallel vectors, 0 for orthogonal ones. */
export function cosineSimilarity(yTrue: TensorLike, yPred: TensorLike, axis = -1): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'cosine_similarity');
  return neg(sum(mul(l2Normalize(t, axis), l2Normalize(p, axis)), axis));
}

export interface CrossentropyOptions {
  /** yPred holds logits rather than probabilities. */
  fromLogits?: boolean;
  /** In [0, 1]: moves the labels towards the uniform distribution. */
  labelSmoothing?: number;
  axis?: number;
}

function checkSmoothing(ls: number, where: string): number {
  if (!(typeof ls === 'number' && ls >= 0 && ls <= 1))
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: labelSmoothing must be in [0, 1], received ${String(ls)}`,
    );
  return ls;
}

/**
 * Elementwise binary crossentropy, averaged over `axis`. From probabilities: clipped to
 * [eps, 1 - eps]; from logits: max(x, 0) - x z + log(1 + exp(-|x|)).
 */
export function binaryCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  { fromLogits = false, labelSmoothing = 0, axis = -1 }: CrossentropyOptions = {},
): Tensor {
  let [t, p] = prepare(yTrue, yPred, 'binary_crossentropy');
  const ls = checkSmoothing(labelSmoothing, 'binary_crossentropy');
  if (ls > 0) t = add(mul(t, 1 - ls), 0.5 * ls);
  let values: Tensor;
  if (fromLogits) {
    values = add(sub(relu(p), mul(p, t)), log1p(exp(neg(abs(p)))));
  } else {
    p = clipByValue(p, EPSILON, 1 - EPSILON);
    values = neg(add(mul(t, log(p)), mul(sub(1, t), log(sub(1, p)))));
  }
  return values.rank === 0 ? values : mean(values, axis);
}

/** Log-probabilities: log-softmax of logits, or log of the renormalized, clipped probabilities. */
function logProbabilities(p: Tensor, fromLogits: boolean, axis: number): Tensor {
  if (fromLogits) return logSoftmax(p, axis);
  const normalized = div(p, sum(p, axis, true));
  return log(clipByValue(normalized, EPSILON, 1 - EPSILON));
}

/** -sum(y log p) over `axis`; labels are one-hot (or any distribution). */
export function categoricalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  { fromLogits = false, labelSmoothing = 0, axis = -1 }: CrossentropyOptions = {},
): Tensor {
  const where_ = 'categorical_crossentropy';
  let t = asFloat(yTrue, where_, 'yTrue');
  const p = asFloat(yPred, where_, 'yPred');
  if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i]) || p.rank === 0) {
    throw new LaminaError(
      'invalid-argument',
      `${where_}: yTrue and yPred must have the same shape [batch, ..., classes], received yTrue ${shapeStr(t.shape)} and yPred ${shapeStr(p.shape)}${t.rank + 1 === p.rank ? ' (integer labels need sparse_categorical_crossentropy)' : ''}`,
    );
  }
  const ls = checkSmoothing(labelSmoothing, where_);
  if (ls > 0) t = add(mul(t, 1 - ls), ls / (t.shape[t.rank - 1] as number));
  return neg(sum(mul(t, logProbabilities(p, fromLogits, axis)), axis));
}

export interface SparseCrossentropyOptions {
  fromLogits?: boolean;
  /** A label value whose entries get loss 0 (and are left out of the average by the class). */
  ignoreClass?: number | null;
}

/**
 * Integer labels, checked: int32 or integer-valued floats in [0, classes) (or the ignored
 * class). Returns int32 labels with shape yPred.shape less the last axis.
 */
export function sparseLabels(
  yTrue: TensorLike,
  p: Tensor,
  where_: string,
  ignoreClass: number | null = null,
): Tensor {
  let t = asFloat(yTrue, where_, 'yTrue');
  if (p.rank === 0)
    throw new LaminaError(
      'invalid-argument',
      `${where_}: yPred must have a class axis, received a scalar`,
    );
  if (t.rank === p.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, -1);
  const classes = p.shape[p.rank - 1] as number;
  if (t.rank !== p.rank - 1 || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new LaminaError(
      'invalid-argument',
      `${where_}: labels must have yPred's shape less the class axis, received yTrue ${shapeStr(asFloat(yTrue, where_, 'yTrue').shape)} and yPred ${shapeStr(p.shape)}`,
    );
  }
  for (const v of t.dataSync()) {
    if (v === ignoreClass) continue;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where_}: labels must be integers in [0, ${classes}) for yPred of shape ${shapeStr(p.shape)}, received ${v}`,
      );
    }
  }
  return cast(t, 'int32');
}

/** Crossentropy against integer labels; entries labelled `ignoreClass` get 0. */
export function sparseCategoricalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  { fromLogits = false, ignoreClass = null }: SparseCrossentropyOptions = {},
): Tensor {
  const where_ = 'sparse_categorical_crossentropy';
  let p = asFloat(yPred, where_, 'yPred');
  let labels = sparseLabels(yTrue, p, where_, ignoreClass);
  const classes = p.shape[p.rank - 1] as number;
  let valid: Tensor | null = null;
  if (ignoreClass !== null) {
    valid = notEqual(labels, ignoreClass);
    labels = where(valid, labels, 0);
    // Ignored rows get harmless predictions (Keras zeroes them) so no NaN reaches the gradient.
    p = where(expandDims(valid, -1), p, 1);
  }
  const values = neg(sum(mul(oneHot(labels, classes), logProbabilities(p, fromLogits, -1)), -1));
  return valid === null ? values : where(valid, values, 0);
}
