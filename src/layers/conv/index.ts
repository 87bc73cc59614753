/** Convolution, padding and upsampling layers (channels last), as classes and factories. */
import { Conv1D, Conv2D, type Conv1DArgs, type Conv2DArgs } from './conv.js';
import {
  DepthwiseConv2D,
  SeparableConv2D,
  type DepthwiseConv2DArgs,
  type SeparableConv2DArgs,
} from './depthwise.js';
import { ZeroPadding2D, type ZeroPadding2DArgs } from './padding.js';
import { UpSampling2D, type UpSampling2DArgs } from './upsampling.js';
import { Conv2DTranspose, type Conv2DTransposeArgs } from './transpose.js';

export { BaseConv, type ConvCommonArgs } from './conv.js';
export { type UpSamplingInterpolation } from './upsampling.js';
export { bilinearTaps } from '../../ops/image.js';
export type { DataFormat, IntOrTuple } from './util.js';
export {
  Conv1D,
  Conv2D,
  DepthwiseConv2D,
  SeparableConv2D,
  Conv2DTranspose,
  ZeroPadding2D,
  UpSampling2D,
};
export type {
  Conv1DArgs,
  Conv2DArgs,
  DepthwiseConv2DArgs,
  SeparableConv2DArgs,
  Conv2DTransposeArgs,
  ZeroPadding2DArgs,
  UpSampling2DArgs,
};

/** Factories in TensorFlow.js style: `convLayers.conv2d({ filters: 8, kernelSize: 3 })`. */
export const convLayers = {
  /**
   * 1D convolution over `[batch, steps, channels]`.
   * @example
   * ```ts
   * layers.conv1d({ filters: 4, kernelSize: 3 }).apply(ones([1, 10, 2])); // shape [1, 8, 4]
   * ```
   */
  conv1d: (args: Conv1DArgs) => new Conv1D(args),
  /**
   * 2D convolution over `[batch, rows, cols, channels]` (channels last), with kernel and activity penalties.
   * @example
   * ```ts
   * const layer = layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelRegularizer: l2(1e-4) });
   * layer.apply(ones([1, 5, 5, 3])); // shape [1, 5, 5, 8]
   * ```
   */
  conv2d: (args: Conv2DArgs) => new Conv2D(args),
  /**
   * Depthwise 2D convolution: each input channel convolved with its own `depthMultiplier` filters.
   * @example
   * ```ts
   * layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }).apply(ones([1, 5, 5, 3])); // shape [1, 3, 3, 6]
   * ```
   */
  depthwiseConv2d: (args: DepthwiseConv2DArgs) => new DepthwiseConv2D(args),
  /**
   * Depthwise then pointwise (1x1) 2D convolution.
   * @example
   * ```ts
   * layers.separableConv2d({ filters: 4, kernelSize: 3 }).apply(ones([1, 5, 5, 3])); // shape [1, 3, 3, 4]
   * ```
   */
  separableConv2d: (args: SeparableConv2DArgs) => new SeparableConv2D(args),
  /**
   * Transposed 2D convolution (upsampling with learned filters).
   * @example
   * ```ts
   * layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }).apply(ones([1, 3, 3, 4])); // shape [1, 6, 6, 2]
   * ```
   */
  conv2dTranspose: (args: Conv2DTransposeArgs) => new Conv2DTranspose(args),
  /**
   * Pads rows and columns of an image with zeros.
   * @example
   * ```ts
   * layers.zeroPadding2d({ padding: 1 }).apply(ones([1, 2, 2, 1])); // shape [1, 4, 4, 1]
   * ```
   */
  zeroPadding2d: (args: ZeroPadding2DArgs = {}) => new ZeroPadding2D(args),
  /**
   * Repeats rows and columns (nearest) or interpolates them (bilinear).
   * @example
   * ```ts
   * layers.upSampling2d({ size: 2 }).apply(ones([1, 2, 2, 1])); // shape [1, 4, 4, 1]
   * ```
   */
  upSampling2d: (args: UpSampling2DArgs = {}) => new UpSampling2D(args),
};
