/**
 * Selecting elements by value: `topk` (TensorFlow.js's `tf.topk`). The positions are found in
 * TypeScript over the values read back (an int32 result with no gradient, as random ops draw
 * theirs); the values are then gathered from the input, so they are differentiable through the
 * Gather rule without a kernel of their own.
 */
import { fromValues } from '../engine/engine.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, assertDType, type TensorLike } from './convert.js';
import { gather, reshape } from './movement.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

/**
 * The `k` largest entries along the last dimension and their indices (int32), largest first;
 * equal values in index order, NaN above every number (as TensorFlow.js). `sorted` false allows
 * any order in TensorFlow.js; here the order is always the sorted one.
 */
export function topk(x: TensorLike, k = 1, sorted = true): { values: Tensor; indices: Tensor } {
  const op = 'topk';
  const t = asTensor(x, op, 'x');
  assertDType(t, ['float32', 'int32'], op, 'x');
  if (t.rank === 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: x must have rank >= 1, received a scalar`,
    );
  const n = t.shape[t.rank - 1] as number;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: k must be an integer in [0, ${n}] (the last dimension of shape ${formatShape(t.shape)}), received ${String(k)}`,
    );
  }
  if (typeof sorted !== 'boolean')
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: sorted must be a boolean, received ${String(sorted)}`,
    );
  const rows = n === 0 ? 0 : t.size / n;
  const values = t.dataSync();
  const indices = new Int32Array(rows * k);
  // Flat positions into x, to gather the values in one op.
  const flat = new Int32Array(rows * k);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const value = (i: number): number => values[base + i] as number;
    const byValue = (a: number, b: number): number => {
      const va = value(a);
      const vb = value(b);
      if (Number.isNaN(va) || Number.isNaN(vb))
        return Number.isNaN(va) === Number.isNaN(vb) ? a - b : Number.isNaN(va) ? -1 : 1;
      return vb - va || a - b;
    };
    const ranked = order.slice().sort(byValue);
    for (let j = 0; j < k; j++) {
      const i = ranked[j] as number;
      indices[r * k + j] = i;
      flat[r * k + j] = base + i;
    }
  }
  const outShape = [...t.shape.slice(0, -1), k];
  const picked = gather(reshape(t, [t.size]), fromValues(flat, [flat.length], 'int32'));
  return {
    values: reshape(picked, outShape),
    indices: fromValues(indices, outShape, 'int32'),
  };
}
