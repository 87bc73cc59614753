/**
 * Lamina bundled for browsers as a user's app does it: the compiled package (dist/, package.json,
 * data/) installed under an app's node_modules, `import * as lm from 'lamina-nn'` and
 * `lamina-nn/tfjs` bundled by esbuild (`--platform=browser`) and by Vite, and each bundle run in
 * headless Chromium. The bundles must hold no `node:` import (the package's `browser` map swaps
 * src/platform/node for its browser variant), load the embedded digits, train on the wasm backend,
 * load a model whose layers the app never names (layers register themselves, so bundlers must
 * keep them), and refuse the file system with an error that says what to use instead.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { io, layers, sequential } from '../../src/index.js';
import type { ModelArtifacts } from '../../src/saving/types.js';
import { withChromium } from './harness.js';

const root = new URL('../../', import.meta.url).pathname;

/** A model with an LSTM (a layer the app below never imports by name), as artifacts. */
async function lstmArtifacts(): Promise<{ json: string; weights: string }> {
  const model = sequential({
    layers: [layers.lstm({ units: 3, inputShape: [4, 2] }), layers.dense({ units: 1 })],
  });
  let saved: ModelArtifacts | null = null;
  await model.save(
    io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = saved as unknown as ModelArtifacts;
  const data = artifacts.weightData as ArrayBuffer;
  return {
    json: JSON.stringify({ ...artifacts, weightData: undefined }),
    weights: Buffer.from(data).toString('base64'),
  };
}

const APP = (lstm: { json: string; weights: string }) => `
import * as lm from 'lamina-nn';
import * as tf from 'lamina-nn/tfjs';

const r = {};
try {
  r.backend = lm.getBackend();
  const { x, y } = await lm.loadDigits();
  r.digits = x.shape;
  const model = lm.sequential({ layers: [
    lm.layers.dense({ units: 8, inputShape: [64], activation: 'relu', activityRegularizer: lm.l2(1e-3) }),
    lm.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const h = await model.fit(x.slice([0, 0], [256, 64]), y.slice([0], [256]), { epochs: 3, seed: 1, verbose: 0 });
  r.loss = h.history.loss;
  r.activityPenalty = h.history['dense/activity'] ?? h.penalties['dense/activity'];
  const t = tf.sequential();
  t.add(tf.layers.dense({ units: 2, inputShape: [3] }));
  r.tfjsShape = t.predict(tf.zeros([5, 3])).shape;
  const artifacts = JSON.parse(${JSON.stringify(lstm.json)});
  artifacts.weightData = Uint8Array.from(atob(${JSON.stringify(lstm.weights)}), (c) => c.charCodeAt(0)).buffer;
  const loaded = await lm.loadModel(lm.io.fromMemory(artifacts));
  r.loadedLayers = loaded.layers.map((l) => l.getClassName());
  const failure = async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };
  r.pathError = await failure(() => model.save('models/digits'));
  r.fileSystemError = await failure(() => model.save(lm.io.fileSystem('models/digits')));
} catch (e) {
  r.error = String(e && e.stack ? e.stack : e);
} finally {
  window.__result = r;
}
`;

/** Finds `node:` imports left in the built JavaScript files under `dir`. */
function nodeImports(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (!name.endsWith('.js')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*['"](node:[^'"]+)['"]/g))
      found.push(`${name}: ${m[1]}`);
  }
  return found;
}

test('esbuild and Vite bundles of lamina-nn and lamina-nn/tfjs run in Chromium', async (t) => {
  const lstm = await lstmArtifacts();
  await withChromium(t, async (session) => {
    const app = join(session.buildDir, 'app');
    const pkg = join(app, 'node_modules', 'lamina-nn');
    mkdirSync(pkg, { recursive: true });
    cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
    cpSync(join(root, 'data'), join(pkg, 'data'), { recursive: true });
    cpSync(join(session.buildDir, 'dist'), join(pkg, 'dist'), { recursive: true });
    // Its runtime dependencies, as npm installs them beside it.
    for (const dep of ['fflate', 'h5wasm'])
      cpSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep), { recursive: true });
    writeFileSync(join(app, 'main.js'), APP(lstm));
    writeFileSync(
      join(app, 'index.html'),
      '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>',
    );

    const esbuild = await import('esbuild');
    const esbuildOut = join(app, 'out-esbuild');
    await esbuild.build({
      entryPoints: [join(app, 'main.js')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      outdir: esbuildOut,
      logLevel: 'silent',
    });
    writeFileSync(
      join(esbuildOut, 'index.html'),
      '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>',
    );

    const vite = await import('vite');
    const viteOut = join(app, 'out-vite');
    await vite.build({
      root: app,
      base: '/vite/',
      configFile: false,
      logLevel: 'silent',
      build: { outDir: viteOut, emptyOutDir: true, target: 'es2022' },
    });

    for (const [name, dir] of [
      ['esbuild', esbuildOut],
      ['vite', viteOut],
    ] as const) {
      assert.deepEqual(nodeImports(dir), [], `${name}: node: imports left in the bundle`);
      const { page, errors } = await session.open(session.serve(name, dir));
      try {
        await page.waitForFunction(
          () => (window as unknown as { __result?: unknown }).__result !== undefined,
          undefined,
          { timeout: 30_000 },
        );
        const r = (await page.evaluate(
          () => (window as unknown as { __result: unknown }).__result,
        )) as Record<string, unknown>;
        assert.equal(r.error, undefined, `${name}: ${String(r.error)}`);
        assert.deepEqual(errors, [], name);
        assert.equal(r.backend, 'wasm', name);
        assert.deepEqual(r.digits, [1797, 64], name);
        const loss = r.loss as number[];
        assert.equal(loss.length, 3, name);
        assert.ok((loss[2] as number) < (loss[0] as number), `${name}: loss ${loss.join(', ')}`);
        assert.deepEqual(r.tfjsShape, [5, 2], name);
        assert.deepEqual(r.loadedLayers, ['LSTM', 'Dense'], name);
        type Failure = { name: string; code: string; message: string };
        const pathError = r.pathError as Failure;
        assert.match(
          pathError.message,
          /no way to save 'models\/digits': expected http\(s\):\/\//,
          name,
        );
        const fileSystemError = r.fileSystemError as Failure;
        assert.equal(fileSystemError.name, 'LaminaError', name);
        assert.equal(fileSystemError.code, 'unsupported', name);
        assert.equal(
          fileSystemError.message,
          "saving needs Node's file system (node:fs/promises), which a browser does not have; " +
            "in a browser, save and load through 'indexeddb://', 'localstorage://', " +
            "'downloads://' or 'http(s)://' URLs (the io namespace)",
          name,
        );
      } finally {
        await page.close();
      }
    }
  });
});
