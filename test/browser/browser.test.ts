/**
 * Lamina in a browser: the published build (dist/) loaded as ES modules by headless Chromium,
 * on a page served from localhost with cross-origin isolation (needed for shared-memory
 * threads). It trains a small model with an activity regularizer on the default backend and
 * checks matMul and the backend choice. Skipped, saying so, where no Chromium is installed
 * (`apt-get install chromium`; .ci/run installs it when it can).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, extname, join, normalize } from 'node:path';
import { test } from 'node:test';

function findChromium(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const p = join(dir, name);
      if (dir !== '' && existsSync(p)) return p;
    }
  }
  return null;
}

const PAGE = `<!DOCTYPE html><html><body><script type="module">
const lm = await import('./dist/index.js');
try {
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
  window.__result = { backend, product, isolated: self.crossOriginIsolated, first: h.history.loss[0],
    last: h.history.loss.at(-1), penalty: h.history.regularization_loss.at(-1),
    predictions: Array.from(model.predict(x).dataSync(), (v) => Math.round(v)) };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script></body></html>`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.map': 'application/json',
};

test('the built library runs in headless Chromium: default backend, matMul, fit with an activity regularizer', async (t) => {
  const executablePath = findChromium();
  if (executablePath === null) {
    t.skip('no Chromium on PATH (apt-get install chromium)');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'lamina-browser-'));
  let server: Server | null = null;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', join(root, 'dist')],
      { stdio: 'pipe' },
    );
    server = createServer((req, res) => {
      const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
      const file = path === '/' ? null : join(root, path);
      // COOP/COEP make the page cross-origin isolated, as shared-memory threads require.
      const headers = {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      };
      if (file === null) {
        res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(PAGE);
      } else if (file.startsWith(root) && existsSync(file)) {
        res
          .writeHead(200, {
            ...headers,
            'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          })
          .end(readFileSync(file));
      } else {
        res.writeHead(404, headers).end();
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(
      () => (window as unknown as { __result?: unknown }).__result !== undefined,
      undefined,
      { timeout: 60_000 },
    );
    const result = (await page.evaluate(
      () => (window as unknown as { __result: unknown }).__result,
    )) as Record<string, unknown>;
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(errors, []);
    assert.equal(result.isolated, true);
    assert.equal(result.backend, 'wasm', 'WASM SIMD is chosen in Chromium');
    assert.deepEqual(result.product, [[17], [39]]);
    assert.ok(
      (result.last as number) < (result.first as number) / 2,
      `loss ${String(result.first)} -> ${String(result.last)}`,
    );
    assert.ok((result.penalty as number) > 0, 'the activity penalty is logged');
    assert.deepEqual(result.predictions, [0, 1, 1, 0]);
  } finally {
    await browser.close();
    server?.close();
    rmSync(root, { recursive: true, force: true });
  }
});
