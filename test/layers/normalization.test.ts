import assert from 'node:assert/strict';
import { test } from 'node:test';
import { input, l2, randomNormal, tensor, type Tensor } from '../../src/index.js';
import {
  BatchNormalization,
  LayerNormalization,
  normalizationLayers,
} from '../../src/layers/normalization/index.js';
import { deserializeLayer, serializeLayer } from '../../src/layers/base/config.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { checkLayer } from './harness.js';

const X = (): Tensor =>
  tensor([
    [1, 2],
    [3, 6],
  ]);

forEachBackend('normalization layers: conformance', () => {
  test('BatchNormalization (inference and training, last and middle axis)', () => {
    for (const training of [false, true]) {
      checkLayer({
        make: () =>
          new BatchNormalization({
            momentum: 0.9,
            gammaInitializer: {
              class_name: 'RandomUniform',
              config: { seed: 1, minval: 0.5, maxval: 1.5 },
            },
            betaInitializer: { class_name: 'RandomNormal', config: { seed: 2, stddev: 0.1 } },
            gammaRegularizer: l2(0.01),
          }),
        input: randomNormal([6, 3], 0, 1, 3),
        expectedOutputShape: [6, 3],
        expectedWeights: 4,
        expectedTrainableWeights: 2,
        expectedLosses: 1,
        training,
      });
      checkLayer({
        make: () => new BatchNormalization({ axis: 1, center: false }),
        input: randomNormal([3, 2, 4], 0, 1, 4),
        expectedOutputShape: [3, 2, 4],
        expectedWeights: 3,
        expectedTrainableWeights: 1,
        training,
      });
    }
  });
  test('LayerNormalization (last axis, several axes, rmsScaling)', () => {
    checkLayer({
      make: () =>
        new LayerNormalization({
          gammaInitializer: {
            class_name: 'RandomUniform',
            config: { seed: 5, minval: 0.5, maxval: 1.5 },
          },
          betaRegularizer: 'l1',
        }),
      input: randomNormal([2, 3, 4], 0, 1, 6),
      expectedOutputShape: [2, 3, 4],
      expectedWeights: 2,
      expectedLosses: 1,
    });
    checkLayer({
      make: () =>
        new LayerNormalization({
          axis: [1, -1],
          betaInitializer: { class_name: 'RandomNormal', config: { seed: 7, stddev: 0.1 } },
        }),
      input: randomNormal([2, 3, 4], 0, 1, 8),
      expectedOutputShape: [2, 3, 4],
      expectedWeights: 2,
    });
    checkLayer({
      make: () => new LayerNormalization({ rmsScaling: true }),
      input: randomNormal([2, 5], 0, 1, 9),
      expectedOutputShape: [2, 5],
      expectedWeights: 1,
    });
  });
});

