/**
 * Metrics: Keras 3's classes, the `metrics` factory of constructors, and `getMetric`, which
 * resolves what `compile({ metrics })` accepts, including 'accuracy' chosen by loss and shape.
 */
import { getLoss, isLossName } from '../losses/index.js';
import type { Loss, LossFn } from '../losses/loss.js';
import {
  canonicalName,
  configNumber,
  isKerasObject,
  Registry,
  type JsonObject,
  type KerasObject,
} from '../serialization/keras-object.js';
import * as A from './accuracy.js';
import { AUC, Precision, Recall, type AUCArgs, type ThresholdArgs } from './confusion.js';
import { Mean, MeanMetricWrapper, Metric, type MetricArgs } from './metric.js';
import { CosineSimilarity, LossMetric, MeanAbsoluteError, MeanSquaredError } from './regression.js';
import { LaminaTypeError } from '../errors.js';

export { Metric, Mean, MeanMetricWrapper, MeanState, samplewiseTotals } from './metric.js';
export type { MetricArgs } from './metric.js';
export * from './accuracy.js';
export * from './confusion.js';
export { MeanSquaredError, MeanAbsoluteError, CosineSimilarity, LossMetric } from './regression.js';

const args = (c: JsonObject): MetricArgs => (typeof c.name === 'string' ? { name: c.name } : {});

const registry = new Registry<Metric>('metric', 'keras.metrics');
registry.register('Mean', (c) => new Mean(args(c)));
registry.register('Accuracy', (c) => new A.Accuracy(args(c)));
registry.register(
  'BinaryAccuracy',
  (c) =>
    new A.BinaryAccuracy({
      ...args(c),
      threshold: configNumber(c, 'threshold', 'BinaryAccuracy', 0.5),
    }),
);
registry.register('CategoricalAccuracy', (c) => new A.CategoricalAccuracy(args(c)));
registry.register('SparseCategoricalAccuracy', (c) => new A.SparseCategoricalAccuracy(args(c)));
registry.register(
  'TopKCategoricalAccuracy',
  (c) =>
    new A.TopKCategoricalAccuracy({
      ...args(c),
      k: configNumber(c, 'k', 'TopKCategoricalAccuracy', 5),
    }),
);
registry.register(
  'SparseTopKCategoricalAccuracy',
  (c) =>
    new A.SparseTopKCategoricalAccuracy({
      ...args(c),
      k: configNumber(c, 'k', 'SparseTopKCategoricalAccuracy', 5),
    }),
);
function thresholdArgs(c: JsonObject, where: string): ThresholdArgs {
  const out: ThresholdArgs = { ...args(c), thresholds: configNumber(c, 'thresholds', where, 0.5) };
  if (typeof c.class_id === 'number') out.classId = c.class_id;
  return out;
}
registry.register('Precision', (c) => new Precision(thresholdArgs(c, 'Precision')));
registry.register('Recall', (c) => new Recall(thresholdArgs(c, 'Recall')));
registry.register('AUC', (c) => {
  const a: AUCArgs = { ...args(c), numThresholds: configNumber(c, 'num_thresholds', 'AUC', 200) };
  if (c.curve === 'ROC' || c.curve === 'PR') a.curve = c.curve;
  if (c.summation_method === 'minoring' || c.summation_method === 'majoring')
    a.summationMethod = c.summation_method;
  if (c.from_logits === true) a.fromLogits = true;
  return new AUC(a);
});
registry.register('MeanSquaredError', (c) => new MeanSquaredError(args(c)), ['mse']);
registry.register('MeanAbsoluteError', (c) => new MeanAbsoluteError(args(c)), ['mae']);
registry.register(
  'CosineSimilarity',
  (c) =>
    new CosineSimilarity({ ...args(c), axis: configNumber(c, 'axis', 'CosineSimilarity', -1) }),
  ['cosine_proximity'],
);

/** Makes a custom metric class loadable by name (`fromConfig` rebuilds it from `getConfig`). */
export function registerMetric(name: string, fromConfig: (config: JsonObject) => Metric): void {
  registry.registerCustom(name, fromConfig, 'registerMetric');
}

export type MetricIdentifier = Metric | LossFn | string | KerasObject;

export interface MetricContext {
  /** The output's loss: picks which accuracy 'accuracy' means. */
  loss?: Loss | string;
  /** The output's shape ([batch, ..., units]; unknown dims null). */
  outputShape?: readonly (number | null)[];
  /** The targets' shape, if known: lower rank or a last dim of 1 means integer labels. */
  targetShape?: readonly (number | null)[];
}

