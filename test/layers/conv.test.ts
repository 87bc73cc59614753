import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  l1,
  l2,
  ones,
  randomNormal,
  serializeLayer,
  tensor,
  type Tensor,
} from '../../src/index.js';
import {
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  convLayers,
  DepthwiseConv2D,
  SeparableConv2D,
  UpSampling2D,
  ZeroPadding2D,
} from '../../src/layers/conv/index.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { checkLayer } from './harness.js';

const glorot = (seed: number) => ({ class_name: 'GlorotUniform', config: { seed } });
const normal = (seed: number) => ({
  class_name: 'RandomNormal',
  config: { seed, mean: 0, stddev: 0.1 },
});

forEachBackend('conv layers: conformance', () => {
  test('Conv2D: valid, regularizers (expectedLosses), strides 2 same, dilation, no bias', () => {
    checkLayer({
      make: () =>
        new Conv2D({
          filters: 2,
          kernelSize: 3,
          kernelInitializer: glorot(1),
          biasInitializer: normal(2),
          kernelRegularizer: l2(0.01),
          activityRegularizer: l2(0.001),
        }),
      input: randomNormal([2, 5, 5, 3], 0, 1, 3),
      expectedOutputShape: [2, 3, 3, 2],
      expectedWeights: 2,
      expectedTrainableWeights: 2,
      expectedLosses: 2,
    });
    checkLayer({
      make: () =>
        new Conv2D({
          filters: 3,
          kernelSize: [3, 2],
          strides: 2,
          padding: 'same',
          activation: 'tanh',
          kernelInitializer: glorot(4),
          biasRegularizer: l1(0.01),
        }),
      input: randomNormal([2, 5, 5, 2], 0, 1, 5),
      expectedOutputShape: [2, 3, 3, 3],
      expectedWeights: 2,
      expectedLosses: 1,
    });
    checkLayer({
      make: () =>
        new Conv2D({
          filters: 2,
          kernelSize: 2,
          dilationRate: 2,
          padding: 'same',
          useBias: false,
          kernelInitializer: glorot(6),
        }),
      input: randomNormal([2, 5, 5, 2], 0, 1, 7),
      expectedOutputShape: [2, 5, 5, 2],
      expectedWeights: 1,
    });
  });
  test('Conv1D: valid, causal with dilation, strides 2 same', () => {
    checkLayer({
      make: () => new Conv1D({ filters: 2, kernelSize: 3, kernelInitializer: glorot(1) }),
      input: randomNormal([2, 6, 3], 0, 1, 8),
      expectedOutputShape: [2, 4, 2],
      expectedWeights: 2,
    });
    checkLayer({
      make: () =>
        new Conv1D({
          filters: 2,
          kernelSize: 2,
          padding: 'causal',
          dilationRate: 2,
          kernelInitializer: glorot(2),
        }),
      input: randomNormal([2, 5, 2], 0, 1, 9),
      expectedOutputShape: [2, 5, 2],
      expectedWeights: 2,
    });
    checkLayer({
      make: () =>
        new Conv1D({
          filters: 3,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          kernelInitializer: glorot(3),
        }),
      input: randomNormal([2, 5, 2], 0, 1, 10),
      expectedOutputShape: [2, 3, 3],
      expectedWeights: 2,
    });
  });
  test('DepthwiseConv2D and SeparableConv2D', () => {
    checkLayer({
      make: () =>
        new DepthwiseConv2D({
          kernelSize: 3,
          depthMultiplier: 2,
          strides: 2,
          padding: 'same',
          depthwiseInitializer: glorot(1),
          biasInitializer: normal(2),
          depthwiseRegularizer: l2(0.01),
        }),
      input: randomNormal([2, 5, 5, 2], 0, 1, 11),
      expectedOutputShape: [2, 3, 3, 4],
      expectedWeights: 2,
      expectedLosses: 1,
    });
    checkLayer({
      make: () =>
        new SeparableConv2D({
          filters: 3,
          kernelSize: 2,
          depthMultiplier: 2,
          depthwiseInitializer: glorot(1),
          pointwiseInitializer: glorot(2),
          pointwiseRegularizer: l1(0.01),
          activityRegularizer: l2(0.01),
        }),
      input: randomNormal([2, 5, 5, 2], 0, 1, 12),
      expectedOutputShape: [2, 4, 4, 3],
      expectedWeights: 3,
      expectedLosses: 2,
    });
  });
  test('Conv2DTranspose: same and valid with strides 2, outputPadding', () => {
    for (const [padding, size] of [
      ['same', 10],
      ['valid', 11],
    ] as const) {
      checkLayer({
        make: () =>
          new Conv2DTranspose({
            filters: 2,
            kernelSize: 3,
            strides: 2,
            padding,
            kernelInitializer: glorot(1),
            biasInitializer: normal(2),
          }),
        input: randomNormal([2, 5, 5, 3], 0, 1, 13),
        expectedOutputShape: [2, size, size, 2],
        expectedWeights: 2,
      });
    }
    checkLayer({
      make: () =>
        new Conv2DTranspose({
          filters: 2,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          outputPadding: 0,
          kernelInitializer: glorot(3),
        }),
      input: randomNormal([2, 3, 3, 2], 0, 1, 14),
      expectedOutputShape: [2, 5, 5, 2],
      expectedWeights: 2,
    });
  });
  test('ZeroPadding2D and UpSampling2D (nearest, bilinear)', () => {
    checkLayer({
      make: () =>
        new ZeroPadding2D({
          padding: [
            [1, 0],
            [2, 1],
          ],
        }),
      input: randomNormal([2, 3, 3, 2], 0, 1, 15),
      expectedOutputShape: [2, 4, 6, 2],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new UpSampling2D({ size: [2, 3] }),
      input: randomNormal([2, 3, 2, 2], 0, 1, 16),
      expectedOutputShape: [2, 6, 6, 2],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new UpSampling2D({ interpolation: 'bilinear' }),
      input: randomNormal([2, 3, 2, 2], 0, 1, 17),
      expectedOutputShape: [2, 6, 4, 2],
      expectedWeights: 0,
    });
  });
});

