/** Optimizer state (save/restore), configs, getOptimizer, the factories. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor, variable, type Tensor, type Variable } from '../../src/index.js';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  CosineDecay,
  deserializeOptimizer,
  getOptimizer,
  Nadam,
  optimizers,
  RMSprop,
  serializeOptimizer,
  SGD,
  train,
  type Optimizer,
} from '../../src/optimizers/index.js';
import type { KerasObject } from '../../src/serialization/keras-object.js';
import { assertClose, forEachBackend } from '../helpers.js';

const GRADS = [
  [0.5, -1],
  [0.3, 0.2],
  [-0.4, 0.6],
];
const fresh = (): Variable => variable(tensor([1, -2]), { name: 'dense/kernel' });
const step = (opt: Optimizer, w: Variable, k: number): void =>
  opt.applyGradients([[tensor(GRADS[k % 3] as number[]), w]]);

const ALL = (): Optimizer[] => [
  new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
  new Adam({ learningRate: 0.1, amsgrad: true }),
  new AdamW({ learningRate: 0.1 }),
  new RMSprop({ learningRate: 0.1, momentum: 0.5, centered: true }),
  new Adagrad({ learningRate: 0.1 }),
  new Adadelta({ learningRate: 1 }),
  new Adamax({ learningRate: 0.1 }),
  new Nadam({ learningRate: 0.1 }),
];

forEachBackend('optimizer state', () => {
  test('getState / setState: a restored optimizer makes the identical next updates', () => {
    for (const opt of ALL()) {
      const w = fresh();
      step(opt, w, 0);
      step(opt, w, 1);
      const state = opt.getState();
      assert.equal(state.iterations, 2);
      // A new optimizer and a new variable of the same name, restored before any update.
      const restored = getOptimizer(serializeOptimizer(opt));
      restored.setState(state);
      const w2 = variable(tensor(Array.from(w.dataSync())), { name: 'dense/kernel' });
      for (let k = 2; k < 4; k++) {
        step(opt, w, k);
        step(restored, w2, k);
      }
      assertClose(w2, Array.from(w.dataSync()), { rtol: 0, atol: 0 });
      assert.equal(restored.iterations, 4, opt.className);
    }
  });

  test('getWeights / setWeights after build', () => {
    const opt = new Adam({ learningRate: 0.1 });
    const w = fresh();
    step(opt, w, 0);
    const weights = opt.getWeights();
    assert.equal(weights.length, 3); // iterations, momentum, velocity
    assert.deepEqual(weights[0]?.arraySync(), 1);
    const other = new Adam({ learningRate: 0.1 });
    const w2 = variable(tensor(Array.from(w.dataSync())), { name: 'x' });
    assert.throws(() => other.setWeights(weights), /call build\(variables\) first/);
    other.build([w2]);
    other.setWeights(weights);
    step(opt, w, 1);
    step(other, w2, 1);
    assertClose(w2, Array.from(w.dataSync()), { rtol: 0, atol: 0 });
  });

  test('setState checks slot counts and shapes', () => {
    const opt = new Adam();
    const w = fresh();
    opt.setState({ iterations: 1, slots: { 'dense/kernel': [tensor([0, 0])] } });
    assert.throws(() => step(opt, w, 0), /expected 2 slots \(momentum, velocity\), received 1/);
    assert.throws(() => opt.setState({ iterations: -1, slots: {} }), /iterations must be/);
  });
});

forEachBackend('optimizer configs', () => {
  test('config round-trip for every optimizer (through JSON)', () => {
    for (const opt of ALL()) {
      const json = JSON.parse(JSON.stringify(serializeOptimizer(opt))) as KerasObject;
      assert.equal(json.module, 'keras.optimizers');
      assert.equal(json.class_name, opt.className);
      const back = deserializeOptimizer(json);
      assert.equal(back.constructor, opt.constructor);
      assert.deepEqual(back.getConfig(), opt.getConfig());
    }
  });

  test('Keras snake_case keys, and a schedule serialized inside', () => {
    const schedule = new CosineDecay(0.1, 100, { warmupTarget: 0.5, warmupSteps: 10 });
    const opt = new Adam({ learningRate: schedule, clipNorm: 1, weightDecay: 0.01 });
    const config = opt.getConfig();
    assert.equal(config.clipnorm, 1);
    assert.equal(config.clipvalue, null);
    assert.equal(config.global_clipnorm, null);
    assert.equal(config.weight_decay, 0.01);
    assert.equal(config.beta_1, 0.9);
    assert.equal(config.amsgrad, false);
    assert.deepEqual(config.learning_rate, {
      module: 'keras.optimizers.schedules',
      class_name: 'CosineDecay',
      config: {
        initial_learning_rate: 0.1,
        decay_steps: 100,
        alpha: 0,
        name: 'CosineDecay',
        warmup_target: 0.5,
        warmup_steps: 10,
      },
      registered_name: null,
    });
    const back = getOptimizer({ class_name: 'Adam', config });
    assert.ok(back.learningRate instanceof CosineDecay);
    assert.equal(back.currentLearningRate(), 0.1);
  });

  test('a Keras 3 config loads (with the keys Lamina only accepts at their defaults)', () => {
    const opt = getOptimizer({
      module: 'keras.optimizers',
      class_name: 'SGD',
      config: {
        name: 'SGD',
        learning_rate: 0.05,
        weight_decay: null,
        clipnorm: null,
        global_clipnorm: null,
        clipvalue: 0.5,
        use_ema: false,
        ema_momentum: 0.99,
        ema_overwrite_frequency: null,
        loss_scale_factor: null,
        gradient_accumulation_steps: null,
        momentum: 0.9,
        nesterov: false,
      },
      registered_name: null,
    });
    assert.ok(opt instanceof SGD);
    assert.equal(opt.momentum, 0.9);
    assert.equal(opt.clipValue, 0.5);
    const bad = { class_name: 'Adam', config: { use_ema: true } };
    assert.throws(() => getOptimizer(bad), /use_ema=true is not supported/);
    assert.throws(
      () => getOptimizer({ class_name: 'Adam', config: { bogus: 1 } }),
      /unknown config key 'bogus'/,
    );
  });
});

forEachBackend('getOptimizer and factories', () => {
  test('names in any spelling give Keras defaults', () => {
    const cases: [string, new () => Optimizer, number][] = [
      ['sgd', SGD, 0.01],
      ['SGD', SGD, 0.01],
      ['adam', Adam, 0.001],
      ['Adam', Adam, 0.001],
      ['adamw', AdamW, 0.001],
      ['AdamW', AdamW, 0.001],
      ['rmsprop', RMSprop, 0.001],
      ['RMSprop', RMSprop, 0.001],
      ['adagrad', Adagrad, 0.001],
      ['adadelta', Adadelta, 0.001],
      ['adamax', Adamax, 0.001],
      ['nadam', Nadam, 0.001],
    ];
    for (const [name, cls, lr] of cases) {
      const opt = getOptimizer(name);
      assert.ok(opt instanceof cls, name);
      assert.equal(opt.learningRate, lr, name);
    }
    const opt = new Adam();
    assert.equal(getOptimizer(opt), opt);
  });

  test('unknown names and bad identifiers', () => {
    assert.throws(
      () => getOptimizer('adamz'),
      /unknown optimizer 'adamz'. Known: Adadelta, Adagrad, Adam/,
    );
    assert.throws(() => getOptimizer(42 as unknown as string), /could not interpret optimizer/);
  });

  test('optimizers factory and TensorFlow.js-style train', () => {
    const a = optimizers.adam({ learningRate: 1e-3, amsgrad: true });
    assert.ok(a instanceof Adam && a.amsgrad);
    assert.ok(optimizers.sgd() instanceof SGD);
    assert.ok(optimizers.adamw() instanceof AdamW);
    const s = train.sgd(0.1);
    assert.equal(s.learningRate, 0.1);
    const m = train.momentum(0.1, 0.9, true);
    assert.deepEqual([m.momentum, m.nesterov], [0.9, true]);
    const adam = train.adam(0.01, 0.8, 0.99);
    assert.deepEqual(
      [adam.learningRate, adam.beta1, adam.beta2, adam.epsilon],
      [0.01, 0.8, 0.99, 1e-7],
    );
    const r = train.rmsprop(0.01, 0.8, 0.1, 1e-6, true);
    assert.deepEqual([r.rho, r.momentum, r.epsilon, r.centered], [0.8, 0.1, 1e-6, true]);
    assert.equal(train.adagrad(0.5, 0.2).initialAccumulatorValue, 0.2);
    assert.equal(train.adadelta().rho, 0.95);
    assert.equal(train.adamax(0.002).learningRate, 0.002);
    const w = variable(tensor([1, 2]));
    s.applyGradients([[tensor([1, 1]) as Tensor, w]]);
    assertClose(w, [0.9, 1.9]);
  });
});
