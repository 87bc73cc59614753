import { fromValues } from '../engine/engine.js';
import { randomFor } from '../tensor/rng.js';
import { assertValidShape, sizeOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface RandomOptions {
  seed?: number;
}

function checkFinite(values: Record<string, number>, op: string): void {
  for (const [k, v] of Object.entries(values)) {
    if (!Number.isFinite(v))
      throw new RangeError(`${op}: ${k} must be a finite number, received ${v}`);
  }
}

export function randomNormal(shape: Shape, mean = 0, stddev = 1, seed?: number): Tensor {
  assertValidShape(shape, 'randomNormal');
  checkFinite({ mean, stddev }, 'randomNormal');
  if (stddev < 0) throw new RangeError(`randomNormal: stddev must be >= 0, received ${stddev}`);
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
    throw new RangeError(`randomUniform: maxval (${maxval}) must be >= minval (${minval})`);
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
  if (stddev < 0) throw new RangeError(`truncatedNormal: stddev must be >= 0, received ${stddev}`);
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
    throw new RangeError(`dropoutMask: rate must be in [0, 1), received ${rate}`);
  const rng = randomFor(seed);
  const values = new Float32Array(sizeOf(shape));
  const keep = 1 / (1 - rate);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform() >= rate ? keep : 0;
  return fromValues(values, shape, 'float32');
}
