import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../src/index.js';
import {
  CategoricalHinge,
  CosineSimilarity,
  Hinge,
  Huber,
  KLDivergence,
  LogCosh,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredError,
  MeanSquaredLogarithmicError,
  Poisson,
  SquaredHinge,
  losses,
} from '../../src/losses/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

const T = [
  [1, 2, 3],
  [4, 5, 6],
];
const P = [
  [1.5, 2, 2],
  [4, 3, 7],
];
const EPS = 1e-7;

/** Float64 reference: f applied elementwise, then the mean of each row. */
function rowMean(t: number[][], p: number[][], f: (y: number, x: number) => number): number[] {
  return t.map((row, i) => row.reduce((s, y, j) => s + f(y, p[i]![j]!), 0) / row.length);
}

forEachBackend('regression losses', () => {
  test('mean squared / absolute error: hand values', () => {
    assertClose(new MeanSquaredError().call(tensor(T), tensor(P)), [1.25 / 3, 5 / 3]);
    assertClose(new MeanAbsoluteError().call(tensor(T), tensor(P)), [0.5, 1]);
    assertClose(new MeanSquaredError().apply(tensor(T), tensor(P)), (1.25 / 3 + 5 / 3) / 2);
    assertClose(losses.mse(tensor(T), tensor(P)), [1.25 / 3, 5 / 3]);
  });

  test('MAPE = 100 |(y - p) / max(|y|, eps)|, including y = 0', () => {
    assertClose(
      new MeanAbsolutePercentageError().call(tensor(T), tensor(P)),
      [(100 * (0.5 + 1 / 3)) / 3, (100 * (0.4 + 1 / 6)) / 3],
      { rtol: 1e-5 },
    );
    const t = [[0, 1]];
    const p = [[0.5, 1]];
    assertClose(losses.mape(tensor(t), tensor(p)), [(100 * (0.5 / EPS)) / 2], { rtol: 1e-5 });
  });

  test('MSLE uses log(max(x, eps) + 1)', () => {
    const want = rowMean(
      T,
      P,
      (y, x) => (Math.log(Math.max(x, EPS) + 1) - Math.log(Math.max(y, EPS) + 1)) ** 2,
    );
    assertClose(new MeanSquaredLogarithmicError().call(tensor(T), tensor(P)), want, {
      rtol: 1e-5,
    });
    // Negative predictions are clipped to eps.
    assertClose(losses.msle(tensor([[0]]), tensor([[-3]])), [0], { atol: 1e-6 });
  });

  test('Huber: quadratic inside delta, linear outside', () => {
    const h = (d: number) => (y: number, x: number) => {
      const a = Math.abs(x - y);
      return a <= d ? 0.5 * a * a : d * a - 0.5 * d * d;
    };
    assertClose(new Huber().call(tensor(T), tensor(P)), rowMean(T, P, h(1)));
    assertClose(new Huber({ delta: 2 }).call(tensor(T), tensor(P)), rowMean(T, P, h(2)));
    // Row 1 by hand with delta 1: 0.125, 0, 0.5.
    assertClose(new Huber().call(tensor([T[0]!]), tensor([P[0]!])), [0.625 / 3]);
  });

  test('LogCosh is log(cosh(p - y)) and does not overflow for large errors', () => {
    const want = rowMean(T, P, (y, x) => Math.log(Math.cosh(x - y)));
    assertClose(new LogCosh().call(tensor(T), tensor(P)), want, { rtol: 1e-5 });
    // log(cosh(1000)) = 1000 - log 2.
    assertClose(losses.logCosh(tensor([[0]]), tensor([[1000]])), [1000 - Math.LN2], {
      rtol: 1e-6,
    });
  });

  test('Hinge converts {0, 1} labels to {-1, 1}; other labels are kept', () => {
    const t = [
      [0, 1, 1],
      [1, 0, 0],
    ];
    const p = [
      [0.3, 0.8, -0.5],
      [2, -1, 0.2],
    ];
    const conv = t.map((r) => r.map((v) => 2 * v - 1));
    const hinge = rowMean(conv, p, (y, x) => Math.max(1 - y * x, 0));
    assertClose(new Hinge().call(tensor(t), tensor(p)), hinge);
    assertClose(new Hinge().call(tensor(conv), tensor(p)), hinge);
    const sq = rowMean(conv, p, (y, x) => Math.max(1 - y * x, 0) ** 2);
    assertClose(new SquaredHinge().call(tensor(t), tensor(p)), sq);
    // Row 1 by hand, labels -1, 1, 1: max(1 + 0.3, 0) = 1.3, 1 - 0.8 = 0.2, 1 + 0.5 = 1.5.
    assertClose(losses.hinge(tensor([t[0]!]), tensor([p[0]!])), [1]);
  });

  test('CategoricalHinge = max(0, max((1 - y) p) - sum(y p) + 1)', () => {
    const t = [
      [0, 1, 0],
      [1, 0, 0],
    ];
    const p = [
      [0.1, 0.8, 0.1],
      [0.3, 0.3, 0.4],
    ];
    assertClose(new CategoricalHinge().call(tensor(t), tensor(p)), [0.3, 1.1]);
  });

  test('KLDivergence clips both distributions to [eps, 1]', () => {
    const t = [
      [0, 1, 0],
      [0.5, 0.25, 0.25],
    ];
    const p = [
      [0.1, 0.8, 0.1],
      [0.3, 0.3, 0.4],
    ];
    const want = t.map((row, i) =>
      row.reduce((s, y, j) => {
        const a = Math.min(Math.max(y, EPS), 1);
        const b = Math.min(Math.max(p[i]![j]!, EPS), 1);
        return s + a * Math.log(a / b);
      }, 0),
    );
    assertClose(new KLDivergence().call(tensor(t), tensor(p)), want, { rtol: 1e-5 });
    assertClose(losses.kld(tensor([[1, 0]]), tensor([[1, 0]])), [0], { atol: 1e-6 });
  });

  test('Poisson = mean(p - y log(p + eps))', () => {
    const want = rowMean(T, P, (y, x) => x - y * Math.log(x + EPS));
    assertClose(new Poisson().call(tensor(T), tensor(P)), want, { rtol: 1e-5 });
  });

  test('CosineSimilarity returns -cos, 0 for a zero vector', () => {
    const cos = T.map((row, i) => {
      const p = P[i]!;
      const dot = row.reduce((s, y, j) => s + y * p[j]!, 0);
      return -dot / Math.hypot(...row) / Math.hypot(...p);
    });
    assertClose(new CosineSimilarity().call(tensor(T), tensor(P)), cos, { rtol: 1e-5 });
    assertClose(losses.cosineSimilarity(tensor([[1, 0]]), tensor([[3, 0]])), [-1]);
    assertClose(losses.cosineSimilarity(tensor([[1, 0]]), tensor([[0, 0]])), [0]);
    // axis 0: one value per column.
    assertClose(new CosineSimilarity({ axis: 0 }).call(tensor(T), tensor(T)), [-1, -1, -1], {
      rtol: 1e-6,
    });
  });

  test('labels of shape [batch] match predictions of shape [batch, 1]', () => {
    const l = new MeanSquaredError().call(tensor([1, 2]), tensor([[1.5], [2]]));
    assertClose(l, [0.25, 0]);
    const r = new MeanSquaredError().call(tensor([[1], [2]]), tensor([1.5, 2]));
    assertClose(r, [0.25, 0]);
    // int32 labels are cast.
    assertClose(losses.mae(tensor(Int32Array.from([1, 2]), [2, 1]), tensor([[0], [0]])), [1, 2]);
  });

  test('incompatible shapes: the error names the loss and both shapes', () => {
    assert.throws(
      () => new MeanSquaredError().call(tensor([[1], [2]]), tensor(T)),
      /mean_squared_error.*yTrue \[2,1\] and yPred \[2,3\]/,
    );
    assert.throws(
      () => new Hinge().apply(tensor([1, 2, 3]), tensor([1, 2])),
      /hinge.*yTrue \[3\] and yPred \[2\]/,
    );
  });
});
