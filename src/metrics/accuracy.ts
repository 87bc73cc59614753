/** Keras 3's accuracy metrics (keras/src/metrics/accuracy_metrics.py). */
import { asFloat, prepare, shapeStr } from '../losses/loss.js';
import { cast, equal, greater } from '../ops/elementwise.js';
import type { TensorLike } from '../ops/convert.js';
import { tensor } from '../ops/convert.js';
import { squeeze } from '../ops/movement.js';
import { argMax } from '../ops/reduction.js';
import type { JsonObject } from '../serialization/keras-object.js';
import type { Tensor } from '../tensor/tensor.js';
import { MeanMetricWrapper, type MetricArgs } from './metric.js';
import { LaminaError, LaminaRangeError } from '../errors.js';

const matches = (a: Tensor, b: Tensor): Tensor => cast(equal(a, b), 'float32');

/** 1 where yTrue equals yPred exactly, elementwise. */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'accuracy');
  return matches(t, p);
}

/** 1 where (yPred > threshold) equals yTrue, elementwise. */
export function binaryAccuracy(yTrue: TensorLike, yPred: TensorLike, threshold = 0.5): Tensor {
  const [t, p] = prepare(yTrue, yPred, 'binary_accuracy');
  return matches(t, cast(greater(p, threshold), 'float32'));
}

function classAxis(p: Tensor, where: string): number {
  if (p.rank === 0)
    throw new LaminaError(
      'invalid-argument',
      `${where}: yPred must have a class axis, received a scalar`,
    );
  return p.rank - 1;
}

/** 1 where argmax(yTrue) equals argmax(yPred) (one-hot targets), per sample. */
export function categoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const where = 'categorical_accuracy';
  const t = asFloat(yTrue, where, 'yTrue');
  const p = asFloat(yPred, where, 'yPred');
  if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new LaminaError(
      'invalid-argument',
      `${where}: yTrue (one-hot) and yPred must have the same shape, received yTrue ${shapeStr(t.shape)} and yPred ${shapeStr(p.shape)}${t.rank + 1 === p.rank ? ' (integer labels need sparse_categorical_accuracy)' : ''}`,
    );
  }
  const axis = classAxis(p, where);
  return matches(argMax(t, axis), argMax(p, axis));
}

/** Integer labels of shape yPred.shape less the class axis (a trailing 1 is squeezed). */
function sparseTargets(yTrue: TensorLike, p: Tensor, where: string): Tensor {
  let t = asFloat(yTrue, where, 'yTrue');
  const t0 = t.shape;
  classAxis(p, where);
  if (t.rank === p.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, -1);
  if (t.rank !== p.rank - 1 || t.shape.some((d, i) => d !== p.shape[i])) {
    throw new LaminaError(
      'invalid-argument',
      `${where}: labels must have yPred's shape less the class axis, received yTrue ${shapeStr(t0)} and yPred ${shapeStr(p.shape)}`,
    );
  }
  return t;
}

/** 1 where the integer label equals argmax(yPred), per sample. */
export function sparseCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const where = 'sparse_categorical_accuracy';
  const p = asFloat(yPred, where, 'yPred');
  const t = sparseTargets(yTrue, p, where);
  return matches(t, cast(argMax(p, p.rank - 1), 'float32'));
}

/**
 * 1 where the target's score is among the k largest: fewer than k classes score strictly higher
 * (ties at the boundary count as in, as TensorFlow's `in_top_k`).
 */
function inTopK(labels: ArrayLike<number>, p: Tensor, k: number, where: string): Tensor {
  if (!Number.isInteger(k) || k < 1)
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: k must be a positive integer, received ${k}`,
    );
  const classes = p.shape[p.rank - 1] as number;
  const scores = p.dataSync();
  const out = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label) || label < 0 || label >= classes) continue;
    const target = scores[i * classes + label] as number;
    let higher = 0;
    for (let c = 0; c < classes; c++) if ((scores[i * classes + c] as number) > target) higher++;
    out[i] = higher < k && !Number.isNaN(target) ? 1 : 0;
  }
  return tensor(out, p.shape.slice(0, -1));
}

export function topKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, k = 5): Tensor {
  const where = 'top_k_categorical_accuracy';
  const t = asFloat(yTrue, where, 'yTrue');
  const p = asFloat(yPred, where, 'yPred');
  if (t.rank !== p.rank || t.shape.some((d, i) => d !== p.shape[i]) || p.rank === 0) {
    throw new LaminaError(
      'invalid-argument',
      `${where}: yTrue (one-hot) and yPred must have the same shape, received yTrue ${shapeStr(t.shape)} and yPred ${shapeStr(p.shape)}`,
    );
  }
  return inTopK(argMax(t, t.rank - 1).dataSync(), p, k, where);
}

export function sparseTopKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, k = 5): Tensor {
  const where = 'sparse_top_k_categorical_accuracy';
  const p = asFloat(yPred, where, 'yPred');
  return inTopK(sparseTargets(yTrue, p, where).dataSync(), p, k, where);
}

export class Accuracy extends MeanMetricWrapper {
  override readonly className: string = 'Accuracy';
  constructor(args: MetricArgs = {}) {
    super(accuracy, { name: args.name ?? 'accuracy' });
  }
}

export class BinaryAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'BinaryAccuracy';
  readonly threshold: number;
  constructor(args: MetricArgs & { threshold?: number } = {}) {
    const threshold = args.threshold ?? 0.5;
    super((t, p) => binaryAccuracy(t, p, threshold), { name: args.name ?? 'binary_accuracy' });
    this.threshold = threshold;
  }
  override getConfig(): JsonObject {
    return { name: this.name, dtype: this.dtype, threshold: this.threshold };
  }
}

export class CategoricalAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'CategoricalAccuracy';
  constructor(args: MetricArgs = {}) {
    super(categoricalAccuracy, { name: args.name ?? 'categorical_accuracy' });
  }
}

export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'SparseCategoricalAccuracy';
  constructor(args: MetricArgs = {}) {
    super(sparseCategoricalAccuracy, { name: args.name ?? 'sparse_categorical_accuracy' });
  }
}

export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'TopKCategoricalAccuracy';
  readonly k: number;
  constructor(args: MetricArgs & { k?: number } = {}) {
    const k = args.k ?? 5;
    super((t, p) => topKCategoricalAccuracy(t, p, k), {
      name: args.name ?? 'top_k_categorical_accuracy',
    });
    this.k = k;
  }
  override getConfig(): JsonObject {
    return { name: this.name, dtype: this.dtype, k: this.k };
  }
}

export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className: string = 'SparseTopKCategoricalAccuracy';
  readonly k: number;
  constructor(args: MetricArgs & { k?: number } = {}) {
    const k = args.k ?? 5;
    super((t, p) => sparseTopKCategoricalAccuracy(t, p, k), {
      name: args.name ?? 'sparse_top_k_categorical_accuracy',
    });
    this.k = k;
  }
  override getConfig(): JsonObject {
    return { name: this.name, dtype: this.dtype, k: this.k };
  }
}
