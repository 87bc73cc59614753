import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../src/index.js';
import { AUC, Precision, Recall } from '../../src/metrics/index.js';
import { forEachBackend } from '../helpers.js';

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

/** Deterministic values in [0, 1). */
function uniform(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  });
}

// Labels and scores: at threshold 0.5, tp = 3 (0.9, 0.8, 0.6), fp = 1 (0.7), fn = 2 (0.4,
// 0.5: not strictly above), tn = 2.
const Y = [1, 1, 1, 0, 1, 1, 0, 0];
const S = [0.9, 0.8, 0.6, 0.7, 0.4, 0.5, 0.1, 0.3];

forEachBackend('precision and recall', () => {
  test('hand confusion matrix', () => {
    const p = new Precision();
    const r = new Recall();
    p.updateState(tensor(Y), tensor(S));
    r.updateState(tensor(Y), tensor(S));
    close(p.result(), 3 / 4);
    close(r.result(), 3 / 5);
    const p2 = new Precision({ thresholds: 0.65 });
    p2.updateState(tensor(Y), tensor(S));
    close(p2.result(), 2 / 3);
  });

  test('accumulates over batches, weighted; reset; 0 before any positive', () => {
    const r = new Recall();
    close(r.result(), 0);
    r.updateState(tensor(Y.slice(0, 5)), tensor(S.slice(0, 5)));
    r.updateState(tensor(Y.slice(5)), tensor(S.slice(5)));
    close(r.result(), 3 / 5);
    r.resetState();
    r.updateState(tensor([[1], [1]]), tensor([[0.9], [0.1]]), tensor([3, 1]));
    close(r.result(), 3 / 4);
    const p = new Precision();
    p.updateState(tensor([0, 1]), tensor([0.1, 0.2]));
    close(p.result(), 0);
  });

  test('multi-label outputs count every entry; classId picks one column', () => {
    const y = tensor([
      [1, 0],
      [0, 1],
    ]);
    const s = tensor([
      [0.9, 0.8],
      [0.2, 0.7],
    ]);
    const p = new Precision();
    p.updateState(y, s);
    close(p.result(), 2 / 3);
    const p1 = new Precision({ classId: 1 });
    p1.updateState(y, s);
    close(p1.result(), 1 / 2);
  });
});

forEachBackend('AUC', () => {
  test('ROC: hand value of a small example', () => {
    // Positives 0.35 and 0.8, negatives 0.1 and 0.4: 3 of 4 pairs ordered -> 0.75.
    const m = new AUC();
    m.updateState(tensor([0, 0, 1, 1]), tensor([0.1, 0.4, 0.35, 0.8]));
    close(m.result(), 0.75);
    // Split over two batches, same result.
    const b = new AUC();
    b.updateState(tensor([0, 0]), tensor([0.1, 0.4]));
    b.updateState(tensor([1, 1]), tensor([0.35, 0.8]));
    close(b.result(), 0.75);
  });

  test('perfect classifier gives 1, reversed 0, random-ish about 0.5', () => {
    const m = new AUC();
    m.updateState(tensor([0, 0, 1, 1]), tensor([0.1, 0.2, 0.7, 0.9]));
    close(m.result(), 1);
    m.resetState();
    m.updateState(tensor([1, 1, 0, 0]), tensor([0.1, 0.2, 0.7, 0.9]));
    close(m.result(), 0);
    m.resetState();
    const labels = uniform(4000, 11).map((u) => (u > 0.5 ? 1 : 0));
    m.updateState(tensor(labels), tensor(uniform(4000, 12)));
    assert.ok(Math.abs(m.result() - 0.5) < 0.04, `got ${m.result()}`);
  });

  test('ties within a bucket are interpolated (trapezoid): all equal scores give 0.5', () => {
    const m = new AUC();
    m.updateState(tensor([0, 1, 0, 1]), tensor([0.5, 0.5, 0.5, 0.5]));
    close(m.result(), 0.5);
  });

  test('PR with careful interpolation: hand values', () => {
    const m = new AUC({ curve: 'PR' });
    m.updateState(tensor([0, 1]), tensor([0.2, 0.8]));
    close(m.result(), 1);
    // Labels 1, 0, 1 at scores 0.9, 0.6, 0.3: (1 - ln 1.5) / 2 + 1 / 2 (see Keras's
    // interpolate_pr_auc: precision interpolated between tp + fp = 3 and 2).
    const k = new AUC({ curve: 'PR' });
    k.updateState(tensor([1, 0, 1]), tensor([0.9, 0.6, 0.3]));
    close(k.result(), (1 - Math.log(1.5)) / 2 + 0.5);
  });

  test('weights, logits, validation and config', () => {
    const w = new AUC();
    // A weight of 0 removes the misordered negative.
    w.updateState(tensor([0, 0, 1, 1]), tensor([0.1, 0.4, 0.35, 0.8]), tensor([1, 0, 1, 1]));
    close(w.result(), 1);
    const l = new AUC({ fromLogits: true });
    l.updateState(tensor([0, 0, 1, 1]), tensor([-2.2, -0.4, -0.6, 1.4]));
    close(l.result(), 0.75);
    assert.throws(() => new AUC().updateState(tensor([1]), tensor([1.5])), /fromLogits/);
    assert.throws(() => new AUC({ numThresholds: 1 }), /numThresholds/);
    assert.deepEqual(new AUC({ curve: 'PR', numThresholds: 50 }).getConfig(), {
      name: 'auc',
      dtype: 'float32',
      num_thresholds: 50,
      curve: 'PR',
      summation_method: 'interpolation',
      from_logits: false,
    });
  });
});
