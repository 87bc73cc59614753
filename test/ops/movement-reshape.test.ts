import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  expandDims,
  range,
  reshape,
  slice,
  squeeze,
  stridedSlice,
  tensor,
  transpose,
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
      /^LaminaRangeError: reshape: cannot reshape a tensor of shape \[2,3\] \(size 6\) into \[4,2\] \(size 8\)$/,
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
