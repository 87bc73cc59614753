/**
 * `.keras` archives written by real Keras 3.15.1 (test/fixtures/keras3, made by
 * make_fixtures.py with the Keras 3 oracle): each loads with Keras's outputs and `model.losses`
 * (1e-4), and what Lamina writes loads back with the same numbers, from a file or from bytes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tensor, type Model, type Tensor } from '../../src/index.js';
import { loadModel, saveKerasArchive } from '../../src/saving/index.js';
import { SGD } from '../../src/optimizers/index.js';
import { strFromU8, unzipSync, zipSync } from 'fflate';

const FIXTURES = fileURLToPath(new URL('../fixtures/keras3/', import.meta.url));

interface ArrayJson {
  shape: number[];
  dtype: string;
  values: number[];
}
interface KerasCase {
  inputs: ArrayJson[];
  weights: (ArrayJson & { path: string })[];
  outputs: ArrayJson[];
  losses: number[];
  training_mode?: { outputs: ArrayJson[] };
}

const CASES = [
  'dense_regularized',
  'conv_pool',
  'batchnorm',
  'layernorm',
  'embedding_lstm',
  'embedding_lstm_functional',
  'gru_stack',
  'simple_rnn',
  'bidirectional',
  'nested_sequential',
  'functional_branches',
  'frozen',
  'compiled_adam',
  'conv_family',
  'conv1d_family',
  'merge_family',
  'masked_bidirectional',
  'channels_first',
  'nested_frozen',
  'activation_layers',
  'time_distributed',
];

async function readCase(name: string): Promise<KerasCase> {
  return JSON.parse(await readFile(join(FIXTURES, name, 'case.json'), 'utf8')) as KerasCase;
}

const inputsOf = (c: KerasCase): Tensor[] =>
  c.inputs.map((i) => tensor(i.values, i.shape, i.dtype === 'int32' ? 'int32' : 'float32'));

function run(model: Model, c: KerasCase, training?: boolean): Tensor[] {
  const xs = inputsOf(c);
  const y = model.apply(xs.length === 1 ? (xs[0] as Tensor) : xs, { training });
  return Array.isArray(y) ? y : [y as Tensor];
}

function assertMatches(model: Model, c: KerasCase, label: string): void {
  const ys = run(model, c);
  assert.equal(ys.length, c.outputs.length, `${label}: number of outputs`);
  ys.forEach((y, k) => {
    const want = c.outputs[k] as ArrayJson;
    assert.deepEqual(
      [...y.shape],
      want.shape.map((d) => d),
      `${label}: shape of output ${k}`,
    );
    const got = y.dataSync();
    want.values.forEach((v, i) =>
      assert.ok(
        Math.abs((got[i] as number) - v) <= 1e-4,
        `${label}: output ${k}[${i}] ${got[i]} vs Keras ${v}`,
      ),
    );
  });
  const losses = model.losses.map((l) => l.dataSync()[0] as number);
  assert.equal(
    losses.length,
    c.losses.length,
    `${label}: number of losses ${JSON.stringify(losses)} vs ${JSON.stringify(c.losses)}`,
  );
  c.losses.forEach((v, i) =>
    assert.ok(
      Math.abs((losses[i] as number) - v) <= 1e-4,
      `${label}: loss ${i} ${losses[i]} vs Keras ${v}`,
    ),
  );
}

describe('.keras archives written by Keras 3', () => {
  for (const name of CASES)
    test(`${name}: Keras's outputs and losses; save -> load gives the same`, async () => {
      const c = await readCase(name);
      const model = await loadModel(join(FIXTURES, name, 'model.keras'));
      // The weights Keras reported, in Keras's order (Lamina's getWeights order is Keras's).
      const weights = model.getWeights();
      assert.equal(weights.length, c.weights.length, `${name}: number of weights`);
      weights.forEach((w, i) =>
        assert.deepEqual(
          [...w.dataSync()],
          (c.weights[i] as ArrayJson).values.map((v) => Math.fround(v)),
          `${name}: weight ${i} (${(c.weights[i] as { path: string }).path})`,
        ),
      );
      assertMatches(model, c, name);

      const dir = await mkdtemp(join(tmpdir(), 'lamina-keras-'));
      try {
        await model.save(join(dir, 'again.keras'));
        assertMatches(await loadModel(join(dir, 'again.keras')), c, `${name} (saved by Lamina)`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const bytes = await saveKerasArchive(model);
      assertMatches(
        await loadModel(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        ),
        c,
        `${name} (ArrayBuffer)`,
      );
    });

  test('batchnorm in training mode uses batch statistics as Keras does', async () => {
    const c = await readCase('batchnorm');
    const model = await loadModel(join(FIXTURES, 'batchnorm', 'model.keras'));
    const want = c.training_mode?.outputs[0] as ArrayJson;
    const got = (run(model, c, true)[0] as Tensor).dataSync();
    want.values.forEach((v, i) =>
      assert.ok(Math.abs((got[i] as number) - v) <= 1e-4, `[${i}] ${got[i]} vs ${v}`),
    );
  });

  test('a Blob holding the archive loads (browsers: File, fetch().blob())', async () => {
    const c = await readCase('dense_regularized');
    const bytes = await readFile(join(FIXTURES, 'dense_regularized', 'model.keras'));
    assertMatches(await loadModel(new Blob([bytes])), c, 'Blob');
  });

  test('the compile config and the optimizer state of a compiled model come back', async () => {
    const model = await loadModel(join(FIXTURES, 'compiled_adam', 'model.keras'));
    const compiled = model.compiled;
    assert.ok(compiled !== null);
    assert.equal(compiled.optimizer.className, 'Adam');
    assert.equal(compiled.optimizer.iterations, 7);
    assert.equal(compiled.optimizer.learningRate, Math.fround(0.01));
    assert.equal(compiled.losses[0]?.className, 'MeanSquaredError');
    const state = compiled.optimizer.getState();
    const kernelSlots = state.slots['hidden/kernel'];
    assert.equal(kernelSlots?.length, 2);
    // Keras wrote momentum then velocity per variable; the fixture's values are all positive.
    assert.deepEqual([...(kernelSlots?.[0] as Tensor).shape], [3, 4]);
    assert.ok([...(kernelSlots?.[1] as Tensor).dataSync()].every((v) => v > 0));

    const again = await loadModel(await saveKerasArchive(model));
    const restored = again.compiled?.optimizer.getState();
    assert.equal(restored?.iterations, 7);
    for (const [name, slots] of Object.entries(state.slots))
      slots.forEach((s, i) =>
        assert.deepEqual(
          [...(restored?.slots[name]?.[i] as Tensor).dataSync()],
          [...s.dataSync()],
          `${name} slot ${i}`,
        ),
      );
    const plain = await loadModel(await saveKerasArchive(model, { includeOptimizer: false }));
    assert.equal(plain.compiled, null);
    const uncompiled = await loadModel(join(FIXTURES, 'compiled_adam', 'model.keras'), {
      compile: false,
    });
    assert.equal(uncompiled.compiled, null);
  });

  test('optimizer hyperparameters are written as floats (Keras refuses SGD(momentum=0) as an int)', async () => {
    const model = await loadModel(join(FIXTURES, 'dense_regularized', 'model.keras'));
    model.compile({ optimizer: new SGD({ learningRate: 1 }), loss: 'mse' });
    const archive = unzipSync(await saveKerasArchive(model));
    const config = strFromU8(archive['config.json'] as Uint8Array);
    assert.match(config, /"class_name":"SGD","config":\{"name":"SGD","learning_rate":1\.0,/);
    assert.match(config, /"momentum":0\.0,/);
    const again = await loadModel(zipSync(archive));
    assert.equal(again.compiled?.optimizer.learningRate, 1);
  });
});
