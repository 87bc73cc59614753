/**
 * `tf.metrics`: TensorFlow.js's metrics are plain functions of (yTrue, yPred): per-sample values
 * (averaged over the last axis), or a scalar for precision, recall and r2Score. Lamina's Keras
 * face has stateful metric objects under the same namespace name instead.
 */
import { asTensor, type TensorLike } from '../ops/convert.js';
import {
  add,
  cast,
  div,
  equal,
  greater,
  logicalAnd,
  mul,
  neg,
  sub,
  where,
} from '../ops/elementwise.js';
import { mean, sum } from '../ops/reduction.js';
import type { Tensor } from '../tensor/tensor.js';
import { categoricalAccuracy, sparseCategoricalAccuracy } from '../metrics/accuracy.js';
import * as F from '../losses/functions.js';

function floats(yTrue: TensorLike, yPred: TensorLike, op: string): [Tensor, Tensor] {
  return [
    cast(asTensor(yTrue, op, 'yTrue'), 'float32'),
    cast(asTensor(yPred, op, 'yPred'), 'float32'),
  ];
}

/** The share of elements where (yPred > 0.5) equals yTrue, per sample (over the last axis). */
export function binaryAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = floats(yTrue, yPred, 'binaryAccuracy');
  return mean(cast(equal(t, cast(greater(p, 0.5), 'float32')), 'float32'), -1);
}

/** Counts of elements where yTrue is 1 and yPred is exactly `predicted` (TensorFlow.js's rule). */
function count(t: Tensor, p: Tensor, truth: number, predicted: number): Tensor {
  return sum(cast(logicalAnd(equal(t, truth), equal(p, predicted)), 'float32'));
}

function safeRatio(numerator: Tensor, denominator: Tensor): Tensor {
  return where(greater(denominator, 0), div(numerator, denominator), 0);
}

/** TP / (TP + FP) over all elements, with yPred compared to 1 exactly (threshold it first). */
export function precision(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = floats(yTrue, yPred, 'precision');
  const tp = count(t, p, 1, 1);
  return safeRatio(tp, add(tp, count(t, p, 0, 1)));
}

/** TP / (TP + FN) over all elements, with yPred compared to 1 exactly (threshold it first). */
export function recall(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = floats(yTrue, yPred, 'recall');
  const tp = count(t, p, 1, 1);
  return safeRatio(tp, add(tp, count(t, p, 1, 0)));
}

/** Coefficient of determination over all elements: 1 - SS_res / SS_tot. */
export function r2Score(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = floats(yTrue, yPred, 'r2Score');
  const residual = sum(mul(sub(t, p), sub(t, p)));
  const centered = sub(t, mean(t));
  return sub(1, div(residual, sum(mul(centered, centered))));
}

/** -cosine similarity along the last axis. */
export function cosineProximity(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = floats(yTrue, yPred, 'cosineProximity');
  return neg(sum(mul(F.l2Normalize(t, -1), F.l2Normalize(p, -1)), -1));
}

export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return F.binaryCrossentropy(yTrue, yPred);
}

export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return F.categoricalCrossentropy(yTrue, yPred);
}

export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return F.sparseCategoricalCrossentropy(yTrue, yPred);
}

export const metrics = {
  binaryAccuracy,
  binaryCrossentropy,
  categoricalAccuracy,
  categoricalCrossentropy,
  sparseCategoricalAccuracy,
  sparseCategoricalCrossentropy,
  precision,
  recall,
  r2Score,
  cosineProximity,
  meanSquaredError: F.meanSquaredError,
  MSE: F.meanSquaredError,
  mse: F.meanSquaredError,
  meanAbsoluteError: F.meanAbsoluteError,
  MAE: F.meanAbsoluteError,
  mae: F.meanAbsoluteError,
  meanAbsolutePercentageError: F.meanAbsolutePercentageError,
  MAPE: F.meanAbsolutePercentageError,
  mape: F.meanAbsolutePercentageError,
};
