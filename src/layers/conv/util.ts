/**
 * Shared argument handling for the convolution, pooling and resizing layers: Keras-style tuples,
 * data format and padding checks, and output-length arithmetic.
 */
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import { formatSymbolicShape, type SymbolicShape } from '../base/symbolic.js';
import { transpose } from '../../ops/movement.js';
import type { Tensor } from '../../tensor/tensor.js';
import { LaminaRangeError } from '../../errors.js';
import { showJson } from '../../validation/options.js';

export type DataFormat = 'channels_last' | 'channels_first';
/** A number for every spatial dimension, or one tuple entry per dimension. */
export type IntOrTuple = number | readonly number[];

/** Keras 1 weight-argument names accepted (and mapped, with a warning) by kernel-based layers. */
export interface LegacyWeightArgs {
  /** @deprecated Keras 1 name of kernelRegularizer. */
  weightRegularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of kernelRegularizer. */
  W_regularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of biasRegularizer. */
  b_regularizer?: RegularizerIdentifier;
  /** @deprecated Keras 1 name of kernelConstraint. */
  W_constraint?: ConstraintIdentifier | null;
  /** @deprecated Keras 1 name of biasConstraint. */
  b_constraint?: ConstraintIdentifier | null;
}

/**
 * Keras's `standardize_tuple`: a number becomes `n` copies; a tuple must have `n` entries; every
 * entry must be a positive integer (or >= 0 when `allowZero`).
 */
export function normalizeTuple(
  value: unknown,
  n: number,
  arg: string,
  where: string,
  allowZero = false,
): number[] {
  const list = typeof value === 'number' ? new Array<unknown>(n).fill(value) : value;
  const ok =
    Array.isArray(list) &&
    list.length === n &&
    list.every((v) => typeof v === 'number' && Number.isInteger(v) && (allowZero ? v >= 0 : v > 0));
  if (!ok) {
    const what = allowZero ? 'non-negative' : 'positive';
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: Invalid value for argument ${arg}: expected a ${what} integer or a tuple of ${n} ${what} integers. Received: ${arg}=${showJson(value)}`,
    );
  }
  return list as number[];
}

/** 'channels_last' (batch, ..., channels) or 'channels_first' (batch, channels, ...). */
export function checkDataFormat(value: unknown, where: string): DataFormat {
  if (value === undefined || value === null || value === 'channels_last') return 'channels_last';
  if (value === 'channels_first') return 'channels_first';
  throw new LaminaRangeError(
    'invalid-argument',
    `${where}: Invalid value for argument dataFormat: expected 'channels_last' or 'channels_first'. Received: dataFormat=${showJson(value)}`,
  );
}

/*
 * channels_first layers run the channels-last kernels between two transposes: the channels axis
 * moved last on the way in and back to axis 1 on the way out (a no-op for rank 2 outputs).
 */
const lastToFirst = (rank: number): number[] => [0, rank - 1, ...range(1, rank - 1)];
const firstToLast = (rank: number): number[] => [0, ...range(2, rank), 1];
function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** `x` with its channels last (a transpose when it is channels_first). */
export function toChannelsLast(x: Tensor, format: DataFormat): Tensor {
  return format === 'channels_last' || x.rank < 3 ? x : transpose(x, firstToLast(x.rank));
}

/** The inverse of `toChannelsLast`, for a layer's output. */
export function fromChannelsLast(y: Tensor, format: DataFormat): Tensor {
  return format === 'channels_last' || y.rank < 3 ? y : transpose(y, lastToFirst(y.rank));
}

export function shapeToChannelsLast(s: SymbolicShape, format: DataFormat): SymbolicShape {
  return format === 'channels_last' || s.length < 3
    ? s
    : firstToLast(s.length).map((a) => s[a] ?? null);
}

export function shapeFromChannelsLast(s: SymbolicShape, format: DataFormat): SymbolicShape {
  return format === 'channels_last' || s.length < 3
    ? s
    : lastToFirst(s.length).map((a) => s[a] ?? null);
}

/** Keras lower-cases the padding string; `allowed` lists the accepted modes. */
export function checkPadding<P extends string>(
  value: unknown,
  allowed: readonly P[],
  where: string,
  fallback: P,
): P {
  if (value === undefined) return fallback;
  const v = typeof value === 'string' ? value.toLowerCase() : value;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: Invalid value for argument padding: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}. Received: padding=${showJson(value)}`,
    );
  }
  return v as P;
}

/**
 * Keras's output length of a convolution or pooling window along one dimension ('causal' pads
 * on the left and keeps the length, like 'same'). Unknown in, unknown out.
 */
export function convOutputLength(
  length: number | null,
  kernel: number,
  padding: string,
  stride: number,
  dilation: number,
  where: string,
  shape: SymbolicShape,
): number | null {
  if (length === null) return null;
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    if (length < effective) {
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: computed output size would be negative: input shape ${formatSymbolicShape(shape)} has a spatial dimension of ${length}, smaller than the window (${kernel} taps, dilation ${dilation}) with padding 'valid'`,
      );
    }
    return Math.floor((length - effective) / stride) + 1;
  }
  return Math.floor((length - 1) / stride) + 1;
}

/** Keras's `deconv_output_length` (transposed convolution). */
export function deconvOutputLength(
  length: number | null,
  kernel: number,
  padding: string,
  outputPadding: number | null,
  stride: number,
  dilation: number,
): number | null {
  if (length === null) return null;
  const k = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === null) {
    return padding === 'valid' ? length * stride + Math.max(k - stride, 0) : length * stride;
  }
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (length - 1) * stride + k - 2 * pad + outputPadding;
}

/** Checks the input's rank and that its channels are known; returns the channel count. */
export function checkInputShape(shape: SymbolicShape, rank: number, where: string): number {
  if (shape.length !== rank) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: expected an input of rank ${rank} (batch, ${rank === 3 ? 'steps' : 'height, width'}, channels), received shape ${formatSymbolicShape(shape)}`,
    );
  }
  const channels = shape[rank - 1];
  if (channels === null || channels === undefined) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: the channel dimension of the input must be known, received shape ${formatSymbolicShape(shape)}`,
    );
  }
  return channels;
}

/** A 4-D input shape (batch, height, width, channels) or an error naming the layer. */
export function checkRank4(s: SymbolicShape, where: string): void {
  if (s.length !== 4) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${where}: expected an input of rank 4 (batch, height, width, channels), received shape ${formatSymbolicShape(s)}`,
    );
  }
}
