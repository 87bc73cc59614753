import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grad, sigmoid, softmax, sum, tensor, type Tensor } from '../../src/index.js';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  losses,
} from '../../src/losses/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

const EPS = 1e-7;
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

const Y = [
  [0, 1, 0],
  [1, 0, 0],
];
const P = [
  [0.1, 0.8, 0.1],
  [0.3, 0.3, 0.4],
];
const LOGITS = [
  [2, -1, 0.5],
  [-3, 0, 4],
];

function bceRef(y: number[][], p: number[][]): number[] {
  return y.map(
    (row, i) =>
      row.reduce((s, t, j) => {
        const q = clip(p[i]![j]!);
        return s - (t * Math.log(q) + (1 - t) * Math.log(1 - q));
      }, 0) / row.length,
  );
}

function allFinite(t: Tensor): boolean {
  return Array.from(t.dataSync()).every(Number.isFinite);
}

forEachBackend('binary crossentropy', () => {
  test('from probabilities: hand values, mean over the last axis', () => {
    assertClose(new BinaryCrossentropy().call(tensor(Y), tensor(P)), bceRef(Y, P), {
      rtol: 1e-5,
    });
    // -log(0.8) for one entry by hand.
    assertClose(losses.binaryCrossentropy(tensor([[1]]), tensor([[0.8]])), [-Math.log(0.8)]);
  });

  test('probabilities 0 and 1 are clipped to [eps, 1 - eps]', () => {
    const l = new BinaryCrossentropy().call(tensor([[1, 0]]), tensor([[0, 1]]));
    // In float32, 1 - eps rounds to 1 - 2^-23 (as in Keras).
    const hi = Math.fround(1 - EPS);
    assertClose(l, [-(Math.log(Math.fround(EPS)) + Math.log(1 - hi)) / 2], { rtol: 1e-5 });
    const g = grad((p) => sum(new BinaryCrossentropy().call(tensor([[1, 0, 1, 0]]), p)));
    assert.ok(allFinite(g(tensor([[0, 1, 1, 0]]))));
  });

  test('fromLogits equals the loss of sigmoid(logits)', () => {
    const fromLogits = new BinaryCrossentropy({ fromLogits: true }).call(tensor(Y), tensor(LOGITS));
    const probs = sigmoid(tensor(LOGITS)).arraySync() as number[][];
    assertClose(fromLogits, bceRef(Y, probs), { rtol: 1e-5 });
    const viaProbs = new BinaryCrossentropy().call(tensor(Y), sigmoid(tensor(LOGITS)));
    assertClose(fromLogits, Array.from(viaProbs.dataSync()), { rtol: 1e-5 });
  });

  test('extreme logits (1e4) stay finite, and so do their gradients', () => {
    const loss = new BinaryCrossentropy({ fromLogits: true });
    const logits = tensor([[1e4, -1e4, 1e4, -1e4]]);
    const y = tensor([[1, 0, 0, 1]]);
    // Correct logits cost 0; wrong ones cost |x|.
    assertClose(loss.call(y, logits), [(2 * 1e4) / 4], { rtol: 1e-6 });
    const g = grad((x) => loss.apply(y, x))(logits);
    assert.ok(allFinite(g));
    assertClose(g, [[0, 0, 0.25, -0.25]], { atol: 1e-6 });
  });

  test('label smoothing: y (1 - ls) + 0.5 ls', () => {
    const ls = 0.2;
    const smoothed = Y.map((r) => r.map((v) => v * (1 - ls) + 0.5 * ls));
    assertClose(
      new BinaryCrossentropy({ labelSmoothing: ls }).call(tensor(Y), tensor(P)),
      bceRef(smoothed, P),
      { rtol: 1e-5 },
    );
    assert.throws(() => new BinaryCrossentropy({ labelSmoothing: 2 }).call(tensor(Y), tensor(P)));
  });

  test('shape mismatch names the loss and both shapes', () => {
    assert.throws(
      () => new BinaryCrossentropy().call(tensor([[1, 0]]), tensor(P)),
      /binary_crossentropy.*\[1,2\].*\[2,3\]/,
    );
  });
});

function cceRef(y: number[][], p: number[][]): number[] {
  return y.map((row, i) => {
    const total = p[i]!.reduce((a, b) => a + b, 0);
    return -row.reduce((s, t, j) => s + t * Math.log(clip(p[i]![j]! / total)), 0);
  });
}

