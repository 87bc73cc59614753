import type { TensorInfo } from '../backend.js';
import { allocate, type DType, type TypedArray } from '../../tensor/dtype.js';
import { sizeOf, type Shape } from '../../tensor/shape.js';

/** The JS backend's handles are the typed arrays themselves. */
export function valuesOf(info: TensorInfo): TypedArray {
  return info.data as TypedArray;
}

export function floatsOf(info: TensorInfo): Float32Array {
  return info.data as Float32Array;
}

export function alloc(out: { shape: Shape; dtype: DType }): TypedArray {
  return allocate(out.dtype, sizeOf(out.shape));
}

/**
 * Strides of `shape` aligned to the right of an output of rank `rank`, with 0 for broadcast
 * (size-1 or missing) dimensions.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] as number;
    const o = rank - shape.length + i;
    strides[o] = d === 1 && (outShape[o] as number) !== 1 ? 0 : s;
    s *= d;
  }
  return strides;
}
