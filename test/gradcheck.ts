/**
 * Finite-difference gradient checks. The analytic gradient of L = sum(f(xs) * w), for a fixed
 * random weighting w, is compared with central differences (L(x + h) - L(x - h)) / 2h evaluated
 * in float64 here from float32 forward passes. A random w (not ones) catches gradients that are
 * right only up to a permutation or a sum.
 */
import assert from 'node:assert/strict';
import { grads, mul, sum, tensor, type Tensor } from '../src/index.js';
import { Random } from '../src/tensor/rng.js';

export interface GradCheckOptions {
  /** Step for the central differences. */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Indices of inputs not to check (e.g. integer indices). */
  skip?: readonly number[];
}

export function checkGrad(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {},
): void {
  const { eps = 1e-2, rtol = 2e-2, atol = 2e-3, skip = [] } = options;
  const probe = f(...inputs);
  const rng = new Random(12345);
  const weights = new Float32Array(probe.size);
  for (let i = 0; i < weights.length; i++) weights[i] = 0.5 + rng.uniform();
  const w = tensor(weights, probe.shape);
  const loss = (...xs: Tensor[]): Tensor => sum(mul(f(...xs), w));
  const lossValue = (xs: readonly Tensor[]): number => {
    const out = f(...xs).dataSync();
    let acc = 0;
    for (let i = 0; i < out.length; i++) acc += (out[i] as number) * (weights[i] as number);
    return acc;
  };
  const analytic = grads(loss)(inputs);
  inputs.forEach((x, k) => {
    if (skip.includes(k) || x.dtype !== 'float32') return;
    const base = x.dataSync() as Float32Array;
    const got = analytic[k] as Tensor;
    assert.deepEqual([...got.shape], [...x.shape], `gradient ${k} shape`);
    const g = got.dataSync();
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i] = (base[i] as number) + eps;
      minus[i] = (base[i] as number) - eps;
      const xsPlus = inputs.map((t, j) => (j === k ? tensor(plus, x.shape) : t));
      const xsMinus = inputs.map((t, j) => (j === k ? tensor(minus, x.shape) : t));
      const numeric = (lossValue(xsPlus) - lossValue(xsMinus)) / (2 * eps);
      const a = g[i] as number;
      assert.ok(
        Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric),
        `input ${k}, element ${i}: analytic ${a} vs numeric ${numeric}`,
      );
    }
  });
}
