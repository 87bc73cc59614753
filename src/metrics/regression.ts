/** Regression metrics, and any loss used as a metric (the mean of its per-sample values). */
import { meanAbsoluteError, meanSquaredError, l2Normalize } from '../losses/functions.js';
import { prepare } from '../losses/loss.js';
import type { Loss } from '../losses/loss.js';
import { mul } from '../ops/elementwise.js';
import type { TensorLike } from '../ops/convert.js';
import { sum } from '../ops/reduction.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { Tensor } from '../tensor/tensor.js';
import { MeanMetricWrapper, type MetricArgs } from './metric.js';

export class MeanSquaredError extends MeanMetricWrapper {
  override readonly className: string = 'MeanSquaredError';
  constructor(args: MetricArgs = {}) {
    super(meanSquaredError, { name: args.name ?? 'mean_squared_error' });
  }
}

export class MeanAbsoluteError extends MeanMetricWrapper {
  override readonly className: string = 'MeanAbsoluteError';
  constructor(args: MetricArgs = {}) {
    super(meanAbsoluteError, { name: args.name ?? 'mean_absolute_error' });
  }
}

/** cos(yTrue, yPred) along `axis` (positive, unlike the CosineSimilarity loss), as Keras. */
export function cosineSimilarity(yTrue: TensorLike, yPred: TensorLike, axis = -1): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'cosine_similarity');
  return sum(mul(l2Normalize(t, axis), l2Normalize(p, axis)), axis);
}

export class CosineSimilarity extends MeanMetricWrapper {
  override readonly className: string = 'CosineSimilarity';
  readonly axis: number;
  constructor(args: MetricArgs & { axis?: number } = {}) {
    const axis = args.axis ?? -1;
    super((t, p) => cosineSimilarity(t, p, axis), { name: args.name ?? 'cosine_similarity' });
    this.axis = axis;
  }
  override getConfig(): JsonObject {
    return { name: this.name, dtype: this.dtype, axis: this.axis };
  }
}

/**
 * A loss's per-sample values averaged as a metric (Keras's metric classes of the same names:
 * BinaryCrossentropy, Hinge, KLDivergence, ...). Its config is the loss's, less the reduction.
 */
export class LossMetric extends MeanMetricWrapper {
  override readonly className: string;
  constructor(
    readonly loss: Loss,
    args: MetricArgs = {},
  ) {
    super((t, p) => loss.call(t, p), { name: args.name ?? loss.name });
    this.className = loss.className;
  }
  override getConfig(): JsonObject {
    const { reduction: _r, name: _n, ...rest } = this.loss.getConfig();
    return { name: this.name, dtype: this.dtype, ...rest };
  }
}