/**
 * Which accuracy 'accuracy' means: binary for a binary crossentropy loss or a last output dim
 * of 1, sparse categorical for a sparse categorical crossentropy loss (or integer targets),
 * categorical otherwise.
 */
function resolveAccuracy(name: string, context: MetricContext): Metric {
  const { loss, outputShape, targetShape } = context;
  const lossName =
    loss === undefined ? '' : canonicalName(typeof loss === 'string' ? loss : loss.className);
  const lastOut = outputShape?.[outputShape.length - 1];
  if (['binarycrossentropy', 'bce'].includes(lossName) || lastOut === 1)
    return new A.BinaryAccuracy({ name });
  const sparseTargets =
    targetShape !== undefined &&
    outputShape !== undefined &&
    (targetShape.length < outputShape.length ||
      (targetShape[targetShape.length - 1] === 1 && lastOut !== 1));
  if (lossName === 'sparsecategoricalcrossentropy' || sparseTargets)
    return new A.SparseCategoricalAccuracy({ name });
  return new A.CategoricalAccuracy({ name });
}

/**
 * Resolves a metric identifier. Strings in any spelling ('accuracy', 'acc', 'mse', 'auc',
 * 'top_k_categorical_accuracy', any loss name) keep the spelling given as their name; a
 * function `(yTrue, yPred) => per-sample values` is averaged; instances are used as is.
 */
export function getMetric(
  identifier: MetricIdentifier,
  context: MetricContext = {},
  where = 'getMetric',
): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'function') return new MeanMetricWrapper(identifier);
  if (typeof identifier === 'string') {
    if (['accuracy', 'acc'].includes(identifier.toLowerCase()))
      return resolveAccuracy(identifier, context);
    if (registry.has(identifier)) return registry.create(identifier, { name: identifier }, where);
    if (isLossName(identifier)) return new LossMetric(getLoss(identifier), { name: identifier });
    return registry.create(identifier, {}, where);
  }
  if (isKerasObject(identifier)) return deserializeMetric(identifier, where);
  throw new LaminaTypeError(
    'invalid-argument',
    `${where}: could not interpret metric identifier ${JSON.stringify(identifier)}: expected a Metric, a function, a name or a { class_name, config } object`,
  );
}

/** Keras 3 form: `{ module, class_name, config, registered_name }`. */
export function serializeMetric(metric: Metric): KerasObject {
  return registry.serializeObject(metric);
}

/** Reads the Keras 3 and older forms; loss class names give the loss as a metric. */
export function deserializeMetric(object: KerasObject, where = 'deserializeMetric'): Metric {
  const name = object.registered_name ?? object.class_name;
  const config = object.config ?? {};
  if (!registry.has(name) && isLossName(name)) {
    const { dtype: _d, ...lossConfig } = config;
    return new LossMetric(getLoss({ class_name: name, config: lossConfig }, where), args(config));
  }
  return registry.create(name, config, where);
}

/** Constructors by camelCase name: `metrics.binaryAccuracy({ threshold: 0.7 })`. */
export const metrics = {
  mean: (a?: MetricArgs) => new Mean(a),
  meanMetricWrapper: (fn: LossFn, a?: MetricArgs) => new MeanMetricWrapper(fn, a),
  accuracy: (a?: MetricArgs) => new A.Accuracy(a),
  binaryAccuracy: (a?: MetricArgs & { threshold?: number }) => new A.BinaryAccuracy(a),
  categoricalAccuracy: (a?: MetricArgs) => new A.CategoricalAccuracy(a),
  sparseCategoricalAccuracy: (a?: MetricArgs) => new A.SparseCategoricalAccuracy(a),
  topKCategoricalAccuracy: (a?: MetricArgs & { k?: number }) => new A.TopKCategoricalAccuracy(a),
  sparseTopKCategoricalAccuracy: (a?: MetricArgs & { k?: number }) =>
    new A.SparseTopKCategoricalAccuracy(a),
  precision: (a?: ThresholdArgs) => new Precision(a),
  recall: (a?: ThresholdArgs) => new Recall(a),
  auc: (a?: AUCArgs) => new AUC(a),
  meanSquaredError: (a?: MetricArgs) => new MeanSquaredError(a),
  meanAbsoluteError: (a?: MetricArgs) => new MeanAbsoluteError(a),
  cosineSimilarity: (a?: MetricArgs & { axis?: number }) => new CosineSimilarity(a),
} as const;
