/**
 * Finite-difference gradient checks for matrix products, convolutions and pooling. All of these
 * except maxPool2d are (bi)linear, so central differences are exact up to float32 rounding;
 * maxPool2d gets distinct inputs at least 0.1 apart, so no window has a tie within a step.
 *
 * Tolerance: checkGrad defaults (eps 1e-2, rtol 2e-2, atol 2e-3); exact-value tests use
 * assertClose with rtol = atol = 1e-6 (1e-5 where noted).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  avgPool2d,
  conv1d,
  conv2d,
  conv2dTranspose,
  depthwiseConv2d,
  dot,
  grad,
  grads,
  matMul,
  maxPool2d,
  outerProduct,
  randomNormal,
  range,
  reshape,
  sum,
  mul,
  tensor,
  type Tensor,
} from '../../src/index.js';
import type { Conv2DAttrs, PoolAttrs } from '../../src/backend/kernels.js';
import { runKernel } from '../../src/engine/engine.js';
import { checkGrad } from '../gradcheck.js';
import { assertClose, forEachBackend } from '../helpers.js';

/** The values (k - n/2) / 10 for k < n in a seeded shuffled order: distinct, 0.1 apart. */
function distinct(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const values = Array.from({ length: n }, (_, k) => (k - n / 2) / 10);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j] as number, values[i] as number];
  }
  return tensor(values, shape);
}

forEachBackend('linalg gradients', () => {
  test('matMul: all four transpose combinations', () => {
    const a = randomNormal([3, 4], 0, 1, 91);
    const aT = randomNormal([4, 3], 0, 1, 92);
    const b = randomNormal([4, 2], 0, 1, 93);
    const bT = randomNormal([2, 4], 0, 1, 94);
    checkGrad((p, q) => matMul(p, q), [a, b]);
    checkGrad((p, q) => matMul(p, q, true, false), [aT, b]);
    checkGrad((p, q) => matMul(p, q, false, true), [a, bT]);
    checkGrad((p, q) => matMul(p, q, true, true), [aT, bT]);
  });

  test('matMul: batched, all four transpose combinations', () => {
    const a = randomNormal([2, 3, 4], 0, 1, 95);
    const aT = randomNormal([2, 4, 3], 0, 1, 96);
    const b = randomNormal([2, 4, 2], 0, 1, 97);
    const bT = randomNormal([2, 2, 4], 0, 1, 98);
    checkGrad((p, q) => matMul(p, q), [a, b]);
    checkGrad((p, q) => matMul(p, q, true, false), [aT, b]);
    checkGrad((p, q) => matMul(p, q, false, true), [a, bT]);
    checkGrad((p, q) => matMul(p, q, true, true), [aT, bT]);
  });

  test('matMul: batch broadcasting (rank 2 against rank 3, batch of 1, materialized)', () => {
    checkGrad(
      (p, q) => matMul(p, q),
      [randomNormal([2, 3, 4], 0, 1, 99), randomNormal([4, 2], 0, 1, 100)],
    );
    checkGrad(
      (p, q) => matMul(p, q),
      [randomNormal([3, 4], 0, 1, 101), randomNormal([2, 4, 2], 0, 1, 102)],
    );
    checkGrad(
      (p, q) => matMul(p, q, true, true),
      [randomNormal([1, 4, 3], 0, 1, 103), randomNormal([3, 2, 4], 0, 1, 104)],
    );
    checkGrad(
      (p, q) => matMul(p, q, false, true),
      [randomNormal([2, 3, 4], 0, 1, 105), randomNormal([1, 2, 4], 0, 1, 106)],
    );
    // Batch shapes [2,1] and [3] broadcast to [2,3]; both operands are materialized.
    checkGrad(
      (p, q) => matMul(p, q),
      [randomNormal([2, 1, 2, 3], 0, 1, 107), randomNormal([3, 3, 2], 0, 1, 108)],
    );
  });

  test('matMul: exact values', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([
      [5, 6],
      [7, 8],
    ]);
    // dL/da = ones @ b^T, dL/db = a^T @ ones.
    const [ga, gb] = grads((p, q) => matMul(p, q))([a, b]);
    assertClose(ga as Tensor, [
      [11, 15],
      [11, 15],
    ]);
    assertClose(gb as Tensor, [
      [4, 4],
      [6, 6],
    ]);
    // A batch of 1 against a batch of 3: the gradient is summed over the batch.
    const [g1] = grads((p, q) => matMul(p, q))([
      tensor([[[1, 2]]]),
      tensor([1, 1, 1, 1, 1, 1], [3, 2, 1]),
    ]);
    assertClose(g1 as Tensor, [[[3, 3]]]);
  });

  test('dot: vector-vector, matrix-vector, vector-matrix, matrix-matrix', () => {
    const v = randomNormal([4], 0, 1, 109);
    const w = randomNormal([4], 0, 1, 110);
    const m = randomNormal([3, 4], 0, 1, 111);
    const n = randomNormal([4, 2], 0, 1, 112);
    checkGrad((p, q) => dot(p, q), [v, w]);
    checkGrad((p, q) => dot(p, q), [m, v]);
    checkGrad((p, q) => dot(p, q), [v, n]);
    checkGrad((p, q) => dot(p, q), [m, n]);
    const [gv, gw] = grads((p, q) => dot(p, q))([tensor([1, 2, 3]), tensor([4, 5, 6])]);
    assertClose(gv as Tensor, [4, 5, 6]);
    assertClose(gw as Tensor, [1, 2, 3]);
  });

  test('outerProduct', () => {
    checkGrad(
      (p, q) => outerProduct(p, q),
      [randomNormal([3], 0, 1, 113), randomNormal([4], 0, 1, 114)],
    );
    const [g1, g2] = grads((p, q) => outerProduct(p, q))([tensor([1, 2]), tensor([3, 4, 5])]);
    assertClose(g1 as Tensor, [12, 12]);
    assertClose(g2 as Tensor, [3, 3, 3]);
  });
});