forEachBackend('categorical crossentropy', () => {
  test('hand values: -log of the true class probability', () => {
    assertClose(new CategoricalCrossentropy().call(tensor(Y), tensor(P)), [
      -Math.log(0.8),
      -Math.log(0.3),
    ]);
    // Predictions are renormalized to sum to 1 first, as Keras does.
    assertClose(losses.categoricalCrossentropy(tensor([[0, 1]]), tensor([[1, 3]])), [
      -Math.log(0.75),
    ]);
  });

  test('fromLogits equals the loss of softmax(logits)', () => {
    const a = new CategoricalCrossentropy({ fromLogits: true }).call(tensor(Y), tensor(LOGITS));
    const probs = softmax(tensor(LOGITS)).arraySync() as number[][];
    assertClose(a, cceRef(Y, probs), { rtol: 1e-5 });
  });

  test('label smoothing: y (1 - ls) + ls / classes', () => {
    const ls = 0.3;
    const smoothed = Y.map((r) => r.map((v) => v * (1 - ls) + ls / 3));
    assertClose(
      new CategoricalCrossentropy({ labelSmoothing: ls }).call(tensor(Y), tensor(P)),
      cceRef(smoothed, P),
      { rtol: 1e-5 },
    );
  });

  test('extreme logits and probabilities 0 / 1: finite values and gradients', () => {
    const l = new CategoricalCrossentropy({ fromLogits: true });
    const x = tensor([
      [1e4, -1e4, 0],
      [-1e4, 1e4, 1e4],
    ]);
    const y = tensor([
      [0, 1, 0],
      [0, 1, 0],
    ]);
    const v = l.call(y, x);
    assertClose(v, [2e4, Math.LN2], { rtol: 1e-5 });
    assert.ok(allFinite(grad((z) => l.apply(y, z))(x)));
    const probs = tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const p = new CategoricalCrossentropy();
    assertClose(p.call(y, probs), [-Math.log(Math.fround(1 - EPS)), -Math.log(EPS)], {
      rtol: 1e-5,
      atol: 1e-6,
    });
    assert.ok(allFinite(grad((z) => p.apply(y, z))(probs)));
  });

  test('integer labels get a hint to use the sparse loss', () => {
    assert.throws(
      () => new CategoricalCrossentropy().call(tensor([1, 0]), tensor(P)),
      /categorical_crossentropy.*yTrue \[2\] and yPred \[2,3\].*sparse/,
    );
  });
});

forEachBackend('sparse categorical crossentropy', () => {
  test('equals the categorical loss of the one-hot labels', () => {
    const l = new SparseCategoricalCrossentropy();
    assertClose(l.call(tensor([1, 0]), tensor(P)), [-Math.log(0.8), -Math.log(0.3)]);
    assertClose(l.call(tensor([[1], [0]]), tensor(P)), [-Math.log(0.8), -Math.log(0.3)]);
    assertClose(l.call(tensor(Int32Array.from([1, 0]), [2]), tensor(P)), [
      -Math.log(0.8),
      -Math.log(0.3),
    ]);
    const logits = new SparseCategoricalCrossentropy({ fromLogits: true });
    const cce = new CategoricalCrossentropy({ fromLogits: true });
    assertClose(
      logits.call(tensor([1, 0]), tensor(LOGITS)),
      Array.from(cce.call(tensor(Y), tensor(LOGITS)).dataSync()),
      { rtol: 1e-6 },
    );
    assert.ok(
      allFinite(
        logits.call(
          tensor([0, 1]),
          tensor([
            [1e4, -1e4],
            [1e4, -1e4],
          ]),
        ),
      ),
    );
  });

  test('labels out of range, fractional or misshapen are refused', () => {
    const l = new SparseCategoricalCrossentropy();
    assert.throws(() => l.call(tensor([1, 3]), tensor(P)), /integers in \[0, 3\).*received 3/);
    assert.throws(() => l.call(tensor([-1, 0]), tensor(P)), /received -1/);
    assert.throws(() => l.call(tensor([0.5, 0]), tensor(P)), /received 0.5/);
    assert.throws(() => l.call(tensor([0, 1, 2]), tensor(P)), /\[3\] and yPred \[2,3\]/);
  });

  test('ignoreClass: ignored entries cost 0 and are left out of the average', () => {
    const l = new SparseCategoricalCrossentropy({ ignoreClass: -1 });
    const p = tensor([P[0]!, P[1]!, [0.2, 0.2, 0.6]]);
    assertClose(l.call(tensor([1, -1, 2]), p), [-Math.log(0.8), 0, -Math.log(0.6)]);
    const mean = (-Math.log(0.8) - Math.log(0.6)) / 2;
    assertClose(l.apply(tensor([1, -1, 2]), p), mean, { rtol: 1e-5 });
    const g = grad((z) => l.apply(tensor([1, -1, 2]), z))(p);
    assert.ok(allFinite(g));
    assert.deepEqual((g.arraySync() as number[][])[1], [0, 0, 0]);
  });
});
