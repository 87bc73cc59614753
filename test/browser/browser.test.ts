/**
 * Lamina in a browser: the published build (dist/) loaded as ES modules by headless Chromium,
 * on a page served from localhost with cross-origin isolation (see ./harness.ts). It trains a
 * small model with an activity regularizer on the default backend and checks matMul and the
 * backend choice (wasm, on the relaxed-SIMD build of the kernels, which Chromium 114+ validates). The thread pool in a browser is tested in ./threads.test.ts. Skipped, saying
 * so, where no Chromium is installed (`apt-get install chromium`; .ci/run installs it when it
 * can).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withChromium } from './harness.js';

const PAGE = `<!DOCTYPE html><html><body><script type="module">
try {
  const lm = await import('./dist/index.js');
  const backend = lm.getBackend();
  const product = lm.matMul(lm.tensor([[1, 2], [3, 4]]), lm.tensor([[5], [6]])).arraySync();
  const model = lm.sequential({ layers: [
    lm.layers.dense({ units: 8, inputShape: [2], activation: 'tanh', activityRegularizer: lm.l1(0.001),
      kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } } }),
    lm.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 2 } } }),
  ] });
  model.compile({ optimizer: { class_name: 'Adam', config: { learning_rate: 0.05 } }, loss: 'binary_crossentropy' });
  const x = lm.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = lm.tensor([[0], [1], [1], [0]]);
  const h = await model.fit(x, y, { epochs: 200, batchSize: 4, verbose: 0, seed: 1 });
  window.__result = { backend, kernels: lm.getKernelVariant(), product, isolated: self.crossOriginIsolated, first: h.history.loss[0],
    last: h.history.loss.at(-1), penalty: h.history.regularization_loss.at(-1),
    predictions: Array.from(model.predict(x).dataSync(), (v) => Math.round(v)) };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script></body></html>`;

test('the built library runs in headless Chromium: default backend, matMul, fit with an activity regularizer', async (t) => {
  await withChromium(t, async (browser) => {
    const { result, errors } = await browser.run(PAGE, { timeout: 60_000 });
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(errors, []);
    assert.equal(result.isolated, true);
    assert.equal(result.backend, 'wasm', 'WASM SIMD is chosen in Chromium');
    assert.equal(result.kernels, 'relaxed', 'the relaxed-SIMD kernels are chosen in Chromium');
    assert.deepEqual(result.product, [[17], [39]]);
    assert.ok(
      (result.last as number) < (result.first as number) / 2,
      `loss ${String(result.first)} -> ${String(result.last)}`,
    );
    assert.ok((result.penalty as number) > 0, 'the activity penalty is logged');
    assert.deepEqual(result.predictions, [0, 1, 1, 0]);
  });
});

const TFJS_PAGE = `<!DOCTYPE html><html><body><script type="module">
try {
  const tf = await import('./dist/tfjs/index.js');
  await tf.ready();
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [2], activation: 'tanh',
    activityRegularizer: tf.regularizers.l1({ l1: 0.001 }) }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const ys = tf.tensor2d([[0], [1], [1], [0]]);
  const epochs = [];
  const h = await model.fit(xs, ys, { epochs: 300, batchSize: 4, callbacks: { onEpochEnd: (e) => { epochs.push(e); } } });
  const [loss, acc] = model.evaluate(xs, ys);
  tf.tidy(() => xs.square());
  xs.dispose();
  window.__result = { backend: tf.getBackend(), epochs: epochs.length, keys: Object.keys(h.history).sort(),
    loss: loss.dataSync()[0], acc: acc.dataSync()[0], first: h.history.loss[0],
    numTensors: tf.memory().numTensors };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script></body></html>`;

test('lamina-nn/tfjs runs in headless Chromium: TensorFlow.js code trains with an activity regularizer', async (t) => {
  await withChromium(t, async (browser) => {
    const { result, errors } = await browser.run(TFJS_PAGE, { timeout: 60_000 });
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(errors, []);
    assert.equal(result.backend, 'wasm');
    assert.equal(result.epochs, 300, 'one callbacks object, called every epoch');
    assert.deepEqual(result.keys, ['acc', 'loss', 'regularization_loss']);
    assert.ok((result.loss as number) < (result.first as number) / 2);
    assert.ok((result.numTensors as number) > 0);
  });
});
