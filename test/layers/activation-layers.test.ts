/**
 * ReLU, LeakyReLU, ELU, ThresholdedReLU, Softmax and PReLU: the conformance harness (shapes,
 * config round trip, finite differences) and TensorFlow.js's layers on the same inputs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as real from '@tensorflow/tfjs';
import { layers, l2, tensor, type Layer, type Tensor } from '../../src/index.js';
import { checkLayer } from './harness.js';

// Values away from every kink (0, thresholds, maxValue), so finite differences are smooth.
const values = [
  [-2.3, -0.7, 0.4, 1.3],
  [2.6, -1.6, 0.9, 7.1],
  [-0.2, 3.3, -4.1, 0.6],
];

function sameAsTfjs(ours: Layer, theirs: real.layers.Layer): void {
  const y = ours.apply(tensor(values)) as Tensor;
  const z = theirs.apply(real.tensor(values)) as real.Tensor;
  const a = y.dataSync();
  const b = z.dataSync();
  assert.deepEqual([...y.shape], z.shape);
  a.forEach((v, i) => assert.ok(Math.abs(v - (b[i] as number)) < 1e-6, `[${i}] ${v} vs ${b[i]}`));
}

describe('activation layers', () => {
  test('the same values as TensorFlow.js', () => {
    sameAsTfjs(layers.reLU({ maxValue: 3 }), real.layers.reLU({ maxValue: 3 }));
    sameAsTfjs(layers.reLU(), real.layers.reLU());
    sameAsTfjs(layers.leakyReLU({ alpha: 0.1 }), real.layers.leakyReLU({ alpha: 0.1 }));
    sameAsTfjs(layers.leakyReLU(), real.layers.leakyReLU());
    // TensorFlow.js's ELU layer refuses alpha other than 1: that value is checked below.
    sameAsTfjs(layers.elu(), real.layers.elu());
    sameAsTfjs(layers.thresholdedReLU({ theta: 0.8 }), real.layers.thresholdedReLU({ theta: 0.8 }));
    sameAsTfjs(layers.softmax(), real.layers.softmax());
    sameAsTfjs(
      layers.prelu({ alphaInitializer: { class_name: 'Constant', config: { value: 0.25 } } }),
      real.layers.prelu({ alphaInitializer: real.initializers.constant({ value: 0.25 }) }),
    );
  });

  test("Keras's ReLU with a threshold and a negative slope (worked values)", () => {
    const relu = layers.reLU({ threshold: 1, negativeSlope: 0.5, maxValue: 4 });
    // x >= 4: 4; 1 <= x < 4: x; x < 1: 0.5 * (x - 1).
    const y = relu.apply(tensor([-1, 0.5, 1, 2, 5])) as Tensor;
    assert.deepEqual(y.arraySync(), [-1, -0.25, 0, 2, 4]);
    const elu = layers.elu({ alpha: 0.5 }).apply(tensor([-1, 2])) as Tensor;
    assert.ok(Math.abs((elu.arraySync() as number[])[0]! - 0.5 * (Math.exp(-1) - 1)) < 1e-7);
    assert.equal((elu.arraySync() as number[])[1], 2);
    assert.throws(() => layers.reLU({ maxValue: -1 }), /maxValue: expected a finite number >= 0/);
    assert.throws(() => layers.leakyReLU({ alpha: 0.1, negativeSlope: 0.2 }), /not both/);
  });

  for (const [name, make] of [
    ['ReLU', () => layers.reLU({ maxValue: 5, threshold: 0.1, negativeSlope: 0.2 })],
    ['LeakyReLU', () => layers.leakyReLU({ negativeSlope: 0.2 })],
    ['ELU', () => layers.elu({ alpha: 0.7 })],
    ['ThresholdedReLU', () => layers.thresholdedReLU({ theta: 0.3 })],
    ['Softmax', () => layers.softmax({ axis: 1 })],
  ] as const) {
    test(`${name} passes the conformance harness`, () => {
      checkLayer({ make, input: tensor(values), expectedOutputShape: [3, 4], expectedWeights: 0 });
    });
  }

  test('PReLU learns alpha per unit, shared along sharedAxes, with a regularizer', () => {
    checkLayer({
      make: () =>
        layers.prelu({
          alphaInitializer: { class_name: 'Constant', config: { value: 0.3 } },
          alphaRegularizer: l2(0.1),
        }),
      input: tensor(values),
      expectedOutputShape: [3, 4],
      expectedWeights: 1,
      expectedLosses: 1,
    });
    const shared = layers.prelu({ sharedAxes: [1, 2] });
    shared.apply(tensor([[[[1, -1, 2]]]]));
    assert.deepEqual([...shared.weights[0]!.shape], [1, 1, 3]);
  });
});
