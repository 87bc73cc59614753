import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  broadcastTo,
  oneHot,
  pad,
  range,
  reshape,
  reverse,
  tensor,
  tile,
  type Tensor,
} from '../../src/index.js';
import { assertExact, forEachBackend } from '../helpers.js';

/** [0, 1, ..., prod(shape) - 1] reshaped to `shape` (float32). */
function iota(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return reshape(range(0, n), shape);
}

forEachBackend('pad', () => {
  test('constant value', () => {
    assertExact(
      pad(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [
          [1, 0],
          [0, 2],
        ],
        9,
      ),
      [
        [9, 9, 9, 9],
        [1, 2, 9, 9],
        [3, 4, 9, 9],
      ],
    );
    assertExact(pad(tensor([1, 2]), [[2, 1]]), [0, 0, 1, 2, 0]);
    assertExact(pad(tensor([5], [1], 'int32'), [[1, 1]], -3), [-3, 5, -3], 'int32');
  });

  test('rank 3', () => {
    assertExact(
      pad(iota([1, 2, 2]), [
        [0, 1],
        [1, 0],
        [0, 1],
      ]),
      [
        [
          [0, 0, 0],
          [0, 1, 0],
          [2, 3, 0],
        ],
        [
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
        ],
      ],
    );
  });

  test('errors', () => {
    assert.throws(() => pad(tensor([1, 2]), [[-1, 0]]), /pad: paddings must be non-negative/);
    assert.throws(
      () =>
        pad(tensor([1, 2]), [
          [0, 0],
          [0, 0],
        ]),
      /pad: paddings must have 1/,
    );
  });
});

forEachBackend('tile and broadcastTo', () => {
  test('tile', () => {
    assertExact(
      tile(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [2, 3],
      ),
      [
        [1, 2, 1, 2, 1, 2],
        [3, 4, 3, 4, 3, 4],
        [1, 2, 1, 2, 1, 2],
        [3, 4, 3, 4, 3, 4],
      ],
    );
    assertExact(tile(tensor([1, 2, 3]), [2]), [1, 2, 3, 1, 2, 3]);
    assertExact(tile(tensor([[1, 2]]), [3, 1]), [
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    assert.throws(() => tile(tensor([1, 2]), [2, 2]), /tile: reps must have 1 entries/);
  });

  test('broadcastTo', () => {
    assertExact(broadcastTo(tensor([1, 2, 3]), [2, 3]), [
      [1, 2, 3],
      [1, 2, 3],
    ]);
    assertExact(broadcastTo(tensor([[1], [2]]), [2, 3]), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    assertExact(broadcastTo(tensor([[1], [2]]), [2, 2, 2]), [
      [
        [1, 1],
        [2, 2],
      ],
      [
        [1, 1],
        [2, 2],
      ],
    ]);
    assertExact(broadcastTo(tensor(4), [2]), [4, 4]);
    assert.throws(
      () => broadcastTo(tensor([1, 2]), [3]),
      /broadcastTo: cannot broadcast shape \[2\] to \[3\]/,
    );
    assert.throws(
      () => broadcastTo(tensor([[1, 2]]), [2]),
      /broadcastTo: cannot broadcast shape \[1,2\] to lower rank \[2\]/,
    );
  });
});

forEachBackend('reverse', () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  test('one axis', () => {
    assertExact(reverse(x, 0), [
      [4, 5, 6],
      [1, 2, 3],
    ]);
    assertExact(reverse(x, 1), [
      [3, 2, 1],
      [6, 5, 4],
    ]);
    assertExact(reverse(x, -1), [
      [3, 2, 1],
      [6, 5, 4],
    ]);
    assertExact(reverse(tensor([1, 2, 3, 4])), [4, 3, 2, 1]);
  });

  test('several axes', () => {
    assertExact(reverse(x, [0, 1]), [
      [6, 5, 4],
      [3, 2, 1],
    ]);
    assertExact(reverse(x), [
      [6, 5, 4],
      [3, 2, 1],
    ]);
    // x[i][j][k] = 4i + 2j + k
    assertExact(reverse(iota([2, 2, 2]), [0, 2]), [
      [
        [5, 4],
        [7, 6],
      ],
      [
        [1, 0],
        [3, 2],
      ],
    ]);
    assert.throws(() => reverse(x, [1, 1]), /reverse: axis 1 appears twice/);
  });
});

forEachBackend('oneHot', () => {
  test('depth and default values', () => {
    assertExact(
      oneHot([0, 2, 1], 3),
      [
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ],
      'float32',
    );
  });

  test('on/off values, 2-D indices and out-of-range rows', () => {
    assertExact(oneHot([3, -1, 1, 4], 4, 5, -1), [
      [-1, -1, -1, 5],
      [-1, -1, -1, -1],
      [-1, 5, -1, -1],
      [-1, -1, -1, -1],
    ]);
    assertExact(
      oneHot(
        tensor(
          [
            [0, 1],
            [1, 0],
          ],
          undefined,
          'int32',
        ),
        2,
      ),
      [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0, 1],
          [1, 0],
        ],
      ],
    );
    assertExact(oneHot([1], 3, 1, 0, 'int32'), [[0, 1, 0]], 'int32');
  });

  test('errors', () => {
    assert.throws(() => oneHot([0], 0), /oneHot: depth must be a positive integer, received 0/);
    assert.throws(
      () => oneHot(tensor([0.5]), 2),
      /oneHot: argument 'indices' must have dtype int32, received float32/,
    );
    assert.throws(() => oneHot([0.5], 2), /oneHot: argument 'indices' could not be converted/);
  });
});
