/**
 * The browser stores for real, in headless Chromium (see ./harness.ts): indexeddb:// and
 * localstorage:// with TensorFlow.js (its browser bundle, on the same page) reading what Lamina
 * stored and Lamina reading what TensorFlow.js stored, with the same predictions; the
 * IndexedDB layout; io.listModels/removeModel/copyModel/moveModel against tf.io's view of the
 * same stores; and downloads:// as two real downloads, loaded back with io.browserFiles.
 * Skipped, saying so, where no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { io, loadModel, tensor, type Tensor } from '../../src/index.js';
import { withChromium } from './harness.js';

const tfjsBundle = join(
  dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs/package.json')),
  'dist/tf.min.js',
);

const X = [
  [0.5, -1, 2],
  [1.5, 0.25, -0.75],
];

/** A seeded Lamina model, its predictions for X, and TensorFlow.js on the page (cpu backend). */
const SETUP = `
  const lm = await import('./dist/index.js');
  await tf.setBackend('cpu');
  const X = ${JSON.stringify(X)};
  const seeded = (seed) => ({ class_name: 'GlorotUniform', config: { seed } });
  const model = lm.sequential({ layers: [
    lm.layers.dense({ units: 4, inputShape: [3], activation: 'tanh', kernelInitializer: seeded(1) }),
    lm.layers.dense({ units: 2, kernelInitializer: seeded(2), biasInitializer: 'ones' }),
  ] });
  const x = lm.tensor(X);
  const lmPredict = (m) => Array.from(m.predict(x).dataSync());
  const tfPredict = (m) => Array.from(m.predict(tf.tensor(X)).dataSync());
  const failure = async (f) => { try { await f(); return null; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };
`;

const STORES_PAGE = `<!DOCTYPE html><html><body><script src="/vendor/tf.min.js"></script><script type="module">
try {
  ${SETUP}
  const r = { want: lmPredict(model) };
  const tm = tf.sequential({ layers: [
    tf.layers.dense({ units: 3, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 2 }) ] });
  r.tfWant = tfPredict(tm);

  for (const scheme of ['indexeddb', 'localstorage']) {
    const saved = await model.save(scheme + '://lamina-model');
    r[scheme] = {
      weightDataBytes: saved.modelArtifactsInfo.weightDataBytes,
      laminaReadsLamina: lmPredict(await lm.loadModel(scheme + '://lamina-model')),
      tfjsReadsLamina: tfPredict(await tf.loadLayersModel(scheme + '://lamina-model')),
    };
    await tm.save(scheme + '://tfjs-model');
    r[scheme].laminaReadsTfjs = lmPredict(await lm.loadModel(scheme + '://tfjs-model'));
  }

  // The IndexedDB layout, as TensorFlow.js keeps it.
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('tensorflowjs');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const get = (store, key) => new Promise((resolve) => {
    const request = db.transaction(store).objectStore(store).get(key);
    request.onsuccess = () => resolve(request.result);
  });
  const record = await get('models_store', 'lamina-model');
  const infoRecord = await get('model_info_store', 'lamina-model');
  r.layout = {
    version: db.version,
    stores: [...db.objectStoreNames],
    keyPaths: ['models_store', 'model_info_store'].map((s) => db.transaction(s).objectStore(s).keyPath),
    recordKeys: Object.keys(record).sort(),
    artifactKeys: Object.keys(record.modelArtifacts).sort(),
    weightDataIsArrayBuffer: record.modelArtifacts.weightData instanceof ArrayBuffer,
    infoKeys: Object.keys(infoRecord).sort(),
    dateSavedIsDate: infoRecord.modelArtifactsInfo.dateSaved instanceof Date,
  };
  db.close();
  r.localStorageKeys = Object.keys(localStorage).sort();

  // Model management, seen by Lamina and by TensorFlow.js.
  r.listed = Object.keys(await lm.io.listModels()).sort();
  r.tfListed = Object.keys(await tf.io.listModels()).sort();
  await lm.io.copyModel('indexeddb://lamina-model', 'localstorage://copied');
  r.copied = lmPredict(await lm.loadModel('localstorage://copied'));
  await lm.io.moveModel('localstorage://tfjs-model', 'indexeddb://moved');
  r.moved = lmPredict(await lm.loadModel('indexeddb://moved'));
  r.removedBytes = (await lm.io.removeModel('indexeddb://tfjs-model')).weightDataBytes;
  r.listedAfter = Object.keys(await lm.io.listModels()).sort();
  r.tfListedAfter = Object.keys(await tf.io.listModels()).sort();

  r.missing = await failure(() => lm.loadModel('indexeddb://missing'));
  r.missingRemove = await failure(() => lm.io.removeModel('indexeddb://missing'));
  r.missingLocal = await failure(() => lm.loadModel('localstorage://missing'));
  window.__result = r;
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script></body></html>`;

