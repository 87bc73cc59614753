/**
 * TensorFlow.js's core losses (`tf.losses.*` of tfjs-core): elementwise losses, optionally
 * weighted, reduced to one number by default. Unlike Keras's per-sample loss functions, the
 * default reduction divides the weighted sum by the number of non-zero weights
 * ('sum_by_nonzero_weights', TensorFlow.js's `Reduction.SUM_BY_NONZERO_WEIGHTS`).
 */
import { logSoftmax, relu } from '../ops/activations.js';
import { asTensor, assertFloat, type TensorLike } from '../ops/convert.js';
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
import { broadcastTo } from '../ops/movement.js';
import { mean, sum } from '../ops/reduction.js';
import { broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { LaminaRangeError } from '../errors.js';
import { showJson } from '../validation/options.js';

/** TensorFlow.js's `Reduction`: NONE, SUM, MEAN, SUM_BY_NONZERO_WEIGHTS. */
export type WeightedReduction = 'none' | 'sum' | 'mean' | 'sum_by_nonzero_weights';

const REDUCTIONS: readonly WeightedReduction[] = ['none', 'sum', 'mean', 'sum_by_nonzero_weights'];

function floatArg(x: TensorLike, op: string, arg: string): Tensor {
  const t = asTensor(x, op, arg, 'float32');
  assertFloat(t, op, arg);
  return t;
}

/**
 * Weights `losses` and reduces them: 'none' keeps the weighted losses, 'sum' adds them, 'mean'
 * divides the sum by the sum of the weights (by the count without weights), and
 * 'sum_by_nonzero_weights' (the default) by the number of non-zero weights once broadcast.
 * `weights` is a scalar or broadcasts to the shape of `losses`.
 */
export function computeWeightedLoss(
  losses: TensorLike,
  weights?: TensorLike | null,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  return reduceWeighted(
    floatArg(losses, 'computeWeightedLoss', 'losses'),
    weights,
    reduction,
    'computeWeightedLoss',
  );
}

function reduceWeighted(
  losses: Tensor,
  weights: TensorLike | null | undefined,
  reduction: WeightedReduction,
  op: string,
): Tensor {
  if (!REDUCTIONS.includes(reduction)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: reduction must be one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')}, received ${showJson(reduction)}`,
    );
  }
  const w = weights === undefined || weights === null ? null : floatArg(weights, op, 'weights');
  if (w !== null) {
    const joint = broadcastShapes(losses.shape, w.shape, op);
    if (!shapesEqual(joint, losses.shape)) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: weights of shape ${formatShape(w.shape)} must broadcast to the losses' shape ${formatShape(losses.shape)}`,
      );
    }
  }
  const weighted = w === null ? losses : mul(losses, w);
  switch (reduction) {
    case 'none':
      return weighted;
    case 'sum':
      return sum(weighted);
    case 'mean': {
      if (w === null) return mean(weighted);
      // As TensorFlow.js: weights smaller than the losses count once per broadcast copy.
      const factor = losses.size / w.size;
      const result = div(sum(weighted), sum(w));
      return factor > 1 ? div(result, factor) : result;
    }
    case 'sum_by_nonzero_weights': {
      if (w === null) return div(sum(weighted), losses.size);
      const nonZero = cast(sum(notEqual(broadcastTo(w, losses.shape), 0)), 'float32');
      return div(sum(weighted), nonZero);
    }
  }
}

function matchingPair(
  a: TensorLike,
  b: TensorLike,
  op: string,
  names: readonly [string, string],
): [Tensor, Tensor] {
  const x = floatArg(a, op, names[0]);
  const y = floatArg(b, op, names[1]);
  if (!shapesEqual(x.shape, y.shape)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: ${names[0]} and ${names[1]} must have the same shape, received ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  }
  return [x, y];
}

/** |labels - predictions|, weighted and reduced (TensorFlow.js's `losses.absoluteDifference`). */
export function absoluteDifference(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike | null,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  const op = 'absoluteDifference';
  const [y, p] = matchingPair(labels, predictions, op, ['labels', 'predictions']);
  return reduceWeighted(abs(sub(y, p)), weights, reduction, op);
}

