/** Learning-rate schedules: hand values at several steps, validation, serialization. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CosineDecay,
  deserializeSchedule,
  ExponentialDecay,
  InverseTimeDecay,
  LearningRateSchedule,
  PiecewiseConstantDecay,
  PolynomialDecay,
  registerLearningRateSchedule,
} from '../../src/optimizers/index.js';
import {
  configNumber,
  type JsonObject,
  type KerasObject,
} from '../../src/serialization/keras-object.js';
import { forEachBackend } from '../helpers.js';

function values(s: LearningRateSchedule, steps: number[], expected: number[]): void {
  steps.forEach((step, i) => {
    const got = s.valueAt(step);
    const want = expected[i] as number;
    assert.ok(
      Math.abs(got - want) <= 1e-12 + 1e-9 * Math.abs(want),
      `${s.className} at step ${step}: expected ${want}, got ${got}`,
    );
  });
}

forEachBackend('learning-rate schedules', () => {
  test('ExponentialDecay: lr * rate^(step / decaySteps), floored with staircase', () => {
    values(
      new ExponentialDecay(0.1, 10, 0.5),
      [0, 5, 10, 20],
      [0.1, 0.1 * Math.SQRT1_2, 0.05, 0.025],
    );
    values(
      new ExponentialDecay(0.1, 10, 0.5, true),
      [0, 9, 10, 15, 20],
      [0.1, 0.1, 0.05, 0.05, 0.025],
    );
  });

  test('PiecewiseConstantDecay: boundaries are inclusive on the left interval', () => {
    values(
      new PiecewiseConstantDecay([10, 20], [1, 0.5, 0.1]),
      [0, 10, 11, 20, 21, 1000],
      [1, 1, 0.5, 0.5, 0.1, 0.1],
    );
  });

  test('CosineDecay without and with alpha', () => {
    values(new CosineDecay(1, 10), [0, 5, 10, 20], [1, 0.5, 0, 0]);
    values(new CosineDecay(2, 10, { alpha: 0.1 }), [0, 5, 10, 50], [2, 2 * 0.55, 0.2, 0.2]);
  });

  test('CosineDecay with linear warm-up (Keras 3)', () => {
    const s = new CosineDecay(0, 10, { warmupTarget: 1, warmupSteps: 4 });
    // Warm-up 0 -> 1 over 4 steps, then cosine from 1 over 10 steps.
    values(s, [0, 1, 2, 4, 9, 14, 100], [0, 0.25, 0.5, 1, 0.5, 0, 0]);
    values(new CosineDecay(0.1, 10, { warmupTarget: 0.5, warmupSteps: 10 }), [5], [0.3]);
  });

  test('InverseTimeDecay: lr / (1 + rate * step / decaySteps)', () => {
    values(new InverseTimeDecay(1, 10, 0.5), [0, 5, 10], [1, 0.8, 1 / 1.5]);
    values(new InverseTimeDecay(1, 10, 0.5, true), [5, 10, 25], [1, 1 / 1.5, 0.5]);
  });

  test('PolynomialDecay, with power and cycle', () => {
    values(new PolynomialDecay(0.1, 10, 0.01), [0, 5, 10, 20], [0.1, 0.055, 0.01, 0.01]);
    values(new PolynomialDecay(0.1, 10, 0.01, 2), [5], [0.0325]);
    // cycle: step 15 uses decaySteps 20 (p = 0.75); step 0 uses decaySteps 10.
    values(new PolynomialDecay(0.1, 10, 0.01, 1, true), [0, 10, 15], [0.1, 0.01, 0.0325]);
  });

  test('validation errors', () => {
    assert.throws(
      () => new ExponentialDecay(0.1, 0, 0.5),
      /decaySteps: expected a number > 0. Received: decaySteps=0/,
    );
    assert.throws(() => new CosineDecay(0.1, -1), /decaySteps/);
    assert.throws(() => new PolynomialDecay(Number.NaN, 10), /initialLearningRate/);
    assert.throws(
      () => new PiecewiseConstantDecay([1, 2], [1, 2]),
      /The length of boundaries should be 1 less than the length of values/,
    );
    assert.throws(() => new PiecewiseConstantDecay([2, 1], [1, 2, 3]), /strictly increasing/);
    assert.throws(() => new CosineDecay(0.1, 10, { warmupSteps: -1 }), /warmupSteps/);
    assert.throws(() => new ExponentialDecay(0.1, 10, 0.5).valueAt(-1), /step/);
  });

  test('serialize / deserialize round-trip (Keras 3 form)', () => {
    const all: LearningRateSchedule[] = [
      new ExponentialDecay(0.1, 10, 0.5, true),
      new PiecewiseConstantDecay([10, 20], [1, 0.5, 0.1]),
      new CosineDecay(0.1, 100, { alpha: 0.1, warmupTarget: 1, warmupSteps: 5 }),
      new InverseTimeDecay(1, 10, 0.5),
      new PolynomialDecay(0.1, 10, 0.01, 2, true),
    ];
    for (const s of all) {
      const json = JSON.parse(JSON.stringify(s.serialize())) as KerasObject;
      assert.equal(json.module, 'keras.optimizers.schedules');
      const back = deserializeSchedule(json);
      assert.equal(back.constructor, s.constructor);
      assert.deepEqual(back.getConfig(), s.getConfig());
      for (const step of [0, 3, 7, 12, 40]) assert.equal(back.valueAt(step), s.valueAt(step));
    }
    assert.throws(
      () => deserializeSchedule({ class_name: 'Nope', config: {} }),
      /unknown learning rate schedule 'Nope'/,
    );
  });

  test('custom schedules register by name', () => {
    class Constant extends LearningRateSchedule {
      readonly className = 'MyConstant';
      constructor(readonly value: number) {
        super();
      }
      valueAt(): number {
        return this.value;
      }
      getConfig(): JsonObject {
        return { value: this.value };
      }
    }
    registerLearningRateSchedule(
      'MyConstant',
      (c) => new Constant(configNumber(c, 'value', 'MyConstant')),
    );
    const json = new Constant(0.3).serialize();
    assert.equal(json.registered_name, 'MyConstant');
    assert.equal(deserializeSchedule(json).valueAt(99), 0.3);
  });
});
