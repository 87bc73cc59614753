/**
 * `tf.losses` and `tf.Reduction`: TensorFlow.js's loss functions, which take optional weights and
 * reduce to a scalar (by default the sum over the elements whose weight is not zero, divided by
 * their count), unlike the per-sample functions Keras compiles. Composed from Lamina's ops, so
 * they are differentiable.
 */
import { logSoftmax, relu } from '../ops/activations.js';
import { asTensor, type TensorLike } from '../ops/convert.js';
import { onesLike } from '../ops/creation.js';
import {
  abs,
  add,
  cast,
  div,
  exp,
  log,
  log1p,
  minimum,
  mul,
  neg,
  notEqual,
  square,
  squaredDifference,
  sub,
} from '../ops/elementwise.js';
import { mean, sum } from '../ops/reduction.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** How `computeWeightedLoss` reduces the weighted losses (TensorFlow.js's enum values). */
export enum Reduction {
  NONE = 0,
  MEAN = 1,
  SUM = 2,
  SUM_BY_NONZERO_WEIGHTS = 3,
}

function operands(labels: TensorLike, predictions: TensorLike, op: string): [Tensor, Tensor] {
  const y = asTensor(labels, op, 'labels');
  const p = asTensor(predictions, op, 'predictions');
  if (!shapesEqual(y.shape, p.shape))
    throw new RangeError(
      `${op}: labels and predictions must have the same shape, received ${formatShape(y.shape)} and ${formatShape(p.shape)}`,
    );
  return [cast(y, 'float32'), cast(p, 'float32')];
}

/** Weights the losses and reduces them as `reduction` says. */
export function computeWeightedLoss(
  losses: TensorLike,
  weights?: TensorLike,
  reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS,
): Tensor {
  const op = 'computeWeightedLoss';
  const l = cast(asTensor(losses, op, 'losses'), 'float32');
  const w = weights === undefined ? null : cast(asTensor(weights, op, 'weights'), 'float32');
  const weighted = w === null ? l : mul(l, w);
  switch (reduction) {
    case Reduction.NONE:
      return weighted;
    case Reduction.SUM:
      return sum(weighted);
    case Reduction.MEAN: {
      if (w === null) return mean(weighted);
      const broadcastFactor = l.size / w.size;
      const result = div(sum(weighted), sum(w));
      return broadcastFactor > 1 ? div(result, broadcastFactor) : result;
    }
    case Reduction.SUM_BY_NONZERO_WEIGHTS: {
      if (w === null) return div(sum(weighted), l.size);
      const nonZero = cast(sum(cast(notEqual(mul(w, onesLike(l)), 0), 'float32')), 'float32');
      return div(sum(weighted), nonZero);
    }
    default:
      throw new RangeError(
        `${op}: reduction must be one of Reduction.NONE, MEAN, SUM, SUM_BY_NONZERO_WEIGHTS (0-3), received ${String(reduction)}`,
      );
  }
}

export function absoluteDifference(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike,
  reduction?: Reduction,
): Tensor {
  const [y, p] = operands(labels, predictions, 'absoluteDifference');
  return computeWeightedLoss(abs(sub(y, p)), weights, reduction);
}

export function meanSquaredError(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike,
  reduction?: Reduction,
): Tensor {
  const [y, p] = operands(labels, predictions, 'meanSquaredError');
  return computeWeightedLoss(squaredDifference(y, p), weights, reduction);
}

/** 1 - Σ labels·predictions along `axis` (inputs expected unit-normalized). */
export function cosineDistance(
  labels: TensorLike,
  predictions: TensorLike,
  axis: number,
  weights?: TensorLike,
  reduction?: Reduction,
): Tensor {
  const [y, p] = operands(labels, predictions, 'cosineDistance');
  return computeWeightedLoss(sub(1, sum(mul(y, p), axis, true)), weights, reduction);
}

/** Labels in {0, 1} are taken to {-1, 1}; loss max(0, 1 - label·prediction). */
export function hingeLoss(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike,
  reduction?: Reduction,
): Tensor {
  const [y, p] = operands(labels, predictions, 'hingeLoss');
  const signed = sub(mul(2, y), 1);
  return computeWeightedLoss(relu(sub(1, mul(signed, p))), weights, reduction);
}

export function huberLoss(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike,
  delta = 1,
  reduction?: Reduction,
): Tensor {
  const [y, p] = operands(labels, predictions, 'huberLoss');
  const error = abs(sub(p, y));
  const quadratic = minimum(error, delta);
  const linear = sub(error, quadratic);
  const losses = add(mul(0.5, square(quadratic)), mul(delta, linear));
  return computeWeightedLoss(losses, weights, reduction);
}

export function logLoss(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike,
  epsilon = 1e-7,
  reduction?: Reduction,
): Tensor {
  const [y, p] = operands(labels, predictions, 'logLoss');
  const positive = mul(neg(y), log(add(p, epsilon)));
  const negative = mul(sub(1, y), log(add(sub(1, p), epsilon)));
  return computeWeightedLoss(sub(positive, negative), weights, reduction);
}

/** Sigmoid cross-entropy from logits, labels smoothed toward 1/2. */
export function sigmoidCrossEntropy(
  multiClassLabels: TensorLike,
  logits: TensorLike,
  weights?: TensorLike,
  labelSmoothing = 0,
  reduction?: Reduction,
): Tensor {
  const [y0, z] = operands(multiClassLabels, logits, 'sigmoidCrossEntropy');
  const y = labelSmoothing > 0 ? add(mul(y0, 1 - labelSmoothing), 0.5 * labelSmoothing) : y0;
  // max(z, 0) - z·y + log(1 + exp(-|z|)): stable for logits of any size.
  const losses = add(sub(relu(z), mul(z, y)), log1p(exp(neg(abs(z)))));
  return computeWeightedLoss(losses, weights, reduction);
}

/** Softmax cross-entropy from logits over the last axis, labels smoothed toward uniform. */
export function softmaxCrossEntropy(
  onehotLabels: TensorLike,
  logits: TensorLike,
  weights?: TensorLike,
  labelSmoothing = 0,
  reduction?: Reduction,
): Tensor {
  const [y0, z] = operands(onehotLabels, logits, 'softmaxCrossEntropy');
  const classes = z.shape[z.rank - 1] ?? 1;
  const y = labelSmoothing > 0 ? add(mul(y0, 1 - labelSmoothing), labelSmoothing / classes) : y0;
  const losses = neg(sum(mul(y, logSoftmax(z, -1)), -1));
  return computeWeightedLoss(losses, weights, reduction);
}

export const losses = {
  absoluteDifference,
  computeWeightedLoss,
  cosineDistance,
  hingeLoss,
  huberLoss,
  logLoss,
  meanSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
};
