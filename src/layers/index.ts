/**
 * Layers, as classes and as TensorFlow.js-style factories (`layers.dense({ units: 10 })`).
 */
import {
  Activation,
  ActivityRegularization,
  type ActivationArgs,
  type ActivityRegularizationArgs,
} from './core/activation.js';
import {
  ELU,
  LeakyReLU,
  PReLU,
  ReLU,
  Softmax,
  ThresholdedReLU,
  type ELUArgs,
  type LeakyReLUArgs,
  type PReLUArgs,
  type ReLUArgs,
  type SoftmaxArgs,
  type ThresholdedReLUArgs,
} from './core/activation-layers.js';
import { Dense, type DenseArgs } from './core/dense.js';
import {
  AlphaDropout,
  Dropout,
  GaussianDropout,
  GaussianNoise,
  SpatialDropout1D,
  SpatialDropout2D,
  type DropoutArgs,
  type GaussianNoiseArgs,
  type RateArgs,
} from './core/dropout.js';
import {
  Flatten,
  Permute,
  RepeatVector,
  Reshape,
  type FlattenArgs,
  type PermuteArgs,
  type RepeatVectorArgs,
  type ReshapeArgs,
} from './core/reshaping.js';
import { InputLayer, input, type InputArgs } from './input.js';
import { convLayers } from './conv/index.js';
import { mergeLayers } from './merge/index.js';
import { poolingLayers } from './pooling/index.js';
import { normalizationLayers } from './normalization/index.js';
import { recurrentLayers } from './recurrent/index.js';
import { TimeDistributed, type TimeDistributedArgs } from './wrappers/time-distributed.js';

export * from './conv/index.js';
export * from './pooling/index.js';
export * from './merge/index.js';
export * from './normalization/index.js';
export * from './recurrent/index.js';

export {
  Layer,
  type LayerArgs,
  type CallOptions,
  type LayerCall,
  type LayerObserver,
  type AddWeightOptions,
  type LossTerm,
  type LayerTensors,
  type SymbolicTensors,
  type WeightInitializer,
} from './base/layer.js';
export { LayerWeight, type WeightConstraint } from './base/weight.js';
export { SymbolicTensor, type SymbolicShape, type LayerNode } from './base/symbolic.js';
export {
  setActivityNormalization,
  getActivityNormalization,
  type ActivityNormalization,
} from './base/activity.js';
export { registerLayer, serializeLayer, deserializeLayer } from './base/config.js';
export { resetLayerNames } from './base/naming.js';
export { getMask, setMask, type Mask } from './base/masking.js';
export {
  Activation,
  ActivityRegularization,
  Dense,
  Dropout,
  SpatialDropout1D,
  SpatialDropout2D,
  GaussianNoise,
  GaussianDropout,
  AlphaDropout,
  Flatten,
  Reshape,
  Permute,
  RepeatVector,
  InputLayer,
  input,
  TimeDistributed,
  ReLU,
  LeakyReLU,
  ELU,
  ThresholdedReLU,
  Softmax,
  PReLU,
};
export type {
  ActivationArgs,
  ActivityRegularizationArgs,
  DenseArgs,
  DropoutArgs,
  GaussianNoiseArgs,
  RateArgs,
  ReshapeArgs,
  FlattenArgs,
  PermuteArgs,
  RepeatVectorArgs,
  InputArgs,
  TimeDistributedArgs,
  ReLUArgs,
  LeakyReLUArgs,
  ELUArgs,
  ThresholdedReLUArgs,
  SoftmaxArgs,
  PReLUArgs,
};

/** Factories in TensorFlow.js style: `layers.dense({ units: 10, activation: 'relu' })`. */
export const layers = {
  inputLayer: (args: InputArgs) => new InputLayer(args),
  dense: (args: DenseArgs) => new Dense(args),
  activation: (args: ActivationArgs) => new Activation(args),
  reLU: (args: ReLUArgs = {}) => new ReLU(args),
  leakyReLU: (args: LeakyReLUArgs = {}) => new LeakyReLU(args),
  elu: (args: ELUArgs = {}) => new ELU(args),
  thresholdedReLU: (args: ThresholdedReLUArgs = {}) => new ThresholdedReLU(args),
  softmax: (args: SoftmaxArgs = {}) => new Softmax(args),
  prelu: (args: PReLUArgs = {}) => new PReLU(args),
  activityRegularization: (args: ActivityRegularizationArgs = {}) =>
    new ActivityRegularization(args),
  dropout: (args: DropoutArgs) => new Dropout(args),
  spatialDropout1d: (args: Omit<DropoutArgs, 'noiseShape'>) => new SpatialDropout1D(args),
  spatialDropout2d: (args: Omit<DropoutArgs, 'noiseShape'>) => new SpatialDropout2D(args),
  gaussianNoise: (args: GaussianNoiseArgs) => new GaussianNoise(args),
  gaussianDropout: (args: RateArgs) => new GaussianDropout(args),
  alphaDropout: (args: RateArgs & { noiseShape?: readonly (number | null)[] }) =>
    new AlphaDropout(args),
  flatten: (args: FlattenArgs = {}) => new Flatten(args),
  reshape: (args: ReshapeArgs) => new Reshape(args),
  permute: (args: PermuteArgs) => new Permute(args),
  repeatVector: (args: RepeatVectorArgs) => new RepeatVector(args),
  timeDistributed: (args: TimeDistributedArgs) => new TimeDistributed(args),
  ...convLayers,
  ...poolingLayers,
  ...normalizationLayers,
  ...mergeLayers,
  ...recurrentLayers,
};
