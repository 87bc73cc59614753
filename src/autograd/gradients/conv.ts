import type { ConvKernels } from '../../backend/kernels.js';
import { runKernel } from '../../engine/engine.js';
import type { GradTable } from './types.js';
import { LaminaError } from '../../errors.js';

const f32 = 'float32' as const;

export const convGradients: GradTable<keyof ConvKernels> = {
  Conv2D: (dy, [x, f], attrs, _y, needs) => [
    needs[0] === false
      ? null
      : runKernel(
          'Conv2DBackpropInput',
          [dy, f],
          { ...attrs, inputShape: x.shape },
          { shape: x.shape, dtype: f32 },
        ),
    runKernel(
      'Conv2DBackpropFilter',
      [x, dy],
      { ...attrs, filterShape: f.shape },
      { shape: f.shape, dtype: f32 },
    ),
  ],
  // conv2dTranspose: the adjoint of the input gradient is the forward convolution.
  Conv2DBackpropInput: (dz, [dy, f], attrs) => [
    runKernel('Conv2D', [dz, f], attrs, { shape: dy.shape, dtype: f32 }),
    runKernel(
      'Conv2DBackpropFilter',
      [dz, dy],
      { ...attrs, filterShape: f.shape },
      { shape: f.shape, dtype: f32 },
    ),
  ],
  Conv2DBackpropFilter: (dg, [x, dy], attrs) => [
    runKernel(
      'Conv2DBackpropInput',
      [dy, dg],
      { ...attrs, inputShape: x.shape },
      { shape: x.shape, dtype: f32 },
    ),
    runKernel('Conv2D', [x, dg], attrs, { shape: dy.shape, dtype: f32 }),
  ],
  DepthwiseConv2D: (dy, [x, f], attrs, _y, needs) => [
    needs[0] === false
      ? null
      : runKernel(
          'DepthwiseConv2DBackpropInput',
          [dy, f],
          { ...attrs, inputShape: x.shape },
          { shape: x.shape, dtype: f32 },
        ),
    runKernel(
      'DepthwiseConv2DBackpropFilter',
      [x, dy],
      { ...attrs, filterShape: f.shape },
      { shape: f.shape, dtype: f32 },
    ),
  ],
  DepthwiseConv2DBackpropInput: (dz, [dy, f], attrs) => [
    runKernel('DepthwiseConv2D', [dz, f], attrs, { shape: dy.shape, dtype: f32 }),
    runKernel(
      'DepthwiseConv2DBackpropFilter',
      [dz, dy],
      { ...attrs, filterShape: f.shape },
      { shape: f.shape, dtype: f32 },
    ),
  ],
  DepthwiseConv2DBackpropFilter: (dg, [x, dy], attrs) => [
    runKernel(
      'DepthwiseConv2DBackpropInput',
      [dy, dg],
      { ...attrs, inputShape: x.shape },
      { shape: x.shape, dtype: f32 },
    ),
    runKernel('DepthwiseConv2D', [x, dg], attrs, { shape: dy.shape, dtype: f32 }),
  ],
  MaxPool: (dy, [x], attrs) => [
    runKernel('MaxPoolGrad', [x, dy], attrs, { shape: x.shape, dtype: f32 }),
  ],
  MaxPoolGrad: () => {
    throw new LaminaError(
      'unsupported',
      'maxPool2d: second-order gradients are not supported (differentiate maxPool2d once)',
    );
  },
  AvgPool: (dy, [x], attrs) => [
    runKernel(
      'AvgPoolGrad',
      [dy],
      { ...attrs, inputShape: x.shape },
      { shape: x.shape, dtype: f32 },
    ),
  ],
  // The pooling gradient is linear in dy; its adjoint is the pooling itself.
  AvgPoolGrad: (dz, [dy], attrs) => [
    runKernel('AvgPool', [dz], attrs, { shape: dy.shape, dtype: f32 }),
  ],
};
