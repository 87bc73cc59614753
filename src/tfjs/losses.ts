/**
 * `tf.losses` and `tf.Reduction`: TensorFlow.js's weighted losses (src/losses/weighted.ts),
 * with its numeric `Reduction` enum in place of the core's names.
 */
import type { TensorLike } from '../ops/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import * as W from '../losses/weighted.js';
import { LaminaRangeError } from '../errors.js';

/** How a loss is reduced (TensorFlow.js's enum values). */
export enum Reduction {
  NONE = 0,
  MEAN = 1,
  SUM = 2,
  SUM_BY_NONZERO_WEIGHTS = 3,
}

const NAMES: Record<Reduction, W.WeightedReduction> = {
  [Reduction.NONE]: 'none',
  [Reduction.MEAN]: 'mean',
  [Reduction.SUM]: 'sum',
  [Reduction.SUM_BY_NONZERO_WEIGHTS]: 'sum_by_nonzero_weights',
};

function reductionName(r: Reduction | undefined, op: string): W.WeightedReduction | undefined {
  if (r === undefined) return undefined;
  const name = NAMES[r];
  if (name === undefined)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: reduction must be a tf.Reduction (NONE 0, MEAN 1, SUM 2, SUM_BY_NONZERO_WEIGHTS 3), received ${String(r)}`,
    );
  return name;
}

type T = TensorLike;

export const losses = {
  computeWeightedLoss: (l: T, weights?: T, reduction?: Reduction): Tensor =>
    W.computeWeightedLoss(l, weights, reductionName(reduction, 'computeWeightedLoss')),
  absoluteDifference: (labels: T, predictions: T, weights?: T, reduction?: Reduction): Tensor =>
    W.absoluteDifference(
      labels,
      predictions,
      weights,
      reductionName(reduction, 'absoluteDifference'),
    ),
  meanSquaredError: (labels: T, predictions: T, weights?: T, reduction?: Reduction): Tensor =>
    W.weightedMeanSquaredError(
      labels,
      predictions,
      weights,
      reductionName(reduction, 'meanSquaredError'),
    ),
  cosineDistance: (
    labels: T,
    predictions: T,
    axis: number,
    weights?: T,
    reduction?: Reduction,
  ): Tensor =>
    W.cosineDistance(
      labels,
      predictions,
      axis,
      weights,
      reductionName(reduction, 'cosineDistance'),
    ),
  hingeLoss: (labels: T, predictions: T, weights?: T, reduction?: Reduction): Tensor =>
    W.hingeLoss(labels, predictions, weights, reductionName(reduction, 'hingeLoss')),
  huberLoss: (
    labels: T,
    predictions: T,
    weights?: T,
    delta?: number,
    reduction?: Reduction,
  ): Tensor =>
    W.huberLoss(labels, predictions, weights, delta, reductionName(reduction, 'huberLoss')),
  logLoss: (
    labels: T,
    predictions: T,
    weights?: T,
    epsilon?: number,
    reduction?: Reduction,
  ): Tensor =>
    W.logLoss(labels, predictions, weights, epsilon, reductionName(reduction, 'logLoss')),
  sigmoidCrossEntropy: (
    labels: T,
    logits: T,
    weights?: T,
    labelSmoothing?: number,
    reduction?: Reduction,
  ): Tensor =>
    W.sigmoidCrossEntropy(
      labels,
      logits,
      weights,
      labelSmoothing,
      reductionName(reduction, 'sigmoidCrossEntropy'),
    ),
  softmaxCrossEntropy: (
    labels: T,
    logits: T,
    weights?: T,
    labelSmoothing?: number,
    reduction?: Reduction,
  ): Tensor =>
    W.softmaxCrossEntropy(
      labels,
      logits,
      weights,
      labelSmoothing,
      reductionName(reduction, 'softmaxCrossEntropy'),
    ),
};
