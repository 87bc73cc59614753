/**
 * Ops TensorFlow.js code uses: topk, cumsum, multinomial, sum and mean of bool, pow of a float
 * base with an int32 exponent. Exact values on every backend, finite-difference gradients, and
 * differential tests against @tensorflow/tfjs.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  cumsum,
  mean,
  multinomial,
  pow,
  randomNormal,
  sum,
  tensor,
  topk,
  type Tensor,
} from '../../src/index.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';

const i32 = (v: number[], shape?: number[]): Tensor => tensor(v, shape ?? [v.length], 'int32');
const bools = (v: boolean[]): Tensor => tensor(v, [v.length], 'bool');

forEachBackend('topk', () => {
  test('values and indices, largest first, ties in index order, NaN on top', () => {
    const { values, indices } = topk(
      tensor([
        [1, 3, 3, 2],
        [5, 5, 5, 1],
      ]),
      3,
    );
    assertExact(
      values,
      [
        [3, 3, 2],
        [5, 5, 5],
      ],
      'float32',
    );
    assertExact(
      indices,
      [
        [1, 2, 3],
        [0, 1, 2],
      ],
      'int32',
    );
    const withNaN = topk(tensor([1, NaN, -Infinity, 3]), 3);
    assertExact(withNaN.indices, [1, 3, 0]);
    assertExact(withNaN.values, [NaN, 3, 1]);
    const ints = topk(i32([4, -2, 9, 0], [2, 2]), 1, false);
    assertExact(ints.values, [[4], [9]], 'int32');
    assertExact(ints.indices, [[0], [0]], 'int32');
    assert.deepEqual(topk(tensor([[1, 2]]), 0).values.shape, [1, 0]);
    assertExact(tensor([2, 7, 1]).topk().indices, [1]);
  });

  test('bad arguments', () => {
    assert.throws(() => topk(tensor([1, 2]), 3), /topk: k must be an integer in \[0, 2\]/);
    assert.throws(() => topk(tensor(1), 1), /topk: x must have rank >= 1/);
    assert.throws(() => topk(bools([true]), 1), /topk: .*bool/);
  });

  test('gradient: only the selected entries receive it', () => {
    checkGrad((x) => topk(x!, 2).values, [randomNormal([3, 5], 0, 1, 3)]);
  });
});

forEachBackend('cumsum', () => {
  test('inclusive, exclusive, reversed, along any axis; int32 and bool', () => {
    const x = tensor([1, 2, 3, 4, 5]);
    assertExact(cumsum(x), [1, 3, 6, 10, 15]);
    assertExact(cumsum(x, 0, true), [0, 1, 3, 6, 10]);
    assertExact(cumsum(x, 0, false, true), [15, 14, 12, 9, 5]);
    assertExact(cumsum(x, 0, true, true), [14, 12, 9, 5, 0]);
    assertExact(
      cumsum(i32([1, 2, 3, 4, 5, 6], [2, 3]), -1),
      [
        [1, 3, 6],
        [4, 9, 15],
      ],
      'int32',
    );
    assertExact(
      cumsum(
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        0,
      ),
      [
        [1, 2],
        [4, 6],
        [9, 12],
      ],
    );
    assertExact(cumsum(bools([true, false, true])), [1, 1, 2], 'int32');
    assertExact(cumsum(tensor([7])), [7]);
    assert.throws(() => cumsum(x, 1), /cumsum: axis 1 is out of range/);
  });

  test('gradient', () => {
    checkGrad((t) => cumsum(t!, 1), [randomNormal([2, 7], 0, 1, 5)]);
    checkGrad((t) => cumsum(t!, 0, true, true), [randomNormal([6, 2], 0, 1, 6)]);
  });
});

forEachBackend('sum and mean of bool, pow with an int32 exponent', () => {
  test('sum of bool counts true values (int32); mean is the fraction (float32)', () => {
    const b = tensor(
      [
        [true, false, true],
        [false, false, true],
      ],
      [2, 3],
      'bool',
    );
    assertExact(sum(b), 3, 'int32');
    assertExact(sum(b, 1), [2, 1], 'int32');
    assertClose(mean(b, 0), [0.5, 0, 1]);
    assert.equal(mean(b).dtype, 'float32');
    assertExact(mean(b), 0.5);
    assert.throws(() => mean(i32([1, 2])), /mean: .*int32/);
  });

  test('float32 base with int32 exponent gives float32 (and the reverse)', () => {
    assertExact(pow(tensor([2, 3, 0.5]), i32([2, 3, -1])), [4, 27, 2], 'float32');
    assertExact(pow(i32([4, 9]), tensor([0.5, 0.5])), [2, 3], 'float32');
    assertExact(pow(i32([2, 3]), i32([3, 2])), [8, 9], 'int32');
    assertExact(tensor([3]).pow(i32([2])), [9], 'float32');
    checkGrad((x) => pow(x!, i32([2, 3, 1])), [tensor([1.5, -0.7, 2])]);
    assert.throws(() => pow(bools([true]), i32([1])), /pow: .*bool/);
  });
});

forEachBackend('multinomial', () => {
  test('seeded draws: the same seed gives the same indices', () => {
    const logits = tensor([
      [0, 1, 2],
      [2, 1, 0],
    ]);
    const a = multinomial(logits, 8, 42);
    assert.equal(a.dtype, 'int32');
    assert.deepEqual(a.shape, [2, 8]);
    assert.deepEqual(a.arraySync(), multinomial(logits, 8, 42).arraySync());
    assert.notDeepEqual(a.arraySync(), multinomial(logits, 8, 43).arraySync());
    assert.deepEqual(multinomial(tensor([0.25, 0.75]), 5, 1, true).shape, [5]);
  });

  test('certain classes and impossible ones', () => {
    assertExact(multinomial(tensor([[-Infinity, 0, -Infinity]]), 4, 3), [[1, 1, 1, 1]], 'int32');
    assertExact(multinomial(tensor([0, 0, 1]), 3, 3, true), [2, 2, 2], 'int32');
  });

  test('frequencies follow the probabilities', () => {
    const probabilities = [0.1, 0.6, 0.3];
    const logits = tensor([probabilities.map(Math.log)]);
    const draws = Array.from(multinomial(logits, 20000, 7).dataSync());
    probabilities.forEach((p, c) => {
      const freq = draws.filter((d) => d === c).length / draws.length;
      assert.ok(Math.abs(freq - p) < 0.015, `class ${c}: frequency ${freq}, probability ${p}`);
    });
  });

  test('bad arguments', () => {
    assert.throws(() => multinomial(tensor([[[1]]]), 1), /multinomial: logits must have rank 1/);
    assert.throws(() => multinomial(tensor([1, 2]), 1.5), /numSamples must be a non-negative/);
    assert.throws(
      () => multinomial(tensor([0.5, -0.1]), 1, 1, true),
      /row 0 of logits: probabilities must be finite and non-negative, received -0.1/,
    );
    assert.throws(() => multinomial(tensor([NaN, 1]), 1), /received NaN at class 0/);
  });
});

describe('against @tensorflow/tfjs', () => {
  before(async () => {
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
  });

  test('topk on random values with ties', () => {
    const values = Array.from({ length: 60 }, (_, i) => ((i * 37) % 11) - 5);
    const ours = topk(tensor(values, [4, 15]), 6);
    const theirs = tf.topk(tf.tensor(values, [4, 15]), 6);
    assert.deepEqual(ours.values.arraySync(), theirs.values.arraySync());
    assert.deepEqual(ours.indices.arraySync(), theirs.indices.arraySync());
  });

  test('cumsum in every mode', () => {
    const values = Array.from({ length: 24 }, (_, i) => ((i * 7) % 5) - 2);
    for (const axis of [0, 1, 2])
      for (const exclusive of [false, true])
        for (const reverse of [false, true]) {
          const ours = cumsum(tensor(values, [2, 3, 4]), axis, exclusive, reverse);
          const theirs = tf.cumsum(tf.tensor(values, [2, 3, 4]), axis, exclusive, reverse);
          assert.deepEqual(ours.arraySync(), theirs.arraySync(), `${axis} ${exclusive} ${reverse}`);
        }
  });

  test('sum of bool, pow with an int32 exponent', () => {
    const flags = [true, false, true, true];
    assert.equal(tf.sum(tf.tensor(flags, [4], 'bool')).dtype, sum(bools(flags)).dtype);
    assert.equal(sum(bools(flags)).arraySync(), tf.sum(tf.tensor(flags, [4], 'bool')).arraySync());
    const tfMean = tf.mean(tf.tensor(flags, [4], 'bool'));
    assert.equal(mean(bools(flags)).dtype, tfMean.dtype);
    assert.equal(mean(bools(flags)).arraySync(), tfMean.arraySync());
    const theirs = tf.pow(tf.tensor([1.5, -2, 3]), tf.tensor([2, 3, -2], [3], 'int32'));
    const ours = pow(tensor([1.5, -2, 3]), i32([2, 3, -2]));
    assert.equal(ours.dtype, theirs.dtype);
    assertClose(ours, theirs.arraySync() as number[]);
  });

  test('multinomial frequencies agree with TensorFlow.js', () => {
    const logits = [0.3, -1, 2, 0.5];
    const ours = Array.from(multinomial(tensor([logits]), 20000, 11).dataSync());
    const theirs = Array.from(tf.multinomial(tf.tensor2d([logits]), 20000, 11).dataSync());
    for (let c = 0; c < logits.length; c++) {
      const a = ours.filter((d) => d === c).length / ours.length;
      const b = theirs.filter((d) => d === c).length / theirs.length;
      assert.ok(Math.abs(a - b) < 0.02, `class ${c}: lamina ${a}, tfjs ${b}`);
    }
  });
});