forEachBackend('convolution and pooling gradients', () => {
  test('conv2d: valid, stride 1', () => {
    checkGrad(
      (x, f) => conv2d(x, f),
      [randomNormal([2, 4, 4, 2], 0, 1, 121), randomNormal([2, 2, 2, 3], 0, 1, 122)],
    );
  });

  test("conv2d: strides 2, 'same' padding", () => {
    const x = randomNormal([1, 5, 5, 2], 0, 1, 123);
    const f = randomNormal([3, 3, 2, 3], 0, 1, 124);
    checkGrad((p, q) => conv2d(p, q, 2, 'same'), [x, f]);
    // An even input size and asymmetric strides (uneven 'same' padding).
    checkGrad((p, q) => conv2d(p, q, [2, 1], 'same'), [randomNormal([1, 4, 4, 2], 0, 1, 125), f]);
  });

  test('conv2d: dilation 2 (valid and same)', () => {
    const x = randomNormal([1, 6, 6, 2], 0, 1, 126);
    const f = randomNormal([2, 3, 2, 2], 0, 1, 127);
    checkGrad((p, q) => conv2d(p, q, 1, 'valid', 2), [x, f]);
    checkGrad((p, q) => conv2d(p, q, 1, 'same', [2, 1]), [x, f]);
  });

  test('conv2d: exact filter gradient', () => {
    // A 1x1 filter: dL/df = sum of x over all positions.
    const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    const [, gf] = grads((p, q) => conv2d(p, q))([x, tensor([[[[0.5]]]])]);
    assertClose(gf as Tensor, [[[[10]]]]);
  });

  test("conv1d: stride 2 'same' and dilation 2", () => {
    const x = randomNormal([2, 7, 2], 0, 1, 128);
    const f = randomNormal([3, 2, 3], 0, 1, 129);
    checkGrad((p, q) => conv1d(p, q), [x, f]);
    checkGrad((p, q) => conv1d(p, q, 2, 'same'), [x, f]);
    checkGrad((p, q) => conv1d(p, q, 1, 'valid', 2), [x, f]);
  });

  test("depthwiseConv2d: multiplier 2, 'same', stride 2", () => {
    const x = randomNormal([1, 5, 5, 2], 0, 1, 130);
    const f = randomNormal([3, 3, 2, 2], 0, 1, 131);
    checkGrad((p, q) => depthwiseConv2d(p, q, 2, 'same'), [x, f]);
    checkGrad((p, q) => depthwiseConv2d(p, q), [x, f]);
    checkGrad(
      (p, q) => depthwiseConv2d(p, q, 1, 'valid', 2),
      [x, randomNormal([2, 2, 2, 1], 0, 1, 132)],
    );
  });

  test('conv2dTranspose', () => {
    const x = randomNormal([1, 3, 3, 2], 0, 1, 133);
    const f = randomNormal([3, 3, 2, 2], 0, 1, 134);
    checkGrad((p, q) => conv2dTranspose(p, q, undefined, 2, 'same'), [x, f]);
    checkGrad((p, q) => conv2dTranspose(p, q, undefined, 2, 'valid'), [x, f]);
    checkGrad((p, q) => conv2dTranspose(p, q), [x, randomNormal([2, 2, 3, 2], 0, 1, 135)]);
    checkGrad((p, q) => conv2dTranspose(p, q, [1, 5, 5, 2], 2, 'same'), [x, f]);
  });

  test("maxPool2d: 'same', stride 2 (distinct values)", () => {
    const x = distinct([1, 5, 5, 2], 136);
    checkGrad((t) => maxPool2d(t, 3, 2, 'same'), [x]);
    checkGrad((t) => maxPool2d(t, 2, 2, 'same'), [x]);
    checkGrad((t) => maxPool2d(t, 2, 1, 'valid'), [distinct([2, 4, 4, 1], 137)]);
  });

  test('maxPool2d: exact gradient with overlapping windows', () => {
    const x = tensor([1, 2, 3, 4, 9, 5, 6, 7, 8], [1, 3, 3, 1]);
    // Every 2x2 window (stride 1) has its maximum at the centre.
    assertClose(
      grad((t) => maxPool2d(t, 2, 1))(x),
      tensor([0, 0, 0, 0, 4, 0, 0, 0, 0], [1, 3, 3, 1]).arraySync(),
    );
  });

  test('maxPool2d: ties go to the first maximum in window order, NaN wins; 5 channels', () => {
    // Two 2x2 windows (columns 0-1 and 2-3), 5 channels (one f32x4 and a scalar tail on wasm).
    // Per channel, the window elements in order (0,0) (0,1) (1,0) (1,1):
    //   window 0: [1,3,3,2] [5,5,5,5] [-1,-2,-1,-3] [0,7,1,7] [2,2,9,9]
    //   window 1: [4,4,4,8] [-0,0,0,-0] [1,NaN,5,NaN] [-inf x4] [3,1,4,1]
    const x = tensor([
      [
        [
          [1, 5, -1, 0, 2],
          [3, 5, -2, 7, 2],
          [4, -0, 1, -Infinity, 3],
          [4, 0, NaN, -Infinity, 1],
        ],
        [
          [3, 5, -1, 1, 9],
          [2, 5, -3, 7, 9],
          [4, 0, 5, -Infinity, 4],
          [8, -0, NaN, -Infinity, 1],
        ],
      ],
    ]);
    const dy = tensor([
      [
        [
          [10, 20, 30, 40, 50],
          [60, 70, 80, 90, 100],
        ],
      ],
    ]);
    const g = grad((t) => sum(mul(maxPool2d(t), dy)))(x);
    assert.deepEqual(g.arraySync(), [
      [
        [
          [0, 20, 30, 0, 0],
          [10, 0, 0, 40, 0],
          [0, 70, 0, 90, 0],
          [0, 0, 80, 0, 0],
        ],
        [
          [0, 0, 0, 0, 50],
          [0, 0, 0, 0, 0],
          [0, 0, 0, 0, 100],
          [60, 0, 0, 0, 0],
        ],
      ],
    ]);
  });

  test('maxPool2d: overlapping windows with ties accumulate on the first maximum; 3 channels', () => {
    // 2x2 windows, stride 1, on a 3x3 image: each input gathers dy from every window it wins.
    const x = tensor([
      [
        [
          [2, 1, 0],
          [2, 1, 5],
          [0, 3, 5],
        ],
        [
          [2, 1, 0],
          [1, 3, 5],
          [0, 3, 4],
        ],
        [
          [0, 0, 0],
          [2, 3, 1],
          [2, 0, 5],
        ],
      ],
    ]);
    const dy = reshape(range(1, 13), [1, 2, 2, 3]);
    const g = grad((t) => sum(mul(maxPool2d(t, 2, 1), dy)))(x);
    assert.deepEqual(g.arraySync(), [
      [
        [
          [1, 0, 0],
          [4, 0, 9],
          [0, 5, 0],
        ],
        [
          [7, 0, 0],
          [0, 21, 21],
          [0, 0, 0],
        ],
        [
          [0, 0, 0],
          [10, 0, 0],
          [0, 0, 0],
        ],
      ],
    ]);
  });

  test('maxPool2d: inputs outside every window get a zero gradient (strides beyond the pool)', () => {
    // 1x2 pools with strides [2, 3] on a 3x5 image, 6 channels: windows cover rows 0 and 2,
    // columns 0-1 and 3-4; row 1 and column 2 belong to no window.
    const x = reshape(range(0, 90), [1, 3, 5, 6]);
    const g = grad((t) => sum(maxPool2d(t, [1, 2], [2, 3])))(x);
    const row = (r: number): number[][] =>
      [0, 1, 2, 3, 4].map((c) =>
        new Array<number>(6).fill(r !== 1 && (c === 1 || c === 4) ? 1 : 0),
      );
    assert.deepEqual(g.arraySync(), [[row(0), row(1), row(2)]]);
  });

  test("avgPool2d: 'same', stride 2", () => {
    const x = randomNormal([1, 5, 5, 2], 0, 1, 138);
    checkGrad((t) => avgPool2d(t, 3, 2, 'same'), [x]);
    checkGrad((t) => avgPool2d(t, 2, 2, 'same'), [x]);
    checkGrad((t) => avgPool2d(t, 2, 1, 'valid'), [randomNormal([2, 4, 4, 1], 0, 1, 139)]);
  });

  test("avgPool2d: exact gradient counts only in-bounds elements ('same')", () => {
    // 3x3 input, 2x2 windows, stride 2, 'same': windows of 4, 2, 2 and 1 valid elements.
    const g = grad((t) => avgPool2d(t, 2, 2, 'same'))(tensor(new Array(9).fill(1), [1, 3, 3, 1]));
    assertClose(
      g,
      tensor([0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1], [1, 3, 3, 1]).arraySync(),
    );
  });
});

