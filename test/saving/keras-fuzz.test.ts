/**
 * Seeded fuzzing of the Keras loaders. Valid files are damaged in five ways (bit flips, random
 * bytes written anywhere, random bytes written in the first 2 KB where the HDF5 superblock, the
 * root group's object header and the zip's first local header lie, a random run of up to 256
 * bytes overwritten, truncation) and loaded: a `.keras` archive (whole, its config.json, its
 * model.weights.h5 re-zipped) and legacy `.h5` files (one of a compiled tf.keras model). Every case must load or throw a
 * LaminaError within a bounded time: no other error, crash or hang. Some damaged HDF5 files make
 * the HDF5 library loop forever; the read's deadline (lowered here) turns them into a
 * 'corrupt-data' LaminaError.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { Conv2D, Dense, Flatten, input, l2, sequential } from '../../src/index.js';
import { LaminaError } from '../../src/errors.js';
import { loadModel, saveKerasArchive } from '../../src/saving/index.js';
import { hdf5ReadDeadline } from '../../src/saving/keras/hdf5-read.js';
import { fuzzRandom } from '../helpers.js';

const MUTATIONS = ['bit flips', 'byte overwrites', 'header overwrites', 'chunk', 'truncation'];
type Mutation = (typeof MUTATIONS)[number];

function mutate(bytes: Uint8Array, kind: Mutation, random: () => number): Uint8Array {
  const out = bytes.slice();
  const at = (limit: number): number => Math.floor(random() * Math.min(limit, out.length));
  const count = 1 + Math.floor(random() * 8);
  if (kind === 'truncation') return out.subarray(0, at(out.length));
  if (kind === 'bit flips')
    for (let i = 0; i < count; i++) {
      const k = at(out.length);
      out[k] = (out[k] as number) ^ (1 << Math.floor(random() * 8));
    }
  if (kind === 'byte overwrites' || kind === 'header overwrites') {
    const limit = kind === 'header overwrites' ? 2048 : out.length;
    for (let i = 0; i < count; i++) out[at(limit)] = Math.floor(random() * 256);
  }
  if (kind === 'chunk') {
    const start = at(out.length);
    const end = Math.min(out.length, start + 1 + Math.floor(random() * 256));
    for (let k = start; k < end; k++) out[k] = Math.floor(random() * 256);
  }
  return out;
}

/** How the cases ended (traps: the HDF5 library's out-of-bounds accesses); the slowest one. */
interface Outcomes {
  loaded: number;
  refused: number;
  deadline: number;
  traps: number;
  slowestMs: number;
}

/**
 * Loads `bytes`: a model or a LaminaError, nothing else, and within `DEADLINE_MS` + slack. After
 * a trap, the valid files must still load: a trap can leave the HDF5 library's memory broken for
 * every later read in the same instance (in the legacy fuzz below, from case 50 on without the
 * worker's replacement), so the worker that trapped is replaced.
 */
async function loadOrRefuse(
  bytes: Uint8Array,
  label: string,
  outcomes: Outcomes,
  valid: readonly Uint8Array[],
): Promise<void> {
  const start = performance.now();
  try {
    await loadModel(bytes);
    outcomes.loaded++;
  } catch (e) {
    assert.ok(e instanceof LaminaError, `${label}: ${String(e)}`);
    if (/did not finish reading the file within/.test(e.message)) outcomes.deadline++;
    else outcomes.refused++;
    if (/memory access out of bounds/.test(e.message)) {
      outcomes.traps++;
      for (const file of valid) await loadModel(file);
    }
  }
  const ms = performance.now() - start;
  outcomes.slowestMs = Math.max(outcomes.slowestMs, ms);
  // The deadline plus starting a fresh worker (h5wasm compiled again) on a loaded machine.
  assert.ok(ms < DEADLINE_MS + 15_000, `${label}: took ${Math.round(ms)} ms`);
}

const DEADLINE_MS = 1000;
const saved = { ...hdf5ReadDeadline };
const LEGACY_H5 = new URL('../fixtures/keras3/dense_regularized/model.h5', import.meta.url);
const COMPILED_H5 = new URL('../fixtures/keras3/compiled_adam/tfkeras_adam.h5', import.meta.url);

