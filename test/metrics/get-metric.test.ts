import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abs, sub, tensor, type Tensor } from '../../src/index.js';
import { BinaryCrossentropy, SparseCategoricalCrossentropy } from '../../src/losses/index.js';
import {
  AUC,
  BinaryAccuracy,
  CategoricalAccuracy,
  LossMetric,
  MeanMetricWrapper,
  MeanSquaredError,
  Precision,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
  deserializeMetric,
  getMetric,
  metrics,
  serializeMetric,
} from '../../src/metrics/index.js';
import { forEachBackend } from '../helpers.js';

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

forEachBackend('getMetric', () => {
  test("'accuracy' follows the loss, then the output shape", () => {
    const bce = getMetric('accuracy', { loss: 'binary_crossentropy', outputShape: [null, 3] });
    assert.ok(bce instanceof BinaryAccuracy);
    assert.ok(getMetric('accuracy', { loss: new BinaryCrossentropy() }) instanceof BinaryAccuracy);
    assert.ok(getMetric('acc', { loss: 'mse', outputShape: [null, 1] }) instanceof BinaryAccuracy);
    const sparse = getMetric('accuracy', { loss: new SparseCategoricalCrossentropy() });
    assert.ok(sparse instanceof SparseCategoricalAccuracy);
    assert.ok(
      getMetric('accuracy', { loss: 'sparse_categorical_crossentropy' }) instanceof
        SparseCategoricalAccuracy,
    );
    const cat = getMetric('accuracy', { loss: 'categorical_crossentropy', outputShape: [null, 4] });
    assert.ok(cat instanceof CategoricalAccuracy);
    assert.ok(getMetric('accuracy') instanceof CategoricalAccuracy);
    // Integer targets (Keras 3's shape rule).
    const byShape = getMetric('accuracy', { outputShape: [null, 4], targetShape: [null] });
    assert.ok(byShape instanceof SparseCategoricalAccuracy);
  });

  test('names for logs keep the spelling asked for', () => {
    assert.equal(getMetric('accuracy').name, 'accuracy');
    assert.equal(getMetric('acc').name, 'acc');
    assert.equal(getMetric('mse').name, 'mse');
    assert.ok(getMetric('mse') instanceof MeanSquaredError);
    assert.equal(getMetric('mean_squared_error').name, 'mean_squared_error');
    assert.equal(getMetric('mae').name, 'mae');
    assert.equal(getMetric('auc').name, 'auc');
    assert.ok(getMetric('auc') instanceof AUC);
    assert.ok(getMetric('precision') instanceof Precision);
    assert.equal(getMetric('recall').className, 'Recall');
    const top = getMetric('top_k_categorical_accuracy');
    assert.ok(top instanceof TopKCategoricalAccuracy);
    assert.equal(top.name, 'top_k_categorical_accuracy');
    assert.equal(getMetric('binaryAccuracy').className, 'BinaryAccuracy');
  });

  test('any loss name is a metric: the mean of its per-sample values', () => {
    for (const name of ['binary_crossentropy', 'kld', 'logcosh', 'hinge', 'mape', 'poisson']) {
      const m = getMetric(name);
      assert.ok(m instanceof LossMetric, name);
      assert.equal(m.name, name);
    }
    const m = getMetric('huber');
    m.updateState(tensor([[0], [0]]), tensor([[0.5], [3]]));
    close(m.result(), (0.125 + 2.5) / 2);
    // Keras's cosine_similarity metric is +cos (the loss is -cos).
    const cos = getMetric('cosine_similarity');
    cos.updateState(tensor([[1, 0]]), tensor([[2, 0]]));
    close(cos.result(), 1);
    assert.throws(() => getMetric('f7'), /unknown metric 'f7'/);
  });

  test('instances pass through; functions are averaged', () => {
    const a = new AUC();
    assert.equal(getMetric(a), a);
    function absError(t: Tensor, p: Tensor): Tensor {
      return abs(sub(t, p));
    }
    const f = getMetric(absError);
    assert.ok(f instanceof MeanMetricWrapper);
    assert.equal(f.name, 'absError');
    f.updateState(tensor([0, 0, 0]), tensor([1, 2, 6]));
    close(f.result(), 3);
  });

  test('serialize / deserialize, including loss metrics and the metrics factory', () => {
    const b = deserializeMetric(serializeMetric(metrics.binaryAccuracy({ threshold: 0.7 })));
    assert.ok(b instanceof BinaryAccuracy && b.threshold === 0.7);
    const s = serializeMetric(getMetric('binary_crossentropy'));
    assert.equal(s.class_name, 'BinaryCrossentropy');
    const back = deserializeMetric(s);
    assert.ok(back instanceof LossMetric && back.loss instanceof BinaryCrossentropy);
    const auc = deserializeMetric({
      class_name: 'AUC',
      config: { curve: 'PR', num_thresholds: 9 },
    });
    assert.ok(auc instanceof AUC && auc.curve === 'PR' && auc.numThresholds === 9);
    assert.equal(metrics.sparseTopKCategoricalAccuracy({ k: 3 }).k, 3);
    assert.equal(metrics.meanSquaredError().name, 'mean_squared_error');
  });
});
