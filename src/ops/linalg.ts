/** Matrix products. Batch dimensions broadcast; transposes cost nothing extra. */
import { runKernel } from '../engine/engine.js';
import { broadcastShapes, formatShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, assertFloat, type TensorLike } from './convert.js';
import { mul } from './elementwise.js';
import { broadcastTo, reshape } from './movement.js';
import { LaminaRangeError } from '../errors.js';

/**
 * a [..., m, k] x b [..., k, n] -> [..., m, n] (with the last two dimensions of a or b swapped
 * first when `transposeA` / `transposeB`). Both operands need rank >= 2.
 */
export function matMul(
  a: TensorLike,
  b: TensorLike,
  transposeA = false,
  transposeB = false,
): Tensor {
  const op = 'matMul';
  const x = asTensor(a, op, 'a');
  const y = asTensor(b, op, 'b');
  assertFloat(x, op, 'a');
  assertFloat(y, op, 'b');
  if (x.rank < 2 || y.rank < 2) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: both operands need rank >= 2, received a ${formatShape(x.shape)} and b ${formatShape(y.shape)} (use dot for vectors)`,
    );
  }
  const [a1, a2] = x.shape.slice(-2) as [number, number];
  const [b1, b2] = y.shape.slice(-2) as [number, number];
  const m = transposeA ? a2 : a1;
  const k = transposeA ? a1 : a2;
  const kb = transposeB ? b2 : b1;
  const n = transposeB ? b1 : b2;
  if (k !== kb) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: inner dimensions must agree: a is ${formatShape(x.shape)}${transposeA ? ' (transposed)' : ''}, b is ${formatShape(y.shape)}${transposeB ? ' (transposed)' : ''}`,
    );
  }
  const batchA = x.shape.slice(0, -2);
  const batchB = y.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, op);
  const ba = sizeOf(batchA);
  const bb = sizeOf(batchB);
  const bOut = sizeOf(batch);
  // The kernel broadcasts a batch of 1 against any; other batch broadcasts are materialized.
  // (An empty batch is materialized too, so that the kernel sees a batch of 0 on both sides.)
  const xa = ba === bOut || (ba === 1 && bOut > 0) ? x : broadcastTo(x, [...batch, a1, a2]);
  const yb = bb === bOut || (bb === 1 && bOut > 0) ? y : broadcastTo(y, [...batch, b1, b2]);
  const x3 = reshape(xa, [sizeOf(xa.shape.slice(0, -2)), a1, a2]);
  const y3 = reshape(yb, [sizeOf(yb.shape.slice(0, -2)), b1, b2]);
  const out = runKernel(
    'BatchMatMul',
    [x3, y3],
    { transposeA, transposeB },
    { shape: [Math.max(x3.shape[0] as number, y3.shape[0] as number), m, n], dtype: 'float32' },
  );
  return reshape(out, [...batch, m, n]);
}

/** Dot product of vectors, matrix-vector, vector-matrix or matrix-matrix, like `tf.dot`. */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a, 'dot', 'a');
  const y = asTensor(b, 'dot', 'b');
  if (x.rank < 1 || x.rank > 2 || y.rank < 1 || y.rank > 2) {
    throw new LaminaRangeError(
      'invalid-argument',
      `dot: operands must be vectors or matrices, received ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  }
  const x2 = x.rank === 1 ? reshape(x, [1, x.size]) : x;
  const y2 = y.rank === 1 ? reshape(y, [y.size, 1]) : y;
  const k1 = x2.shape[1] as number;
  const k2 = y2.shape[0] as number;
  if (k1 !== k2)
    throw new LaminaRangeError(
      'invalid-argument',
      `dot: inner dimensions must agree: a is ${formatShape(x.shape)}, b is ${formatShape(y.shape)}`,
    );
  const p = matMul(x2, y2);
  if (x.rank === 1 && y.rank === 1) return reshape(p, []);
  if (x.rank === 1) return reshape(p, [p.shape[1] as number]);
  if (y.rank === 1) return reshape(p, [p.shape[0] as number]);
  return p;
}

/** v1 [m] and v2 [n] -> [m, n] with entries v1[i] * v2[j]. */
export function outerProduct(v1: TensorLike, v2: TensorLike): Tensor {
  const x = asTensor(v1, 'outerProduct', 'v1');
  const y = asTensor(v2, 'outerProduct', 'v2');
  if (x.rank !== 1 || y.rank !== 1)
    throw new LaminaRangeError(
      'invalid-argument',
      `outerProduct: both operands must be vectors, received ${formatShape(x.shape)} and ${formatShape(y.shape)}`,
    );
  return mul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
}