/** Loads the served model by a relative URL (fetched from the page) and by an absolute one. */
const HTTP_PAGE = `<!DOCTYPE html><html><body><script src="/vendor/tf.min.js"></script><script type="module">
try {
  ${SETUP}
  const url = location.origin + '/served/my-model.json';
  window.__result = {
    relative: lmPredict(await lm.loadModel('served/my-model.json')),
    absolute: lmPredict(await lm.loadModel(url, { requestInit: { cache: 'no-store' } })),
    tfjs: tfPredict(await tf.loadLayersModel(url)),
    missing: await failure(() => lm.loadModel(location.origin + '/none/model.json')),
  };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script></body></html>`;

const DOWNLOADS_PAGE = `<!DOCTYPE html><html><body><script src="/vendor/tf.min.js"></script><script type="module">
try {
  ${SETUP}
  const saved = await model.save('downloads://my-model');
  window.__result = { want: lmPredict(model), weightDataBytes: saved.modelArtifactsInfo.weightDataBytes };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script></body></html>`;

function close(a: unknown, b: unknown): void {
  assert.ok(Array.isArray(a) && Array.isArray(b), `${String(a)} / ${String(b)}`);
  assert.equal(a.length, b.length);
  a.forEach((v, i) =>
    assert.ok(Math.abs((v as number) - (b[i] as number)) <= 1e-5, `[${i}] ${v} vs ${b[i]}`),
  );
}

test('indexeddb:// and localstorage:// in Chromium, both ways with TensorFlow.js; list, copy, move, remove', async (t) => {
  await withChromium(
    t,
    async (browser) => {
      const { result: r, errors } = await browser.run(STORES_PAGE, { timeout: 60_000 });
      assert.equal(r.error, undefined, String(r.error));
      assert.deepEqual(errors, []);
      for (const scheme of ['indexeddb', 'localstorage']) {
        const s = r[scheme] as Record<string, unknown>;
        assert.equal(s.weightDataBytes, 4 * (12 + 4 + 8 + 2));
        assert.deepEqual(s.laminaReadsLamina, r.want, `${scheme}: Lamina reads Lamina`);
        close(s.tfjsReadsLamina, r.want);
        close(s.laminaReadsTfjs, r.tfWant);
      }
      assert.deepEqual(r.layout, {
        version: 1,
        stores: ['model_info_store', 'models_store'],
        keyPaths: ['modelPath', 'modelPath'],
        recordKeys: ['modelArtifacts', 'modelArtifactsInfo', 'modelPath'],
        artifactKeys: [
          'convertedBy',
          'format',
          'generatedBy',
          'modelTopology',
          'weightData',
          'weightSpecs',
        ],
        weightDataIsArrayBuffer: true,
        infoKeys: ['modelArtifactsInfo', 'modelPath'],
        dateSavedIsDate: true,
      });
      assert.deepEqual(
        r.localStorageKeys,
        ['lamina-model', 'tfjs-model'].flatMap((name) =>
          ['info', 'model_metadata', 'model_topology', 'weight_data', 'weight_specs'].map(
            (k) => `tensorflowjs_models/${name}/${k}`,
          ),
        ),
      );
      const all = [
        'indexeddb://lamina-model',
        'indexeddb://tfjs-model',
        'localstorage://lamina-model',
        'localstorage://tfjs-model',
      ];
      assert.deepEqual(r.listed, all);
      assert.deepEqual(r.tfListed, all);
      assert.deepEqual(r.copied, r.want);
      close(r.moved, r.tfWant);
      assert.equal(r.removedBytes, 4 * (9 + 3 + 6 + 2));
      const after = [
        'indexeddb://lamina-model',
        'indexeddb://moved',
        'localstorage://copied',
        'localstorage://lamina-model',
      ];
      assert.deepEqual(r.listedAfter, after);
      assert.deepEqual(r.tfListedAfter, after);
      assert.deepEqual(r.missing, {
        name: 'LaminaError',
        code: 'io',
        message:
          "loadModel(indexeddb://missing): no model named 'missing' in IndexedDB (database 'tensorflowjs', store 'models_store')",
      });
      assert.deepEqual(r.missingRemove, {
        name: 'LaminaError',
        code: 'io',
        message:
          "io.removeModel(indexeddb://missing): no model named 'missing' in IndexedDB (database 'tensorflowjs', store 'model_info_store')",
      });
      assert.match(
        (r.missingLocal as { message: string }).message,
        /^loadModel\(localstorage:\/\/missing\): no model named 'missing' in localStorage/,
      );
    },
    { assets: { '/vendor/tf.min.js': tfjsBundle } },
  );
});

