/** Learning-rate schedules: hand values at several steps, validation, serialization. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CosineDecay,
  CosineDecayRestarts,
  deserializeSchedule,
  ExponentialDecay,
  InverseTimeDecay,
  LearningRateSchedule,
  PiecewiseConstantDecay,
  optimizers,
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

  // Keras 3.15.1 (numpy backend) `CosineDecayRestarts(**args)(step)` at these steps; Keras
  // computes in float32, Lamina in float64, so the comparison allows float32 rounding of values
  // of the size of the initial rate (the cosine's 1 + cos cancels near the end of a period).
  test('CosineDecayRestarts matches Keras 3 (SGDR: periods grow by tMul, restart lower by mMul)', () => {
    const steps = [0, 1, 3, 4, 5, 9, 10, 11, 17, 29, 30, 31, 70, 100];
    const cases: [CosineDecayRestarts, number[]][] = [
      [
        new CosineDecayRestarts(0.1, 10),
        [
          0.10000000149011612, 0.0975528284907341, 0.07938926666975021, 0.06545084714889526,
          0.04999999701976776, 0.0024471760261803865, 0.10000000149011612, 0.09938441962003708,
          0.07269952446222305, 0.0006155818700790405, 0.10000000149011612, 0.09984587132930756,
          0.10000000149011612, 0.0691341757774353,
        ],
      ],
      [
        new CosineDecayRestarts(0.1, 10, { tMul: 1, mMul: 0.5, alpha: 0.1 }),
        [
          0.10000000149011612, 0.09779754281044006, 0.08145033568143845, 0.06890576332807541,
          0.05499999597668648, 0.012202458456158638, 0.055000003427267075, 0.05389877036213875,
          0.01927482895553112, 0.010550613515079021, 0.021250000223517418, 0.020974693819880486,
          0.010703125037252903, 0.010087891481816769,
        ],
      ],
      [
        new CosineDecayRestarts(0.05, 4, { tMul: 1.5, mMul: 0.9, alpha: 0.2 }),
        [
          0.05000000074505806, 0.044142138212919235, 0.015857866033911705, 0.04600000008940697,
          0.04358845576643944, 0.012411543168127537, 0.042399998754262924, 0.041423019021749496,
          0.013790078461170197, 0.014574594795703888, 0.01239858753979206, 0.010879280976951122,
          0.019309615716338158, 0.024838676676154137,
        ],
      ],
    ];
    for (const [schedule, expected] of cases)
      steps.forEach((step, i) => {
        const want = expected[i] as number;
        const got = schedule.valueAt(step);
        assert.ok(
          Math.abs(got - want) <= 1e-7 * schedule.initialLearningRate,
          `${JSON.stringify(schedule.getConfig())} at step ${step}: Keras ${want}, got ${got}`,
        );
      });
    assert.deepEqual(new CosineDecayRestarts(0.1, 10).getConfig(), {
      initial_learning_rate: 0.1,
      first_decay_steps: 10,
      t_mul: 2,
      m_mul: 1,
      alpha: 0,
      name: 'SGDRDecay',
    });
    assert.throws(
      () => new CosineDecayRestarts(0.1, 0),
      /CosineDecayRestarts: Invalid value for argument firstDecaySteps: expected a number > 0. Received: firstDecaySteps=0/,
    );
    assert.throws(
      () => new CosineDecayRestarts(0.1, 10, { tMul: 0 }),
      /tMul: expected a number > 0/,
    );
  });

  test('optimizers.schedules is the Keras namespace', () => {
    const s = new optimizers.schedules.CosineDecayRestarts(0.1, 10, { mMul: 0.5 });
    assert.ok(s instanceof optimizers.schedules.LearningRateSchedule);
    const back = optimizers.schedules.deserialize(
      JSON.parse(JSON.stringify(optimizers.schedules.serialize(s))) as KerasObject,
    );
    assert.ok(back instanceof CosineDecayRestarts);
    assert.equal(back.valueAt(25), s.valueAt(25));
    assert.equal(optimizers.schedules.ExponentialDecay, ExponentialDecay);
    // A Keras schedule as a learning rate: the optimizer reads it at its own step count.
    const sgd = optimizers.sgd({
      learningRate: new optimizers.schedules.ExponentialDecay(0.1, 1, 0.5),
    });
    assert.ok(sgd.learningRate instanceof ExponentialDecay);
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
      new CosineDecayRestarts(0.1, 10, { tMul: 1.5, mMul: 0.8, alpha: 0.05, name: 'sgdr' }),
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