/** [1, h, w, 1] with the given rows. */
const image = (rows: number[][]): Tensor =>
  tensor(rows).reshape([1, rows.length, rows[0]!.length, 1]);
const grid = (t: Tensor): number[][] => {
  const [, h, w] = t.shape as [number, number, number, number];
  const v = Array.from(t.dataSync());
  return Array.from({ length: h }, (_, i) => v.slice(i * w, (i + 1) * w));
};

forEachBackend('conv layers: values', () => {
  test('Conv2D with a kernel of ones sums windows (valid; same with strides 2)', () => {
    const x = image([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    const valid = new Conv2D({ filters: 1, kernelSize: 2, kernelInitializer: 'ones' });
    assertClose(valid.apply(x), [
      [
        [[12], [16]],
        [[24], [28]],
      ],
    ]);
    const same = new Conv2D({
      filters: 1,
      kernelSize: 2,
      strides: 2,
      padding: 'same',
      kernelInitializer: 'ones',
      biasInitializer: { class_name: 'Constant', config: { value: 1 } },
    });
    assertClose(same.apply(x), [
      [
        [[13], [10]],
        [[16], [10]],
      ],
    ]);
  });
  test('Conv1D causal padding only looks back', () => {
    const c = new Conv1D({
      filters: 1,
      kernelSize: 2,
      padding: 'causal',
      kernelInitializer: 'ones',
    });
    assertClose(c.apply(tensor([[[1], [2], [3], [4]]])), [[[1], [3], [5], [7]]]);
  });
  test('DepthwiseConv2D keeps channels apart (output channel c * multiplier + m)', () => {
    const x = tensor([
      [
        [
          [1, 10],
          [2, 20],
        ],
        [
          [3, 30],
          [4, 40],
        ],
      ],
    ]);
    const d = new DepthwiseConv2D({
      kernelSize: 2,
      depthMultiplier: 2,
      depthwiseInitializer: 'ones',
    });
    assertClose(d.apply(x), [[[[10, 10, 100, 100]]]]);
  });
  test('Conv2DTranspose: hand values, and output sizes as Keras computes them', () => {
    const t = new Conv2DTranspose({
      filters: 1,
      kernelSize: 2,
      strides: 2,
      kernelInitializer: 'ones',
    });
    assert.deepEqual(
      grid(
        t.apply(
          image([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
      [
        [1, 1, 2, 2],
        [1, 1, 2, 2],
        [3, 3, 4, 4],
        [3, 3, 4, 4],
      ],
    );
    // Keras: 'same' -> n * s; 'valid' -> n * s + max(k - s, 0); with outputPadding p:
    // (n - 1) * s + k - 2 * (same ? floor(k / 2) : 0) + p.
    const keras = (n: number, k: number, s: number, padding: string, p: number | null): number =>
      p === null
        ? padding === 'same'
          ? n * s
          : n * s + Math.max(k - s, 0)
        : (n - 1) * s + k - 2 * (padding === 'same' ? Math.floor(k / 2) : 0) + p;
    const cases: [number, number, 'same' | 'valid', number | null][] = [
      [3, 2, 'same', null],
      [3, 2, 'valid', null],
      [2, 3, 'valid', null],
      [4, 2, 'valid', null],
      [3, 2, 'same', 1],
      [3, 2, 'valid', 1],
      [3, 1, 'valid', null],
    ];
    for (const [k, s, padding, p] of cases) {
      const layer = new Conv2DTranspose({
        filters: 2,
        kernelSize: k,
        strides: s,
        padding,
        outputPadding: p,
      });
      const want = keras(5, k, s, padding, p);
      assert.deepEqual(
        layer.apply(ones([1, 5, 5, 3])).shape,
        [1, want, want, 2],
        `${k} ${s} ${padding} ${p}`,
      );
      assert.deepEqual(layer.computeOutputShape([null, 5, null, 3]), [null, want, null, 2]);
    }
  });
  test('ZeroPadding2D pads rows and columns with zeros', () => {
    const z = new ZeroPadding2D({
      padding: [
        [1, 0],
        [0, 2],
      ],
    });
    const y = z.apply(
      image([
        [1, 2],
        [3, 4],
      ]),
    );
    assert.deepEqual(grid(y), [
      [0, 0, 0, 0],
      [1, 2, 0, 0],
      [3, 4, 0, 0],
    ]);
    assert.deepEqual(new ZeroPadding2D({ padding: [1, 2] }).getConfig().padding, [
      [1, 1],
      [2, 2],
    ]);
    assert.deepEqual(new ZeroPadding2D().computeOutputShape([null, null, 4, 3]), [
      null,
      null,
      6,
      3,
    ]);
  });
  test('UpSampling2D: nearest repeats; bilinear interpolates with half-pixel centers', () => {
    const x = image([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(grid(new UpSampling2D().apply(x)), [
      [1, 1, 2, 2],
      [1, 1, 2, 2],
      [3, 3, 4, 4],
      [3, 3, 4, 4],
    ]);
    const rows = [
      [1, 1.25, 1.75, 2],
      [1.5, 1.75, 2.25, 2.5],
      [2.5, 2.75, 3.25, 3.5],
      [3, 3.25, 3.75, 4],
    ];
    assertClose(new UpSampling2D({ interpolation: 'bilinear' }).apply(x), [
      rows.map((r) => r.map((v) => [v])),
    ]);
  });
  test('computeOutputShape keeps unknown dimensions unknown', () => {
    const c = new Conv2D({ filters: 4, kernelSize: 3, strides: 2 });
    assert.deepEqual(c.computeOutputShape([null, null, 7, 3]), [null, null, 3, 4]);
    const d = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 3, padding: 'same' });
    assert.deepEqual(d.computeOutputShape([null, 5, null, 2]), [null, 5, null, 6]);
    const c1 = new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal' });
    assert.deepEqual(c1.computeOutputShape([null, null, 2]), [null, null, 2]);
    assert.throws(
      () => c.computeOutputShape([null, 2, 7, 3]),
      /Conv2D 'conv2d(_\d+)?': computed output size would be negative/,
    );
  });
  test('config: Keras snake_case keys, tuples, legacy Keras 1 names', () => {
    const c = new Conv2D({
      filters: 4,
      kernelSize: 3,
      W_regularizer: l2(0.1),
      b_constraint: 'nonNeg',
    });
    const config = serializeLayer(c).config!;
    assert.equal(serializeLayer(c).class_name, 'Conv2D');
    assert.deepEqual(config.kernel_size, [3, 3]);
    assert.deepEqual(config.strides, [1, 1]);
    assert.deepEqual(config.dilation_rate, [1, 1]);
    assert.equal(config.padding, 'valid');
    assert.equal(config.data_format, 'channels_last');
    assert.equal(config.groups, 1);
    assert.equal(config.use_bias, true);
    assert.equal(config.activation, 'linear');
    assert.equal((config.kernel_regularizer as { class_name: string }).class_name, 'L2');
    assert.equal((config.bias_constraint as { class_name: string }).class_name, 'NonNeg');
    assert.throws(
      () =>
        new Conv2D({
          filters: 1,
          kernelSize: 1,
          W_regularizer: l2(0.1),
          kernelRegularizer: l2(0.1),
        }),
      /got both the legacy argument 'W_regularizer' and its replacement 'kernelRegularizer'/,
    );
    assert.equal(
      convLayers.separableConv2d({ filters: 2, kernelSize: 3 }).className,
      'SeparableConv2D',
    );
  });
  test('bad arguments name the layer, argument and value', () => {
    assert.throws(
      () => new Conv2D({ filters: 0, kernelSize: 3 }),
      /Conv2D 'conv2d(_\d+)?': Invalid value for argument filters: expected a positive integer. Received: filters=0/,
    );
    assert.throws(
      () => new Conv2D({ filters: 1, kernelSize: 0 }),
      /Invalid value for argument kernelSize: expected a positive integer or a tuple of 2 positive integers. Received: kernelSize=0/,
    );
    assert.throws(
      () => new Conv1D({ filters: 1, kernelSize: [2, 2] }),
      /Received: kernelSize=\[2,2\]/,
    );
    assert.throws(
      () => new UpSampling2D({ dataFormat: 'NCHW' as 'channels_first' }),
      /UpSampling2D 'up_sampling2d(_\d+)?': Invalid value for argument dataFormat: expected 'channels_last' or 'channels_first'. Received: dataFormat="NCHW"/,
    );
    assert.throws(
      () => new Conv2D({ filters: 1, kernelSize: 3, padding: 'full' as 'same' }),
      /Invalid value for argument padding: expected one of 'valid', 'same'. Received: padding="full"/,
    );
    assert.throws(
      () => new Conv2D({ filters: 1, kernelSize: 3, padding: 'causal' as 'same' }),
      /Received: padding="causal"/,
    );
    assert.throws(
      () => new Conv2D({ filters: 4, kernelSize: 3, groups: 2 }),
      /only groups=1 is implemented/,
    );
    assert.throws(
      () => new Conv2D({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2 }),
      /strides > 1 is not supported together with dilationRate > 1/,
    );
    assert.throws(
      () => new Conv2DTranspose({ filters: 1, kernelSize: 3, strides: 2, outputPadding: 2 }),
      /each outputPadding entry must be smaller than its stride/,
    );
    assert.throws(
      () => new UpSampling2D({ interpolation: 'bicubic' as 'nearest' }),
      /'bicubic' exists in Keras but is not implemented/,
    );
    assert.throws(() => new ZeroPadding2D({ padding: -1 }), /Received: padding=-1/);
    assert.throws(
      () => new Conv2D({ filters: 1, kernelSize: 3, activation: 'relu7' }),
      /unknown activation/,
    );
    const c = new Conv2D({ filters: 1, kernelSize: 1 });
    c.apply(ones([1, 2, 2, 3]));
    assert.throws(() => c.apply(ones([1, 2, 2, 4])), /expected an input with 3 channels/);
    assert.throws(() => c.apply(ones([2, 2, 3])), /expected an input of rank 4/);
  });
});

test('differential: Conv2DTranspose and bilinear UpSampling2D against @tensorflow/tfjs', async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
  const close = (ours: Tensor, theirs: tf.Tensor): void => {
    assert.deepEqual([...ours.shape], theirs.shape);
    const b = theirs.dataSync();
    Array.from(ours.dataSync()).forEach((v, i) =>
      assert.ok(
        Math.abs(v - b[i]!) <= 1e-4 + 1e-4 * Math.abs(b[i]!),
        `element ${i}: ${v} vs ${b[i]}`,
      ),
    );
  };
  const x = randomNormal([2, 4, 3, 3], 0, 1, 40);
  const tx = tf.tensor4d(x.dataSync(), [2, 4, 3, 3]);
  // tf.image.resizeBilinear with halfPixelCenters is TensorFlow's resize as Keras 3 uses it.
  close(
    new UpSampling2D({ size: [2, 3], interpolation: 'bilinear' }).apply(x),
    tf.image.resizeBilinear(tx, [8, 9], false, true),
  );
  for (const padding of ['same', 'valid'] as const) {
    const layer = new Conv2DTranspose({
      filters: 2,
      kernelSize: 3,
      strides: 2,
      padding,
      kernelInitializer: glorot(5),
    });
    const y = layer.apply(x);
    const k = layer.kernel!;
    const tk = tf.tensor4d(k.dataSync(), k.shape as [number, number, number, number]);
    close(y, tf.conv2dTranspose(tx, tk, y.shape as [number, number, number, number], 2, padding));
  }
});
