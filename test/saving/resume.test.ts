/**
 * Exact resume (issue 13, defect 7): a run interrupted after K epochs, saved, loaded into a
 * fresh model and trained on to N epochs ends with the very weights of an uninterrupted N-epoch
 * run, with Dropout and GaussianNoise drawing from their random streams and ReduceLROnPlateau,
 * EarlyStopping and ModelCheckpoint keeping state across the break.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  Adam,
  Dense,
  Dropout,
  EarlyStopping,
  GaussianNoise,
  LaminaError,
  ModelCheckpoint,
  ReduceLROnPlateau,
  input,
  randomNormal,
  sequential,
  setSeed,
  type CallbackHooks,
  type Model,
} from '../../src/index.js';
import { loadModel } from '../../src/saving/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lamina-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const x = randomNormal([24, 5], 0, 1, 21);
const y = randomNormal([24, 2], 0, 1, 22);

/** Unseeded noise layers: their streams come from the global generator (setSeed). */
function build(): Model {
  const m = sequential({
    layers: [
      input({ shape: [5] }),
      new Dense({ units: 12, activation: 'relu', name: 'hidden' }),
      new Dropout({ rate: 0.3, name: 'drop' }),
      new GaussianNoise({ stddev: 0.2, name: 'noise' }),
      new Dense({ units: 2, name: 'out' }),
    ],
  });
  m.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'mse' });
  return m;
}

/** ReduceLROnPlateau that lowers the rate every other epoch (minDelta too large to improve). */
function callbacks(): CallbackHooks[] {
  return [
    new ReduceLROnPlateau({
      monitor: 'loss',
      patience: 1,
      factor: 0.5,
      minDelta: 100,
      cooldown: 1,
    }),
    new EarlyStopping({ monitor: 'loss', patience: 50 }),
  ];
}

const fitArgs = { batchSize: 5, verbose: 0 as const };

function weightsOf(m: Model): number[][] {
  return m.getWeights().map((w) => [...w.dataSync()]);
}

function learningRate(m: Model): number {
  return (
    m.compiled as { optimizer: { currentLearningRate(): number } }
  ).optimizer.currentLearningRate();
}

async function uninterrupted(
  epochs: number,
): Promise<{ weights: number[][]; lr: number; loss: number[] }> {
  setSeed(5);
  const m = build();
  const h = await m.fit(x, y, { ...fitArgs, epochs, callbacks: callbacks() });
  return { weights: weightsOf(m), lr: learningRate(m), loss: h.history.loss as number[] };
}

test('save after K epochs, load, train on to N: bit for bit the uninterrupted run', async () => {
  const straight = await uninterrupted(6);
  setSeed(5);
  const first = build();
  await first.fit(x, y, { ...fitArgs, epochs: 3, callbacks: callbacks() });
  const path = join(dir, 'after-3');
  await first.save(path, { includeOptimizer: true });
  setSeed(999); // a different global stream at load: nothing may depend on it
  const resumed = await loadModel(path);
  const h = await resumed.fit(x, y, {
    ...fitArgs,
    epochs: 6,
    initialEpoch: 3,
    callbacks: callbacks(),
  });
  assert.deepEqual(h.history.loss, straight.loss.slice(3));
  assert.equal(learningRate(resumed), straight.lr);
  assert.ok(straight.lr < 0.05, 'the plateau callback lowered the rate');
  assert.deepEqual(weightsOf(resumed), straight.weights);
});

test('ModelCheckpoint before ReduceLROnPlateau still saves the epoch final state', async () => {
  const straight = await uninterrupted(5);
  setSeed(5);
  const m = build();
  const template = join(dir, 'ckpt-{epoch:02d}');
  await m.fit(x, y, {
    ...fitArgs,
    epochs: 2,
    callbacks: [new ModelCheckpoint(template), ...callbacks()],
  });
  const resumed = await loadModel(join(dir, 'ckpt-02'));
  await resumed.fit(x, y, { ...fitArgs, epochs: 5, initialEpoch: 2, callbacks: callbacks() });
  assert.deepEqual(weightsOf(resumed), straight.weights);
});

