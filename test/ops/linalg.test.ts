import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dot,
  matMul,
  outerProduct,
  randomNormal,
  randomUniform,
  tensor,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { assertClose, assertExact, forEachBackend } from '../helpers.js';
import { LaminaRangeError } from '../../src/errors.js';

/**
 * Naive float64 batched matMul with NumPy batch broadcasting, from the flat values of a
 * [...batchA, a1, a2] and b [...batchB, b1, b2]. Returns the flat result and its shape.
 */
function referenceMatMul(
  a: Tensor,
  b: Tensor,
  transposeA = false,
  transposeB = false,
): { values: number[]; shape: number[] } {
  const av = Array.from(a.dataSync(), Number);
  const bv = Array.from(b.dataSync(), Number);
  const [a1, a2] = a.shape.slice(-2) as [number, number];
  const [b1, b2] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? a2 : a1;
  const k = transposeA ? a1 : a2;
  const n = transposeB ? b1 : b2;
  assert.equal(transposeB ? b2 : b1, k, 'reference: inner dimensions');
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const padA = [...new Array<number>(rank - batchA.length).fill(1), ...batchA];
  const padB = [...new Array<number>(rank - batchB.length).fill(1), ...batchB];
  const batch = padA.map((d, i) => Math.max(d, padB[i] as number));
  const total = batch.reduce((x, y) => x * y, 1);
  const values: number[] = [];
  for (let t = 0; t < total; t++) {
    // Decompose t into batch coordinates and map them (broadcast) onto a and b.
    let rem = t;
    let ia = 0;
    let ib = 0;
    let strideA = 1;
    let strideB = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const size = batch[d] as number;
      const coord = rem % size;
      rem = Math.floor(rem / size);
      const da = padA[d] as number;
      const db = padB[d] as number;
      ia += (da === 1 ? 0 : coord) * strideA;
      ib += (db === 1 ? 0 : coord) * strideB;
      strideA *= da;
      strideB *= db;
    }
    const offA = ia * a1 * a2;
    const offB = ib * b1 * b2;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const x = av[offA + (transposeA ? p * a2 + i : i * a2 + p)] as number;
          const y = bv[offB + (transposeB ? j * b2 + p : p * b2 + j)] as number;
          s += x * y;
        }
        values.push(s);
      }
    }
  }
  return { values, shape: [...batch, m, n] };
}

/** Compares against the reference with an rtol relative to the largest magnitude of the row sums. */
function checkAgainstReference(
  a: Tensor,
  b: Tensor,
  transposeA = false,
  transposeB = false,
  rtol = 1e-4,
): void {
  const got = matMul(a, b, transposeA, transposeB);
  const want = referenceMatMul(a, b, transposeA, transposeB);
  assert.deepEqual([...got.shape], want.shape, 'shape');
  const g = got.dataSync();
  assert.equal(g.length, want.values.length);
  // Entries of random products can be near zero, so scale the tolerance by sqrt(k)
  // (the typical magnitude of a sum of k unit-variance products) as an absolute floor.
  const k = transposeA ? (a.shape[a.rank - 2] as number) : (a.shape[a.rank - 1] as number);
  const atol = rtol * Math.sqrt(k);
  for (let i = 0; i < want.values.length; i++) {
    const e = want.values[i] as number;
    const v = g[i] as number;
    assert.ok(
      Math.abs(v - e) <= atol + rtol * Math.abs(e),
      `element ${i}: expected ${e}, got ${v}`,
    );
  }
}

