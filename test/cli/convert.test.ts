/**
 * `lamina convert IN OUT`: Keras 3 archive, legacy .h5, Keras JSON + weights and TensorFlow.js
 * models to one another, the numbers unchanged (checked against Keras's outputs in the fixture).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { strFromU8, unzipSync } from 'fflate';
import { main } from '../../src/cli/lamina.js';
import { tensor, type Tensor } from '../../src/index.js';
import { loadModel } from '../../src/saving/index.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/keras3/functional_branches/', import.meta.url));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    isTTY: false,
  });
  return { code, out, err };
}

async function assertKerasOutputs(path: string): Promise<void> {
  const c = JSON.parse(await readFile(join(FIXTURE, 'case.json'), 'utf8')) as {
    inputs: { shape: number[]; values: number[] }[];
    outputs: { values: number[] }[];
  };
  const model = await loadModel(path);
  const input = c.inputs[0] as { shape: number[]; values: number[] };
  const y = model.apply(tensor(input.values, input.shape));
  const ys: Tensor[] = Array.isArray(y) ? y : [y];
  ys.forEach((y, k) => {
    const got = y.dataSync();
    c.outputs[k]?.values.forEach((v, i) =>
      assert.ok(Math.abs((got[i] as number) - v) <= 1e-5, `${path}: output ${k}[${i}]`),
    );
  });
}

test('lamina convert: .h5 -> TensorFlow.js -> .keras, and Keras JSON + .weights.h5 -> .keras', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lamina-convert-'));
  try {
    const tfjs = join(dir, 'tfjs');
    const first = await run(['convert', join(FIXTURE, 'model.h5'), tfjs, '--quiet']);
    assert.equal(first.code, 0, first.err);
    assert.match(
      first.out,
      /^Converted .*model\.h5 -> .*tfjs: model 'functional_branches' \(Functional\), 6 layers, 55 parameters, TensorFlow\.js Layers, 220 bytes\n$/,
    );
    await assertKerasOutputs(join(tfjs, 'model.json'));

    const keras = join(dir, 'again.keras');
    const second = await run(['convert', tfjs, keras]);
    assert.equal(second.code, 0, second.err);
    assert.match(
      second.out,
      /^Reading .*tfjs\.\.\.\nWriting .*again\.keras \(Keras 3 archive\)\.\.\.\nConverted /,
    );
    await assertKerasOutputs(keras);

    // Keras JSON (config.json is what to_json() writes) with Keras 3 weights.
    const archive = unzipSync(await readFile(join(FIXTURE, 'model.keras')));
    await writeFile(join(dir, 'model.json'), strFromU8(archive['config.json'] as Uint8Array));
    await writeFile(join(dir, 'w.weights.h5'), archive['model.weights.h5'] as Uint8Array);
    const third = await run([
      'convert',
      join(dir, 'model.json'),
      join(dir, 'third.keras'),
      '--weights',
      join(dir, 'w.weights.h5'),
      '--quiet',
    ]);
    assert.equal(third.code, 0, third.err);
    await assertKerasOutputs(join(dir, 'third.keras'));

    const noWeights = await run(['convert', join(dir, 'model.json'), join(dir, 'x.keras')]);
    assert.equal(noWeights.code, 1);
    assert.match(
      noWeights.err,
      /is Keras JSON \(an architecture without weights\): pass --weights FILE/,
    );
    const usage = await run(['convert', join(dir, 'model.json')]);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /expected IN and OUT, received 1 path\n\nUsage: lamina convert IN OUT/);
    const legacyOut = await run(['convert', keras, join(dir, 'out.h5')]);
    assert.equal(legacyOut.code, 1);
    assert.match(legacyOut.err, /the legacy whole-model \.h5 format is read only/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
