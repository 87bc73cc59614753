import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mean, square, sub, tensor, type Tensor } from '../../src/index.js';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Huber,
  Loss,
  LossFunctionWrapper,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
  deserializeLoss,
  getLoss,
  registerLoss,
  serializeLoss,
} from '../../src/losses/index.js';
import { assertClose, forEachBackend } from '../helpers.js';

// Per-sample squared errors: [1, 4, 9, 16].
const yT = () => tensor([[0], [0], [0], [0]]);
const yP = () => tensor([[1], [2], [3], [4]]);
const w = () => tensor([1, 0, 2, 0.5]);

forEachBackend('loss reductions and sample weights', () => {
  test('each reduction without weights', () => {
    assertClose(new MeanSquaredError().apply(yT(), yP()), 30 / 4);
    assertClose(new MeanSquaredError({ reduction: 'sum' }).apply(yT(), yP()), 30);
    assertClose(new MeanSquaredError({ reduction: 'mean' }).apply(yT(), yP()), 30 / 4);
    assertClose(new MeanSquaredError({ reduction: 'none' }).apply(yT(), yP()), [1, 4, 9, 16]);
  });

  test('weighted: sum_over_batch_size = sum(w l) / N, mean = sum(w l) / sum(w)', () => {
    const wl = 1 * 1 + 0 * 4 + 2 * 9 + 0.5 * 16;
    assertClose(new MeanSquaredError().apply(yT(), yP(), w()), wl / 4);
    assertClose(new MeanSquaredError({ reduction: 'sum' }).apply(yT(), yP(), w()), wl);
    assertClose(new MeanSquaredError({ reduction: 'mean' }).apply(yT(), yP(), w()), wl / 3.5);
    assertClose(new MeanSquaredError({ reduction: 'none' }).apply(yT(), yP(), w()), [1, 0, 18, 8]);
    // Weights of shape [batch, 1] and a scalar weight.
    assertClose(new MeanSquaredError().apply(yT(), yP(), tensor([[1], [0], [2], [0.5]])), wl / 4);
    assertClose(new MeanSquaredError().apply(yT(), yP(), tensor(2)), 60 / 4);
  });

  test('weights per sample broadcast over per-timestep losses', () => {
    // Losses [2, 2] (batch 2, 2 steps, 1 feature); weights [2] apply per sample.
    const t = tensor([
      [[0], [0]],
      [[0], [0]],
    ]);
    const p = tensor([
      [[1], [2]],
      [[3], [4]],
    ]);
    const l = new MeanSquaredError({ reduction: 'none' });
    assertClose(l.apply(t, p, tensor([1, 2])), [
      [1, 4],
      [18, 32],
    ]);
    assertClose(new MeanSquaredError().apply(t, p, tensor([1, 2])), 55 / 4);
    assertClose(new MeanSquaredError({ reduction: 'mean' }).apply(t, p, tensor([1, 2])), 55 / 6);
  });

  test('all-zero weights give 0 for the mean reduction (divide_no_nan)', () => {
    const z = tensor([0, 0, 0, 0]);
    assertClose(new MeanSquaredError({ reduction: 'mean' }).apply(yT(), yP(), z), 0);
  });

  test('bad weights and reductions are refused with clear messages', () => {
    assert.throws(
      () => new MeanSquaredError().apply(yT(), yP(), tensor([1, 2, 3])),
      /MeanSquaredError: sampleWeight of shape \[3\] cannot be applied to losses of shape \[4\]/,
    );
    assert.throws(
      () => new MeanSquaredError({ reduction: 'avg' as 'sum' }),
      /Invalid value for argument reduction/,
    );
  });
});

