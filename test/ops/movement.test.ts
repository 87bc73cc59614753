import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  broadcastTo,
  concat,
  expandDims,
  gather,
  oneHot,
  pad,
  range,
  reshape,
  reverse,
  slice,
  split,
  squeeze,
  stack,
  stridedSlice,
  tensor,
  tile,
  transpose,
  unstack,
  type Tensor,
} from '../../src/index.js';
import { assertExact, forEachBackend } from '../helpers.js';

/** [0, 1, ..., prod(shape) - 1] reshaped to `shape` (float32). */
function iota(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return reshape(range(0, n), shape);
}

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--)
    s[i] = (s[i + 1] as number) * (shape[i + 1] as number);
  return s;
}

/** Reference transpose of iota(shape): out[idx] = in[idx permuted back]. */
function referenceTranspose(shape: number[], perm: number[]): number[] {
  const outShape = perm.map((p) => shape[p] as number);
  const inStrides = strides(shape);
  const n = shape.reduce((a, b) => a * b, 1);
  const outStrides = strides(outShape);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let d = 0; d < outShape.length; d++) {
      const coord = Math.floor(i / (outStrides[d] as number)) % (outShape[d] as number);
      src += coord * (inStrides[perm[d] as number] as number);
    }
    out.push(src);
  }
  return out;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let i = 0; i <= rest.length; i++) out.push([...rest.slice(0, i), n - 1, ...rest.slice(i)]);
  }
  return out;
}

