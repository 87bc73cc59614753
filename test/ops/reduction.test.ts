import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  argMax,
  argMin,
  logSumExp,
  max,
  mean,
  min,
  moments,
  norm,
  prod,
  sum,
  tensor,
  variance,
} from '../../src/index.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';
import { LaminaRangeError } from '../../src/errors.js';

/** [[1,2,3],[4,5,6]] */
const m23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

/** 0..23 in shape [2,3,4]. */
const r234 = () =>
  tensor(
    Float32Array.from({ length: 24 }, (_, i) => i),
    [2, 3, 4],
  );

forEachBackend('sum', () => {
  test('all axes, single axes and negative axes of a matrix', () => {
    const x = m23();
    assertExact(sum(x), 21, 'float32');
    assertExact(sum(x, 0), [5, 7, 9]);
    assertExact(sum(x, 1), [6, 15]);
    assertExact(sum(x, -1), [6, 15]);
    assertExact(sum(x, -2), [5, 7, 9]);
    assertExact(sum(x, [0, 1]), 21);
    assertExact(sum(x, [1, 0]), 21);
  });

  test('keepDims keeps size-1 dimensions', () => {
    const x = m23();
    assertExact(sum(x, 0, true), [[5, 7, 9]]);
    assertExact(sum(x, 1, true), [[6], [15]]);
    assertExact(sum(x, undefined, true), [[21]]);
    assertExact(sum(x, [-1, -2], true), [[21]]);
  });

  test('rank 3: every single axis and axis pairs (including non-adjacent)', () => {
    const x = r234();
    assertExact(sum(x, 0), [
      [12, 14, 16, 18],
      [20, 22, 24, 26],
      [28, 30, 32, 34],
    ]);
    assertExact(sum(x, 1), [
      [12, 15, 18, 21],
      [48, 51, 54, 57],
    ]);
    assertExact(sum(x, 2), [
      [6, 22, 38],
      [54, 70, 86],
    ]);
    assertExact(sum(x, [0, 2]), [60, 92, 124]);
    assertExact(sum(x, [0, 2], true), [[[60], [92], [124]]]);
    assertExact(sum(x, [0, 1]), [60, 66, 72, 78]);
    assertExact(sum(x, [-1, -2]), [66, 210]);
    assertExact(sum(x, [1, 2], true), [[[66]], [[210]]]);
    assertExact(sum(x), 276);
  });

  test('int32 stays int32; empty axis list is the identity; empty tensor sums to 0', () => {
    const n = tensor(Int32Array.from([1, 2, 3, 4]), [2, 2]);
    assertExact(sum(n, 1), [3, 7], 'int32');
    assertExact(sum(n), 10, 'int32');
    assertExact(sum(m23(), []), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertExact(sum(tensor([])), 0);
  });

  test('errors: axis out of range names the op and rank; duplicate axis', () => {
    const x = m23();
    assert.throws(
      () => sum(x, 2),
      (e: unknown) =>
        e instanceof LaminaRangeError && /^sum: /.test(e.message) && /rank 2/.test(e.message),
    );
    assert.throws(() => sum(x, -3), /sum: axis -3 is out of range for a tensor of rank 2/);
    assert.throws(() => sum(x, [0, 0]), /sum: axis 0 appears twice/);
    assert.throws(() => sum(x, [1, -1]), /sum: axis -1 appears twice in \[1,-1\]/);
    assert.throws(() => sum(x, 0.5), /sum: axis must be an integer/);
    // A bool tensor sums to the int32 count of its true values (TensorFlow.js).
    assert.deepEqual(sum(tensor([true, true])).arraySync(), 2);
  });
});

forEachBackend('mean / max / min / prod', () => {
  test('mean', () => {
    const x = m23();
    assertClose(mean(x), 3.5);
    assertClose(mean(x, 0), [2.5, 3.5, 4.5]);
    assertClose(mean(x, -1), [2, 5]);
    assertClose(mean(x, 1, true), [[2], [5]]);
    assertClose(mean(r234(), [0, 2]), [7.5, 11.5, 15.5]);
    assertClose(mean(r234(), [0, 2], true), [[[7.5], [11.5], [15.5]]]);
    assert.throws(() => mean(tensor(Int32Array.from([1, 2]))), /mean: .*int32/);
    assert.throws(() => mean(x, 5), /mean: axis 5 .*rank 2/);
  });

  test('max and min', () => {
    const x = tensor([
      [3, -1, 7],
      [2, 9, -5],
    ]);
    assertExact(max(x), 9);
    assertExact(min(x), -5);
    assertExact(max(x, 0), [3, 9, 7]);
    assertExact(min(x, 0), [2, -1, -5]);
    assertExact(max(x, -1), [7, 9]);
    assertExact(min(x, 1, true), [[-1], [-5]]);
    assertExact(max(r234(), [0, 2]), [15, 19, 23]);
    assertExact(min(r234(), 1), [
      [0, 1, 2, 3],
      [12, 13, 14, 15],
    ]);
    assertExact(max(tensor(Int32Array.from([-7, -3]))), -3, 'int32');
    assertExact(max(tensor([-Infinity, -Infinity])), -Infinity);
  });

  test('int32 max / min over leading and non-adjacent axes', () => {
    // Reducing a non-trailing axis must not start from a 0 seed (int32 cannot hold +-Infinity).
    const neg = tensor(Int32Array.from([-7, -3, -5, -9]), [2, 2]);
    assertExact(max(neg, 0), [-5, -3], 'int32');
    assertExact(max(neg, 1), [-3, -5], 'int32');
    const pos = tensor(Int32Array.from([7, 3, 5, 9]), [2, 2]);
    assertExact(min(pos, 0), [5, 3], 'int32');
    const r = tensor(
      Int32Array.from({ length: 24 }, (_, i) => 100 + i),
      [2, 3, 4],
    );
    assertExact(min(r, [0, 2]), [100, 104, 108], 'int32');
    assertExact(max(r.neg(), [0, 2]), [-100, -104, -108], 'int32');
    assertExact(sum(r, [0, 2]), [860, 892, 924], 'int32');
    assertExact(prod(tensor(Int32Array.from([1, 2, 3, 4]), [2, 2]), 0), [3, 8], 'int32');
  });

  test('max / min propagate NaN', () => {
    assertExact(max(tensor([1, NaN, 3])), NaN);
    assertExact(min(tensor([NaN, 1, 3])), NaN);
    assertExact(
      max(
        tensor([
          [1, NaN],
          [3, 4],
        ]),
        1,
      ),
      [NaN, 4],
    );
  });

  test('max / min of an empty dimension throw', () => {
    assert.throws(
      () => max(tensor([])),
      /max: cannot reduce over an empty dimension of shape \[0\]/,
    );
    assert.throws(() => min(tensor([]), 0), /min: cannot reduce/);
    assert.throws(() => max(m23(), 3), /max: axis 3 .*rank 2/);
  });

  test('prod', () => {
    const x = m23();
    assertExact(prod(x), 720);
    assertExact(prod(x, 0), [4, 10, 18]);
    assertExact(prod(x, 1), [6, 120]);
    assertExact(prod(x, -1, true), [[6], [120]]);
    assertExact(prod(tensor([])), 1);
    assertExact(prod(tensor(Int32Array.from([2, -3, 4]))), -24, 'int32');
  });
});

forEachBackend('argMax / argMin', () => {
  test('int32 indices along an axis (default 0)', () => {
    const x = tensor([
      [3, -1, 7],
      [2, 9, -5],
    ]);
    assertExact(argMax(x), [0, 1, 0], 'int32');
    assertExact(argMin(x), [1, 0, 1], 'int32');
    assertExact(argMax(x, 1), [2, 1], 'int32');
    assertExact(argMin(x, -1), [1, 2], 'int32');
    assertExact(argMax(tensor([5, 1, 9, 2])), 2, 'int32');
  });

  test('rank 3, middle axis', () => {
    const x = r234();
    assertExact(argMax(x, 1), [
      [2, 2, 2, 2],
      [2, 2, 2, 2],
    ]);
    assertExact(argMin(x, 2), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assertExact(argMax(x, 2), [
      [3, 3, 3],
      [3, 3, 3],
    ]);
  });

  test('NaN is the arg of max and min (first NaN wins)', () => {
    assertExact(argMax(tensor([1, NaN, 3, NaN])), 1, 'int32');
    assertExact(argMin(tensor([1, NaN, -3])), 1, 'int32');
  });

  test('ties resolve to the first index', () => {
    assertExact(argMax(tensor([1, 3, 3, 0])), 1, 'int32');
    assertExact(argMin(tensor([2, 0, 5, 0])), 1, 'int32');
    assertExact(argMax(tensor([7, 7, 7])), 0);
    assertExact(argMax(tensor(Int32Array.from([4, 9, 9]))), 1, 'int32');
  });

  test('errors', () => {
    assert.throws(() => argMax(m23(), 2), /argMax: axis 2 is out of range for a tensor of rank 2/);
    assert.throws(() => argMin(m23(), -3), /argMin: .*rank 2/);
    assert.throws(() => argMax(tensor([])), /argMax: axis 0 has size 0/);
  });
});

forEachBackend('logSumExp', () => {
  test('values along axes, with keepDims', () => {
    const x = m23();
    assertClose(logSumExp(x, 1), [3.40760596, 6.40760596]);
    assertClose(logSumExp(x, 0), [4.04858735, 5.04858735, 6.04858735]);
    assertClose(logSumExp(x), 6.45619299);
    assertClose(logSumExp(x, -1, true), [[3.40760596], [6.40760596]]);
    assertClose(logSumExp(x, [0, 1], true), [[6.45619299]]);
    assertClose(logSumExp(tensor([0, 0, 0])), Math.log(3));
  });

  test('numerically stable for large values', () => {
    assertClose(logSumExp(tensor([1000, 1000])), 1000.69314718);
    assertClose(logSumExp(tensor([-1000, -1000])), -999.30685282);
    assertClose(
      logSumExp(
        tensor([
          [1000, 1000],
          [0, 0],
        ]),
        1,
      ),
      [1000.69314718, 0.69314718],
    );
  });

  test('IEEE edge cases', () => {
    assertExact(logSumExp(tensor([-Infinity, -Infinity])), -Infinity);
    assertExact(logSumExp(tensor([-Infinity, 0])), 0);
    assertExact(logSumExp(tensor([Infinity, 0])), Infinity);
    assertExact(logSumExp(tensor([NaN, 0])), NaN);
  });

  test('errors', () => {
    assert.throws(() => logSumExp(m23(), 2), /logSumExp: axis 2 .*rank 2/);
    assert.throws(() => logSumExp(m23(), [0, -2]), /logSumExp: axis -2 appears twice/);
  });
});

forEachBackend('variance / moments / norm', () => {
  test('variance is the population variance', () => {
    const x = m23();
    assertClose(variance(x), 2.91666667);
    assertClose(variance(x, 0), [2.25, 2.25, 2.25]);
    assertClose(variance(x, 1), [2 / 3, 2 / 3]);
    assertClose(variance(x, -1, true), [[2 / 3], [2 / 3]]);
    assertClose(variance(r234(), [0, 2]), [37.25, 37.25, 37.25]);
    assertClose(variance(tensor([5, 5, 5])), 0);
    assert.throws(() => variance(x, [0, 0]), /variance: axis 0 appears twice/);
  });

  test('moments returns mean and variance', () => {
    const { mean: mu, variance: v } = moments(m23(), 0);
    assertClose(mu, [2.5, 3.5, 4.5]);
    assertClose(v, [2.25, 2.25, 2.25]);
    const all = moments(tensor([1, 2, 3, 4]));
    assertClose(all.mean, 2.5);
    assertClose(all.variance, 1.25);
    const kept = moments(m23(), 1, true);
    assertClose(kept.mean, [[2], [5]]);
    assertClose(kept.variance, [[2 / 3], [2 / 3]]);
    assert.throws(() => moments(m23(), 2), /rank 2/);
  });

  test('norm orders 1, 2, euclidean and Infinity', () => {
    const z = tensor([
      [3, -4],
      [-1, 2],
    ]);
    assertClose(norm(z), Math.sqrt(30));
    assertClose(norm(z, 'euclidean', 1), [5, Math.sqrt(5)]);
    assertClose(norm(z, 2, 1), [5, Math.sqrt(5)]);
    assertClose(norm(z, 2, 0), [Math.sqrt(10), Math.sqrt(20)]);
    assertClose(norm(z, 1, 1), [7, 3]);
    assertClose(norm(z, 1), 10);
    assertClose(norm(z, Infinity, 1), [4, 2]);
    assertClose(norm(z, Infinity, -2, true), [[3, 4]]);
    assertClose(norm(z, Infinity), 4);
    assertClose(norm(z, 'fro', [0, 1], true), [[Math.sqrt(30)]]);
  });

  test('norm errors', () => {
    const z = tensor([3, 4]);
    assert.throws(() => norm(z, 3 as 1), /norm: ord must be 1, 2, 'euclidean', 'fro' or Infinity/);
    assert.throws(() => norm(z, 2, 1), /rank 1/);
    assert.throws(() => norm(tensor(Int32Array.from([3, 4]))), /norm: .*int32/);
  });

  test('reductions as methods', () => {
    const x = m23();
    assertExact(x.sum(1), [6, 15]);
    assertClose(x.mean(0, true), [[2.5, 3.5, 4.5]]);
    assertExact(x.argMax(1), [2, 2], 'int32');
    assertClose(x.norm(1), 21);
  });
});
