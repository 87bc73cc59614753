import type { ConvKernels, UnrecordedKernelName } from '../../backend/kernels.js';
import { runKernel } from '../../engine/engine.js';
import { MaxPoolGradTerm } from './relu-pool.js';
import type { GradTable } from './types.js';

const f32 = 'float32' as const;

/**
 * Rules for the convolution and pooling kernels, written with the backward kernels (which are
 * primitives of their own and never recorded).
 */
export const convGradients: GradTable<Exclude<keyof ConvKernels, UnrecordedKernelName>> = {
  Conv2D: ({ dy, inputs: [x, f], attrs, needs }) => [
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
  Conv2DBackpropInput: ({ dy: dz, inputs: [dy, f], attrs }) => [
    runKernel('Conv2D', [dz, f], attrs, { shape: dy.shape, dtype: f32 }),
    runKernel(
      'Conv2DBackpropFilter',
      [dz, dy],
      { ...attrs, filterShape: f.shape },
      { shape: f.shape, dtype: f32 },
    ),
  ],
  DepthwiseConv2D: ({ dy, inputs: [x, f], attrs, needs }) => [
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
  // Left unevaluated, so that a relu before the pooling folds its gradient in (./relu-pool.ts).
  MaxPool: ({ dy, inputs: [x], attrs }) => [new MaxPoolGradTerm(x, dy, attrs)],
  AvgPool: ({ dy, inputs: [x], attrs }) => [
    runKernel(
      'AvgPoolGrad',
      [dy],
      { ...attrs, inputShape: x.shape },
      { shape: x.shape, dtype: f32 },
    ),
  ],
};
