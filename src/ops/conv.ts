/** Convolution and pooling, channels last (NHWC) as in Keras. */
import { runKernel } from '../engine/engine.js';
import type { Conv2DAttrs, Padding2D, PoolAttrs } from '../backend/kernels.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, assertFloat, assertRank, type TensorLike } from './convert.js';
import { expandDims, squeeze } from './movement.js';
import { checkBiasActivation } from './fused.js';
import { LaminaRangeError } from '../errors.js';
import { showJson } from '../validation/options.js';

export type PaddingMode = 'same' | 'valid';
export type Pair = number | readonly [number, number];

function pair(v: Pair, op: string, arg: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: ${arg} must be a positive integer or a pair of them, received ${showJson(v)}`,
    );
  }
  return p;
}

/** Output size and padding of one spatial dimension, as TensorFlow computes them. */
export function convOutputSize(
  inSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
  padding: PaddingMode,
  op = 'convOutputSize',
): { size: number; before: number; after: number } {
  const effective = (filterSize - 1) * dilation + 1;
  if (padding === 'valid' && effective > inSize) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: with padding 'valid' the window (${filterSize} taps, dilation ${dilation}, spanning ${effective}) is larger than the input dimension ${inSize}`,
    );
  }
  if (padding === 'valid')
    return { size: Math.max(0, Math.ceil((inSize - effective + 1) / stride)), before: 0, after: 0 };
  const size = Math.ceil(inSize / stride);
  const total = Math.max((size - 1) * stride + effective - inSize, 0);
  const before = Math.floor(total / 2);
  return { size, before, after: total - before };
}

function checkPadding(padding: string, op: string): asserts padding is PaddingMode {
  if (padding !== 'same' && padding !== 'valid')
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: padding must be 'same' or 'valid', received '${padding}'`,
    );
}

interface Geometry {
  attrs: Conv2DAttrs;
  outShape: number[];
}

function convGeometry(
  xShape: readonly number[],
  fh: number,
  fw: number,
  outChannels: number,
  strides: Pair,
  padding: string,
  dilations: Pair,
  op: string,
): Geometry {
  checkPadding(padding, op);
  const s = pair(strides, op, 'strides');
  const d = pair(dilations, op, 'dilations');
  if ((s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: strides ${JSON.stringify(strides)} and dilations ${JSON.stringify(dilations)} cannot both exceed 1 (as in TensorFlow)`,
    );
  }
  const [n, h, w] = xShape as [number, number, number, number];
  const rows = convOutputSize(h, fh, s[0], d[0], padding, op);
  const cols = convOutputSize(w, fw, s[1], d[1], padding, op);
  const pad: Padding2D = {
    top: rows.before,
    bottom: rows.after,
    left: cols.before,
    right: cols.after,
  };
  return {
    attrs: { strides: s, dilations: d, pad },
    outShape: [n, rows.size, cols.size, outChannels],
  };
}

/**
 * Validates a 4-D NHWC input and 4-D filter whose third dimension is the input channels, and
 * computes the geometry. Output channels: the filter's last dimension for conv2d, input channels
 * times the multiplier for depthwiseConv2d.
 */
