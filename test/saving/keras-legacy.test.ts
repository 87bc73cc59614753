/**
 * HDF5 Keras files: the legacy whole-model `.h5` and weights-only `.h5` (written by Keras 3.15.1's
 * legacy writer, the layout tf.keras used), and Keras 3's weights-only `.weights.h5`, read and
 * written.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tensor, zeros, type Model, type Tensor } from '../../src/index.js';
import { LaminaError } from '../../src/errors.js';
import { loadModel } from '../../src/saving/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/keras3/', import.meta.url));
const LEGACY = [
  'dense_regularized',
  'bidirectional',
  'functional_branches',
  'nested_sequential',
  'frozen',
];

interface ArrayJson {
  shape: number[];
  dtype: string;
  values: number[];
}
interface KerasCase {
  inputs: ArrayJson[];
  outputs: ArrayJson[];
  losses: number[];
}

async function readCase(name: string): Promise<KerasCase> {
  return JSON.parse(await readFile(join(FIXTURES, name, 'case.json'), 'utf8')) as KerasCase;
}

function assertMatches(model: Model, c: KerasCase, label: string): void {
  const xs = c.inputs.map((i) =>
    tensor(i.values, i.shape, i.dtype === 'int32' ? 'int32' : 'float32'),
  );
  const y = model.apply(xs.length === 1 ? (xs[0] as Tensor) : xs);
  const ys = Array.isArray(y) ? y : [y as Tensor];
  ys.forEach((t, k) => {
    const got = t.dataSync();
    (c.outputs[k] as ArrayJson).values.forEach((v, i) =>
      assert.ok(
        Math.abs((got[i] as number) - v) <= 1e-4,
        `${label}: output ${k}[${i}] ${got[i]} vs Keras ${v}`,
      ),
    );
  });
  const losses = model.losses.map((l) => l.dataSync()[0] as number);
  assert.equal(losses.length, c.losses.length, `${label}: number of losses`);
  c.losses.forEach((v, i) =>
    assert.ok(Math.abs((losses[i] as number) - v) <= 1e-4, `${label}: loss ${i}`),
  );
}

const zeroWeights = (model: Model): void =>
  model.setWeights(model.weights.map((w) => zeros([...w.shape])));

describe('legacy .h5 files', () => {
  for (const name of LEGACY)
    test(`${name}: the whole-model .h5 loads with Keras's outputs and losses`, async () => {
      assertMatches(await loadModel(join(FIXTURES, name, 'model.h5')), await readCase(name), name);
    });

  test('weights-only legacy .h5 into an existing model (and loadModel says it has no model)', async () => {
    const c = await readCase('dense_regularized');
    const model = await loadModel(join(FIXTURES, 'dense_regularized', 'model.keras'));
    zeroWeights(model);
    await model.loadWeights(join(FIXTURES, 'dense_regularized', 'weights.h5'));
    assertMatches(model, c, 'weights.h5');
    await assert.rejects(
      loadModel(join(FIXTURES, 'dense_regularized', 'weights.h5')),
      (e: unknown) => {
        assert.ok(e instanceof LaminaError);
        assert.equal(e.code, 'no-topology');
        assert.match(e.message, /weights\.h5.*no model_config attribute.*use model\.loadWeights/);
        return true;
      },
    );
  });

  test('a legacy file for another model is refused before any weight changes', async () => {
    const model = await loadModel(join(FIXTURES, 'functional_branches', 'model.keras'));
    const before = model.getWeights().map((w) => [...w.dataSync()]);
    await assert.rejects(
      model.loadWeights(join(FIXTURES, 'dense_regularized', 'weights.h5')),
      (e: unknown) => {
        assert.ok(e instanceof LaminaError);
        assert.equal(e.code, 'unexpected-weight');
        assert.match(e.message, /weights for layer 'hidden', which the model does not have/);
        return true;
      },
    );
    model.getWeights().forEach((w, i) => assert.deepEqual([...w.dataSync()], before[i]));
  });
});

describe("Keras 3's weights-only .weights.h5", () => {
  test('save_weights layout written and read back; weights also load from a .keras archive', async () => {
    const c = await readCase('bidirectional');
    const model = await loadModel(join(FIXTURES, 'bidirectional', 'model.keras'));
    const dir = await mkdtemp(join(tmpdir(), 'lamina-keras-'));
    try {
      const path = join(dir, 'm.weights.h5');
      await model.save(path);
      zeroWeights(model);
      await model.loadWeights(path);
      assertMatches(model, c, '.weights.h5');
      zeroWeights(model);
      await model.loadWeights(await readFile(join(FIXTURES, 'bidirectional', 'model.keras')));
      assertMatches(model, c, 'weights of a .keras archive');
      await assert.rejects(
        model.save(join(dir, 'm.h5')),
        /the legacy whole-model \.h5 format is read only/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
