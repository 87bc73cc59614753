/**
 * `tf.losses` (weights and reductions) and `tf.metrics` (plain functions) against TensorFlow.js
 * on the same values, plus finite-difference gradients of the losses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as real from '@tensorflow/tfjs';
import * as tf from '../../src/tfjs/index.js';
import { checkGrad } from '../gradcheck.js';

const labels = [
  [0, 1, 1],
  [1, 0, 0],
  [1, 1, 0],
  [0, 0, 1],
];
const preds = [
  [0.1, 0.8, 0.6],
  [0.7, 0.4, 0.2],
  [0.9, 0.3, 0.5],
  [0.2, 0.1, 0.95],
];
const logits = [
  [-1.5, 2.0, 0.3],
  [3.0, -0.5, -2.0],
  [0.7, 0.1, -0.4],
  [-2.5, 1.2, 4.0],
];
const weights = [[1], [0], [2], [0.5]];

function close(ours: tf.Tensor, theirs: real.Tensor, tol = 1e-5): void {
  assert.deepEqual([...ours.shape], theirs.shape);
  const a = ours.dataSync();
  const b = theirs.dataSync();
  assert.ok(a.length > 0);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs((a[i] as number) - (b[i] as number)) <= tol, `[${i}] ${a[i]} vs ${b[i]}`);
}

const reductions = [0, 1, 2, 3] as const;

describe('tf.losses against TensorFlow.js', () => {
  for (const reduction of reductions) {
    test(`every loss with and without weights, reduction ${reduction}`, () => {
      for (const w of [undefined, weights]) {
        const W = w === undefined ? undefined : tf.tensor(w);
        const RW = w === undefined ? undefined : real.tensor(w);
        const [y, p, z] = [tf.tensor(labels), tf.tensor(preds), tf.tensor(logits)];
        const [ry, rp, rz] = [real.tensor(labels), real.tensor(preds), real.tensor(logits)];
        close(
          tf.losses.absoluteDifference(y, p, W, reduction),
          real.losses.absoluteDifference(ry, rp, RW, reduction),
        );
        close(
          tf.losses.meanSquaredError(y, p, W, reduction),
          real.losses.meanSquaredError(ry, rp, RW, reduction),
        );
        close(
          tf.losses.hingeLoss(y, p, W, reduction),
          real.losses.hingeLoss(ry, rp, RW, reduction),
        );
        close(
          tf.losses.huberLoss(y, z, W, 0.7, reduction),
          real.losses.huberLoss(ry, rz, RW, 0.7, reduction),
        );
        close(
          tf.losses.logLoss(y, p, W, 1e-7, reduction),
          real.losses.logLoss(ry, rp, RW, 1e-7, reduction),
        );
        close(
          tf.losses.cosineDistance(y, p, 1, W, reduction),
          real.losses.cosineDistance(ry, rp, 1, RW, reduction),
        );
        close(
          tf.losses.sigmoidCrossEntropy(y, z, W, 0.1, reduction),
          real.losses.sigmoidCrossEntropy(ry, rz, RW, 0.1, reduction),
        );
        const w1 = w === undefined ? undefined : tf.tensor([1, 0, 2, 0.5]);
        const rw1 = w === undefined ? undefined : real.tensor([1, 0, 2, 0.5]);
        close(
          tf.losses.softmaxCrossEntropy(y, z, w1, 0.2, reduction),
          real.losses.softmaxCrossEntropy(ry, rz, rw1, 0.2, reduction),
        );
      }
    });
  }

  test('the default reduction divides by the count of non-zero weights (worked value)', () => {
    // |y - p| = [1, 2, 3, 4], weights [1, 0, 1, 0]: (1 + 3) / 2.
    const l = tf.losses.absoluteDifference(
      tf.tensor([0, 0, 0, 0]),
      tf.tensor([1, 2, 3, 4]),
      tf.tensor([1, 0, 1, 0]),
    );
    assert.equal(l.arraySync(), 2);
    assert.throws(
      () => tf.losses.meanSquaredError(tf.tensor([1, 2]), tf.tensor([1, 2, 3])),
      /labels and predictions must have the same shape, received \[2\] and \[3\]/,
    );
  });

  test('the losses are differentiable (finite differences)', () => {
    const y = tf.tensor(labels);
    checkGrad(
      (z: tf.Tensor) => tf.losses.sigmoidCrossEntropy(y, z, undefined, 0.1),
      [tf.tensor(logits)],
    );
    checkGrad(
      (z: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, z, undefined, 0.2),
      [tf.tensor(logits)],
    );
    checkGrad(
      (p: tf.Tensor) => tf.losses.huberLoss(y, p, tf.tensor(weights), 0.5),
      [tf.tensor(logits)],
    );
  });
});

describe('tf.metrics against TensorFlow.js', () => {
  test('per-sample and scalar metrics', () => {
    const [y, p] = [tf.tensor(labels), tf.tensor(preds)];
    const [ry, rp] = [real.tensor(labels), real.tensor(preds)];
    close(tf.metrics.binaryAccuracy(y, p), real.metrics.binaryAccuracy(ry, rp));
    close(tf.metrics.categoricalAccuracy(y, p), real.metrics.categoricalAccuracy(ry, rp));
    close(tf.metrics.meanSquaredError(y, p), real.metrics.meanSquaredError(ry, rp));
    close(tf.metrics.MAPE(y.add(1), p), real.metrics.MAPE(ry.add(1), rp), 1e-3);
    close(tf.metrics.binaryCrossentropy(y, p), real.metrics.binaryCrossentropy(ry, rp));
    close(tf.metrics.categoricalCrossentropy(y, p), real.metrics.categoricalCrossentropy(ry, rp));
    close(tf.metrics.cosineProximity(y, p), real.metrics.cosineProximity(ry, rp));
    close(tf.metrics.r2Score(y, p), real.metrics.r2Score(ry, rp));
    const hard = tf.tensor(preds).greater(0.5).toFloat();
    const rhard = real.tensor(preds).greater(0.5).toFloat();
    close(tf.metrics.precision(y, hard), real.metrics.precision(ry, rhard));
    close(tf.metrics.recall(y, hard), real.metrics.recall(ry, rhard));
    close(
      tf.metrics.sparseCategoricalAccuracy(tf.tensor([1, 0, 0, 2]), p),
      real.metrics.sparseCategoricalAccuracy(real.tensor([1, 0, 0, 2]), rp),
    );
  });
});
