/**
 * Differential tests against TensorFlow.js, for the losses where it agrees with Keras 3 (its
 * hinge does not convert {0, 1} labels, so it is given {-1, 1} labels).
 */
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as tfl from '@tensorflow/tfjs-layers/dist/losses.js';
import { tensor, type Tensor } from '../../src/index.js';
import { losses } from '../../src/losses/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

/** Deterministic values in [lo, hi). */
function values(n: number, seed: number, lo: number, hi: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return lo + ((hi - lo) * s) / 2147483648;
  });
}

const B = 4;
const C = 5;
const grid = (v: number[]) => Array.from({ length: B }, (_, i) => v.slice(i * C, (i + 1) * C));
const normalize = (rows: number[][]) =>
  rows.map((r) => {
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((x) => x / s);
  });

const yReal = grid(values(B * C, 1, -2, 3));
const pReal = grid(values(B * C, 2, -2, 3));
const yPos = grid(values(B * C, 3, 0.01, 4));
const pPos = grid(values(B * C, 4, 0.01, 4));
const yProb = normalize(grid(values(B * C, 5, 0.05, 1)));
const pProb = normalize(grid(values(B * C, 6, 0.05, 1)));
const yBin = grid(values(B * C, 7, 0, 1).map((v) => (v > 0.5 ? 1 : 0)));
const ySigned = yBin.map((r) => r.map((v) => 2 * v - 1));
const pUnit = grid(values(B * C, 8, 0.02, 0.98));
const yOneHot = Array.from({ length: B }, (_, i) =>
  Array.from({ length: C }, (_, j) => (j === (i * 3) % C ? 1 : 0)),
);

type Ours = (t: Tensor, p: Tensor) => Tensor;
type Theirs = (t: tf.Tensor, p: tf.Tensor) => tf.Tensor;
const mean =
  (f: Theirs): Theirs =>
  (t, p) =>
    tf.mean(f(t, p), -1);
const none = tf.Reduction.NONE;

const cases: [string, Ours, Theirs, number[][], number[][]][] = [
  ['mse', losses.mse, tf.metrics.meanSquaredError, yReal, pReal],
  ['mae', losses.mae, tf.metrics.meanAbsoluteError, yReal, pReal],
  ['mape', losses.mape, tf.metrics.meanAbsolutePercentageError, yReal, pReal],
  ['msle', losses.msle, tfl.meanSquaredLogarithmicError, yPos, pPos],
  ['bce', (t, p) => losses.binaryCrossentropy(t, p), tf.metrics.binaryCrossentropy, yBin, pUnit],
  [
    'cce',
    (t, p) => losses.categoricalCrossentropy(t, p),
    tf.metrics.categoricalCrossentropy,
    yOneHot,
    pProb,
  ],
  ['hinge', losses.hinge, tfl.hinge, ySigned, pReal],
  ['squared hinge', losses.squaredHinge, tfl.squaredHinge, ySigned, pReal],
  ['categorical hinge', losses.categoricalHinge, tfl.categoricalHinge, yOneHot, pReal],
  ['logcosh', losses.logCosh, tfl.logcosh, yReal, pReal],
  [
    'huber',
    (t, p) => losses.huber(t, p, 1),
    mean((t, p) => tf.losses.huberLoss(t, p, undefined, 1, none)),
    yReal,
    pReal,
  ],
  ['kld', losses.kld, tfl.kullbackLeiblerDivergence, yProb, pProb],
  ['poisson', losses.poisson, tfl.poisson, yPos, pPos],
  ['cosine', (t, p) => losses.cosineSimilarity(t, p), tf.metrics.cosineProximity, yReal, pReal],
];

before(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

forEachBackend('losses agree with TensorFlow.js', () => {
  for (const [name, ours, theirs, y, p] of cases) {
    test(name, () => {
      const want = theirs(tf.tensor(y), tf.tensor(p)).arraySync() as number[];
      assertClose(ours(tensor(y), tensor(p)), want, { rtol: 1e-4, atol: 1e-6 });
    });
  }
});