forEachBackend('matMul', () => {
  const a = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  test('2-D product', () => {
    const b = tensor([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    assertExact(matMul(a, b), [
      [58, 64],
      [139, 154],
    ]);
    assertExact(a.matMul(b), [
      [58, 64],
      [139, 154],
    ]);
    assertExact(matMul(tensor([[2]]), tensor([[3, 4]])), [[6, 8]]);
  });

  test('transposeA', () => {
    // a^T [3,2] x [[1,2],[3,4]]
    assertExact(
      matMul(
        a,
        tensor([
          [1, 2],
          [3, 4],
        ]),
        true,
        false,
      ),
      [
        [13, 18],
        [17, 24],
        [21, 30],
      ],
    );
  });

  test('transposeB', () => {
    // [[1,2],[3,4]] x b^T with b = [[1,0],[0,1],[1,1]]
    assertExact(
      matMul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([
          [1, 0],
          [0, 1],
          [1, 1],
        ]),
        false,
        true,
      ),
      [
        [1, 2, 3],
        [3, 4, 7],
      ],
    );
    assertExact(matMul(a, a, false, true), [
      [14, 32],
      [32, 77],
    ]);
  });

  test('transposeA and transposeB', () => {
    // a^T [3,2] x [[1,2],[3,4]]^T
    assertExact(
      matMul(
        a,
        tensor([
          [1, 2],
          [3, 4],
        ]),
        true,
        true,
      ),
      [
        [9, 19],
        [12, 26],
        [15, 33],
      ],
    );
  });

  test('batched 3-D', () => {
    const x = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    const y = tensor([
      [[1], [1]],
      [[1], [-1]],
    ]);
    assertExact(matMul(x, y), [
      [[3], [7]],
      [[-1], [-1]],
    ]);
    // per-batch transposeA: x[0]^T = [[1,3],[2,4]], x[1]^T = [[5,7],[6,8]]
    assertExact(matMul(x, y, true), [
      [[4], [6]],
      [[-2], [-2]],
    ]);
  });

  test('batch broadcasting by hand', () => {
    const x = tensor([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const perms = tensor([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]);
    assertExact(matMul(x, perms), [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [2, 1],
        [4, 3],
      ],
    ]);
    assertExact(matMul(perms, x), [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [3, 4],
        [1, 2],
      ],
    ]);
    // rank-2 against rank-3: the matrix broadcasts over the batch
    assertExact(
      matMul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        perms,
      ),
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [2, 1],
          [4, 3],
        ],
      ],
    );
  });

  test('batch broadcasting [1,2,3] x [4,3,5]', () => {
    const x = randomNormal([1, 2, 3], 0, 1, 11);
    const y = randomNormal([4, 3, 5], 0, 1, 12);
    const z = matMul(x, y);
    assert.deepEqual([...z.shape], [4, 2, 5]);
    checkAgainstReference(x, y);
    checkAgainstReference(y, x, true, true);
  });

  test('batch broadcasting [2,1,2,3] x [3,3,4]', () => {
    const x = randomNormal([2, 1, 2, 3], 0, 1, 13);
    const y = randomNormal([3, 3, 4], 0, 1, 14);
    assert.deepEqual([...matMul(x, y).shape], [2, 3, 2, 4]);
    checkAgainstReference(x, y);
    const yt = randomNormal([3, 4, 3], 0, 1, 15);
    checkAgainstReference(x, yt, false, true);
  });

  test('reference check of the broadcasting reference itself', () => {
    // [2,1,1,2] x [3,2,1]: a[i] = [[i+1, 0]], b[j] = [[j+1],[7]] -> (i+1)(j+1)
    const x = tensor([[[[1, 0]]], [[[2, 0]]]]);
    const y = tensor([
      [[1], [7]],
      [[2], [7]],
      [[3], [7]],
    ]);
    assertExact(matMul(x, y), [
      [[[1]], [[2]], [[3]]],
      [[[2]], [[4]], [[6]]],
    ]);
    assert.deepEqual(referenceMatMul(x, y).values, [1, 2, 3, 2, 4, 6]);
  });

  test('empty batches and an empty inner dimension', () => {
    assert.deepEqual([...matMul(zeros([0, 2, 2]), zeros([1, 2, 3])).shape], [0, 2, 3]);
    assert.deepEqual([...matMul(zeros([1, 2, 2]), zeros([0, 2, 3])).shape], [0, 2, 3]);
    assert.deepEqual([...matMul(zeros([2, 0, 2, 2]), zeros([2, 3])).shape], [2, 0, 2, 3]);
    assertExact(matMul(zeros([2, 0]), zeros([0, 3])), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  test('inner dimension error', () => {
    assert.throws(
      () => matMul(zeros([2, 3]), zeros([4, 5])),
      (e: unknown) =>
        e instanceof LaminaRangeError &&
        e.message === 'matMul: inner dimensions must agree: a is [2,3], b is [4,5]',
    );
    assert.throws(
      () => matMul(zeros([2, 3]), zeros([4, 5]), true),
      (e: unknown) =>
        e instanceof LaminaRangeError &&
        e.message === 'matMul: inner dimensions must agree: a is [2,3] (transposed), b is [4,5]',
    );
  });

  test('other errors', () => {
    assert.throws(
      () => matMul(zeros([3, 2]), zeros([3, 2]), true, true),
      /^LaminaRangeError: matMul: inner dimensions must agree: a is \[3,2\] \(transposed\), b is \[3,2\] \(transposed\)$/,
    );
    assert.throws(() => matMul(zeros([3]), zeros([3, 2])), /matMul: both operands need rank >= 2/);
    assert.throws(
      () => matMul(zeros([2, 2, 3]), zeros([3, 3, 4])),
      /matMul: shapes \[2\] and \[3\] cannot be broadcast/,
    );
    assert.throws(
      () => matMul(tensor([[1]], undefined, 'int32'), zeros([1, 1])),
      /matMul: argument 'a' must have dtype float32/,
    );
  });

  test('randomized 67x130 x 130x45 against a float64 triple loop', () => {
    const x = randomNormal([67, 130], 0, 1, 21);
    const y = randomNormal([130, 45], 0, 1, 22);
    checkAgainstReference(x, y);
  });

  test('randomized with transposes and odd sizes', () => {
    const x = randomNormal([130, 67], 0, 1, 23);
    const y = randomNormal([45, 130], 0, 1, 24);
    checkAgainstReference(x, randomNormal([130, 45], 0, 1, 26), true, false);
    checkAgainstReference(randomNormal([67, 130], 0, 1, 25), y, false, true);
    checkAgainstReference(x, y, true, true);
  });

  test('crosses the packing blocks: k > 256, m > 64', () => {
    const x = randomUniform([70, 300], -1, 1, 31);
    const y = randomUniform([300, 9], -1, 1, 32);
    checkAgainstReference(x, y);
    const xt = randomUniform([300, 70], -1, 1, 33);
    checkAgainstReference(xt, y, true, false);
    // k spanning three KC blocks and m spanning three MC blocks with a ragged tail
    checkAgainstReference(randomUniform([131, 517], -1, 1, 34), randomUniform([517, 6], -1, 1, 35));
  });

  test('wide n beyond the initial B packing buffer', () => {
    checkAgainstReference(randomUniform([5, 3], -1, 1, 41), randomUniform([3, 1030], -1, 1, 42));
    checkAgainstReference(
      randomUniform([3, 260], -1, 1, 43),
      randomUniform([1030, 260], -1, 1, 44),
      false,
      true,
    );
  });

  test('batched products across blocks keep batches apart', () => {
    const x = randomNormal([3, 66, 257], 0, 1, 51);
    const y = randomNormal([3, 257, 5], 0, 1, 52);
    checkAgainstReference(x, y);
    checkAgainstReference(x, randomNormal([1, 257, 7], 0, 1, 53));
  });

  test('a product reused after a larger one is unaffected by scratch buffers', () => {
    matMul(randomNormal([80, 300], 0, 1, 61), randomNormal([300, 80], 0, 1, 62));
    assertExact(
      matMul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([
          [5, 6],
          [7, 8],
        ]),
      ),
      [
        [19, 22],
        [43, 50],
      ],
    );
  });
});

