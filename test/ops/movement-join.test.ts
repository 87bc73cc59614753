import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  concat,
  gather,
  range,
  reshape,
  split,
  stack,
  tensor,
  unstack,
  type Tensor,
} from '../../src/index.js';
import { assertExact, forEachBackend } from '../helpers.js';

/** [0, 1, ..., prod(shape) - 1] reshaped to `shape` (float32). */
function iota(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return reshape(range(0, n), shape);
}

forEachBackend('concat', () => {
  const a = tensor([
    [1, 2],
    [3, 4],
  ]);
  const b = tensor([[5, 6]]);
  const c = tensor([
    [7, 8],
    [9, 10],
    [11, 12],
  ]);

  test('axis 0 with three inputs', () => {
    assertExact(concat([a, b, c], 0), [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
  });

  test('axis 1 and -1', () => {
    const d = tensor([[5], [6]]);
    const e = tensor([
      [7, 8, 9],
      [10, 11, 12],
    ]);
    const want = [
      [1, 2, 5, 7, 8, 9],
      [3, 4, 6, 10, 11, 12],
    ];
    assertExact(concat([a, d, e], 1), want);
    assertExact(concat([a, d, e], -1), want);
  });

  test('rank-3 along the middle axis', () => {
    // x[i][j][k] = 4i + 2j + k (shape [2,2,2]); y = 100 + x[:, :1, :]
    const x = iota([2, 2, 2]);
    const y = tensor([[[100, 101]], [[104, 105]]]);
    assertExact(concat([x, y], 1), [
      [
        [0, 1],
        [2, 3],
        [100, 101],
      ],
      [
        [4, 5],
        [6, 7],
        [104, 105],
      ],
    ]);
  });

  test('single input and int32', () => {
    assertExact(concat([a]), [
      [1, 2],
      [3, 4],
    ]);
    const i = tensor([1, 2], [2], 'int32');
    const j = tensor([3], [1], 'int32');
    assertExact(concat([i, j]), [1, 2, 3], 'int32');
  });

  test('concat method on tensors', () => {
    assertExact(a.concat(b), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assertExact(a.concat([a, a], 1), [
      [1, 2, 1, 2, 1, 2],
      [3, 4, 3, 4, 3, 4],
    ]);
  });

  test('mismatch errors', () => {
    assert.throws(
      () => concat([a, b], 1),
      /concat: tensor 1 has shape \[1,2\], which does not match tensor 0's \[2,2\] outside axis 1/,
    );
    assert.throws(() => concat([a, tensor([1, 2])]), /concat: tensor 1 has shape \[2\]/);
    assert.throws(() => concat([]), /concat: expected at least one tensor/);
    assert.throws(
      () => concat([a, tensor([[1, 2]], undefined, 'int32')]),
      /concat: tensor 1 has dtype int32/,
    );
    assert.throws(() => concat([a, a], 2), /concat: axis 2 is out of range/);
  });
});

forEachBackend('stack and unstack', () => {
  test('stack along each axis', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    assertExact(stack([a, b]), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertExact(stack([a, b], 1), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    assertExact(stack([a, b], -1), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const m = tensor([
      [1, 2],
      [3, 4],
    ]);
    const n = tensor([
      [5, 6],
      [7, 8],
    ]);
    assertExact(stack([m, n, m], 1), [
      [
        [1, 2],
        [5, 6],
        [1, 2],
      ],
      [
        [3, 4],
        [7, 8],
        [3, 4],
      ],
    ]);
    assert.throws(
      () => stack([a, tensor([1, 2])]),
      /stack: tensor 1 has shape \[2\], expected \[3\]/,
    );
  });

  test('unstack along axis 0 and 1', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const rows = unstack(x);
    assert.equal(rows.length, 2);
    assertExact(rows[0] as Tensor, [1, 2, 3]);
    assertExact(rows[1] as Tensor, [4, 5, 6]);
    const cols = unstack(x, 1);
    assert.equal(cols.length, 3);
    assertExact(cols[0] as Tensor, [1, 4]);
    assertExact(cols[1] as Tensor, [2, 5]);
    assertExact(cols[2] as Tensor, [3, 6]);
    assert.deepEqual(unstack(tensor([[], []]), 1), []);
    assert.throws(() => unstack(tensor(3)), /unstack: x must have rank >= 1, received a scalar/);
    const last = unstack(iota([2, 2, 2]), -1);
    assertExact(last[1] as Tensor, [
      [1, 3],
      [5, 7],
    ]);
  });
});

forEachBackend('split', () => {
  const x = tensor([
    [1, 2, 3, 4, 5, 6],
    [7, 8, 9, 10, 11, 12],
  ]);

  test('equal parts', () => {
    const parts = split(x, 3, 1);
    assert.equal(parts.length, 3);
    assertExact(parts[0] as Tensor, [
      [1, 2],
      [7, 8],
    ]);
    assertExact(parts[1] as Tensor, [
      [3, 4],
      [9, 10],
    ]);
    assertExact(parts[2] as Tensor, [
      [5, 6],
      [11, 12],
    ]);
    const rows = split(x, 2);
    assertExact(rows[1] as Tensor, [[7, 8, 9, 10, 11, 12]]);
  });

  test('explicit sizes with -1', () => {
    const parts = split(x, [1, -1, 2], -1);
    assert.equal(parts.length, 3);
    assertExact(parts[0] as Tensor, [[1], [7]]);
    assertExact(parts[1] as Tensor, [
      [2, 3, 4],
      [8, 9, 10],
    ]);
    assertExact(parts[2] as Tensor, [
      [5, 6],
      [11, 12],
    ]);
    const [p, q] = split(x, [4, 2], 1);
    assertExact(p as Tensor, [
      [1, 2, 3, 4],
      [7, 8, 9, 10],
    ]);
    assertExact(q as Tensor, [
      [5, 6],
      [11, 12],
    ]);
  });

  test('errors', () => {
    assert.throws(
      () => split(x, 4, 1),
      /split: dimension 1 of shape \[2,6\] \(size 6\) cannot be split into 4 equal parts/,
    );
    assert.throws(
      () => split(x, [2, 2], 1),
      /split: sizes \[2,2\] must be non-negative integers summing to 6/,
    );
    assert.throws(() => split(x, [5, -1, 3], 1), /split: sizes \[5,-1,3\]/);
  });
});

forEachBackend('gather', () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);

  test('axis 0', () => {
    assertExact(gather(x, [2, 0]), [
      [7, 8, 9],
      [1, 2, 3],
    ]);
    assertExact(gather(tensor([10, 20, 30, 40]), [3, 3, 0, 1]), [40, 40, 10, 20]);
  });

  test('axis 1', () => {
    assertExact(gather(x, [2, 2, 0], 1), [
      [3, 3, 1],
      [6, 6, 4],
      [9, 9, 7],
    ]);
    assertExact(gather(x, [1], -1), [[2], [5], [8]]);
  });

  test('2-D indices', () => {
    assertExact(
      gather(x, [
        [0, 1],
        [2, 0],
      ]),
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [1, 2, 3],
        ],
      ],
    );
    assertExact(
      gather(
        x,
        [
          [2, 1],
          [0, 0],
        ],
        1,
      ),
      [
        [
          [3, 2],
          [1, 1],
        ],
        [
          [6, 5],
          [4, 4],
        ],
        [
          [9, 8],
          [7, 7],
        ],
      ],
    );
  });

  test('rank-3 middle axis and int32 values', () => {
    // y[i][j][k] = 6i + 2j + k (shape [2,3,2])
    const y = reshape(tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [12], 'int32'), [2, 3, 2]);
    assertExact(
      gather(y, [2, 0], 1),
      [
        [
          [4, 5],
          [0, 1],
        ],
        [
          [10, 11],
          [6, 7],
        ],
      ],
      'int32',
    );
  });

  test('out-of-range index errors', () => {
    assert.throws(
      () => gather(x, [0, 3]),
      /gather: index 3 \(at flat position 1 of indices\) is out of range \[0, 3\) for axis 0 of shape \[3,3\]/,
    );
    assert.throws(() => gather(x, [-1], 1), /gather: index -1 .*out of range \[0, 3\) for axis 1/);
    assert.throws(() => gather(x, [1.5]), /gather: argument 'indices' could not be converted/);
    assert.throws(() => gather(tensor(5), [0]), /gather: x must have rank >= 1, received a scalar/);
  });
});