/** (labels - predictions)^2, weighted and reduced (TensorFlow.js's `losses.meanSquaredError`). */
export function weightedMeanSquaredError(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike | null,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  const op = 'meanSquaredError';
  const [y, p] = matchingPair(labels, predictions, op, ['labels', 'predictions']);
  return reduceWeighted(squaredDifference(y, p), weights, reduction, op);
}

/** 1 - sum(labels * predictions) along `axis` (inputs expected unit-normalized). */
export function cosineDistance(
  labels: TensorLike,
  predictions: TensorLike,
  axis: number,
  weights?: TensorLike | null,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  const op = 'cosineDistance';
  const [y, p] = matchingPair(labels, predictions, op, ['labels', 'predictions']);
  return reduceWeighted(sub(1, sum(mul(y, p), axis, true)), weights, reduction, op);
}

/** max(0, 1 - (2 labels - 1) * predictions): labels in {0, 1} taken to {-1, 1}. */
export function hingeLoss(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike | null,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  const op = 'hingeLoss';
  const [y, p] = matchingPair(labels, predictions, op, ['labels', 'predictions']);
  return reduceWeighted(relu(sub(1, mul(sub(mul(2, y), 1), p))), weights, reduction, op);
}

/** Quadratic within `delta` of the label, linear beyond. */
export function huberLoss(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike | null,
  delta = 1,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  const op = 'huberLoss';
  const [y, p] = matchingPair(labels, predictions, op, ['labels', 'predictions']);
  const error = abs(sub(p, y));
  const quadratic = minimum(error, delta);
  const losses = add(mul(0.5, square(quadratic)), mul(delta, sub(error, quadratic)));
  return reduceWeighted(losses, weights, reduction, op);
}

/** -y log(p + eps) - (1 - y) log(1 - p + eps). */
export function logLoss(
  labels: TensorLike,
  predictions: TensorLike,
  weights?: TensorLike | null,
  epsilon = 1e-7,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  const op = 'logLoss';
  const [y, p] = matchingPair(labels, predictions, op, ['labels', 'predictions']);
  const positive = mul(neg(y), log(add(p, epsilon)));
  const negative = mul(sub(1, y), log(add(sub(1, p), epsilon)));
  return reduceWeighted(sub(positive, negative), weights, reduction, op);
}

/** Softmax cross-entropy from logits over the last axis, labels smoothed toward uniform. */
export function softmaxCrossEntropy(
  onehotLabels: TensorLike,
  logits: TensorLike,
  weights?: TensorLike | null,
  labelSmoothing = 0,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  const op = 'softmaxCrossEntropy';
  const [y0, z] = matchingPair(onehotLabels, logits, op, ['onehotLabels', 'logits']);
  const classes = z.shape[z.rank - 1] ?? 1;
  const y = labelSmoothing > 0 ? add(mul(y0, 1 - labelSmoothing), labelSmoothing / classes) : y0;
  return reduceWeighted(neg(sum(mul(y, logSoftmax(z, -1)), -1)), weights, reduction, op);
}

/**
 * Sigmoid cross-entropy of `logits` against labels in [0, 1] (TensorFlow.js's
 * `losses.sigmoidCrossEntropy`), computed as max(x, 0) - x z + log(1 + exp(-|x|)) so that no
 * exp overflows. `labelSmoothing` moves the labels towards 1/2: z (1 - s) + s / 2.
 */
export function sigmoidCrossEntropy(
  multiClassLabels: TensorLike,
  logits: TensorLike,
  weights?: TensorLike | null,
  labelSmoothing = 0,
  reduction: WeightedReduction = 'sum_by_nonzero_weights',
): Tensor {
  const op = 'sigmoidCrossEntropy';
  const [labels, x] = matchingPair(multiClassLabels, logits, op, ['multiClassLabels', 'logits']);
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: labelSmoothing must be a number in [0, 1], received ${String(labelSmoothing)}`,
    );
  }
  const z =
    labelSmoothing > 0 ? add(mul(labels, 1 - labelSmoothing), 0.5 * labelSmoothing) : labels;
  const losses = add(sub(relu(x), mul(x, z)), log1p(exp(neg(abs(x)))));
  return reduceWeighted(losses, weights, reduction, op);
}
