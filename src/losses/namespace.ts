/**
 * The `losses` namespace, as Keras names it: the per-sample functions
 * (`losses.meanSquaredError(yTrue, yPred)`, with Keras's short aliases such as `mse`), the classes
 * (`new losses.BinaryCrossentropy({ fromLogits: true })`; the loss `losses.MeanSquaredError` and
 * the metric `metrics.MeanSquaredError` keep Keras's names) and `get` / `serialize` /
 * `deserialize`.
 */
export {
  meanSquaredError,
  meanSquaredError as mse,
  meanAbsoluteError,
  meanAbsoluteError as mae,
  meanAbsolutePercentageError,
  meanAbsolutePercentageError as mape,
  meanSquaredLogarithmicError,
  meanSquaredLogarithmicError as msle,
  huber,
  logCosh,
  logCosh as logcosh,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  hinge,
  squaredHinge,
  categoricalHinge,
  klDivergence,
  klDivergence as kld,
  klDivergence as kullbackLeiblerDivergence,
  poisson,
  cosineSimilarity,
  l2Normalize,
} from './functions.js';
export {
  Loss,
  LossFunctionWrapper,
  MeanSquaredError,
  MeanAbsoluteError,
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
  CosineSimilarity,
  getLoss as get,
  serializeLoss as serialize,
  deserializeLoss as deserialize,
} from './index.js';
