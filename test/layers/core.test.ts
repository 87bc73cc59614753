import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Activation,
  ActivityRegularization,
  AlphaDropout,
  Dense,
  Dropout,
  Flatten,
  GaussianDropout,
  GaussianNoise,
  l1,
  l2,
  Permute,
  randomNormal,
  RepeatVector,
  Reshape,
  SpatialDropout1D,
  SpatialDropout2D,
  tensor,
  ones,
} from '../../src/index.js';
import { assertClose, forEachBackend } from '../helpers.js';
import { checkLayer } from './harness.js';

forEachBackend('core layers: conformance', () => {
  test('Dense (2-D and 3-D inputs, regularizers, activation)', () => {
    checkLayer({
      make: () =>
        new Dense({
          units: 3,
          activation: 'tanh',
          kernelRegularizer: l2(0.01),
          biasRegularizer: l1(0.01),
          activityRegularizer: l2(0.001),
          kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
          biasInitializer: {
            class_name: 'RandomNormal',
            config: { seed: 2, mean: 0, stddev: 0.1 },
          },
        }),
      input: randomNormal([2, 4], 0, 1, 3),
      expectedOutputShape: [2, 3],
      expectedWeights: 2,
      expectedTrainableWeights: 2,
      expectedLosses: 3,
    });
    checkLayer({
      make: () =>
        new Dense({
          units: 2,
          kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } },
        }),
      input: randomNormal([2, 3, 4], 0, 1, 4),
      expectedOutputShape: [2, 3, 2],
      expectedWeights: 2,
    });
  });
  test('Activation, ActivityRegularization', () => {
    checkLayer({
      make: () => new Activation({ activation: 'softplus' }),
      input: randomNormal([2, 3], 0, 1, 5),
      expectedOutputShape: [2, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new ActivityRegularization({ l1: 0.1, l2: 0.2 }),
      input: randomNormal([2, 3], 0, 1, 6),
      expectedOutputShape: [2, 3],
      expectedWeights: 0,
      expectedLosses: 1,
    });
  });
  test('Flatten, Reshape, Permute, RepeatVector', () => {
    checkLayer({
      make: () => new Flatten(),
      input: randomNormal([2, 3, 2], 0, 1, 7),
      expectedOutputShape: [2, 6],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new Reshape({ targetShape: [3, -1] }),
      input: randomNormal([2, 6], 0, 1, 8),
      expectedOutputShape: [2, 3, 2],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new Permute({ dims: [2, 1] }),
      input: randomNormal([2, 3, 4], 0, 1, 9),
      expectedOutputShape: [2, 4, 3],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new RepeatVector({ n: 3 }),
      input: randomNormal([2, 4], 0, 1, 10),
      expectedOutputShape: [2, 3, 4],
      expectedWeights: 0,
    });
  });
  test('dropout and noise layers (inference: identity; config round-trip)', () => {
    for (const make of [
      () => new Dropout({ rate: 0.5, seed: 1 }),
      () => new GaussianNoise({ stddev: 0.3, seed: 1 }),
      () => new GaussianDropout({ rate: 0.3, seed: 1 }),
      () => new AlphaDropout({ rate: 0.3, seed: 1 }),
    ]) {
      checkLayer({
        make,
        input: randomNormal([2, 3], 0, 1, 11),
        expectedOutputShape: [2, 3],
        expectedWeights: 0,
      });
    }
    checkLayer({
      make: () => new SpatialDropout1D({ rate: 0.5, seed: 1 }),
      input: randomNormal([2, 3, 4], 0, 1, 12),
      expectedOutputShape: [2, 3, 4],
      expectedWeights: 0,
    });
    checkLayer({
      make: () => new SpatialDropout2D({ rate: 0.5, seed: 1 }),
      input: randomNormal([2, 3, 3, 4], 0, 1, 13),
      expectedOutputShape: [2, 3, 3, 4],
      expectedWeights: 0,
    });
  });
});

forEachBackend('core layers: values', () => {
  test('Dense computes activation(x W + b) on hand values', () => {
    const d = new Dense({
      units: 2,
      activation: 'relu',
      kernelInitializer: 'ones',
      biasInitializer: { class_name: 'Constant', config: { value: -4 } },
    });
    assertClose(
      d.apply(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
      [
        [0, 0],
        [3, 3],
      ],
    );
    assert.equal(d.kernel?.name, `${d.name}/kernel`);
    assert.equal(d.bias?.name, `${d.name}/bias`);
  });
  test('Dropout: identity at inference; in training zeros about `rate` and scales the rest; same seed, same masks', () => {
    const x = ones([100, 100]);
    const d = new Dropout({ rate: 0.25, seed: 7 });
    assert.deepEqual(d.apply(x).dataSync(), x.dataSync());
    const y = d.apply(x, { training: true }).dataSync();
    const zeros = Array.from(y).filter((v) => v === 0).length;
    assert.ok(Math.abs(zeros / 10000 - 0.25) < 0.02, `dropped fraction ${zeros / 10000}`);
    assert.ok(Array.from(y).every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6));
    const a = new Dropout({ rate: 0.5, seed: 3 });
    const b = new Dropout({ rate: 0.5, seed: 3 });
    const m1 = [
      a.apply(x, { training: true }).dataSync(),
      a.apply(x, { training: true }).dataSync(),
    ];
    const m2 = [
      b.apply(x, { training: true }).dataSync(),
      b.apply(x, { training: true }).dataSync(),
    ];
    assert.deepEqual(m1, m2);
    assert.notDeepEqual(m1[0], m1[1], 'successive calls draw new masks');
  });
  test('SpatialDropout2D drops whole channels', () => {
    const y = new SpatialDropout2D({ rate: 0.5, seed: 1 }).apply(ones([4, 3, 3, 8]), {
      training: true,
    });
    const v = y.dataSync();
    for (let n = 0; n < 4; n++) {
      for (let c = 0; c < 8; c++) {
        const vals = new Set<number>();
        for (let p = 0; p < 9; p++) vals.add(v[(n * 9 + p) * 8 + c]!);
        assert.equal(vals.size, 1, 'one value per (sample, channel)');
      }
    }
  });
  test('AlphaDropout keeps mean ~0 and variance ~1 of standardized inputs', () => {
    const x = randomNormal([200, 200], 0, 1, 21);
    const y = new AlphaDropout({ rate: 0.2, seed: 2 }).apply(x, { training: true });
    const mean = y.mean().dataSync()[0]!;
    const variance = y.variance().dataSync()[0]!;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  });
  test('bad arguments name the layer, argument and value', () => {
    assert.throws(
      () => new Dense({ units: 0 }),
      /Dense 'dense(_\d+)?': Invalid value for argument units: expected a positive integer. Received: units=0/,
    );
    assert.throws(
      () => new Dropout({ rate: 1 }),
      /Invalid value for argument rate: expected a float in \[0, 1\). Received: rate=1/,
    );
    assert.throws(() => new Dense({ units: 2, activation: 'relu7' }), /unknown activation "relu7"/);
    assert.throws(
      () => new Dense({ units: 2, kernelRegularizer: 'l3' }),
      /unknown regularizer 'l3'/,
    );
    const d = new Dense({ units: 2 });
    d.apply(ones([1, 3]));
    assert.throws(
      () => d.apply(ones([1, 4])),
      /Dense 'dense_\d+': expected the input's last dimension to be 3, received shape \[1,4\]/,
    );
  });
});
