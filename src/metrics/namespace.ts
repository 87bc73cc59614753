/**
 * The `metrics` namespace, as Keras names it: factories (`metrics.precision({ thresholds: 0.3 })`),
 * the classes (`new metrics.MeanSquaredError()`, the metric, where `losses.MeanSquaredError` is the
 * loss) and `get` / `serialize` / `deserialize`.
 */
import { metrics as factories } from './index.js';

export const {
  mean,
  meanMetricWrapper,
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  precision,
  recall,
  auc,
  meanSquaredError,
  meanAbsoluteError,
  cosineSimilarity,
} = factories;
export {
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
  MeanSquaredError,
  MeanAbsoluteError,
  CosineSimilarity,
  getMetric as get,
  serializeMetric as serialize,
  deserializeMetric as deserialize,
} from './index.js';
