/**
 * Differential tests: lamina's reference backend against TensorFlow.js's CPU backend on the same
 * seeded random inputs.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  avgPool2d,
  conv2d,
  conv2dTranspose,
  depthwiseConv2d,
  gather,
  logSumExp,
  matMul,
  maxPool2d,
  randomNormal,
  randomUniform,
  softmax,
  stridedSlice,
  tensor,
  type PaddingMode,
  type StridedSliceOptions,
  type Tensor,
} from '../../src/index.js';

/** The same values as a tfjs tensor. */
function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(t.dataSync(), [...t.shape], t.dtype === 'bool' ? 'bool' : t.dtype);
}

function assertSame(ours: Tensor, theirs: tf.Tensor, rtol = 1e-4, atol = 1e-5): void {
  assert.deepEqual([...ours.shape], theirs.shape, 'shape');
  const a = ours.dataSync();
  const b = theirs.dataSync() as Float32Array | Int32Array;
  assert.equal(a.length, b.length, 'size');
  assert.ok(a.length > 0, 'non-empty comparison');
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    assert.ok(
      Math.abs(x - y) <= atol + rtol * Math.abs(y),
      `element ${i}: lamina ${x}, tfjs ${y} (rtol ${rtol})`,
    );
  }
}

describe('differential tests against @tensorflow/tfjs (cpu)', () => {
  before(async () => {
    // Silences the "install tfjs-node" hint that the CPU backend prints on first use.
    tf.env().set('IS_TEST', true);
    await tf.setBackend('cpu');
    assert.equal(tf.getBackend(), 'cpu');
  });

  const convCases: {
    name: string;
    x: [number, number, number, number];
    f: [number, number, number, number];
    strides: [number, number];
    padding: PaddingMode;
    dilations: [number, number];
  }[] = [
    {
      name: "'same', stride 2, dilation 1",
      x: [2, 9, 8, 3],
      f: [3, 3, 3, 4],
      strides: [2, 2],
      padding: 'same',
      dilations: [1, 1],
    },
    {
      name: "'same', even filter, stride 2",
      x: [1, 10, 7, 2],
      f: [4, 2, 2, 3],
      strides: [2, 2],
      padding: 'same',
      dilations: [1, 1],
    },
    {
      name: "'same', dilation 2, stride 1",
      x: [2, 8, 9, 3],
      f: [3, 3, 3, 2],
      strides: [1, 1],
      padding: 'same',
      dilations: [2, 2],
    },
    {
      name: "'valid', dilation 2, stride 1",
      x: [1, 9, 10, 2],
      f: [3, 2, 2, 5],
      strides: [1, 1],
      padding: 'valid',
      dilations: [2, 2],
    },
    {
      name: "'valid', stride [2,3]",
      x: [2, 11, 12, 3],
      f: [3, 3, 3, 4],
      strides: [2, 3],
      padding: 'valid',
      dilations: [1, 1],
    },
  ];

  convCases.forEach((c, i) => {
    test(`conv2d ${c.name}`, () => {
      const x = randomNormal(c.x, 0, 1, 1000 + i);
      const f = randomNormal(c.f, 0, 1, 1100 + i);
      const ours = conv2d(x, f, c.strides, c.padding, c.dilations);
      const theirs = tf.conv2d(
        toTf(x) as tf.Tensor4D,
        toTf(f) as tf.Tensor4D,
        c.strides,
        c.padding,
        'NHWC',
        c.dilations,
      );
      assertSame(ours, theirs);
    });
  });

  const depthwiseCases: {
    x: [number, number, number, number];
    f: [number, number, number, number];
    strides: [number, number];
    padding: PaddingMode;
    dilations: [number, number];
  }[] = [
    { x: [2, 7, 8, 3], f: [3, 3, 3, 2], strides: [1, 1], padding: 'same', dilations: [1, 1] },
    { x: [1, 9, 9, 4], f: [3, 3, 4, 1], strides: [2, 2], padding: 'same', dilations: [1, 1] },
    { x: [1, 9, 8, 2], f: [2, 3, 2, 3], strides: [1, 1], padding: 'valid', dilations: [2, 2] },
  ];
  depthwiseCases.forEach((c, i) => {
    test(`depthwiseConv2d ${i} (multiplier ${c.f[3]}, ${c.padding})`, () => {
      const x = randomNormal(c.x, 0, 1, 1200 + i);
      const f = randomNormal(c.f, 0, 1, 1300 + i);
      const ours = depthwiseConv2d(x, f, c.strides, c.padding, c.dilations);
      const theirs = tf.depthwiseConv2d(
        toTf(x) as tf.Tensor4D,
        toTf(f) as tf.Tensor4D,
        c.strides,
        c.padding,
        'NHWC',
        c.dilations,
      );
      assertSame(ours, theirs);
    });
  });

  const transposeCases: {
    x: [number, number, number, number];
    f: [number, number, number, number];
    strides: [number, number];
    padding: PaddingMode;
    out?: [number, number, number, number];
  }[] = [
    { x: [2, 4, 5, 3], f: [3, 3, 2, 3], strides: [2, 2], padding: 'same' },
    { x: [2, 4, 5, 3], f: [3, 3, 2, 3], strides: [2, 2], padding: 'valid' },
    { x: [1, 5, 4, 2], f: [2, 3, 4, 2], strides: [1, 1], padding: 'same' },
    { x: [1, 3, 3, 2], f: [3, 3, 2, 2], strides: [2, 2], padding: 'same', out: [1, 5, 6, 2] },
  ];
  transposeCases.forEach((c, i) => {
    test(`conv2dTranspose ${i} (${c.padding}, strides ${c.strides})`, () => {
      const x = randomNormal(c.x, 0, 1, 1400 + i);
      const f = randomNormal(c.f, 0, 1, 1500 + i);
      const ours = conv2dTranspose(x, f, c.out, c.strides, c.padding);
      const outShape = [...ours.shape] as [number, number, number, number];
      if (c.out) assert.deepEqual(outShape, c.out);
      const theirs = tf.conv2dTranspose(
        toTf(x) as tf.Tensor4D,
        toTf(f) as tf.Tensor4D,
        outShape,
        c.strides,
        c.padding,
      );
      assertSame(ours, theirs);
    });
  });

  const poolCases: {
    x: [number, number, number, number];
    pool: [number, number];
    strides: [number, number];
    padding: PaddingMode;
  }[] = [
    { x: [2, 7, 9, 3], pool: [3, 3], strides: [2, 2], padding: 'same' },
    { x: [1, 8, 8, 2], pool: [2, 2], strides: [2, 2], padding: 'same' },
    { x: [1, 9, 10, 2], pool: [3, 2], strides: [2, 3], padding: 'same' },
    { x: [2, 7, 9, 3], pool: [3, 3], strides: [2, 1], padding: 'valid' },
  ];
  poolCases.forEach((c, i) => {
    test(`maxPool and avgPool ${i} (${c.padding}, pool ${c.pool}, strides ${c.strides})`, () => {
      const x = randomNormal(c.x, 0, 1, 1600 + i);
      const xt = toTf(x) as tf.Tensor4D;
      assertSame(
        maxPool2d(x, c.pool, c.strides, c.padding),
        tf.maxPool(xt, c.pool, c.strides, c.padding),
      );
      assertSame(
        avgPool2d(x, c.pool, c.strides, c.padding),
        tf.avgPool(xt, c.pool, c.strides, c.padding),
      );
    });
  });

  test('matMul with every transpose combination', () => {
    const m = 13;
    const k = 37;
    const n = 9;
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = randomNormal(ta ? [k, m] : [m, k], 0, 1, 1700);
      const b = randomNormal(tb ? [n, k] : [k, n], 0, 1, 1701);
      assertSame(matMul(a, b, ta, tb), tf.matMul(toTf(a), toTf(b), ta, tb), 1e-4, 1e-4);
    }
  });

  test('batched matMul with transposes and a large k', () => {
    const a = randomNormal([3, 300, 70], 0, 1, 1702);
    const b = randomNormal([3, 5, 300], 0, 1, 1703);
    assertSame(matMul(a, b, true, true), tf.matMul(toTf(a), toTf(b), true, true), 1e-4, 2e-4);
  });

  test('softmax over the last axis', () => {
    const x = randomNormal([4, 3, 11], 0, 3, 1800);
    assertSame(softmax(x), tf.softmax(toTf(x)));
    assertSame(softmax(x, -1), tf.softmax(toTf(x), -1));
    const big = tensor([
      [1000, 1001, 999],
      [-1000, -1002, -1001],
    ]);
    assertSame(softmax(big), tf.softmax(toTf(big)));
  });

  test('logSumExp over axes, with and without keepDims', () => {
    const x = randomNormal([3, 4, 5], 0, 2, 1900);
    const xt = toTf(x);
    assertSame(logSumExp(x), tf.logSumExp(xt));
    assertSame(logSumExp(x, 1), tf.logSumExp(xt, 1));
    assertSame(logSumExp(x, -1, true), tf.logSumExp(xt, -1, true));
    assertSame(logSumExp(x, [0, 2]), tf.logSumExp(xt, [0, 2]));
    const big = tensor([500, 501, 499]);
    assertSame(logSumExp(big), tf.logSumExp(toTf(big)));
  });

  test('gather on axes 0, 1 and 2 with 1-D and 2-D indices', () => {
    const x = randomUniform([5, 4, 3], -1, 1, 2000);
    const xt = toTf(x);
    const cases: { ids: number[] | number[][]; axis: number }[] = [
      { ids: [4, 0, 2, 2], axis: 0 },
      { ids: [3, 1], axis: 1 },
      {
        ids: [
          [2, 0],
          [1, 1],
          [0, 2],
        ],
        axis: 2,
      },
      { ids: [[1, 3, 0]], axis: 1 },
    ];
    for (const { ids, axis } of cases) {
      const idT = tensor(ids, undefined, 'int32');
      assertSame(gather(x, idT, axis), tf.gather(xt, tf.tensor(ids, undefined, 'int32'), axis));
    }
  });

  test('stridedSlice with strides, negative indices and masks', () => {
    const x = randomUniform([6, 5, 7], -1, 1, 2100);
    const xt = toTf(x);
    const cases: {
      begin: number[];
      end: number[];
      strides: number[];
      opts?: StridedSliceOptions;
    }[] = [
      { begin: [1, 0, 2], end: [5, 5, 7], strides: [1, 2, 3] },
      { begin: [5, 4, 6], end: [0, 0, 0], strides: [-1, -2, -3] },
      { begin: [-1, -2, -7], end: [-6, -5, 7], strides: [-2, -1, 2] },
      {
        begin: [0, 0, 0],
        end: [0, 0, 0],
        strides: [-1, 1, -2],
        opts: { beginMask: 7, endMask: 7 },
      },
      // end = begin + 1 on shrunk axes, for the tfjs side below (lamina ignores end there)
      { begin: [2, 3, 1], end: [4, 4, 6], strides: [1, 1, 2], opts: { shrinkAxisMask: 2 } },
      {
        begin: [-2, 0, -1],
        end: [-1, 5, 0],
        strides: [1, 1, -1],
        opts: { shrinkAxisMask: 1, endMask: 4 },
      },
      { begin: [1, 1, 1], end: [6, 4, 3], strides: [3, 2, 1], opts: { beginMask: 2, endMask: 1 } },
      { begin: [10, -10, 3], end: [-10, 10, 100], strides: [-3, 2, 2] },
    ];
    for (const c of cases) {
      const o = c.opts ?? {};
      const ours = stridedSlice(x, c.begin, c.end, c.strides, o);
      // tfjs 4.22's CPU kernel mis-indexes shrinkAxisMask combined with non-unit strides, so
      // the tfjs side slices the shrunk axes to length 1 (end = begin + 1) and squeezes them.
      const shrink = o.shrinkAxisMask ?? 0;
      const shrunk = [0, 1, 2].filter((d) => ((shrink >> d) & 1) === 1);
      const sliced = tf.stridedSlice(
        xt,
        c.begin,
        c.end,
        c.strides,
        o.beginMask ?? 0,
        o.endMask ?? 0,
      );
      const theirs = shrunk.length > 0 ? tf.squeeze(sliced, shrunk) : sliced;
      assert.deepEqual([...ours.shape], theirs.shape, JSON.stringify(c));
      assertSame(ours, theirs, 0, 0);
    }
  });
});
