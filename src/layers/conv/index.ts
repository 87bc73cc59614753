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
  conv1d: (args: Conv1DArgs) => new Conv1D(args),
  conv2d: (args: Conv2DArgs) => new Conv2D(args),
  depthwiseConv2d: (args: DepthwiseConv2DArgs) => new DepthwiseConv2D(args),
  separableConv2d: (args: SeparableConv2DArgs) => new SeparableConv2D(args),
  conv2dTranspose: (args: Conv2DTransposeArgs) => new Conv2DTranspose(args),
  zeroPadding2d: (args: ZeroPadding2DArgs = {}) => new ZeroPadding2D(args),
  upSampling2d: (args: UpSampling2DArgs = {}) => new UpSampling2D(args),
};
