/**
 * Image resizing (`image.resizeBilinear`, `image.resizeNearestNeighbor`, as TensorFlow.js) on
 * [batch, height, width, channels] or [height, width, channels] tensors. Both are composed of
 * gathers along the two spatial axes (and, for bilinear, a weighted sum of two gathers), so
 * they are differentiable through the Gather rule and need no kernel of their own.
 */
import { tensor, asTensor, assertDType } from './convert.js';
import { add, cast, mul } from './elementwise.js';
import { expandDims, gather, squeeze } from './movement.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from './convert.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';
import { showJson } from '../validation/options.js';

/** Where each output row (or column) samples its input for a bilinear resize, and the weight. */
export interface BilinearTaps {
  lower: Int32Array;
  upper: Int32Array;
  /** The weight of `upper` (that of `lower` is 1 - lerp). */
  lerp: Float32Array;
}

/**
 * The scale from output to input coordinates: with alignCorners the corner pixels' centres
 * coincide, (in - 1) / (out - 1); otherwise in / out (TensorFlow's convention).
 */
function resizeScale(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

/**
 * Source taps of a bilinear resize of one dimension from `inSize` to `outSize`: the source
 * coordinate is o * scale, or (o + 0.5) * scale - 0.5 with halfPixelCenters (Keras 3's
 * UpSampling2D), clamped to the input's edges.
 */
export function bilinearTaps(
  inSize: number,
  outSize: number,
  alignCorners = false,
  halfPixelCenters = true,
): BilinearTaps {
  const scale = resizeScale(inSize, outSize, alignCorners);
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const lerp = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = halfPixelCenters ? (o + 0.5) * scale - 0.5 : o * scale;
    const f = Math.floor(src);
    lower[o] = Math.max(f, 0);
    upper[o] = Math.min(Math.ceil(src), inSize - 1);
    lerp[o] = src - f;
  }
  return { lower, upper, lerp };
}

/** The input index each output index copies in a nearest-neighbour resize (TensorFlow's rule). */
export function nearestTaps(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): Int32Array {
  const scale = resizeScale(inSize, outSize, alignCorners);
  const taps = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = halfPixelCenters ? (o + 0.5) * scale : o * scale;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(src) : Math.floor(src));
    taps[o] = Math.max(0, nearest);
  }
  return taps;
}

interface ResizeArgs {
  images: Tensor;
  size: readonly [number, number];
  batched: boolean;
}

function checkResizeArgs(
  op: string,
  images: TensorLike,
  size: readonly [number, number],
  alignCorners: boolean,
  halfPixelCenters: boolean,
): ResizeArgs {
  const t = asTensor(images, op, 'images');
  assertDType(t, ['float32', 'int32'], op, 'images');
  if (t.rank !== 3 && t.rank !== 4) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: images must have rank 4 [batch, height, width, channels] or 3 [height, width, channels], received shape ${formatShape(t.shape)}`,
    );
  }
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: size must be [newHeight, newWidth], two positive integers, received ${showJson(size)}`,
    );
  }
  for (const [name, v] of [
    ['alignCorners', alignCorners],
    ['halfPixelCenters', halfPixelCenters],
  ] as const) {
    if (typeof v !== 'boolean')
      throw new LaminaTypeError(
        'invalid-argument',
        `${op}: ${name} must be a boolean, received ${String(v)}`,
      );
  }
  if (alignCorners && halfPixelCenters) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: alignCorners and halfPixelCenters cannot both be true (halfPixelCenters requires alignCorners false)`,
    );
  }
  const batched = t.rank === 4;
  return { images: batched ? t : expandDims(t, 0), size, batched };
}

const indexTensor = (values: Int32Array): Tensor => tensor(values, [values.length], 'int32');

/** Linear interpolation along `axis` (1 or 2) to `outSize`. */
function bilinearAxis(
  x: Tensor,
  axis: 1 | 2,
  outSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): Tensor {
  const inSize = x.shape[axis] as number;
  // Every convention maps each index to itself when the size does not change.
  if (inSize === outSize) return x;
  const { lower, upper, lerp } = bilinearTaps(inSize, outSize, alignCorners, halfPixelCenters);
  const weightShape = axis === 1 ? [1, outSize, 1, 1] : [1, 1, outSize, 1];
  const w1 = tensor(lerp, weightShape);
  const w0 = tensor(
    lerp.map((v) => 1 - v),
    weightShape,
  );
  const a = gather(x, indexTensor(lower), axis);
  const b = gather(x, indexTensor(upper), axis);
  return add(mul(a, w0), mul(b, w1));
}

/**
 * Bilinear resize to `size` = [newHeight, newWidth]. int32 images give float32, as TensorFlow.js.
 * Differentiable with respect to the images.
 */
export function resizeBilinear(
  images: TensorLike,
  size: readonly [number, number],
  alignCorners = false,
  halfPixelCenters = false,
): Tensor {
  const op = 'image.resizeBilinear';
  const args = checkResizeArgs(op, images, size, alignCorners, halfPixelCenters);
  const x = cast(args.images, 'float32');
  const rows = bilinearAxis(x, 1, size[0], alignCorners, halfPixelCenters);
  const y = bilinearAxis(rows, 2, size[1], alignCorners, halfPixelCenters);
  return args.batched ? y : squeeze(y, 0);
}

/**
 * Nearest-neighbour resize to `size` = [newHeight, newWidth]; keeps the dtype. Differentiable
 * with respect to the images (each input pixel receives the gradients of its copies).
 */
export function resizeNearestNeighbor(
  images: TensorLike,
  size: readonly [number, number],
  alignCorners = false,
  halfPixelCenters = false,
): Tensor {
  const op = 'image.resizeNearestNeighbor';
  const args = checkResizeArgs(op, images, size, alignCorners, halfPixelCenters);
  const x = args.images;
  const [, h, w] = x.shape as [number, number, number, number];
  const rows = gather(x, indexTensor(nearestTaps(h, size[0], alignCorners, halfPixelCenters)), 1);
  const y = gather(rows, indexTensor(nearestTaps(w, size[1], alignCorners, halfPixelCenters)), 2);
  return args.batched ? y : squeeze(y, 0);
}

/** TensorFlow.js's `tf.image` namespace, for what Lamina implements. */
export const image = { resizeBilinear, resizeNearestNeighbor } as const;
