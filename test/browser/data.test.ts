/**
 * `data.csv` in a browser: the built library (dist/) in headless Chromium reads a CSV through
 * `fetch` and the body's stream, from a URL (a blob: URL, fetched as any relative or http URL
 * is), a Request and a Response, then trains on it with fitDataset. Skipped, saying so, where
 * no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withChromium } from './harness.js';

const PAGE = `<!DOCTYPE html><html><body><script type="module">
try {
  const lm = await import('./dist/index.js');
  const text = 'a,b,label\\r\\n1,"2, two",0\\r\\n3,4,1\\r\\n5,6,1\\r\\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const config = { columnConfigs: { label: { isLabel: true }, b: { dtype: 'string' } } };
  const fromUrl = await lm.data.csv(url, config).toArray();
  const fromRequest = await lm.data.csv(new Request(url), config).toArray();
  const fromResponse = await lm.data.csv(new Response(text), config).toArray();
  const numbers = 'x1,x2,label\\n0,0,0\\n0,1,1\\n1,0,1\\n1,1,1\\n';
  const train = lm.data
    .csv(URL.createObjectURL(new Blob([numbers])), { columnConfigs: { label: { isLabel: true } } })
    .map(({ xs, ys }) => ({ xs: Object.values(xs), ys: [ys.label] }))
    .batch(2);
  const model = lm.sequential({ layers: [lm.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid',
    kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } } })] });
  model.compile({ optimizer: { class_name: 'SGD', config: { learning_rate: 0.5 } }, loss: 'binary_crossentropy' });
  const h = await model.fitDataset(train, { epochs: 20, verbose: 0 });
  window.__result = { fromUrl, fromRequest, fromResponse, first: h.history.loss[0], last: h.history.loss.at(-1),
    epochs: h.history.loss.length };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script></body></html>`;

test('data.csv streams through fetch in headless Chromium (URL, Request, Response) and fitDataset trains on it', async (t) => {
  await withChromium(t, async (browser) => {
    const { result, errors } = await browser.run(PAGE, { isolated: false, timeout: 60_000 });
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(errors, []);
    const rows = [
      { xs: { a: 1, b: '2, two' }, ys: { label: 0 } },
      { xs: { a: 3, b: '4' }, ys: { label: 1 } },
      { xs: { a: 5, b: '6' }, ys: { label: 1 } },
    ];
    assert.deepEqual(result.fromUrl, rows);
    assert.deepEqual(result.fromRequest, rows);
    assert.deepEqual(result.fromResponse, rows);
    assert.equal(result.epochs, 20);
    assert.ok(
      (result.last as number) < (result.first as number),
      `loss ${String(result.first)} -> ${String(result.last)}`,
    );
  });
});
