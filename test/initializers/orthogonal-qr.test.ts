/**
 * The Orthogonal initializer's two QRs: float64 JavaScript for small matrices, and float32
 * block-reflector products on the current backend from MATMUL_QR_THRESHOLD on
 * (src/initializers/householder-matmul.ts). The large one must give the float64 one's Q (up to
 * float32 rounding), orthonormal to 1e-5, with R's diagonal signs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  getBackend,
  matMul,
  Orthogonal,
  setBackend,
  tensor,
  type Tensor,
} from '../../src/index.js';
import { householderQR } from '../../src/initializers/householder.js';
import {
  householderQRByMatMul,
  MATMUL_QR_THRESHOLD,
} from '../../src/initializers/householder-matmul.js';
import { Random } from '../../src/tensor/rng.js';
import { assertExact, forEachBackend } from '../helpers.js';

/** The `m x n` standard normal matrix Orthogonal draws for `seed`, row-major. */
function draw(seed: number, m: number, n: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: m * n }, () => rng.normal());
}

/** Q diag(sign(diag(R))), row-major, from the float64 QR. */
function signCorrectedFloat64(a: Float64Array, m: number, n: number): Float64Array {
  const columns = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) columns[j * m + i] = a[i * n + j] as number;
  const { q, rDiag } = householderQR(columns, m, n);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = (q[j * m + i] as number) * ((rDiag[j] as number) < 0 ? -1 : 1);
    }
  }
  return out;
}

/** max |G - I| for the Gram matrix of w's columns (`wide`: of its rows). */
function orthonormalityError(w: Tensor, wide: boolean): number {
  const k = wide ? (w.shape[0] as number) : (w.shape[1] as number);
  const g = (wide ? matMul(w, w, false, true) : matMul(w, w, true, false)).dataSync();
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      worst = Math.max(worst, Math.abs((g[i * k + j] as number) - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

test('the values of a small shape are pinned (the float64 QR, unchanged)', () => {
  // Computed by the float64 QR before the large-matrix path existed.
  assertExact(new Orthogonal({ seed: 7 }).generate([3, 5]), [
    [
      -0.6830118894577026, 0.4497765302658081, -0.28866586089134216, 0.23060652613639832,
      -0.44123518466949463,
    ],
    [
      -0.7188754081726074, -0.3910541832447052, 0.42465001344680786, -0.16100101172924042,
      0.35220134258270264,
    ],
    [
      0.03511994332075119, 0.15413199365139008, 0.1514369696378708, 0.8632460832595825,
      0.4548438489437103,
    ],
  ]);
});

forEachBackend('Orthogonal, large QR', () => {
  test('equals the float64 QR, sign-corrected, on several seeds and shapes', () => {
    for (const [m, n, seed] of [
      [200, 150, 1],
      [256, 256, 2],
      [700, 96, 3],
      [170, 165, 4],
    ] as const) {
      assert.ok(m * n * n >= MATMUL_QR_THRESHOLD, `${m}x${n} takes the large path`);
      const a = draw(seed, m, n);
      const expected = signCorrectedFloat64(a, m, n);
      const { q, rDiag } = householderQRByMatMul(a, m, n);
      const values = q.dataSync();
      let worst = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const sign = (rDiag[j] as number) < 0 ? -1 : 1;
          worst = Math.max(
            worst,
            Math.abs((values[i * n + j] as number) * sign - (expected[i * n + j] as number)),
          );
        }
      }
      assert.ok(worst < 1e-5, `${m}x${n} seed ${seed}: max |Q - Q64| = ${worst}`);
    }
  });

  test('tall, wide and square kernels are orthonormal to 1e-5; R = Q^T A has a positive diagonal', () => {
    for (const [shape, wide] of [
      [[600, 200], false],
      [[200, 600], true],
      [[300, 300], false],
      [[4, 4, 32, 96], false],
    ] as const) {
      const w = new Orthogonal({ seed: 5 }).generate(shape);
      assert.deepEqual([...w.shape], [...shape]);
      const rows = shape.slice(0, -1).reduce((x, y) => x * y, 1);
      const cols = shape[shape.length - 1] as number;
      const err = orthonormalityError(w.reshape([rows, cols]), wide);
      assert.ok(err < 1e-5, `${shape.join('x')}: max |W^T W - I| = ${err}`);
    }
    const [m, n, seed] = [400, 160, 9];
    const q = new Orthogonal({ seed }).generate([m, n]);
    const a = tensor(Float32Array.from(draw(seed, m, n)), [m, n]);
    const r = matMul(q, a, true, false).arraySync() as number[][];
    for (let i = 0; i < n; i++) {
      const row = r[i] as number[];
      assert.ok((row[i] as number) > 0, `R[${i}][${i}] = ${row[i]} should be positive`);
      for (let j = 0; j < i; j++)
        assert.ok(Math.abs(row[j] as number) < 1e-4, `R[${i}][${j}] = ${row[j]}`);
    }
  });

  test('gain scales exactly; a seed gives the same values on every call', () => {
    const w = new Orthogonal({ seed: 6 }).generate([500, 128]);
    assertExact(new Orthogonal({ seed: 6, gain: 2 }).generate([500, 128]), w.mul(2).arraySync());
    assertExact(new Orthogonal({ seed: 6 }).generate([500, 128]), w.arraySync());
  });
});

test("an LSTM(768)'s recurrent kernel [768, 3072] on wasm: rows orthonormal to 1e-5, the float64 QR's values", () => {
  const previous = getBackend();
  setBackend('wasm');
  try {
    const w = new Orthogonal({ seed: 3 }).generate([768, 3072]);
    const err = orthonormalityError(w, true);
    assert.ok(err < 1e-5, `max |W W^T - I| = ${err}`);
    // Values of the float64 QR (before the large-matrix path existed), flat indices.
    const values = w.dataSync();
    for (const [index, expected] of [
      [0, -0.008867988362908363],
      [1, -0.03134620934724808],
      [3071, 0.021972298622131348],
      [3072, -0.011804377660155296],
      [1234567, -0.022545671090483665],
      [2359295, -0.01853230968117714],
    ] as const) {
      const got = values[index] as number;
      assert.ok(
        Math.abs(got - expected) < 1e-6,
        `W.flat[${index}]: expected ${expected}, got ${got}`,
      );
    }
  } finally {
    setBackend(previous);
  }
});
