/**
 * Ops whose TensorFlow.js signatures differ from the Keras face's: a dtype before the seed in
 * the random ops, positional `variable(value, trainable, name, dtype)`, `eye` with a batch
 * shape, the convolutions with a data format, and `customGrad` with `save`.
 */
import { customGrad as laminaCustomGrad, type CustomGradResult } from '../autograd/grad.js';
import {
  conv1d as laminaConv1d,
  conv2d as laminaConv2d,
  depthwiseConv2d as laminaDepthwiseConv2d,
  type PaddingMode,
  type Pair,
} from '../ops/conv.js';
import type { TensorLike } from '../ops/convert.js';
import { eye as laminaEye, variable as laminaVariable } from '../ops/creation.js';
import { cast } from '../ops/elementwise.js';
import { broadcastTo, expandDims } from '../ops/movement.js';
import {
  randomNormal as laminaRandomNormal,
  randomUniform as laminaRandomUniform,
  truncatedNormal as laminaTruncatedNormal,
} from '../ops/random.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

function floatResult(t: Tensor, dtype: DType | undefined, op: string): Tensor {
  if (dtype === undefined || dtype === 'float32') return t;
  if (dtype === 'int32') return cast(t, 'int32');
  throw new LaminaTypeError(
    'invalid-argument',
    `${op}: dtype must be 'float32' or 'int32', received ${String(dtype)}`,
  );
}

export function randomNormal(
  shape: Shape,
  mean = 0,
  stdDev = 1,
  dtype?: 'float32' | 'int32',
  seed?: number,
): Tensor {
  return floatResult(laminaRandomNormal(shape, mean, stdDev, seed), dtype, 'randomNormal');
}

export function randomUniform(
  shape: Shape,
  minval = 0,
  maxval = 1,
  dtype?: DType,
  seed?: number | string,
): Tensor {
  if (typeof seed === 'string')
    throw new LaminaTypeError(
      'invalid-argument',
      `randomUniform: seed must be a number here, received the string '${seed}'`,
    );
  return floatResult(laminaRandomUniform(shape, minval, maxval, seed), dtype, 'randomUniform');
}

export function truncatedNormal(
  shape: Shape,
  mean = 0,
  stdDev = 1,
  dtype?: 'float32' | 'int32',
  seed?: number,
): Tensor {
  return floatResult(laminaTruncatedNormal(shape, mean, stdDev, seed), dtype, 'truncatedNormal');
}

/** TensorFlow.js's `variable(initialValue, trainable = true, name?, dtype?)`. */
export function variable(
  initialValue: Tensor,
  trainable = true,
  name?: string,
  dtype?: DType,
): Variable {
  const value = dtype === undefined ? initialValue : cast(initialValue, dtype);
  return laminaVariable(value, { trainable, name });
}

/** An identity matrix, repeated over `batchShape` when given. */
export function eye(
  numRows: number,
  numColumns?: number,
  batchShape?: readonly number[],
  dtype: DType = 'float32',
): Tensor {
  const m = laminaEye(numRows, numColumns ?? numRows, dtype);
  if (batchShape === undefined || batchShape.length === 0) return m;
  let out = m;
  for (let i = 0; i < batchShape.length; i++) out = expandDims(out, 0);
  return broadcastTo(out, [...batchShape, ...m.shape]);
}

function channelsLast(dataFormat: string, expected: string, op: string): void {
  if (dataFormat !== expected)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: dataFormat must be '${expected}' (channels last), received ${String(dataFormat)}; transpose the input to channels last first`,
    );
}

/** TensorFlow.js's `conv2d(x, filter, strides, pad, dataFormat = 'NHWC', dilations)`. */
export function conv2d(
  x: TensorLike,
  filter: TensorLike,
  strides: Pair,
  pad: PaddingMode,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
  dilations: Pair = 1,
): Tensor {
  channelsLast(dataFormat, 'NHWC', 'conv2d');
  return laminaConv2d(x, filter, strides, pad, dilations);
}

/** TensorFlow.js's `conv1d(x, filter, stride, pad, dataFormat = 'NWC', dilation)`. */
export function conv1d(
  x: TensorLike,
  filter: TensorLike,
  stride: number,
  pad: PaddingMode,
  dataFormat: 'NWC' | 'NCW' = 'NWC',
  dilation = 1,
): Tensor {
  channelsLast(dataFormat, 'NWC', 'conv1d');
  return laminaConv1d(x, filter, stride, pad, dilation);
}

/** TensorFlow.js's `depthwiseConv2d(x, filter, strides, pad, dataFormat = 'NHWC', dilations)`. */
export function depthwiseConv2d(
  x: TensorLike,
  filter: TensorLike,
  strides: Pair,
  pad: PaddingMode,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
  dilations: Pair = 1,
): Tensor {
  channelsLast(dataFormat, 'NHWC', 'depthwiseConv2d');
  return laminaDepthwiseConv2d(x, filter, strides, pad, dilations);
}

export interface TfjsCustomGradResult {
  value: Tensor;
  gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[];
}

/**
 * TensorFlow.js's `customGrad`: `f(...inputs, save)` returns `{ value, gradFunc(dy, saved) }`,
 * where `saved` holds what `f` passed to `save`.
 */
export function customGrad(
  f: (...args: [...Tensor[], (tensors: Tensor[]) => void]) => TfjsCustomGradResult,
): (...inputs: Tensor[]) => Tensor {
  return laminaCustomGrad((...inputs: Tensor[]): CustomGradResult => {
    let saved: Tensor[] = [];
    const save = (tensors: Tensor[]): void => {
      saved = [...tensors];
    };
    const result = f(...inputs, save);
    return { value: result.value, gradFunc: (dy) => result.gradFunc(dy, saved) };
  });
}
