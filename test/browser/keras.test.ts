/**
 * Keras 3 archives in a browser (headless Chromium, the built dist/): a `.keras` file written by
 * Keras (a fixture, as a Blob) loads with Keras's outputs, and a model saved to bytes with
 * `saveKerasArchive` loads back. fflate and h5wasm come through an import map, as a bundler
 * would resolve them; h5wasm works in its in-memory file system. Skipped without Chromium.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { withChromium } from './harness.js';

const FIXTURE = new URL('../fixtures/keras3/dense_regularized/', import.meta.url);

function page(archiveBase64: string, input: { shape: number[]; values: number[] }): string {
  return `<!DOCTYPE html><html><head><script type="importmap">{"imports": {
  "fflate": "/node_modules/fflate/esm/browser.js",
  "h5wasm": "/node_modules/h5wasm/dist/esm/hdf5_hl.js"}}</script></head><body><script type="module">
try {
  const lm = await import('./dist/index.js');
  const bytes = Uint8Array.from(atob(${JSON.stringify(archiveBase64)}), (c) => c.charCodeAt(0));
  const x = lm.tensor(${JSON.stringify(input.values)}, ${JSON.stringify(input.shape)});
  const model = await lm.loadModel(new Blob([bytes]));
  const outputs = Array.from(model.apply(x).dataSync());
  const losses = model.losses.map((l) => l.dataSync()[0]);
  const saved = await lm.saveKerasArchive(model);
  const again = await lm.loadModel(saved);
  window.__result = { outputs, losses, again: Array.from(again.apply(x).dataSync()), bytes: saved.length };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script></body></html>`;
}

test('a Keras 3 archive loads and saves in headless Chromium (Blob in, bytes out)', async (t) => {
  const archive = await readFile(new URL('model.keras', FIXTURE));
  const c = JSON.parse(await readFile(new URL('case.json', FIXTURE), 'utf8')) as {
    inputs: { shape: number[]; values: number[] }[];
    outputs: { values: number[] }[];
    losses: number[];
  };
  await withChromium(t, async (browser) => {
    const html = page(
      archive.toString('base64'),
      c.inputs[0] as { shape: number[]; values: number[] },
    );
    const { result, errors } = await browser.run(html, { timeout: 60_000 });
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(errors, []);
    const want = (c.outputs[0] as { values: number[] }).values;
    for (const key of ['outputs', 'again'] as const) {
      const got = result[key] as number[];
      assert.equal(got.length, want.length);
      want.forEach((v, i) => assert.ok(Math.abs((got[i] as number) - v) <= 1e-4, `${key}[${i}]`));
    }
    const losses = result.losses as number[];
    c.losses.forEach((v, i) => assert.ok(Math.abs((losses[i] as number) - v) <= 1e-4, `loss ${i}`));
    assert.ok((result.bytes as number) > 1000);
  });
});