forEachBackend('getLoss and serialization', () => {
  test('every spelling resolves', () => {
    const cases: [string, string][] = [
      ['mse', 'MeanSquaredError'],
      ['MSE', 'MeanSquaredError'],
      ['mean_squared_error', 'MeanSquaredError'],
      ['meanSquaredError', 'MeanSquaredError'],
      ['mae', 'MeanAbsoluteError'],
      ['mape', 'MeanAbsolutePercentageError'],
      ['msle', 'MeanSquaredLogarithmicError'],
      ['bce', 'BinaryCrossentropy'],
      ['binary_crossentropy', 'BinaryCrossentropy'],
      ['cce', 'CategoricalCrossentropy'],
      ['categoricalCrossentropy', 'CategoricalCrossentropy'],
      ['sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy'],
      ['kld', 'KLDivergence'],
      ['kl_divergence', 'KLDivergence'],
      ['logcosh', 'LogCosh'],
      ['log_cosh', 'LogCosh'],
      ['huber', 'Huber'],
      ['huber_loss', 'Huber'],
      ['hinge', 'Hinge'],
      ['squared_hinge', 'SquaredHinge'],
      ['categorical_hinge', 'CategoricalHinge'],
      ['poisson', 'Poisson'],
      ['cosine_similarity', 'CosineSimilarity'],
    ];
    for (const [id, cls] of cases) assert.equal(getLoss(id).className, cls, id);
    assert.equal(getLoss('mse').name, 'mean_squared_error');
    assert.throws(() => getLoss('nope'), /unknown loss 'nope'. Known: .*MeanSquaredError/);
  });

  test('instances pass through; functions are wrapped', () => {
    const l = new Huber({ delta: 2 });
    assert.equal(getLoss(l), l);
    function myLoss(t: Tensor, p: Tensor): Tensor {
      return mean(square(sub(t, p)), -1);
    }
    const f = getLoss(myLoss);
    assert.ok(f instanceof LossFunctionWrapper);
    assert.equal(f.name, 'myLoss');
    assertClose(f.apply(yT(), yP()), 7.5);
    assert.throws(() => serializeLoss(f), /cannot be serialized/);
  });

  test('round trip through the Keras 3 form; the older form loads', () => {
    const bce = new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1, reduction: 'sum' });
    const s = serializeLoss(bce);
    assert.deepEqual(s, {
      module: 'keras.losses',
      class_name: 'BinaryCrossentropy',
      config: {
        name: 'binary_crossentropy',
        reduction: 'sum',
        from_logits: true,
        label_smoothing: 0.1,
        axis: -1,
      },
      registered_name: null,
    });
    const back = deserializeLoss(s) as BinaryCrossentropy;
    assert.equal(back.fromLogits, true);
    assert.equal(back.labelSmoothing, 0.1);
    assert.equal(back.reduction, 'sum');
    const cce = getLoss({ class_name: 'CategoricalCrossentropy', config: { from_logits: true } });
    assert.ok(cce instanceof CategoricalCrossentropy && cce.fromLogits);
    const scce = deserializeLoss(
      serializeLoss(new SparseCategoricalCrossentropy({ ignoreClass: 0 })),
    );
    assert.equal((scce as SparseCategoricalCrossentropy).ignoreClass, 0);
    assert.equal((getLoss({ class_name: 'Huber', config: { delta: 3 } }) as Huber).delta, 3);
  });

  test('custom losses register by name', () => {
    class Scaled extends Loss {
      readonly className = 'Scaled';
      constructor(readonly factor: number) {
        super('scaled');
      }
      call(t: Tensor, p: Tensor): Tensor {
        return mean(square(sub(t, p)), -1).mul(this.factor);
      }
      override getConfig() {
        return { ...super.getConfig(), factor: this.factor };
      }
    }
    registerLoss('Scaled', (c) => new Scaled(c.factor as number));
    const s = serializeLoss(new Scaled(3));
    assert.equal(s.registered_name, 'Scaled');
    const back = deserializeLoss(s);
    assertClose(back.apply(yT(), yP()), 22.5);
    assert.equal(getLoss('Scaled').className, 'Scaled');
  });
});
