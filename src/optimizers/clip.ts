/** Gradient clipping as Keras 3 does it: by value, by each gradient's norm, or by the global norm. */
import { scalar } from '../ops/convert.js';
import { add, clipByValue, div, maximum, mul, sqrt, square } from '../ops/elementwise.js';
import { sum } from '../ops/reduction.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ClipOptions {
  readonly clipNorm: number | null;
  readonly clipValue: number | null;
  readonly globalClipNorm: number | null;
}

/**
 * clipValue: each element into [-c, c]. clipNorm: g * c / max(||g||, c) per gradient.
 * globalClipNorm: every g * c / max(sqrt(sum of all ||g||^2), c). Norms are only compared with
 * c (never divided by), so a zero gradient stays zero, without NaN.
 */
export function clipGradients(grads: Tensor[], options: ClipOptions): Tensor[] {
  const { clipNorm, clipValue, globalClipNorm } = options;
  if (clipValue !== null) return grads.map((g) => clipByValue(g, -clipValue, clipValue));
  if (clipNorm !== null) {
    return grads.map((g) => mul(g, div(scalar(clipNorm), maximum(sqrt(sum(square(g))), clipNorm))));
  }
  if (globalClipNorm !== null && grads.length > 0) {
    const total = grads.map((g) => sum(square(g))).reduce((a, b) => add(a, b));
    const factor = div(scalar(globalClipNorm), maximum(sqrt(total), globalClipNorm));
    return grads.map((g) => mul(g, factor));
  }
  return grads;
}
