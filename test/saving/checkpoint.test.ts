/**
 * Saving to disk (model.json + shards), ModelCheckpoint (templates, saveBestOnly,
 * saveWeightsOnly) and resuming: a run interrupted after a checkpoint and resumed with the same
 * seed and initialEpoch gives the same losses and weights as an uninterrupted run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Adam, Dense, input, l2, randomNormal, sequential, type Tensor } from '../../src/index.js';
import { loadModel, type ModelArtifacts } from '../../src/saving/index.js';
import { formatFilepath, ModelCheckpoint } from '../../src/training/callbacks/checkpoint.js';
import { LaminaError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'lamina-ckpt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const x = randomNormal([40, 4], 0, 1, 11);
const y = randomNormal([40, 2], 0, 1, 12);

function build() {
  const m = sequential({
    layers: [
      input({ shape: [4] }),
      new Dense({ units: 6, activation: 'tanh', kernelRegularizer: l2(0.01) }),
      new Dense({ units: 2 }),
    ],
  });
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
  return m;
}

describe('files', () => {
  test('save(dir) writes model.json and shards in the TensorFlow.js layout; loadModel reads it', async () => {
    const m = build();
    const path = join(dir, 'plain');
    await m.save(path, { shardSizeBytes: 64 });
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')) as {
      format: string;
      modelTopology: { class_name: string; keras_version: string };
      weightsManifest: { paths: string[]; weights: { name: string }[] }[];
    };
    assert.equal(json.format, 'layers-model');
    assert.equal(json.modelTopology.class_name, 'Sequential');
    assert.ok((json.weightsManifest[0]?.paths.length ?? 0) > 1, 'several shards');
    assert.deepEqual(
      json.weightsManifest[0]?.weights.map((w) => w.name),
      m.weights.map((w) => w.name),
    );
    const back = await loadModel(path);
    assert.deepEqual((back.predict(x) as Tensor).arraySync(), (m.predict(x) as Tensor).arraySync());
    // Saving again replaces the shards: only the new model.json's files remain.
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    await m.save(path, { shardSizeBytes: 64 });
    const files = readdirSync(path).filter((f) => f.endsWith('.bin'));
    const now = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')) as typeof json;
    assert.deepEqual(files.sort(), [...(now.weightsManifest[0]?.paths ?? [])].sort());
  });

  test('formatFilepath follows Python format fields', () => {
    assert.equal(
      formatFilepath('ck-{epoch:02d}-{val_loss:.4f}', { epoch: 3, val_loss: 0.123456 }),
      'ck-03-0.1235',
    );
    assert.equal(formatFilepath('e{epoch}', { epoch: 12 }), 'e12');
    assert.throws(() => formatFilepath('{nope}', { epoch: 1 }), /nope/);
  });
});

describe('ModelCheckpoint', () => {
  test('templated paths, saveBestOnly, saveWeightsOnly', async () => {
    const m = build();
    const every = new ModelCheckpoint(join(dir, 'every-{epoch:02d}-{loss:.3f}'));
    const best = new ModelCheckpoint(join(dir, 'best'), {
      monitor: 'val_loss',
      saveBestOnly: true,
    });
    const weights = new ModelCheckpoint(join(dir, 'weights.json'), { saveWeightsOnly: true });
    const h = await m.fit(x, y, {
      epochs: 3,
      verbose: 0,
      validationSplit: 0.25,
      callbacks: [every, best, weights],
    });
    const names = readdirSync(dir).filter((f) => f.startsWith('every-'));
    assert.equal(names.length, 3);
    assert.ok(names.includes(`every-03-${(h.history.loss?.[2] as number).toFixed(3)}`));
    const vals = h.history.val_loss as number[];
    assert.equal(best.best, Math.min(...vals));
    const fresh = build();
    await fresh.loadWeights(join(dir, 'weights.json'));
    assert.deepEqual(
      (fresh.predict(x) as Tensor).arraySync(),
      (m.predict(x) as Tensor).arraySync(),
    );
    await assert.rejects(
      loadModel(join(dir, 'weights.json')),
      (e: unknown) => e instanceof LaminaError && e.code === 'no-topology',
    );
  });

  test('resuming from a checkpoint continues exactly as an uninterrupted run', async () => {
    const first = build();
    let initial: ModelArtifacts | undefined;
    await first.save({
      save: (a) => (
        (initial = a),
        { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
      ),
    });
    const args = { batchSize: 8, seed: 7, verbose: 0 } as const;
    const full = await first.fit(x, y, { ...args, epochs: 4 });

    const second = await loadModel(initial as ModelArtifacts);
    second.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
    const path = join(dir, 'resume');
    await second.fit(x, y, { ...args, epochs: 2, callbacks: [new ModelCheckpoint(path)] });

    const resumed = await loadModel(path);
    assert.equal(resumed.compiled?.optimizer.iterations, 10);
    const rest = await resumed.fit(x, y, { ...args, epochs: 4, initialEpoch: 2 });
    assert.deepEqual(rest.history.loss, full.history.loss?.slice(2));
    assert.deepEqual(rest.history.mae, full.history.mae?.slice(2));
    const a = resumed.getWeights().map((t) => t.arraySync());
    const b = first.getWeights().map((t) => t.arraySync());
    assert.deepEqual(a, b);
  });
});

describe('an epoch-0 checkpoint', () => {
  test('a compiled, untrained model with Adam saves with its optimizer and loads back', async () => {
    const m = build();
    const path = join(dir, 'untrained');
    await m.save(path, { includeOptimizer: true });
    const back = await loadModel(path);
    assert.equal(back.compiled?.optimizer.iterations, 0);
    // It trains on from there exactly as the original does.
    const h1 = await m.fit(x, y, { epochs: 1, shuffle: false, verbose: 0 });
    const h2 = await back.fit(x, y, { epochs: 1, shuffle: false, verbose: 0 });
    assert.equal(h2.history.loss![0], h1.history.loss![0]);
  });
});
