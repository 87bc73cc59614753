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
import { Layer } from './base/layer.js';
import {
  convLayers,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
  UpSampling2D,
  ZeroPadding2D,
} from './conv/index.js';
import {
  mergeLayers,
  Add,
  Average,
  Concatenate,
  Dot,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
} from './merge/index.js';
import {
  poolingLayers,
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
} from './pooling/index.js';
import {
  normalizationLayers,
  BatchNormalization,
  Embedding,
  LayerNormalization,
} from './normalization/index.js';
import { recurrentLayers, Bidirectional, GRU, LSTM, RNN, SimpleRNN } from './recurrent/index.js';
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

/** Factories in TensorFlow.js style: `layerFactories.dense({ units: 10, activation: 'relu' })`. */
export const layerFactories = {
  /**
   * The input of a Sequential model, as its first layer (`input()` makes one for the functional API).
   * @example
   * ```ts
   * const model = sequential({ layers: [layers.inputLayer({ shape: [4] }), layers.dense({ units: 2 })] });
   * model.predict(zeros([3, 4])); // shape [3, 2]
   * ```
   */
  inputLayer: (args: InputArgs) => new InputLayer(args),
  /**
   * Densely connected layer: `activation(x · kernel + bias)`, with kernel and activity penalties.
   * @example
   * ```ts
   * const layer = layers.dense({ units: 8, activation: 'relu', kernelRegularizer: l2(1e-4) });
   * layer.apply(ones([2, 3])); // shape [2, 8]
   * ```
   */
  dense: (args: DenseArgs) => new Dense(args),
  /**
   * Applies an activation function by name or as a function.
   * @example
   * ```ts
   * layers.activation({ activation: 'relu' }).apply(tensor([-1, 2])); // [0, 2]
   * ```
   */
  activation: (args: ActivationArgs) => new Activation(args),
  /**
   * ReLU with Keras's options: a maximum value, a slope below the threshold, the threshold.
   * @example
   * ```ts
   * layers.reLU({ maxValue: 6 }).apply(tensor([-1, 3, 9])); // [0, 3, 6]
   * ```
   */
  reLU: (args: ReLUArgs = {}) => new ReLU(args),
  /**
   * Leaky ReLU: `x` above 0, `negativeSlope * x` below (default slope 0.3, as Keras).
   * @example
   * ```ts
   * layers.leakyReLU({ negativeSlope: 0.1 }).apply(tensor([-10, 2])); // [-1, 2]
   * ```
   */
  leakyReLU: (args: LeakyReLUArgs = {}) => new LeakyReLU(args),
  /**
   * ELU: `x` above 0, `alpha * (exp(x) - 1)` below.
   * @example
   * ```ts
   * layers.elu({ alpha: 1 }).apply(tensor([0, 1])); // [0, 1]
   * ```
   */
  elu: (args: ELUArgs = {}) => new ELU(args),
  /**
   * Thresholded ReLU: `x` where `x > theta`, else 0.
   * @example
   * ```ts
   * layers.thresholdedReLU({ theta: 1 }).apply(tensor([0.5, 2])); // [0, 2]
   * ```
   */
  thresholdedReLU: (args: ThresholdedReLUArgs = {}) => new ThresholdedReLU(args),
  /**
   * Softmax along an axis (the last by default).
   * @example
   * ```ts
   * layers.softmax().apply(tensor([[0, 0]])); // [[0.5, 0.5]]
   * ```
   */
  softmax: (args: SoftmaxArgs = {}) => new Softmax(args),
  /**
   * Parametric ReLU: a learned slope per unit below 0 (optionally shared along axes).
   * @example
   * ```ts
   * const layer = layers.prelu({ alphaInitializer: initializers.constant({ value: 0.1 }) });
   * layer.apply(tensor([[-10, 2]])); // [[-1, 2]]
   * ```
   */
  prelu: (args: PReLUArgs = {}) => new PReLU(args),
  /**
   * Adds an L1/L2 penalty on its input (the activity) to the model's loss, and passes the input on.
   * @example
   * ```ts
   * const layer = layers.activityRegularization({ l1: 0.5 });
   * layer.apply(tensor([[1, -2]])); // [[1, -2]]
   * layer.losses[0]; // 1.5
   * ```
   */
  activityRegularization: (args: ActivityRegularizationArgs = {}) =>
    new ActivityRegularization(args),
  /**
   * Dropout: in training, zeroes a fraction `rate` of the inputs and scales the rest by `1 / (1 - rate)`; seeded.
   * @example
   * ```ts
   * const layer = layers.dropout({ rate: 0.5, seed: 1 });
   * layer.apply(ones([2, 4]), { training: true }); // zeros and twos
   * layer.apply(ones([2, 4])); // ones: inference passes the input on
   * ```
   */
  dropout: (args: DropoutArgs) => new Dropout(args),
  /**
   * Dropout of whole channels of a sequence `[batch, steps, channels]`.
   * @example
   * ```ts
   * layers.spatialDropout1d({ rate: 0.5, seed: 1 }).apply(ones([1, 3, 4]), { training: true });
   * ```
   */
  spatialDropout1d: (args: Omit<DropoutArgs, 'noiseShape'>) => new SpatialDropout1D(args),
  /**
   * Dropout of whole channels of an image `[batch, rows, cols, channels]`.
   * @example
   * ```ts
   * layers.spatialDropout2d({ rate: 0.5, seed: 1 }).apply(ones([1, 2, 2, 4]), { training: true });
   * ```
   */
  spatialDropout2d: (args: Omit<DropoutArgs, 'noiseShape'>) => new SpatialDropout2D(args),
  /**
   * Adds zero-mean Gaussian noise in training (a regularizer); seeded.
   * @example
   * ```ts
   * layers.gaussianNoise({ stddev: 0.1, seed: 1 }).apply(zeros([2, 3]), { training: true });
   * ```
   */
  gaussianNoise: (args: GaussianNoiseArgs) => new GaussianNoise(args),
  /**
   * Multiplies by Gaussian noise of mean 1 in training; seeded.
   * @example
   * ```ts
   * layers.gaussianDropout({ rate: 0.2, seed: 1 }).apply(ones([2, 3]), { training: true });
   * ```
   */
  gaussianDropout: (args: RateArgs) => new GaussianDropout(args),
  /**
   * Dropout that keeps a SELU network's mean and variance; seeded.
   * @example
   * ```ts
   * layers.alphaDropout({ rate: 0.1, seed: 1 }).apply(ones([2, 3]), { training: true });
   * ```
   */
  alphaDropout: (args: RateArgs & { noiseShape?: readonly (number | null)[] }) =>
    new AlphaDropout(args),
  /**
   * Flattens each sample to one dimension.
   * @example
   * ```ts
   * layers.flatten().apply(ones([2, 3, 4])); // shape [2, 12]
   * ```
   */
  flatten: (args: FlattenArgs = {}) => new Flatten(args),
  /**
   * Reshapes each sample (the batch dimension is kept; one dimension may be -1).
   * @example
   * ```ts
   * layers.reshape({ targetShape: [2, -1] }).apply(ones([5, 6])); // shape [5, 2, 3]
   * ```
   */
  reshape: (args: ReshapeArgs) => new Reshape(args),
  /**
   * Permutes the dimensions of each sample (1-based, as Keras).
   * @example
   * ```ts
   * layers.permute({ dims: [2, 1] }).apply(ones([5, 2, 3])); // shape [5, 3, 2]
   * ```
   */
  permute: (args: PermuteArgs) => new Permute(args),
  /**
   * Repeats a `[batch, features]` input `n` times: `[batch, n, features]`.
   * @example
   * ```ts
   * layers.repeatVector({ n: 3 }).apply(ones([2, 4])); // shape [2, 3, 4]
   * ```
   */
  repeatVector: (args: RepeatVectorArgs) => new RepeatVector(args),
  /**
   * Applies a layer to every time step of a sequence.
   * @example
   * ```ts
   * const layer = layers.timeDistributed({ layer: layers.dense({ units: 2 }) });
   * layer.apply(ones([1, 5, 3])); // shape [1, 5, 2]
   * ```
   */
  timeDistributed: (args: TimeDistributedArgs) => new TimeDistributed(args),
  ...convLayers,
  ...poolingLayers,
  ...normalizationLayers,
  ...mergeLayers,
  ...recurrentLayers,
};

/**
 * Keras's `layers` module: every layer class (`new layers.Dense({ units: 10 })`, as
 * `keras.layers.Dense`) next to the TensorFlow.js-style factories (`layers.dense(...)`).
 * @example
 * ```ts
 * const layer = new layers.Dense({ units: 2 });
 * layer.apply(ones([1, 3])); // shape [1, 2]
 * ```
 */
export const layers = {
  ...layerFactories,
  Layer,
  InputLayer,
  Dense,
  Activation,
  ActivityRegularization,
  ReLU,
  LeakyReLU,
  ELU,
  ThresholdedReLU,
  Softmax,
  PReLU,
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
  TimeDistributed,
  Conv1D,
  Conv2D,
  DepthwiseConv2D,
  SeparableConv2D,
  Conv2DTranspose,
  ZeroPadding2D,
  UpSampling2D,
  MaxPooling1D,
  MaxPooling2D,
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Concatenate,
  Dot,
  BatchNormalization,
  LayerNormalization,
  Embedding,
  RNN,
  SimpleRNN,
  LSTM,
  GRU,
  Bidirectional,
};
