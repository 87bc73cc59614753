import { fromValues } from '../engine/engine.js';
import type { DType } from '../tensor/dtype.js';
import { randomFor } from '../tensor/rng.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFinite, checkFloatDType, checkSeed, checkShape, Initializer } from './initializer.js';
import type { SeedOptions } from './random.js';

/**
 * Householder QR of the `m x n` matrix `a` (m >= n), stored by columns (column j is
 * `a[j * m .. (j + 1) * m)`) and overwritten. Returns the reduced Q (`m x n`, also by columns)
 * and the diagonal of R. All in float64.
 */
export function householderQR(
  a: Float64Array,
  m: number,
  n: number,
): { q: Float64Array; rDiag: Float64Array } {
  const reflectors: (Float64Array | null)[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ck = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) norm += (a[ck + i] as number) ** 2;
    norm = Math.sqrt(norm);
    const x0 = a[ck + k] as number;
    // Reflect x onto alpha * e1 with the sign that avoids cancellation in x0 - alpha.
    const alpha = x0 >= 0 ? -norm : norm;
    const v = a.slice(ck + k, ck + m);
    v[0] = x0 - alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += (v[i] as number) ** 2;
    if (vv === 0) {
      // The column is already alpha * e1 (here zero): H_k is the identity.
      reflectors.push(null);
      rDiag[k] = x0;
      continue;
    }
    applyReflector(a, m, k, k, n, v, vv);
    rDiag[k] = a[ck + k] as number;
    reflectors.push(v);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity. H_k touches rows k
  // and below only, where columns j < k of the partial product are still zero.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = reflectors[k];
    if (v === null || v === undefined) continue;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += (v[i] as number) ** 2;
    applyReflector(q, m, k, k, n, v, vv);
  }
  return { q, rDiag };
}

/** Columns `from..to-1` of the column-stored `x` (m rows) become (I - 2 v v^T / vv) x on rows k... */
function applyReflector(
  x: Float64Array,
  m: number,
  k: number,
  from: number,
  to: number,
  v: Float64Array,
  vv: number,
): void {
  const len = m - k;
  for (let j = from; j < to; j++) {
    const base = j * m + k;
    let s = 0;
    for (let i = 0; i < len; i++) s += (v[i] as number) * (x[base + i] as number);
    if (s === 0) continue;
    const f = (2 * s) / vv;
    for (let i = 0; i < len; i++) x[base + i] = (x[base + i] as number) - f * (v[i] as number);
  }
}

export interface OrthogonalOptions extends SeedOptions {
  /** Multiplies the orthogonal matrix; 1 by default. */
  gain?: number;
}

/**
 * `gain` times a random orthogonal matrix, as Keras makes it: the shape is flattened to
 * `[prod(shape[:-1]), shape[-1]]`; a standard normal matrix of shape `[max, min]` of those two
 * (drawn row-major) is factored by QR, Q's columns are multiplied by the signs of R's diagonal
 * (so the result is uniformly distributed), and Q is transposed when there are fewer rows than
 * columns. Columns are orthonormal for a tall shape, rows for a wide one. Rank >= 2 only.
 */
export class Orthogonal extends Initializer {
  readonly className = 'Orthogonal';
  readonly gain: number;
  readonly seed: number | undefined;
  constructor({ gain = 1, seed }: OrthogonalOptions = {}) {
    super();
    this.gain = checkFinite(gain, 'gain', 'Orthogonal');
    this.seed = checkSeed(seed, 'Orthogonal');
  }
  generate(shape: readonly number[], dtype?: DType): Tensor {
    checkFloatDType(dtype, 'Orthogonal');
    checkShape(shape, 'Orthogonal');
    if (shape.length < 2) {
      throw new RangeError(
        `Orthogonal: the shape to initialize must have rank 2 or more, received shape ${formatShape(shape)} of rank ${shape.length}`,
      );
    }
    let rows = 1;
    for (const d of shape.slice(0, -1)) rows *= d;
    const cols = shape[shape.length - 1] as number;
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const rng = randomFor(this.seed);
    // Drawn row-major, as the [m, n] matrix Keras draws; stored by columns for the QR.
    const a = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) a[j * m + i] = rng.normal();
    const { q, rDiag } = householderQR(a, m, n);
    // sign(0) is taken as 1 (Keras's would zero the column; R has a zero diagonal with probability 0).
    const signs = Array.from(rDiag, (d) => (d < 0 ? -this.gain : this.gain));
    const out = new Float32Array(rows * cols);
    for (let j = 0; j < n; j++) {
      const sign = signs[j] as number;
      for (let i = 0; i < m; i++) {
        // Q[i][j]; transposed (to out[j][i]) when there are fewer rows than columns.
        out[rows >= cols ? i * n + j : j * m + i] = (q[j * m + i] as number) * sign;
      }
    }
    return fromValues(out, shape, 'float32');
  }
  getConfig(): { gain: number; seed: number | null } {
    return { gain: this.gain, seed: this.seed ?? null };
  }
}
