import { fromValues } from '../engine/engine.js';
import { randomFor } from '../tensor/rng.js';
import { assertValidShape, formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import { asTensor, assertDType, type TensorLike } from './convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { LaminaRangeError, LaminaTypeError } from '../errors.js';

export interface RandomOptions {
  seed?: number;
}

function checkFinite(values: Record<string, number>, op: string): void {
  for (const [k, v] of Object.entries(values)) {
    if (!Number.isFinite(v))
      throw new LaminaRangeError(
        'invalid-argument',
        `${op}: ${k} must be a finite number, received ${v}`,
      );
  }
}

export function randomNormal(shape: Shape, mean = 0, stddev = 1, seed?: number): Tensor {
  assertValidShape(shape, 'randomNormal');
  checkFinite({ mean, stddev }, 'randomNormal');
  if (stddev < 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `randomNormal: stddev must be >= 0, received ${stddev}`,
    );
  const rng = randomFor(seed);
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = mean + stddev * rng.normal();
  return fromValues(values, shape, 'float32');
}

/** Uniform in [minval, maxval). */
export function randomUniform(shape: Shape, minval = 0, maxval = 1, seed?: number): Tensor {
  assertValidShape(shape, 'randomUniform');
  checkFinite({ minval, maxval }, 'randomUniform');
  if (maxval < minval)
    throw new LaminaRangeError(
      'invalid-argument',
      `randomUniform: maxval (${maxval}) must be >= minval (${minval})`,
    );
  const rng = randomFor(seed);
  const values = new Float32Array(sizeOf(shape));
  const span = maxval - minval;
  // Rounding to float32 can land exactly on maxval; keep the interval half-open.
  const below = float32Below(maxval);
  for (let i = 0; i < values.length; i++) {
    const v = Math.fround(minval + span * rng.uniform());
    values[i] = v >= maxval && span > 0 ? below : v;
  }
  return fromValues(values, shape, 'float32');
}

/** The largest float32 strictly below `x`. */
function float32Below(x: number): number {
  const f = Math.fround(x);
  if (f < x) return f;
  if (f === 0) return -1.401298464324817e-45;
  const bits = new Int32Array(new Float32Array([f]).buffer);
  bits[0] = (bits[0] as number) + (f > 0 ? -1 : 1);
  return new Float32Array(bits.buffer)[0] as number;
}

/** Normal values redrawn until they fall within two standard deviations, as TensorFlow does. */
export function truncatedNormal(shape: Shape, mean = 0, stddev = 1, seed?: number): Tensor {
  assertValidShape(shape, 'truncatedNormal');
  checkFinite({ mean, stddev }, 'truncatedNormal');
  if (stddev < 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `truncatedNormal: stddev must be >= 0, received ${stddev}`,
    );
  const rng = randomFor(seed);
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    values[i] = mean + stddev * z;
  }
  return fromValues(values, shape, 'float32');
}

/**
 * The inverted-dropout mask: each element is 0 with probability `rate`, else 1 / (1 - rate),
 * so that `x * mask` keeps the expected value of x.
 */
export function dropoutMask(shape: Shape, rate: number, seed?: number): Tensor {
  assertValidShape(shape, 'dropoutMask');
  if (!(rate >= 0 && rate < 1))
    throw new LaminaRangeError(
      'invalid-argument',
      `dropoutMask: rate must be in [0, 1), received ${rate}`,
    );
  const rng = randomFor(seed);
  const values = new Float32Array(sizeOf(shape));
  const keep = 1 / (1 - rate);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform() >= rate ? keep : 0;
  return fromValues(values, shape, 'float32');
}

/**
 * `numSamples` draws from the categorical distribution of each row of `logits` ([classes] or
 * [batch, classes]): int32 class indices of shape [numSamples] or [batch, numSamples], as
 * TensorFlow.js's `multinomial`. With `normalized` the rows are probabilities (non-negative,
 * summing to 1) rather than unnormalized log-probabilities. Seeded like every random op.
 */
export function multinomial(
  logits: TensorLike,
  numSamples: number,
  seed?: number,
  normalized = false,
): Tensor {
  const op = 'multinomial';
  const t = asTensor(logits, op, 'logits');
  assertDType(t, ['float32'], op, 'logits');
  if (t.rank !== 1 && t.rank !== 2) {
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: logits must have rank 1 [classes] or 2 [batch, classes], received shape ${formatShape(t.shape)}`,
    );
  }
  if (!Number.isInteger(numSamples) || numSamples < 0)
    throw new LaminaRangeError(
      'invalid-argument',
      `${op}: numSamples must be a non-negative integer, received ${String(numSamples)}`,
    );
  if (typeof normalized !== 'boolean')
    throw new LaminaTypeError(
      'invalid-argument',
      `${op}: normalized must be a boolean, received ${String(normalized)}`,
    );
  const classes = t.shape[t.rank - 1] as number;
  const batch = t.rank === 1 ? 1 : (t.shape[0] as number);
  if (classes === 0)
    throw new LaminaRangeError('invalid-argument', `${op}: logits have no classes to draw from`);
  const values = t.dataSync();
  const rng = randomFor(seed);
  const out = new Int32Array(batch * numSamples);
  for (let b = 0; b < batch; b++) {
    const row = Array.from(values.subarray(b * classes, (b + 1) * classes));
    const cdf = cumulative(normalized ? row : softmax64(row), `${op}: row ${b} of logits`);
    for (let s = 0; s < numSamples; s++) {
      // The first class whose cumulative probability exceeds the draw (scaled by the total, so
      // rounding in the probabilities never leaves a draw past the last class).
      const u = rng.uniform() * (cdf[classes - 1] as number);
      let c = 0;
      while (c < classes - 1 && (cdf[c] as number) <= u) c++;
      out[b * numSamples + s] = c;
    }
  }
  return fromValues(out, t.rank === 1 ? [numSamples] : [batch, numSamples], 'int32');
}

/** Softmax in float64 of one row; -Infinity logits get probability 0. */
function softmax64(row: readonly number[]): number[] {
  const top = Math.max(...row);
  const e = row.map((v) => (top === -Infinity ? 1 : Math.exp(v - top)));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/** Running sums of probabilities, refusing negative, NaN or all-zero ones. */
function cumulative(probabilities: readonly number[], where: string): Float64Array {
  const cdf = new Float64Array(probabilities.length);
  let acc = 0;
  probabilities.forEach((p, i) => {
    if (!(p >= 0) || p === Infinity)
      throw new LaminaRangeError(
        'invalid-argument',
        `${where}: probabilities must be finite and non-negative, received ${p} at class ${i}`,
      );
    acc += p;
    cdf[i] = acc;
  });
  if (!(acc > 0))
    throw new LaminaRangeError('invalid-argument', `${where}: the probabilities sum to 0`);
  return cdf;
}
