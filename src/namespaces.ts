/**
 * The Keras-shaped namespaces of the public API that gather more than one module's names:
 * `losses` and `metrics` hold both their functions and their classes (so the loss
 * `losses.MeanSquaredError` and the metric `metrics.MeanSquaredError` keep Keras's names), and
 * `activations` the activation functions. The other namespaces (`layers`, `regularizers`,
 * `initializers`, `constraints`, `optimizers`, `callbacks`) live beside what they build.
 */
import * as activationOps from './ops/activations.js';
import { getActivation, serializeActivation } from './activations/index.js';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  CategoricalHinge,
  CosineSimilarity as CosineSimilarityLoss,
  Hinge,
  Huber,
  KLDivergence,
  LogCosh,
  Loss,
  LossFunctionWrapper,
  MeanAbsoluteError as MeanAbsoluteErrorLoss,
  MeanAbsolutePercentageError,
  MeanSquaredError as MeanSquaredErrorLoss,
  MeanSquaredLogarithmicError,
  Poisson,
  SparseCategoricalCrossentropy,
  SquaredHinge,
  deserializeLoss,
  getLoss,
  losses as lossFunctions,
  serializeLoss,
} from './losses/index.js';
import {
  AUC,
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  CosineSimilarity as CosineSimilarityMetric,
  Mean,
  MeanAbsoluteError as MeanAbsoluteErrorMetric,
  MeanMetricWrapper,
  MeanSquaredError as MeanSquaredErrorMetric,
  Metric,
  Precision,
  Recall,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
  deserializeMetric,
  getMetric,
  metrics as metricFactories,
  serializeMetric,
} from './metrics/index.js';

/**
 * Losses as Keras names them: the per-sample functions (`losses.meanSquaredError(yTrue, yPred)`,
 * what `compile` also takes by name), the classes (`new losses.BinaryCrossentropy({ fromLogits:
 * true })`) and `get`/`serialize`/`deserialize`.
 */
export const losses = {
  ...lossFunctions,
  Loss,
  LossFunctionWrapper,
  MeanSquaredError: MeanSquaredErrorLoss,
  MeanAbsoluteError: MeanAbsoluteErrorLoss,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  Huber,
  LogCosh,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  KLDivergence,
  Poisson,
  CosineSimilarity: CosineSimilarityLoss,
  get: getLoss,
  serialize: serializeLoss,
  deserialize: deserializeLoss,
};

/**
 * Metrics as Keras names them: factories (`metrics.precision({ thresholds: 0.3 })`), the classes
 * (`new metrics.MeanSquaredError()`, the metric, where `losses.MeanSquaredError` is the loss) and
 * `get`/`serialize`/`deserialize`.
 */
export const metrics = {
  ...metricFactories,
  Metric,
  Mean,
  MeanMetricWrapper,
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  Precision,
  Recall,
  AUC,
  MeanSquaredError: MeanSquaredErrorMetric,
  MeanAbsoluteError: MeanAbsoluteErrorMetric,
  CosineSimilarity: CosineSimilarityMetric,
  get: getMetric,
  serialize: serializeMetric,
  deserialize: deserializeMetric,
};

/**
 * The activation functions (`activations.relu(x)`, `activations.softmax(x, axis)`), and `get`
 * (a name such as 'leaky_relu', a function or null, resolved to the activation a layer applies)
 * and `serialize` (its Keras name).
 */
export const activations = {
  ...activationOps,
  get: getActivation,
  serialize: serializeActivation,
};
