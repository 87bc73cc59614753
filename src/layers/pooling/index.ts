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
  maxPooling1d: (args: Pooling1DArgs = {}) => new MaxPooling1D(args),
  maxPooling2d: (args: Pooling2DArgs = {}) => new MaxPooling2D(args),
  averagePooling1d: (args: Pooling1DArgs = {}) => new AveragePooling1D(args),
  averagePooling2d: (args: Pooling2DArgs = {}) => new AveragePooling2D(args),
  globalAveragePooling1d: (args: GlobalPoolingArgs = {}) => new GlobalAveragePooling1D(args),
  globalAveragePooling2d: (args: GlobalPoolingArgs = {}) => new GlobalAveragePooling2D(args),
  globalMaxPooling1d: (args: GlobalPoolingArgs = {}) => new GlobalMaxPooling1D(args),
  globalMaxPooling2d: (args: GlobalPoolingArgs = {}) => new GlobalMaxPooling2D(args),
};
