/**
 * Lamina: Keras-style deep learning for TypeScript.
 *
 * Tensors are immutable and garbage collected: there is nothing to dispose and no `tidy`.
 */
import './ops/chain.js';
// Registers the WebAssembly SIMD backend and makes it the default where SIMD is supported.
import './backend/wasm/register.js';
export { setThreads, getThreads, threadsReady } from './backend/wasm/index.js';

export { Tensor, Variable, type VariableOptions } from './tensor/tensor.js';
export type { DType, NestedArray, TypedArray } from './tensor/dtype.js';
export type { Shape } from './tensor/shape.js';
export { setSeed } from './tensor/rng.js';

export { tensor, scalar, type TensorLike } from './ops/convert.js';
export {
  fill,
  zeros,
  ones,
  zerosLike,
  onesLike,
  range,
  linspace,
  eye,
  variable,
} from './ops/creation.js';
export {
  randomNormal,
  randomUniform,
  truncatedNormal,
  dropoutMask,
  multinomial,
} from './ops/random.js';
export { topk } from './ops/selection.js';
export { image, resizeBilinear, resizeNearestNeighbor } from './ops/image.js';
export * from './ops/elementwise.js';
export * from './ops/activations.js';
export {
  sum,
  mean,
  max,
  min,
  prod,
  argMax,
  argMin,
  logSumExp,
  variance,
  moments,
  norm,
  cumsum,
  type Axis,
  type NormOrder,
} from './ops/reduction.js';
export {
  reshape,
  transpose,
  slice,
  stridedSlice,
  concat,
  stack,
  unstack,
  split,
  gather,
  pad,
  tile,
  broadcastTo,
  expandDims,
  squeeze,
  reverse,
  oneHot,
  type StridedSliceOptions,
} from './ops/movement.js';
export { matMul, dot, outerProduct } from './ops/linalg.js';
export {
  conv1d,
  conv2d,
  depthwiseConv2d,
  conv2dTranspose,
  maxPool2d,
  avgPool2d,
  type PaddingMode,
  type Pair,
} from './ops/conv.js';

export {
  grad,
  grads,
  valueAndGrad,
  valueAndGrads,
  variableGrads,
  noGrad,
  customGrad,
  type CustomGradResult,
} from './autograd/grad.js';
export {
  stopGradient,
  setBackend,
  getBackend,
  listBackends,
  registerBackend,
} from './engine/engine.js';

export type {
  Backend,
  DataHandle,
  TensorInfo,
  OutputInfo,
  KernelImpl,
  KernelTable,
} from './backend/backend.js';
export type { KernelName, KernelSpecs, KernelAttrs } from './backend/kernels.js';

export * from './layers/index.js';
export { Model, model, type ModelArgs } from './models/model.js';
export { Sequential, sequential, type SequentialArgs } from './models/sequential.js';
export {
  Regularizer,
  L1,
  L2,
  L1L2,
  OrthogonalRegularizer,
  FunctionRegularizer,
  l1,
  l2,
  l1l2,
  orthogonalRegularizer,
  regularizers,
  getRegularizer,
  serializeRegularizer,
  deserializeRegularizer,
  registerRegularizer,
  type RegularizerIdentifier,
  type OrthogonalMode,
} from './regularizers/index.js';
export * from './initializers/index.js';
export * from './constraints/index.js';
export {
  getActivation,
  serializeActivation,
  type Activation as ActivationFunction,
  type ActivationFn,
  type ActivationIdentifier,
} from './activations/index.js';
export type { KerasObject, JsonObject, JsonValue } from './serialization/keras-object.js';
export * from './losses/index.js';
export {
  Metric,
  Mean,
  MeanMetricWrapper,
  getMetric,
  serializeMetric,
  deserializeMetric,
  registerMetric,
  metrics,
  type MetricIdentifier,
  type MetricContext,
  type MetricArgs,
} from './metrics/index.js';
export * from './metrics/accuracy.js';
export * from './metrics/confusion.js';
export {
  MeanSquaredError as MeanSquaredErrorMetric,
  MeanAbsoluteError as MeanAbsoluteErrorMetric,
  CosineSimilarity as CosineSimilarityMetric,
  LossMetric,
} from './metrics/regression.js';
export * from './optimizers/index.js';
export * from './training/index.js';
export * as data from './data/index.js';
export { loadDigits, loadIris, type LabeledData } from './datasets/vendored.js';
export { parseNumericCsv, readNumericCsv, type NumericTable, type CsvOptions } from './io/csv.js';
export * from './diagnostics/index.js';
export { LaminaError, LaminaTypeError, LaminaRangeError, type LaminaErrorCode } from './errors.js';
export {
  modelFromJSON,
  loadModel,
  loadWeights,
  saveModel,
  modelToArtifacts,
  modelFromArtifacts,
  saveKerasArchive,
  type KerasArchiveOptions,
  type KerasBytes,
  type ModelArtifacts,
  type WeightSpec,
  type SaveHandler,
  type LoadHandler,
  type SaveOptions,
  type LoadOptions,
  type SaveResult,
} from './saving/index.js';
export * as io from './saving/io/index.js';
