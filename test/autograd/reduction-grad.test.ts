/**
 * Finite-difference gradient checks for the reductions over one axis, several axes, all axes and
 * with keepDims. Max, min and the infinity norm get inputs whose absolute values are distinct and
 * at least 0.1 apart, so there are no ties within a finite-difference step.
 *
 * Tolerance: checkGrad defaults (eps 1e-2, rtol 2e-2, atol 2e-3); hand-computed values use
 * assertClose with rtol = atol = 1e-6.
 */
import { test } from 'node:test';
import {
  grad,
  logSumExp,
  max,
  mean,
  min,
  norm,
  prod,
  randomNormal,
  sum,
  tensor,
  variance,
  type Axis,
  type Tensor,
} from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';

/**
 * A [2,3,4] tensor of the values ±(k + 0.5) / 10, k = 0..23, in a seeded shuffled order with
 * seeded signs: all distinct, and all distinct in absolute value.
 */
function distinct(seed: number, shape: number[] = [2, 3, 4]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const values = Array.from({ length: n }, (_, k) => (k + 0.5) / 10);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j] as number, values[i] as number];
  }
  return tensor(
    values.map((v) => (next() < 0.5 ? -v : v)),
    shape,
  );
}

/** The axis choices every reduction is checked over, on a [2,3,4] input. */
const axisCases: { name: string; axis: Axis | undefined; keepDims: boolean }[] = [
  { name: 'axis 0', axis: 0, keepDims: false },
  { name: 'axis 1', axis: 1, keepDims: false },
  { name: 'axis -1', axis: -1, keepDims: false },
  { name: 'axes [0, 2]', axis: [0, 2], keepDims: false },
  { name: 'axes [1, 2]', axis: [1, 2], keepDims: false },
  { name: 'all axes', axis: undefined, keepDims: false },
  { name: 'axis 1, keepDims', axis: 1, keepDims: true },
  { name: 'axes [0, 2], keepDims', axis: [0, 2], keepDims: true },
  { name: 'all axes, keepDims', axis: undefined, keepDims: true },
];