before(async () => {
  // Start the worker and load h5wasm at the default deadline, then lower it for the damaged files.
  await loadModel(new Uint8Array(await readFile(LEGACY_H5)));
  hdf5ReadDeadline.baseMs = DEADLINE_MS;
  hdf5ReadDeadline.msPerMegabyte = 0;
});
after(() => Object.assign(hdf5ReadDeadline, saved));

test('600 damaged .keras archives each load or throw a LaminaError in bounded time', async () => {
  const model = sequential({
    layers: [
      input({ shape: [4, 4, 1] }),
      new Conv2D({ filters: 2, kernelSize: 3, kernelRegularizer: l2(0.1), name: 'conv' }),
      new Flatten({}),
      new Dense({ units: 2, name: 'out' }),
    ],
  });
  const valid = await saveKerasArchive(model);
  const files = unzipSync(valid);
  const random = fuzzRandom(20261204);
  const outcomes: Outcomes = { loaded: 0, refused: 0, deadline: 0, traps: 0, slowestMs: 0 };
  for (let i = 0; i < 600; i++) {
    const part = Math.floor(random() * 3);
    const kind = MUTATIONS[Math.floor(random() * MUTATIONS.length)] as Mutation;
    let bytes: Uint8Array;
    if (part === 0) bytes = mutate(valid, kind, random);
    else {
      const name = part === 1 ? 'config.json' : 'model.weights.h5';
      bytes = zipSync({ ...files, [name]: mutate(files[name] as Uint8Array, kind, random) });
    }
    await loadOrRefuse(bytes, `case ${i} (part ${part}, ${kind})`, outcomes, [valid]);
  }
  // Both outcomes occur: the mutations reach the checks, and harmless ones still load.
  assert.ok(outcomes.loaded > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
});

/*
 * Two legacy files: Keras 3's of an uncompiled model, and a tf.keras 2.x one of a compiled model
 * (training_config, optimizer_weights in the OptimizerV2 order), so that damage also reaches
 * compiling and restoring the optimizer state.
 */
test('400 damaged legacy .h5 files each load or throw a LaminaError in bounded time', async () => {
  const files = [
    new Uint8Array(await readFile(LEGACY_H5)),
    new Uint8Array(await readFile(COMPILED_H5)),
  ];
  const random = fuzzRandom(11);
  const outcomes: Outcomes = { loaded: 0, refused: 0, deadline: 0, traps: 0, slowestMs: 0 };
  for (let i = 0; i < 400; i++) {
    const kind = MUTATIONS[i % MUTATIONS.length] as Mutation;
    const file = Math.floor(i / MUTATIONS.length) % 2;
    const bytes = mutate(files[file] as Uint8Array, kind, random);
    await loadOrRefuse(bytes, `case ${i} (file ${file}, ${kind})`, outcomes, files);
  }
  assert.ok(outcomes.loaded > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
});

/*
 * One byte is enough: 4432 is the declared size of a string in the file's global heap (the
 * 'keras_version' attribute, 6); at 167, HDF5 2.0.0 (h5wasm 0.10.3) never returns from reading
 * the attributes.
 */
test('a file that makes the HDF5 library loop forever is refused at the deadline; the next read works', async () => {
  const valid = new Uint8Array(await readFile(LEGACY_H5));
  const damaged = valid.slice();
  damaged[4432] = 167;
  const start = performance.now();
  await assert.rejects(loadModel(damaged), (e: unknown) => {
    assert.ok(e instanceof LaminaError);
    assert.equal(e.code, 'corrupt-data');
    assert.match(
      e.message,
      /^loadModel: the HDF5 library did not finish reading the file within 1000 ms; the file is damaged/,
    );
    return true;
  });
  assert.ok(performance.now() - start >= DEADLINE_MS);
  const model = await loadModel(valid);
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['hidden', 'out'],
  );
});

test('a legacy .h5 file truncated anywhere is a LaminaError', async () => {
  const valid = new Uint8Array(await readFile(LEGACY_H5));
  let cases = 0;
  for (let n = 0; n < valid.length; n += 37) {
    await assert.rejects(loadModel(valid.subarray(0, n)), (e: unknown) => {
      assert.ok(e instanceof LaminaError, `truncated at ${n}: ${String(e)}`);
      return true;
    });
    cases++;
  }
  assert.equal(cases, Math.ceil(valid.length / 37));
});
