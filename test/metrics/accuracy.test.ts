import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../src/index.js';
import {
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  Mean,
  MeanAbsoluteError,
  MeanMetricWrapper,
  MeanSquaredError,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
  binaryAccuracy,
  sparseTopKCategoricalAccuracy,
} from '../../src/metrics/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

const P3 = [
  [0.1, 0.8, 0.1],
  [0.5, 0.3, 0.2],
  [0.2, 0.3, 0.5],
  [0.4, 0.35, 0.25],
];

forEachBackend('accuracy metrics', () => {
  test('Accuracy: exact equality, averaged per sample', () => {
    const m = new Accuracy();
    m.updateState(tensor([[1], [2], [3], [4]]), tensor([[1], [2], [0], [4]]));
    close(m.result(), 0.75);
    assert.equal(m.name, 'accuracy');
  });

  test('BinaryAccuracy: prediction > threshold', () => {
    const m = new BinaryAccuracy();
    m.updateState(tensor([[1], [0], [1], [0]]), tensor([[0.7], [0.5], [0.5], [0.2]]));
    // 0.7 -> 1 right, 0.5 -> 0 right, 0.5 -> 0 wrong (not strictly above), 0.2 -> 0 right.
    close(m.result(), 0.75);
  });

  test('CategoricalAccuracy, SparseCategoricalAccuracy: argmax matches', () => {
    const oneHot = [
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ];
    const c = new CategoricalAccuracy();
    c.updateState(tensor(oneHot), tensor(P3));
    close(c.result(), 0.75);
    const s = new SparseCategoricalAccuracy();
    s.updateState(tensor([1, 1, 2, 0]), tensor(P3));
    close(s.result(), 0.75);
    s.resetState();
    s.updateState(tensor([[1], [0], [0], [0]]), tensor(P3));
    close(s.result(), 0.75);
  });

  test('top-k: the target among the k highest scores (ties count as in)', () => {
    const t = new TopKCategoricalAccuracy({ k: 2 });
    t.updateState(
      tensor([
        [0, 0, 1],
        [0, 0, 1],
        [0, 0, 1],
        [0, 0, 1],
      ]),
      tensor(P3),
    );
    // Row 0: 0.1 (tied with class 0), only 0.8 higher -> in; row 1: lowest -> out; row 2: top
    // -> in; row 3: lowest -> out.
    close(t.result(), 0.5);
    const s = new SparseTopKCategoricalAccuracy({ k: 1 });
    s.updateState(tensor([1, 0, 2, 1]), tensor(P3));
    close(s.result(), 0.75);
    assertClose(sparseTopKCategoricalAccuracy(tensor([0, 1]), tensor([P3[0]!, P3[1]!]), 5), [1, 1]);
    assert.equal(new TopKCategoricalAccuracy().k, 5);
  });

  test('elementwise binary accuracy on multi-label outputs', () => {
    assertClose(binaryAccuracy(tensor([[1, 0, 1]]), tensor([[0.9, 0.2, 0.4]])), [[1, 1, 0]]);
    const m = new BinaryAccuracy({ threshold: 0.3 });
    m.updateState(tensor([[1, 0, 1]]), tensor([[0.9, 0.2, 0.4]]));
    close(m.result(), 1);
  });

  test('epoch average is exact over uneven batches (not a mean of batch means)', () => {
    const m = new SparseCategoricalAccuracy();
    m.updateState(tensor([1, 1, 2]), tensor(P3.slice(0, 3))); // 2 of 3 right
    m.updateState(tensor([1]), tensor([P3[3]!])); // 0 of 1 right
    close(m.result(), 2 / 4);
    m.resetState();
    close(m.result(), 0);
    const mse = new MeanSquaredError();
    mse.updateState(tensor([[0], [0], [0]]), tensor([[1], [2], [3]]));
    mse.updateState(tensor([[0]]), tensor([[10]]));
    close(mse.result(), (1 + 4 + 9 + 100) / 4, 1e-9);
  });

  test('weighted updates: sum(w v) / sum(w)', () => {
    const m = new SparseCategoricalAccuracy();
    m.updateState(tensor([1, 1, 2, 0]), tensor(P3), tensor([1, 3, 0.5, 0.5]));
    // Right: rows 0, 2, 3 -> (1 + 0.5 + 0.5) / 5.
    close(m.result(), 2 / 5);
    m.updateState(tensor([0]), tensor([P3[0]!]), tensor([5]));
    close(m.result(), 2 / 10);
    const mae = new MeanAbsoluteError();
    mae.updateState(
      tensor([
        [0, 0],
        [0, 0],
      ]),
      tensor([
        [1, 3],
        [4, 4],
      ]),
      tensor([[1], [3]]),
    );
    close(mae.result(), (1 * 2 + 3 * 4) / 4);
  });

  test('Mean of values, weighted and reset', () => {
    const m = new Mean({ name: 'avg' });
    m.updateState(tensor([1, 2, 3]));
    m.updateState(tensor([10]));
    close(m.result(), 4);
    m.updateState(tensor([100, 0]), tensor([0, 2]));
    close(m.result(), 16 / 6);
    m.resetState();
    close(m.result(), 0);
    assert.deepEqual(m.getConfig(), { name: 'avg', dtype: 'float32' });
  });

  test('MeanMetricWrapper averages any per-sample function', () => {
    const m = new MeanMetricWrapper(function double(t, p) {
      return t.add(p).mul(2);
    });
    assert.equal(m.name, 'double');
    m.updateState(tensor([1, 2]), tensor([0, 0]));
    close(m.result(), 3);
  });
});
