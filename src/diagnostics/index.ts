/** Regularization diagnostics: per-layer statistics, advice, a text table and a callback. */
export {
  diagnose,
  type DiagnoseOptions,
  type DiagnosisReport,
  type LayerDiagnosis,
} from './diagnose.js';
export {
  DEFAULT_NEAR_ZERO,
  TANH_SATURATION,
  SIGMOID_LOW,
  SIGMOID_HIGH,
  ELU_SATURATION,
  type WeightStats,
  type ActivationStats,
  type MagnitudeStats,
} from './stats.js';
export {
  SMALL_WEIGHT_MAX_ABS,
  LARGE_WEIGHT_MAX_ABS,
  LARGE_WEIGHT_MEAN_ABS,
  LARGE_MAGNITUDE,
  HIGH_SATURATION,
  HIGH_DEAD,
  type Advice,
  type AdviceRule,
} from './advice.js';
export { formatDiagnosis } from './format.js';
export {
  RegularizationMonitor,
  diagnosisLogs,
  DIAG_PREFIX,
  type RegularizationMonitorOptions,
  type EpochDiagnosis,
} from './monitor.js';
