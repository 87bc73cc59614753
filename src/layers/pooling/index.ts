/** Pooling layers (channels last), as classes and factories. */
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  type GlobalPoolingArgs,
} from './global.js';
import {
  AveragePooling1D,
  AveragePooling2D,
  MaxPooling1D,
  MaxPooling2D,
  type Pooling1DArgs,
  type Pooling2DArgs,
} from './pooling.js';

export {
  MaxPooling1D,
  MaxPooling2D,
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
};
export type { Pooling1DArgs, Pooling2DArgs, GlobalPoolingArgs };

/** Factories in TensorFlow.js style: `poolingLayers.maxPooling2d({ poolSize: 2 })`. */
export const poolingLayers = {
  /**
   * Max over windows of a sequence `[batch, steps, channels]`.
   * @example
   * ```ts
   * layers.maxPooling1d({ poolSize: 2 }).apply(tensor([[[1], [3], [2], [0]]])); // [[[3], [2]]]
   * ```
   */
  maxPooling1d: (args: Pooling1DArgs = {}) => new MaxPooling1D(args),
  /**
   * Max over windows of an image `[batch, rows, cols, channels]`.
   * @example
   * ```ts
   * layers.maxPooling2d({ poolSize: 2 }).apply(ones([1, 4, 4, 3])); // shape [1, 2, 2, 3]
   * ```
   */
  maxPooling2d: (args: Pooling2DArgs = {}) => new MaxPooling2D(args),
  /**
   * Mean over windows of a sequence.
   * @example
   * ```ts
   * layers.averagePooling1d({ poolSize: 2 }).apply(tensor([[[1], [3], [2], [0]]])); // [[[2], [1]]]
   * ```
   */
  averagePooling1d: (args: Pooling1DArgs = {}) => new AveragePooling1D(args),
  /**
   * Mean over windows of an image.
   * @example
   * ```ts
   * layers.averagePooling2d({ poolSize: 2 }).apply(ones([1, 4, 4, 3])); // shape [1, 2, 2, 3]
   * ```
   */
  averagePooling2d: (args: Pooling2DArgs = {}) => new AveragePooling2D(args),
  /**
   * Mean over all steps of a sequence: `[batch, channels]`.
   * @example
   * ```ts
   * layers.globalAveragePooling1d().apply(tensor([[[1], [3]]])); // [[2]]
   * ```
   */
  globalAveragePooling1d: (args: GlobalPoolingArgs = {}) => new GlobalAveragePooling1D(args),
  /**
   * Mean over all rows and columns of an image: `[batch, channels]`.
   * @example
   * ```ts
   * layers.globalAveragePooling2d().apply(ones([2, 4, 4, 3])); // shape [2, 3]
   * ```
   */
  globalAveragePooling2d: (args: GlobalPoolingArgs = {}) => new GlobalAveragePooling2D(args),
  /**
   * Max over all steps of a sequence: `[batch, channels]`.
   * @example
   * ```ts
   * layers.globalMaxPooling1d().apply(tensor([[[1], [3]]])); // [[3]]
   * ```
   */
  globalMaxPooling1d: (args: GlobalPoolingArgs = {}) => new GlobalMaxPooling1D(args),
  /**
   * Max over all rows and columns of an image: `[batch, channels]`.
   * @example
   * ```ts
   * layers.globalMaxPooling2d().apply(ones([2, 4, 4, 3])); // shape [2, 3]
   * ```
   */
  globalMaxPooling2d: (args: GlobalPoolingArgs = {}) => new GlobalMaxPooling2D(args),
};