/**
 * Conv2DBackpropInput's gradient rule (conv2dTranspose runs it forward), checked at the kernel
 * level; the other backprop kernels run only in backward passes and are never recorded.
 */
forEachBackend('convolution backprop kernel gradients', () => {
  const f32 = 'float32' as const;
  // 5x5 input, 3x3 filter, stride 2, 'same': a 3x3 output with one row/column of padding.
  const attrs: Conv2DAttrs = {
    strides: [2, 2],
    dilations: [1, 1],
    pad: { top: 1, bottom: 1, left: 1, right: 1 },
  };
  const xShape = [1, 5, 5, 2];
  const x = randomNormal(xShape, 0, 1, 141);
  const dyConv = randomNormal([1, 3, 3, 3], 0, 1, 142);
  const fConv = randomNormal([3, 3, 2, 3], 0, 1, 143);
  const dyDw = randomNormal([1, 3, 3, 4], 0, 1, 144);
  const fDw = randomNormal([3, 3, 2, 2], 0, 1, 145);

  test('Conv2DBackpropInput', () => {
    checkGrad(
      (dy, f) =>
        runKernel(
          'Conv2DBackpropInput',
          [dy, f],
          { ...attrs, inputShape: xShape },
          {
            shape: xShape,
            dtype: f32,
          },
        ),
      [dyConv, fConv],
    );
  });

  test('the backward-only kernels are never recorded: differentiating one is refused', () => {
    const pool: PoolAttrs = { filterSize: [2, 2], strides: [2, 2], pad: attrs.pad };
    const p = distinct([1, 4, 4, 1], 147);
    const cases: [string, (dy: Tensor) => Tensor, Tensor][] = [
      [
        'Conv2DBackpropFilter',
        (dy) =>
          runKernel(
            'Conv2DBackpropFilter',
            [x, dy],
            { ...attrs, filterShape: fConv.shape },
            { shape: fConv.shape, dtype: f32 },
          ),
        dyConv,
      ],
      [
        'DepthwiseConv2DBackpropInput',
        (dy) =>
          runKernel(
            'DepthwiseConv2DBackpropInput',
            [dy, fDw],
            { ...attrs, inputShape: xShape },
            { shape: xShape, dtype: f32 },
          ),
        dyDw,
      ],
      [
        'DepthwiseConv2DBackpropFilter',
        (dy) =>
          runKernel(
            'DepthwiseConv2DBackpropFilter',
            [x, dy],
            { ...attrs, filterShape: fDw.shape },
            { shape: fDw.shape, dtype: f32 },
          ),
        dyDw,
      ],
      [
        'AvgPoolGrad',
        (dy) =>
          runKernel(
            'AvgPoolGrad',
            [dy],
            { ...pool, inputShape: p.shape },
            { shape: p.shape, dtype: f32 },
          ),
        randomNormal([1, 2, 2, 1], 0, 1, 146),
      ],
      [
        'MaxPoolGrad',
        (dy) => runKernel('MaxPoolGrad', [p, dy], pool, { shape: p.shape, dtype: f32 }),
        randomNormal([1, 2, 2, 1], 0, 1, 148),
      ],
    ];
    for (const [name, f, dy] of cases) {
      assert.throws(
        () => grad((t) => f(t).sum())(dy),
        new RegExp(`^LaminaError: ${name}: this kernel is not differentiable`),
      );
      // Run as backpropagation runs it (nothing recording), it computes.
      assert.equal(f(dy).dtype, f32);
    }
  });
});
