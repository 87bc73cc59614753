/**
 * TensorFlow.js's core losses with weights and reductions: absoluteDifference,
 * sigmoidCrossEntropy (with label smoothing) and computeWeightedLoss. Exact values, gradients,
 * and differential tests against @tensorflow/tfjs for every reduction.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  absoluteDifference,
  computeWeightedLoss,
  randomNormal,
  randomUniform,
  sigmoidCrossEntropy,
  tensor,
  type Tensor,
  type WeightedReduction,
} from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';

const labels = [
  [1, 2, 3],
  [4, 5, 6],
];
const predictions = [
  [1.5, 2, 1],
  [4, 7, 5],
];

forEachBackend('weighted losses', () => {
  test('absoluteDifference: each reduction, with and without weights', () => {
    // |differences| = [[0.5, 0, 2], [0, 2, 1]]: sum 5.5
    assertClose(absoluteDifference(labels, predictions), 5.5 / 6);
    assertClose(absoluteDifference(labels, predictions, null, 'sum'), 5.5);
    assertClose(absoluteDifference(labels, predictions, null, 'mean'), 5.5 / 6);
    assertClose(absoluteDifference(labels, predictions, null, 'none'), [
      [0.5, 0, 2],
      [0, 2, 1],
    ]);
    const w = tensor([[1], [0]]);
    // Weighted sum 2.5 over 3 non-zero weights once broadcast.
    assertClose(absoluteDifference(labels, predictions, w), 2.5 / 3);
    // mean: 2.5 / sum(w) = 2.5, divided by the broadcast factor 3.
    assertClose(absoluteDifference(labels, predictions, w, 'mean'), 2.5 / 3);
    assertClose(absoluteDifference(labels, predictions, 2, 'sum'), 11);
  });

  test('sigmoidCrossEntropy: stable for large logits; label smoothing', () => {
    const z = tensor([[1, 0, 1, 0]]);
    const x = tensor([[0, 0, 100, -100]]);
    // log 2 twice, 0 for the confident right answer, 0 for the confident right negative.
    assertClose(sigmoidCrossEntropy(z, x, null, 0, 'none'), [[Math.LN2, Math.LN2, 0, 0]], {
      atol: 1e-6,
    });
    // Smoothing 0.2 moves labels to 0.9 / 0.1: the confident answers now cost 100 * 0.1.
    assertClose(sigmoidCrossEntropy(z, x, null, 0.2, 'none'), [[Math.LN2, Math.LN2, 10, 10]], {
      atol: 1e-4,
    });
    assertClose(sigmoidCrossEntropy(z, x), Math.LN2 / 2, { atol: 1e-6 });
  });

  test('gradients', () => {
    const y = randomUniform([3, 4], 0, 1, 1);
    checkGrad(
      (logits) => sigmoidCrossEntropy(y, logits!, null, 0.1),
      [randomNormal([3, 4], 0, 2, 2)],
    );
    checkGrad(
      (p) => absoluteDifference(y, p!, tensor([[1], [0], [2]]), 'mean'),
      [randomNormal([3, 4], 0, 1, 3)],
    );
  });

  test('bad arguments name the function and what was expected', () => {
    assert.throws(
      () => absoluteDifference([1, 2], [1, 2, 3]),
      /absoluteDifference: labels and predictions must have the same shape, received \[2\] and \[3\]/,
    );
    assert.throws(
      () => absoluteDifference(labels, predictions, [1, 2, 3, 4]),
      /absoluteDifference: .*\[4\]/,
    );
    assert.throws(
      () => sigmoidCrossEntropy([1], [0], null, 1.5),
      /sigmoidCrossEntropy: labelSmoothing must be a number in \[0, 1\], received 1.5/,
    );
    assert.throws(
      () => computeWeightedLoss([1], null, 'average' as WeightedReduction),
      /computeWeightedLoss: reduction must be one of 'none', 'sum', 'mean', 'sum_by_nonzero_weights', received "average"/,
    );
  });
});

describe('weighted losses against @tensorflow/tfjs', () => {
  before(async () => {
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
  });

  const reductions: [WeightedReduction, tf.Reduction][] = [
    ['none', tf.Reduction.NONE],
    ['sum', tf.Reduction.SUM],
    ['mean', tf.Reduction.MEAN],
    ['sum_by_nonzero_weights', tf.Reduction.SUM_BY_NONZERO_WEIGHTS],
  ];
  const y = randomUniform([4, 5], 0, 1, 11);
  const p = randomNormal([4, 5], 0, 2, 12);
  const weightCases: (Tensor | null)[] = [
    null,
    tensor([[1], [0], [2], [0.5]]),
    tensor([
      [1, 0, 1, 2, 0],
      [0, 0, 1, 1, 1],
      [3, 1, 0, 0, 1],
      [1, 1, 1, 1, 0],
    ]),
  ];
  const asTf = (t: Tensor | null): tf.Tensor | undefined =>
    t === null ? undefined : tf.tensor(t.dataSync(), [...t.shape]);

  for (const [ours, theirs] of reductions) {
    test(`reduction '${ours}'`, () => {
      for (const w of weightCases) {
        const ad = absoluteDifference(y, p, w, ours);
        const tfAd = tf.losses.absoluteDifference(asTf(y)!, asTf(p)!, asTf(w), theirs);
        assertClose(ad, tfAd.arraySync() as number, { shape: tfAd.shape, rtol: 1e-5 });
        for (const smoothing of [0, 0.3]) {
          const sce = sigmoidCrossEntropy(y, p, w, smoothing, ours);
          const tfSce = tf.losses.sigmoidCrossEntropy(
            asTf(y)!,
            asTf(p)!,
            asTf(w),
            smoothing,
            theirs,
          );
          assertClose(sce, tfSce.arraySync() as number, { shape: tfSce.shape, rtol: 1e-5 });
        }
      }
    });
  }
});