test('downloads:// downloads name.json and name.weights.bin, which io.browserFiles loads back and the page loads over http', async (t) => {
  const served = mkdtempSync(join(tmpdir(), 'lamina-served-'));
  t.after(() => rmSync(served, { recursive: true, force: true }));
  await withChromium(
    t,
    async (browser) => {
      const { result, errors, downloads } = await browser.run(DOWNLOADS_PAGE, {
        timeout: 60_000,
        downloads: 2,
      });
      assert.equal(result.error, undefined, String(result.error));
      assert.deepEqual(errors, []);
      assert.deepEqual(
        downloads.map((d) => d.name),
        ['my-model.json', 'my-model.weights.bin'],
      );
      const [json, weights] = downloads as [(typeof downloads)[0], (typeof downloads)[0]];
      const manifest = (
        JSON.parse(new TextDecoder().decode(json.bytes)) as {
          weightsManifest: { paths: string[] }[];
        }
      ).weightsManifest;
      assert.deepEqual(manifest[0]?.paths, ['./my-model.weights.bin']);
      assert.equal(weights.bytes.byteLength, result.weightDataBytes);
      const files = downloads.map((d) => new File([new Uint8Array(d.bytes)], d.name));
      const loaded = await loadModel(io.browserFiles(files));
      const got = Array.from((loaded.predict(tensor(X)) as Tensor).dataSync());
      close(got, result.want);

      // The downloaded files, served: loaded by the page over http, by Lamina and TensorFlow.js.
      for (const d of downloads) writeFileSync(join(served, d.name), d.bytes);
      const http = await browser.run(HTTP_PAGE, { timeout: 60_000 });
      assert.equal(http.result.error, undefined, String(http.result.error));
      assert.deepEqual(http.result.relative, result.want);
      assert.deepEqual(http.result.absolute, result.want);
      close(http.result.tfjs, result.want);
      assert.match(
        (http.result.missing as { message: string }).message,
        /^loadModel\(http:\/\/127\.0\.0\.1:\d+\/none\/model\.json\): GET http:\/\/127\.0\.0\.1:\d+\/none\/model\.json answered HTTP 404/,
      );
    },
    {
      assets: {
        '/vendor/tf.min.js': tfjsBundle,
        '/served/my-model.json': join(served, 'my-model.json'),
        '/served/my-model.weights.bin': join(served, 'my-model.weights.bin'),
      },
    },
  );
});