function convOperands(
  x: TensorLike,
  filter: TensorLike,
  op: 'conv2d' | 'depthwiseConv2d',
  layout: string,
  strides: Pair,
  padding: PaddingMode,
  dilations: Pair,
): { t: Tensor; f: Tensor; g: Geometry } {
  const t = asTensor(x, op, 'x');
  const f = asTensor(filter, op, 'filter');
  assertFloat(t, op, 'x');
  assertFloat(f, op, 'filter');
  assertRank(t, 4, op, 'x');
  assertRank(f, 4, op, 'filter');
  const [fh, fw, inC, last] = f.shape as [number, number, number, number];
  if (t.shape[3] !== inC) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: input channels must agree: x is ${formatShape(t.shape)} (channels last), filter is ${formatShape(f.shape)} (${layout})`,
    );
  }
  const outChannels = op === 'conv2d' ? last : inC * last;
  return { t, f, g: convGeometry(t.shape, fh, fw, outChannels, strides, padding, dilations, op) };
}

/** x [batch, height, width, inChannels] * filter [fh, fw, inChannels, outChannels]. */
export function conv2d(
  x: TensorLike,
  filter: TensorLike,
  strides: Pair = 1,
  padding: PaddingMode = 'valid',
  dilations: Pair = 1,
): Tensor {
  const { t, f, g } = convOperands(
    x,
    filter,
    'conv2d',
    '[fh, fw, in, out]',
    strides,
    padding,
    dilations,
  );
  return runKernel('Conv2D', [t, f], g.attrs, { shape: g.outShape, dtype: 'float32' });
}

/**
 * activation(conv2d(x, filter) + bias) as one kernel (one output instead of two), with the values
 * of the separate ops: a Conv2D layer with a bias and a linear or relu activation.
 */
export function conv2dBiasActivation(
  x: Tensor,
  filter: Tensor,
  bias: Tensor,
  activation: 'linear' | 'relu',
  strides: Pair = 1,
  padding: PaddingMode = 'valid',
  dilations: Pair = 1,
): Tensor {
  const op = 'conv2dBiasActivation';
  const { t, f, g } = convOperands(
    x,
    filter,
    'conv2d',
    '[fh, fw, in, out]',
    strides,
    padding,
    dilations,
  );
  const channels = f.shape[3] as number;
  checkBiasActivation(op, bias, channels, activation, "the filter's output channels");
  return runKernel(
    'Conv2DBiasActivation',
    [t, f, bias],
    { ...g.attrs, activation },
    { shape: g.outShape, dtype: 'float32' },
  );
}

/** x [batch, width, inChannels] * filter [fw, inChannels, outChannels]. */
export function conv1d(
  x: TensorLike,
  filter: TensorLike,
  stride = 1,
  padding: PaddingMode = 'valid',
  dilation = 1,
): Tensor {
  const op = 'conv1d';
  const t = asTensor(x, op, 'x');
  const f = asTensor(filter, op, 'filter');
  assertRank(t, 3, op, 'x');
  assertRank(f, 3, op, 'filter');
  const y = conv2d(expandDims(t, 1), expandDims(f, 0), [1, stride], padding, [1, dilation]);
  return squeeze(y, 1);
}

/** x [batch, h, w, c] * filter [fh, fw, c, multiplier] -> [batch, oh, ow, c * multiplier]. */
export function depthwiseConv2d(
  x: TensorLike,
  filter: TensorLike,
  strides: Pair = 1,
  padding: PaddingMode = 'valid',
  dilations: Pair = 1,
): Tensor {
  const { t, f, g } = convOperands(
    x,
    filter,
    'depthwiseConv2d',
    '[fh, fw, in, multiplier]',
    strides,
    padding,
    dilations,
  );
  return runKernel('DepthwiseConv2D', [t, f], g.attrs, { shape: g.outShape, dtype: 'float32' });
}

/**
 * The transpose (gradient) of conv2d: x [batch, h, w, inChannels], filter
 * [fh, fw, outChannels, inChannels] as in TensorFlow. The output size defaults to Keras's
 * Conv2DTranspose: h * stride for 'same', (h - 1) * stride + fh for 'valid'.
 */
export function conv2dTranspose(
  x: TensorLike,
  filter: TensorLike,
  outputShape?: readonly [number, number, number, number],
  strides: Pair = 1,
  padding: PaddingMode = 'valid',
): Tensor {
  const op = 'conv2dTranspose';
  const t = asTensor(x, op, 'x');
  const f = asTensor(filter, op, 'filter');
  assertFloat(t, op, 'x');
  assertFloat(f, op, 'filter');
  assertRank(t, 4, op, 'x');
  assertRank(f, 4, op, 'filter');
  checkPadding(padding, op);
  const s = pair(strides, op, 'strides');
  const [n, h, w, c] = t.shape as [number, number, number, number];
  const [fh, fw, outC, inC] = f.shape as [number, number, number, number];
  if (c !== inC)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: input channels must agree: x is ${formatShape(t.shape)}, filter is ${formatShape(f.shape)} ([fh, fw, out, in])`,
    );
  const size = (i: number, k: number, st: number): number =>
    padding === 'same' ? i * st : (i - 1) * st + k;
  const target = outputShape ?? [n, size(h, fh, s[0]), size(w, fw, s[1]), outC];
  if (target.length !== 4 || target[0] !== n || target[3] !== outC) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: outputShape ${JSON.stringify(outputShape)} must be [${n}, height, width, ${outC}]`,
    );
  }
  const g = convGeometry(target, fh, fw, c, s, padding, 1, op);
  if (g.outShape[1] !== h || g.outShape[2] !== w) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: outputShape ${formatShape(target)} does not map back to the input ${formatShape(t.shape)} with strides ${JSON.stringify(strides)} and padding '${padding}'`,
    );
  }
  return runKernel(
    'Conv2DBackpropInput',
    [t, f],
    { ...g.attrs, inputShape: [...target] },
    { shape: target, dtype: 'float32' },
  );
}

function poolGeometry(
  x: Tensor,
  poolSize: Pair,
  strides: Pair | undefined,
  padding: string,
  op: string,
): { attrs: PoolAttrs; outShape: number[] } {
  checkPadding(padding, op);
  assertRank(x, 4, op, 'x');
  const f = pair(poolSize, op, 'poolSize');
  const s = pair(strides ?? poolSize, op, 'strides');
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const rows = convOutputSize(h, f[0], s[0], 1, padding, op);
  const cols = convOutputSize(w, f[1], s[1], 1, padding, op);
  return {
    attrs: {
      filterSize: f,
      strides: s,
      pad: { top: rows.before, bottom: rows.after, left: cols.before, right: cols.after },
    },
    outShape: [n, rows.size, cols.size, c],
  };
}

/** Max over windows; `strides` defaults to `poolSize`, as in Keras. */
export function maxPool2d(
  x: TensorLike,
  poolSize: Pair = 2,
  strides?: Pair,
  padding: PaddingMode = 'valid',
): Tensor {
  const t = asTensor(x, 'maxPool2d', 'x');
  assertFloat(t, 'maxPool2d');
  const g = poolGeometry(t, poolSize, strides, padding, 'maxPool2d');
  return runKernel('MaxPool', [t], g.attrs, { shape: g.outShape, dtype: 'float32' });
}

/** Mean over the in-bounds part of each window (padding is not counted), as in Keras. */
export function avgPool2d(
  x: TensorLike,
  poolSize: Pair = 2,
  strides?: Pair,
  padding: PaddingMode = 'valid',
): Tensor {
  const t = asTensor(x, 'avgPool2d', 'x');
  assertFloat(t, 'avgPool2d');
  const g = poolGeometry(t, poolSize, strides, padding, 'avgPool2d');
  return runKernel('AvgPool', [t], g.attrs, { shape: g.outShape, dtype: 'float32' });
}