forEachBackend('reshape', () => {
  test('reshape keeps row-major order', () => {
    assertExact(reshape(tensor([1, 2, 3, 4, 5, 6]), [2, 3]), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertExact(
      reshape(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        [3, 2],
      ),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    );
  });

  test('reshape infers a -1 dimension', () => {
    const y = reshape(iota([2, 3, 4]), [-1, 6]);
    assert.deepEqual([...y.shape], [4, 6]);
    assertExact(reshape(tensor([1, 2, 3, 4, 5, 6]), [3, -1]), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assertExact(
      reshape(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [-1],
      ),
      [1, 2, 3, 4],
    );
    assertExact(reshape(tensor([7]), []), 7);
  });

  test('reshape to a bad size names the op and both shapes', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.throws(
      () => reshape(x, [4, 2]),
      /^RangeError: reshape: cannot reshape a tensor of shape \[2,3\] \(size 6\) into \[4,2\] \(size 8\)$/,
    );
    assert.throws(() => reshape(x, [4, -1]), /reshape: .*\[2,3\].*\[4,-1\]/);
    assert.throws(() => reshape(x, [-1, -1]), /reshape: at most one dimension may be -1/);
  });

  test('int32 dtype is preserved', () => {
    assertExact(
      reshape(tensor([1, 2, 3, 4], [4], 'int32'), [2, 2]),
      [
        [1, 2],
        [3, 4],
      ],
      'int32',
    );
  });

  test('flatten method', () => {
    const y = iota([2, 2, 2]).flatten();
    assertExact(y, [0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

forEachBackend('transpose', () => {
  test('default reverses the axes', () => {
    assertExact(
      transpose(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
      [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
    );
    const y = transpose(iota([2, 3, 4]));
    assert.deepEqual([...y.shape], [4, 3, 2]);
    // y[k][j][i] = x[i][j][k] = 12i + 4j + k
    assert.deepEqual(Array.from(y.dataSync()), referenceTranspose([2, 3, 4], [2, 1, 0]));
    assert.deepEqual((y.arraySync() as number[][][])[3]?.[1], [7, 19]);
  });

  test('hand-checked rank-3 permutation', () => {
    // x [2,2,3]: x[i][j][k] = 6i + 3j + k; perm [1,0,2]: y[j][i][k]
    assertExact(transpose(iota([2, 2, 3]), [1, 0, 2]), [
      [
        [0, 1, 2],
        [6, 7, 8],
      ],
      [
        [3, 4, 5],
        [9, 10, 11],
      ],
    ]);
    // perm [0,2,1]: y[i][k][j]
    assertExact(transpose(iota([2, 2, 3]), [0, 2, 1]), [
      [
        [0, 3],
        [1, 4],
        [2, 5],
      ],
      [
        [6, 9],
        [7, 10],
        [8, 11],
      ],
    ]);
  });

  test('every permutation of a rank-3 tensor', () => {
    const shape = [2, 3, 4];
    const x = iota(shape);
    const perms = permutations(3);
    assert.equal(perms.length, 6);
    for (const perm of perms) {
      const y = transpose(x, perm);
      assert.deepEqual(
        [...y.shape],
        perm.map((p) => shape[p]),
        `shape for ${perm}`,
      );
      assert.deepEqual(Array.from(y.dataSync()), referenceTranspose(shape, perm), `perm ${perm}`);
    }
  });

  test('every permutation of a rank-4 tensor', () => {
    const shape = [2, 3, 1, 5];
    const x = iota(shape);
    const perms = permutations(4);
    assert.equal(perms.length, 24);
    for (const perm of perms) {
      const y = transpose(x, perm);
      assert.deepEqual(
        [...y.shape],
        perm.map((p) => shape[p]),
      );
      assert.deepEqual(Array.from(y.dataSync()), referenceTranspose(shape, perm), `perm ${perm}`);
    }
  });

  test('transposing twice with inverse permutations is the identity', () => {
    const x = iota([3, 2, 4, 2]);
    const y = transpose(transpose(x, [2, 0, 3, 1]), [1, 3, 0, 2]);
    assert.deepEqual([...y.shape], [3, 2, 4, 2]);
    assert.deepEqual(
      Array.from(y.dataSync()),
      Array.from({ length: 48 }, (_, i) => i),
    );
  });

  test('int32 transpose', () => {
    assertExact(
      transpose(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          undefined,
          'int32',
        ),
      ),
      [
        [1, 3],
        [2, 4],
      ],
      'int32',
    );
  });

  test('bad permutation errors', () => {
    const x = iota([2, 3, 4]);
    assert.throws(
      () => transpose(x, [0, 1]),
      /transpose: perm must be a permutation of 0\.\.2 for a tensor of rank 3, received \[0,1\]/,
    );
    assert.throws(() => transpose(x, [0, 0, 1]), /transpose: perm must be a permutation/);
    assert.throws(() => transpose(x, [0, 1, 3]), /received \[0,1,3\]/);
    assert.throws(() => transpose(x, [0, 1, -1]), /transpose: perm must be a permutation/);
  });
});

forEachBackend('slice', () => {
  const x = tensor([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 10, 11, 12],
  ]);

  test('begin and size', () => {
    assertExact(slice(x, [1, 1], [2, 2]), [
      [6, 7],
      [10, 11],
    ]);
    assertExact(slice(x, [0, 2], [1, 2]), [[3, 4]]);
    assertExact(slice(tensor([1, 2, 3, 4, 5]), 1, 3), [2, 3, 4]);
  });

  test('size -1 runs to the end; missing entries take everything', () => {
    assertExact(slice(x, [1, 2], [-1, -1]), [
      [7, 8],
      [11, 12],
    ]);
    assertExact(slice(x, [2, 1], [1, -1]), [[10, 11, 12]]);
    assertExact(slice(x, [1]), [
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    assertExact(slice(x, 2), [[9, 10, 11, 12]]);
  });

  test('rank-3 slice', () => {
    // x[i][j][k] = 12i + 4j + k
    assertExact(slice(iota([2, 3, 4]), [1, 1, 1], [1, 2, 2]), [
      [
        [17, 18],
        [21, 22],
      ],
    ]);
  });

  test('empty slice', () => {
    const y = slice(x, [1, 0], [0, 4]);
    assert.deepEqual([...y.shape], [0, 4]);
    assert.equal(y.size, 0);
  });

  test('out-of-bounds errors', () => {
    assert.throws(
      () => slice(x, [2, 0], [2, 4]),
      /slice: begin 2 with size 2 is out of bounds for dimension 0 of shape \[3,4\]/,
    );
    assert.throws(() => slice(x, [0, 5]), /slice: begin 5 with size -1 is out of bounds/);
    assert.throws(() => slice(x, [-1, 0]), /slice: .*out of bounds for dimension 0/);
    assert.throws(() => slice(x, [0, 0, 0]), /slice: begin \[0,0,0\].*at most rank 2/);
  });
});

forEachBackend('stridedSlice', () => {
  const v = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  test('positive strides', () => {
    assertExact(stridedSlice(v, [1], [7], [1]), [1, 2, 3, 4, 5, 6]);
    assertExact(stridedSlice(v, [1], [8], [2]), [1, 3, 5, 7]);
    assertExact(stridedSlice(v, [0], [10], [3]), [0, 3, 6, 9]);
    assertExact(stridedSlice(v, [2], [9], [3]), [2, 5, 8]);
    assertExact(stridedSlice(v, [2], [8], [3]), [2, 5]);
    // end past the dimension is clamped, as in Python
    assertExact(stridedSlice(v, [7], [100], [1]), [7, 8, 9]);
  });

  test('negative strides', () => {
    assertExact(stridedSlice(v, [8], [2], [-1]), [8, 7, 6, 5, 4, 3]);
    assertExact(stridedSlice(v, [9], [0], [-2]), [9, 7, 5, 3, 1]);
    assertExact(stridedSlice(v, [8], [0], [-3]), [8, 5, 2]);
    assertExact(stridedSlice(v, [7], [1], [-3]), [7, 4]);
    // begin past the end is clamped to the last element
    assertExact(stridedSlice(v, [20], [6], [-1]), [9, 8, 7]);
  });

  test('negative indices count from the end', () => {
    assertExact(stridedSlice(v, [-3], [10], [1]), [7, 8, 9]);
    assertExact(stridedSlice(v, [-4], [-1], [1]), [6, 7, 8]);
    assertExact(stridedSlice(v, [-1], [-4], [-1]), [9, 8, 7]);
    assertExact(stridedSlice(v, [-2], [-100], [-2]), [8, 6, 4, 2, 0]);
    assertExact(stridedSlice(v, [1], [-1], [3]), [1, 4, 7]);
  });

  test('empty results', () => {
    const a = stridedSlice(v, [5], [2], [1]);
    assert.deepEqual([...a.shape], [0]);
    const b = stridedSlice(v, [2], [5], [-1]);
    assert.deepEqual([...b.shape], [0]);
    const c = stridedSlice(v, [4], [-1], [-1]);
    assert.deepEqual([...c.shape], [0]);
  });

  test('beginMask and endMask', () => {
    // x[:4]
    assertExact(stridedSlice(v, [7], [4], [1], { beginMask: 1 }), [0, 1, 2, 3]);
    // x[6:]
    assertExact(stridedSlice(v, [6], [2], [1], { endMask: 1 }), [6, 7, 8, 9]);
    // x[::-1]
    assertExact(
      stridedSlice(v, [0], [0], [-1], { beginMask: 1, endMask: 1 }),
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    );
    // x[::-3]
    assertExact(stridedSlice(v, [3], [3], [-3], { beginMask: 1, endMask: 1 }), [9, 6, 3, 0]);
    // x[3::-1]
    assertExact(stridedSlice(v, [3], [8], [-1], { endMask: 1 }), [3, 2, 1, 0]);
    // x[:5:-2]
    assertExact(stridedSlice(v, [0], [5], [-2], { beginMask: 1 }), [9, 7]);
  });

  test('rank-2 with per-dimension masks', () => {
    // x[i][j] = 4i + j, shape [3,4]
    const x = iota([3, 4]);
    // x[1:, ::-2]
    assertExact(stridedSlice(x, [1, 0], [0, 0], [1, -2], { endMask: 0b11, beginMask: 0b10 }), [
      [7, 5],
      [11, 9],
    ]);
    // x[::2, 1:3]
    assertExact(stridedSlice(x, [0, 1], [0, 3], [2, 1], { endMask: 0b01 }), [
      [1, 2],
      [9, 10],
    ]);
    // x[-1::-1, -1]  (shrink axis 1)
    assertExact(
      stridedSlice(x, [-1, -1], [0, 0], [-1, 1], { endMask: 1, shrinkAxisMask: 2 }),
      [11, 7, 3],
    );
  });

  test('shrinkAxisMask drops dimensions', () => {
    const x = iota([3, 4]);
    // x[1]
    const row = stridedSlice(x, [1, 0], [2, 4], [1, 1], { shrinkAxisMask: 1 });
    assertExact(row, [4, 5, 6, 7]);
    // x[:, -2]
    assertExact(stridedSlice(x, [0, -2], [3, 0], [1, 1], { shrinkAxisMask: 2 }), [2, 6, 10]);
    // x[2, 1] -> scalar
    assertExact(stridedSlice(x, [2, 1], [0, 0], [1, 1], { shrinkAxisMask: 3 }), 9);
    assert.throws(
      () => stridedSlice(x, [3, 0], [4, 4], [1, 1], { shrinkAxisMask: 1 }),
      /stridedSlice: index 3 is out of bounds for dimension 0 of shape \[3,4\]/,
    );
  });

  test('rank-3 steps of 2 and 3 with missing trailing entries', () => {
    // x[i][j][k] = 30i + 6j + k, shape [2,5,6]
    const x = iota([2, 5, 6]);
    // x[1, ::2, 1::3]
    const y = stridedSlice(x, [1, 0, 1], [2, 5, 6], [1, 2, 3]);
    assertExact(y, [
      [
        [31, 34],
        [43, 46],
        [55, 58],
      ],
    ]);
    // x[:1] (begin/end given for axis 0 only)
    const z = stridedSlice(x, [0], [1]);
    assert.deepEqual([...z.shape], [1, 5, 6]);
    assert.equal(z.dataSync()[29], 29);
  });

  test('zero stride errors', () => {
    assert.throws(() => stridedSlice(v, [0], [5], [0]), /stridedSlice: strides\[0\] must not be 0/);
  });
});

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

forEachBackend('expandDims and squeeze', () => {
  test('expandDims', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertExact(expandDims(x), [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    assertExact(expandDims(x, 1), [[[1, 2, 3]], [[4, 5, 6]]]);
    assertExact(expandDims(x, -1), [
      [[1], [2], [3]],
      [[4], [5], [6]],
    ]);
    assertExact(expandDims(tensor(3)), [3]);
    assert.throws(() => expandDims(x, 3), /expandDims: axis 3 is out of range/);
  });

  test('squeeze', () => {
    const x = reshape(tensor([1, 2, 3, 4, 5, 6]), [1, 2, 1, 3]);
    assertExact(squeeze(x), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assertExact(squeeze(x, 2), [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    assert.deepEqual([...squeeze(x, [0, -2]).shape], [2, 3]);
    assertExact(squeeze(tensor([[7]])), 7);
  });

  test('squeezing a non-1 dimension errors', () => {
    const x = reshape(tensor([1, 2, 3, 4, 5, 6]), [1, 2, 1, 3]);
    assert.throws(
      () => squeeze(x, 1),
      /squeeze: dimension 1 of shape \[1,2,1,3\] has size 2, expected 1/,
    );
    assert.throws(() => squeeze(x, [0, 3]), /squeeze: dimension 3 .* has size 3, expected 1/);
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