test('loadWeights into a fresh model restores the random streams too', async () => {
  setSeed(5);
  const a = build();
  await a.fit(x, y, { ...fitArgs, epochs: 2, seed: 4 });
  const path = join(dir, 'weights-only');
  await a.save(path, { includeOptimizer: true, weightsOnly: true });
  const next = await a.fit(x, y, { ...fitArgs, epochs: 3, initialEpoch: 2, seed: 4 });
  setSeed(77);
  const b = build();
  await b.loadWeights(path);
  const again = await b.fit(x, y, { ...fitArgs, epochs: 3, initialEpoch: 2, seed: 4 });
  assert.deepEqual(again.history.loss, next.history.loss);
  assert.deepEqual(weightsOf(b), weightsOf(a));
});

test('a checkpoint saved mid-epoch resumes after its batches: bit for bit the uninterrupted run', async () => {
  // 24 rows in batches of 5: 5 batches an epoch. Saves after batches 7 and 14 of the run fall
  // in epoch 2 (after 2 of its batches) and epoch 3 (after 4).
  const withMetric = (): Model => {
    const m = build();
    m.compile({
      optimizer: new Adam({ learningRate: 0.05 }),
      loss: 'mse',
      metrics: ['mae', 'cosineSimilarity'],
    });
    return m;
  };
  const run = (checkpoints: string | null): CallbackHooks[] => [
    ...callbacks(),
    ...(checkpoints === null ? [] : [new ModelCheckpoint(join(dir, checkpoints), { saveFreq: 7 })]),
  ];
  setSeed(5);
  const straightModel = withMetric();
  const straight = await straightModel.fit(x, y, { ...fitArgs, epochs: 4, callbacks: run(null) });
  setSeed(5);
  await withMetric().fit(x, y, { ...fitArgs, epochs: 4, callbacks: run('mid-{epoch}') });
  for (const [file, epochsDone] of [
    ['mid-2', 1],
    ['mid-3', 2],
  ] as const) {
    setSeed(999);
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => void warnings.push(message);
    let resumed: Model;
    let h: Awaited<ReturnType<Model['fit']>>;
    try {
      resumed = await loadModel(join(dir, file));
      h = await resumed.fit(x, y, {
        ...fitArgs,
        epochs: 4,
        initialEpoch: epochsDone,
        callbacks: run('again-{epoch}'),
      });
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(warnings, [], file);
    // The resumed epoch's logs include the batches trained before the save.
    for (const key of ['loss', 'mae', 'cosine_similarity'])
      assert.deepEqual(h.history[key], straight.history[key]?.slice(epochsDone), `${file} ${key}`);
    assert.deepEqual(weightsOf(resumed), weightsOf(straightModel), file);
    assert.equal(learningRate(resumed), learningRate(straightModel));
  }
});

test('a mid-epoch checkpoint on a data source restarts the epoch, and says so', async () => {
  setSeed(5);
  const m = build();
  await m.fit(x, y, {
    ...fitArgs,
    epochs: 2,
    callbacks: [new ModelCheckpoint(join(dir, 'mid-source'), { saveFreq: 3 })],
  });
  const resumed = await loadModel(join(dir, 'mid-source'));
  const batches = async function* () {
    for (let i = 0; i < 24; i += 6)
      yield { xs: x.slice([i, 0], [6, 5]), ys: y.slice([i, 0], [6, 2]) };
  };
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warnings.push(message);
  try {
    await resumed.fit(batches(), { epochs: 2, initialEpoch: 1, verbose: 0 });
  } finally {
    console.warn = warn;
  }
  assert.ok(
    warnings.some((w) =>
      /saved in the middle of epoch 2 \(after 4 batches\); on a data source fit resumes at the epoch's start/.test(
        w,
      ),
    ),
    warnings.join('\n'),
  );
});