forEachBackend('reduction gradients', () => {
  const x = randomNormal([2, 3, 4], 0, 1, 61);
  const d = distinct(62);

  for (const { name, axis, keepDims } of axisCases) {
    test(`sum: ${name}`, () => checkGrad((t) => sum(t, axis, keepDims), [x]));
    test(`mean: ${name}`, () => checkGrad((t) => mean(t, axis, keepDims), [x]));
    test(`max: ${name}`, () => checkGrad((t) => max(t, axis, keepDims), [d]));
    test(`min: ${name}`, () => checkGrad((t) => min(t, axis, keepDims), [d]));
    test(`logSumExp: ${name}`, () => checkGrad((t) => logSumExp(t, axis, keepDims), [x]));
    test(`variance: ${name}`, () => checkGrad((t) => variance(t, axis, keepDims), [x]));
    test(`norm 1: ${name}`, () => checkGrad((t) => norm(t, 1, axis, keepDims), [d]));
    test(`norm 2: ${name}`, () => checkGrad((t) => norm(t, 2, axis, keepDims), [x]));
    test(`norm Infinity: ${name}`, () => checkGrad((t) => norm(t, Infinity, axis, keepDims), [d]));
    test(`prod: ${name}`, () => {
      // Values in ±[0.75, 1.25] keep the products (and their gradients) of order 1.
      const p = tensor(
        Array.from(d.dataSync(), (v) => Math.sign(v) * (0.75 + Math.abs(v) / 5)),
        [2, 3, 4],
      );
      checkGrad((t) => prod(t, axis, keepDims), [p]);
    });
  }

  test('norm euclidean / fro default', () => {
    checkGrad((t) => norm(t), [x]);
    checkGrad((t) => norm(t, 'fro', [1, 2]), [x]);
  });

  test('sum and mean: exact values', () => {
    const v = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertClose(grad((t) => sum(t, 1))(v), [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    assertClose(grad((t) => mean(t, 0))(v), [
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
    assertClose(grad((t) => mean(t))(v), [
      [1 / 6, 1 / 6, 1 / 6],
      [1 / 6, 1 / 6, 1 / 6],
    ]);
  });

  test('max and min: exact values', () => {
    const v = tensor([
      [1, 5, 3],
      [4, -2, 6],
    ]);
    assertClose(grad((t) => max(t, 1))(v), [
      [0, 1, 0],
      [0, 0, 1],
    ]);
    assertClose(grad((t) => min(t, 0))(v), [
      [1, 0, 1],
      [0, 1, 0],
    ]);
    assertClose(grad((t) => max(t))(v), [
      [0, 0, 0],
      [0, 0, 1],
    ]);
  });

  test('max: ties share the gradient evenly', () => {
    assertClose(grad((t) => max(t))(tensor([3, 1, 3])), [0.5, 0, 0.5]);
    assertClose(grad((t) => min(t, 1))(tensor([[2, 2, 2, 5]])), [[1 / 3, 1 / 3, 1 / 3, 0]]);
  });

  test('prod: no zeros, one zero, two zeros (hand values)', () => {
    assertClose(grad((t) => prod(t))(tensor([2, 3, 4])), [12, 8, 6]);
    // One zero: only the zero gets the product of the others.
    assertClose(grad((t) => prod(t))(tensor([2, 0, 3])), [0, 6, 0]);
    // Two zeros: every gradient is 0.
    assertClose(grad((t) => prod(t))(tensor([0, 2, 0, 3])), [0, 0, 0, 0]);
    // Per row: no zeros, one zero, two zeros, and a negative value.
    const v = tensor([
      [1, 2, 4],
      [2, 0, 3],
      [0, 0, 5],
      [-2, 0, 3],
    ]);
    assertClose(grad((t) => prod(t, 1))(v), [
      [8, 4, 2],
      [0, 6, 0],
      [0, 0, 0],
      [0, -6, 0],
    ]);
    assertClose(grad((t) => prod(t, 1, true))(v), [
      [8, 4, 2],
      [0, 6, 0],
      [0, 0, 0],
      [0, -6, 0],
    ]);
    // Per column: [1,2,0,-2] (one zero), [2,0,0,0] (three zeros), [4,3,5,3] (none).
    assertClose(grad((t) => prod(t, 0))(v), [
      [0, 0, 45],
      [0, 0, 60],
      [-4, 0, 36],
      [0, 0, 60],
    ]);
  });

  test('prod: finite differences with one and two zeros in a group', () => {
    // prod is linear in each element, so central differences are exact even at zeros.
    const v = tensor([
      [1.5, -0.5, 2, 0.8],
      [0, 1.2, -1.1, 0.9],
      [0, 0.7, 0, 1.3],
    ]);
    checkGrad((t) => prod(t, 1), [v]);
    checkGrad((t) => prod(t, 0), [v]);
    checkGrad((t) => prod(t, [0, 1]), [v]);
    checkGrad((t) => prod(t, -1, true), [v]);
  });

  test('logSumExp: exact values and large inputs', () => {
    // The gradient of logSumExp is softmax.
    assertClose(grad((t) => logSumExp(t))(tensor([0, Math.log(3)])), [0.25, 0.75], {
      rtol: 1e-6,
    });
    assertClose(grad((t) => logSumExp(t, 0))(tensor([1000, 1000])), [0.5, 0.5], { rtol: 1e-6 });
  });

  test('variance: exact values', () => {
    // d/dx_i mean((x - mean)^2) = 2 (x_i - mean) / n.
    assertClose(grad((t) => variance(t))(tensor([1, 2, 6])), [-4 / 3, -2 / 3, 2], {
      rtol: 1e-6,
    });
  });

  test('norm: exact values', () => {
    const v = tensor([3, -4]);
    assertClose(grad((t) => norm(t, 2))(v), [0.6, -0.8], { rtol: 1e-6 });
    assertClose(grad((t) => norm(t, 1))(v), [1, -1]);
    assertClose(grad((t) => norm(t, Infinity))(v), [0, -1]);
  });
});

forEachBackend('norm gradient at zero', () => {
  test('the L2 norm has subgradient 0 at the origin (no NaN), and x/|x| elsewhere', () => {
    const g0 = grad((x) => norm(x))(tensor([0, 0, 0]));
    assertClose(g0, [0, 0, 0]);
    const g = grad((x) => norm(x, 2, 1))(
      tensor([
        [3, 4],
        [0, 0],
      ]),
    );
    assertClose(g, [
      [0.6, 0.8],
      [0, 0],
    ]);
  });
});
