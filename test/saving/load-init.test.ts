/**
 * Loading does no wasted work and refuses impossible shapes early: a strict load assigns every
 * weight, so no initializer runs (an Orthogonal one is the slow case); a weight too large for
 * memory is refused when its layer is built, naming the layer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layers, Orthogonal, sequential, tensor, type Tensor } from '../../src/index.js';
import { LaminaError } from '../../src/errors.js';
import { loadModel, modelFromJSON, modelToArtifacts } from '../../src/saving/index.js';

/** How many times an Orthogonal initializer generates values while `f` runs. */
async function orthogonalCalls(f: () => unknown): Promise<number> {
  const original = Orthogonal.prototype.generate;
  let calls = 0;
  Orthogonal.prototype.generate = function (...args) {
    calls++;
    return original.apply(this, args);
  };
  try {
    await f();
    return calls;
  } finally {
    Orthogonal.prototype.generate = original;
  }
}

test('a strict load runs no initializer; modelFromJSON and a lenient load do', async () => {
  const m = sequential({ layers: [layers.lstm({ units: 8, inputShape: [3, 2] })] });
  const artifacts = modelToArtifacts(m);
  let back: Awaited<ReturnType<typeof loadModel>> | null = null;
  assert.equal(await orthogonalCalls(async () => (back = await loadModel(artifacts))), 0);
  const x = tensor([
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
  ]);
  assert.deepEqual(
    (back!.predict(x) as Tensor).arraySync(),
    (m.predict(x) as Tensor).arraySync(),
    'the loaded values, not zeros',
  );
  // A lenient load keeps initial values for weights the file lacks, so it initializes.
  assert.equal(await orthogonalCalls(() => loadModel(artifacts, { strict: false })), 1);
  assert.equal(await orthogonalCalls(() => modelFromJSON(m.toJSON() as string)), 1);
});

test('a weight too large for memory is refused at build, naming the layer', () => {
  const dense = layers.dense({ units: 1e9, name: 'huge' });
  assert.throws(
    () => dense.apply(tensor([[1, 2, 3]])),
    (e: unknown) =>
      e instanceof LaminaError &&
      e.code === 'too-large' &&
      /Dense 'huge'.*weight 'kernel' of shape \[3,1000000000\] would hold 3000000000 values/.test(
        e.message,
      ),
  );
});