test('what cannot be saved is named at load: best weights', async () => {
  setSeed(5);
  const m = build();
  await m.fit(x, y, {
    ...fitArgs,
    epochs: 2,
    callbacks: [
      new EarlyStopping({ monitor: 'loss', patience: 5, restoreBestWeights: true }),
      new ModelCheckpoint(join(dir, 'mid'), { saveFreq: 3 }),
    ],
  });
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warnings.push(message);
  try {
    await loadModel(join(dir, 'mid'));
  } finally {
    console.warn = warn;
  }
  // The save after 3 batches of epoch 2 is no longer a warning: fit resumes after them.
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(
    warnings[0] ?? '',
    /EarlyStopping#0's best weights \(restoreBestWeights\) could not be saved; resume is not exact/,
  );
});

test('a training state that does not fit the model is a LaminaError before anything is assigned', async () => {
  setSeed(5);
  const m = build();
  await m.fit(x, y, { ...fitArgs, epochs: 1 });
  const path = join(dir, 'tampered');
  await m.save(path, { includeOptimizer: true });
  const file = join(path, 'model.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    trainingConfig: { training_state: { random_streams: { layer: string; words: number[] }[] } };
  };
  const streams = json.trainingConfig.training_state.random_streams;
  assert.deepEqual(
    streams.map((s) => s.layer),
    ['drop', 'noise'],
  );
  (streams[1] as { layer: string }).layer = 'other';
  writeFileSync(file, JSON.stringify(json));
  await assert.rejects(loadModel(path), (e: unknown) => {
    assert.ok(e instanceof LaminaError);
    assert.match(e.message, /random stream 1 was saved for layer 'other', the model's is 'noise'/);
    return true;
  });
  (streams[1] as { layer: string }).layer = 'noise';
  (streams[1] as { words: unknown[] }).words = [1, 2, 'x', 4];
  writeFileSync(file, JSON.stringify(json));
  await assert.rejects(loadModel(path), /random_streams\[1\]\.words\[2\]: expected an integer/);
});

/** A small seeded generator for the fuzz below (not Lamina's, so the test checks it too). */
function fuzzRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const FUZZ_VALUES: Json[] = [
  null,
  true,
  -1,
  0,
  0.5,
  2 ** 32,
  1e300,
  '',
  'x',
  'Infinity',
  [],
  {},
  [1, 2, 3, 4],
];

function jsonPaths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (Array.isArray(v)) v.forEach((x, i) => jsonPaths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) jsonPaths(x, [...prefix, k], out);
  out.push(prefix);
  return out;
}

test('fuzzed training states load or throw a LaminaError, and the loaded models train', async () => {
  setSeed(5);
  const m = build();
  await m.fit(x, y, { ...fitArgs, epochs: 1, callbacks: callbacks() });
  const { modelToArtifacts } = await import('../../src/saving/index.js');
  const base = modelToArtifacts(m, { includeOptimizer: true });
  const state = (base.trainingConfig as { training_state: Json }).training_state;
  const all = jsonPaths(state);
  const r = fuzzRandom(13);
  const warn = console.warn;
  console.warn = () => {};
  let loaded = 0;
  try {
    for (let n = 0; n < 300; n++) {
      const path = all[Math.floor(r() * all.length)] as (string | number)[];
      const value = FUZZ_VALUES[Math.floor(r() * FUZZ_VALUES.length)] as Json;
      const mutated = structuredClone(state) as Json;
      let target = mutated as Record<string | number, Json>;
      for (const k of path.slice(0, -1)) target = target[k] as Record<string | number, Json>;
      const at = path[path.length - 1];
      const artifacts = {
        ...base,
        trainingConfig: {
          ...(base.trainingConfig as Record<string, Json>),
          training_state: at === undefined ? value : mutated,
        },
      };
      if (at !== undefined) target[at] = value;
      let resumed: Model;
      try {
        resumed = await loadModel(artifacts);
      } catch (e) {
        assert.ok(e instanceof LaminaError, `case ${n} (${path.join('.')}): ${String(e)}`);
        continue;
      }
      loaded++;
      await resumed.fit(x, y, { ...fitArgs, epochs: 2, initialEpoch: 1, callbacks: callbacks() });
    }
  } finally {
    console.warn = warn;
  }
  assert.ok(loaded > 0 && loaded < 300, `some cases load, some are refused (${loaded} loaded)`);
});