forEachBackend('normalization layers: values', () => {
  test('BatchNormalization in training: batch statistics, then the moving-stat update (momentum 0.9)', () => {
    const bn = new BatchNormalization({ momentum: 0.9 });
    const y = bn.apply(X(), { training: true });
    // feature 0: mean 2, var 1; feature 1: mean 4, var 4 (biased)
    const a = 1 / Math.sqrt(1 + 1e-3);
    const b = 2 / Math.sqrt(4 + 1e-3);
    assertClose(y, [
      [-a, -b],
      [a, b],
    ]);
    assertClose(bn.movingMean!, [0.2, 0.4]);
    assertClose(bn.movingVariance!, [0.9 + 0.1 * 1, 0.9 + 0.1 * 4]);
    assert.deepEqual(
      bn.weights.map((w) => w.name),
      ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n) => `${bn.name}/${n}`),
    );
    // Inference leaves the statistics alone.
    bn.apply(X());
    assertClose(bn.movingMean!, [0.2, 0.4]);
  });
  test('BatchNormalization at inference uses the moving statistics', () => {
    const bn = new BatchNormalization();
    bn.apply(X());
    bn.setWeights([tensor([2, 1]), tensor([0.5, 0]), tensor([1, 2]), tensor([4, 0.999])]);
    const s = 2 / Math.sqrt(4.001);
    assertClose(bn.apply(X()), [
      [0.5, 0],
      [2 * s + 0.5, 4],
    ]);
  });
  test('a frozen BatchNormalization runs in inference mode even when training', () => {
    const bn = new BatchNormalization({ momentum: 0.5 });
    bn.apply(X());
    bn.setWeights([tensor([1, 1]), tensor([0, 0]), tensor([1, 2]), tensor([4, 1])]);
    bn.trainable = false;
    const y = bn.apply(X(), { training: true });
    assertClose(y, bn.apply(X(), { training: false }).arraySync());
    assertClose(
      y,
      [
        [0, 0],
        [2 / Math.sqrt(4.001), 4 / Math.sqrt(1.001)],
      ],
      { rtol: 1e-5 },
    );
    assertClose(bn.movingMean!, [1, 2]);
    assertClose(bn.movingVariance!, [4, 1]);
    assert.equal(bn.trainableWeights.length, 0);
    assert.equal(bn.nonTrainableWeights.length, 4);
  });
  test('gammaRegularizer shows up in losses and disappears when the layer is frozen', () => {
    const bn = new BatchNormalization({ gammaRegularizer: l2(0.1) });
    bn.apply(X());
    assert.equal(bn.losses.length, 1);
    assertClose(bn.losses[0]!, 0.2); // 0.1 * (1 + 1)
    assert.equal(bn.lossTerms()[0]!.name, `${bn.name}/gamma`);
    bn.trainable = false;
    assert.equal(bn.losses.length, 0);
    bn.trainable = true;
    assert.equal(bn.losses.length, 1);
  });
  test('LayerNormalization on a hand case, with and without rmsScaling', () => {
    const x = tensor([
      [1, 2, 3],
      [2, 2, 2],
    ]);
    const s = Math.sqrt(2 / 3 + 1e-3);
    assertClose(
      new LayerNormalization().apply(x),
      [
        [-1 / s, 0, 1 / s],
        [0, 0, 0],
      ],
      { rtol: 1e-5 },
    );
    const ln = new LayerNormalization({ rmsScaling: true, epsilon: 0.01 });
    ln.apply(x);
    ln.setWeights([tensor([1, 2, 3])]);
    const r = Math.sqrt(2 / 3 + 0.01);
    const r0 = Math.sqrt(0.01);
    assertClose(
      ln.apply(x),
      [
        [1 / r, 4 / r, 9 / r],
        [2 / r0, 4 / r0, 6 / r0],
      ],
      { rtol: 1e-5 },
    );
    assert.equal(ln.beta, null, 'rmsScaling has no beta');
  });
  test('LayerNormalization over axes [1, 2] with gamma and beta', () => {
    const ln = new LayerNormalization({ axis: [1, 2], epsilon: 0 });
    const x = tensor([
      [
        [1, 3],
        [5, 7],
      ],
    ]);
    ln.apply(x);
    assert.deepEqual([...ln.gamma!.shape], [2, 2]);
    ln.setWeights([
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [0, 0],
        [0, 1],
      ]),
    ]);
    const s = Math.sqrt(5); // mean 4, variance 5
    assertClose(
      ln.apply(x),
      [
        [
          [-3 / s, -2 / s],
          [3 / s, (4 * 3) / s + 1],
        ],
      ],
      { rtol: 1e-5 },
    );
  });
  test('configs: Keras names and defaults, round-trip, symbolic shapes with unknown dims', () => {
    const bn = normalizationLayers.batchNormalization();
    const c = bn.getConfig();
    assert.equal(c.axis, -1);
    assert.equal(c.momentum, 0.99);
    assert.equal(c.epsilon, 1e-3);
    assert.equal(c.center, true);
    assert.equal(c.scale, true);
    assert.equal((c.moving_variance_initializer as { class_name: string }).class_name, 'Ones');
    const ln = normalizationLayers.layerNormalization({ axis: [1, 2], rmsScaling: true });
    const clone = deserializeLayer(serializeLayer(ln));
    assert.deepEqual(clone.getConfig(), ln.getConfig());
    assert.deepEqual(ln.getConfig().axis, [1, 2]);
    assert.equal(ln.getConfig().rms_scaling, true);
    const seq = input({ shape: [null, 4] });
    assert.deepEqual([...new LayerNormalization().apply(seq).shape], [null, null, 4]);
    assert.deepEqual([...new BatchNormalization().apply(seq).shape], [null, null, 4]);
  });
  test('errors name the layer, argument and value', () => {
    assert.throws(
      () => new BatchNormalization({ momentum: 1.5 }),
      /BatchNormalization 'batch_normalization(_\d+)?': Invalid value for argument momentum: expected a number in \[0, 1\]. Received: momentum=1.5/,
    );
    assert.throws(
      () => new BatchNormalization({ axis: 0.5 }),
      /argument axis: expected an integer/,
    );
    assert.throws(
      () => new LayerNormalization({ epsilon: -1 }),
      /argument epsilon: expected a number >= 0/,
    );
    assert.throws(() => new LayerNormalization({ axis: [] }), /argument axis/);
    assert.throws(
      () => new BatchNormalization({ gammaRegularizer: 'l3' }),
      /unknown regularizer 'l3'/,
    );
    assert.throws(
      () => new BatchNormalization({ axis: 3 }).apply(X()),
      /Invalid axis 3 for an input of rank 2/,
    );
    assert.throws(
      () => new BatchNormalization().apply(input({ shape: [2, null] })),
      /Axis -1 of the input should have a defined dimension/,
    );
    assert.throws(
      () => new LayerNormalization({ axis: [1, -1] }).apply(X()),
      /axis -1 is given twice/,
    );
    const bn = new BatchNormalization();
    bn.apply(X());
    assert.throws(
      () => bn.apply(tensor([[1, 2, 3]])),
      /expected an input of rank 2 with 2 features on axis -1, received shape \[1,3\]/,
    );
  });
});