forEachBackend('dot and outerProduct', () => {
  test('vector . vector is a scalar', () => {
    assertExact(dot([1, 2, 3], [4, 5, 6]), 32);
    assert.deepEqual([...dot([1, 2, 3], [4, 5, 6]).shape], []);
  });

  test('matrix . vector', () => {
    assertExact(
      dot(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [1, -1],
      ),
      [-1, -1, -1],
    );
    assertExact(
      dot(
        [
          [1, 2],
          [3, 4],
        ],
        [2, 1],
      ),
      [4, 10],
    );
  });

  test('vector . matrix', () => {
    assertExact(
      dot(
        [1, 1],
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ),
      [5, 7, 9],
    );
    assertExact(
      tensor([2, -1]).dot(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
      [-1, 0],
    );
  });

  test('matrix . matrix', () => {
    assertExact(
      dot(
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ),
      [
        [19, 22],
        [43, 50],
      ],
    );
  });

  test('dot errors', () => {
    assert.throws(
      () => dot([1, 2, 3], [1, 2]),
      /^LaminaRangeError: dot: inner dimensions must agree: a is \[3\], b is \[2\]$/,
    );
    assert.throws(() => dot(zeros([1, 1, 1]), [1]), /dot: operands must be vectors or matrices/);
  });

  test('outerProduct', () => {
    assertExact(outerProduct([1, 2], [3, 4, 5]), [
      [3, 4, 5],
      [6, 8, 10],
    ]);
    assertClose(outerProduct([0.5, -2, 3], [2]), [[1], [-4], [6]]);
    assert.throws(
      () => outerProduct([[1]], [1]),
      /outerProduct: both operands must be vectors, received \[1,1\] and \[1\]/,
    );
  });
});
