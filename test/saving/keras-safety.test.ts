/**
 * Untrusted `.keras` archives: unsafe zip entry names, size lies, truncation, broken HDF5, a
 * config that does not fit the weights, unsupported operation nodes. Each is one LaminaError
 * naming the file, the entry and what was expected. Also: the zip and HDF5 libraries are loaded
 * only when a Keras file is touched.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Dense, input, sequential } from '../../src/index.js';
import { LaminaError, type LaminaErrorCode } from '../../src/errors.js';
import { loadModel, saveKerasArchive } from '../../src/saving/index.js';

async function archive(): Promise<Record<string, Uint8Array>> {
  const model = sequential({
    layers: [
      input({ shape: [3] }),
      new Dense({ units: 4, name: 'hidden' }),
      new Dense({ units: 2, name: 'out' }),
    ],
  });
  return unzipSync(await saveKerasArchive(model));
}

const zip = (files: Record<string, Uint8Array>): Uint8Array => zipSync(files, { level: 0 });

function editConfig(
  files: Record<string, Uint8Array>,
  edit: (text: string) => string,
): Record<string, Uint8Array> {
  return { ...files, 'config.json': strToU8(edit(strFromU8(files['config.json'] as Uint8Array))) };
}

async function rejectsWith(
  bytes: Uint8Array,
  code: LaminaErrorCode,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(loadModel(bytes), (e: unknown) => {
    assert.ok(e instanceof LaminaError, `expected a LaminaError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

/** Offsets of the central directory records (signature PK\1\2) of a zip archive. */
function centralRecords(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++)
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 1 && bytes[i + 3] === 2)
      out.push(i);
  return out;
}

describe('.keras safety', () => {
  test('entry names with ".." or absolute paths are refused', async () => {
    const files = await archive();
    await rejectsWith(
      zip({ ...files, '../evil.txt': strToU8('x') }),
      'invalid-config',
      /'?"\.\.\/evil\.txt".*refused.*"\.\." component/,
    );
    await rejectsWith(
      zip({ ...files, '/etc/evil': strToU8('x') }),
      'invalid-config',
      /"\/etc\/evil".*absolute name/,
    );
  });

  test('a declared size larger than the archive can hold fails before inflating', async () => {
    const bytes = zip(await archive());
    const records = centralRecords(bytes);
    assert.equal(records.length, 3);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32((records[2] as number) + 24, 0x7fff0000, true); // model.weights.h5, uncompressed size
    await rejectsWith(bytes, 'truncated-data', /'model\.weights\.h5' declares 2147418112 bytes/);
  });

  test('a truncated archive, a missing config and a broken HDF5 file', async () => {
    const files = await archive();
    const bytes = zip(files);
    await rejectsWith(
      bytes.subarray(0, bytes.length >> 1),
      'invalid-config',
      /not a readable zip archive/,
    );
    const { 'config.json': _config, ...noConfig } = files;
    await rejectsWith(zip(noConfig), 'no-topology', /no config\.json/);
    await rejectsWith(
      zip({ ...files, 'model.weights.h5': strToU8('not HDF5 at all') }),
      'invalid-config',
      /model\.weights\.h5: not a readable HDF5 file/,
    );
  });

  test('a config that does not fit the weights names the layer, the path and the shapes', async () => {
    const files = await archive();
    await rejectsWith(
      zip(editConfig(files, (t) => t.replace('"units":4', '"units":5'))),
      'weight-shape',
      /model\.weights\.h5: layer 'hidden' expects weight 'hidden\/kernel' of shape \[3,5\], 'layers\/dense\/vars\/0' has shape \[3,4\]/,
    );
    const oneLayer = editConfig(files, (t) => {
      const c = JSON.parse(t) as { config: { layers: unknown[] } };
      c.config.layers.pop();
      return JSON.stringify(c);
    });
    await rejectsWith(
      zip(oneLayer),
      'unexpected-weight',
      /model\.weights\.h5: 'layers\/dense_1\/vars\/0' matches no weight/,
    );
    const loose = await loadModel(zip(oneLayer), { strict: false });
    assert.equal(loose.layers.length, 1);
  });

  test('a file path is named in the error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lamina-keras-'));
    try {
      const path = join(dir, 'broken.keras');
      await writeFile(path, zip({ 'config.json': strToU8('{') }));
      await assert.rejects(loadModel(path), (e: unknown) => {
        assert.ok(e instanceof LaminaError);
        assert.equal(e.code, 'malformed-json');
        assert.ok(e.message.includes(path) && e.message.includes('config.json'), e.message);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('Keras operation nodes other than the padding mask are refused', async () => {
    const files = await archive();
    const withOp = editConfig(files, (t) => {
      const c = JSON.parse(t) as { class_name: string; config: { layers: unknown[] } };
      // The same model as a functional config whose hidden layer feeds an operation node.
      const x = {
        class_name: '__keras_tensor__',
        config: { shape: [null, 3], dtype: 'float32', keras_history: ['x', 0, 0] },
      };
      c.class_name = 'Functional';
      c.config = {
        name: 'f',
        layers: [
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            config: { name: 'x', batch_shape: [null, 3], dtype: 'float32' },
            name: 'x',
            inbound_nodes: [],
          },
          {
            module: 'keras.src.ops.numpy',
            class_name: 'Absolute',
            config: { name: 'abs' },
            registered_name: 'Absolute',
            name: 'abs',
            inbound_nodes: [{ args: [x], kwargs: {} }],
          },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['abs', 0, 0]],
      } as unknown as { layers: unknown[] };
      return JSON.stringify(c);
    });
    await rejectsWith(
      zip(withOp),
      'unsupported',
      /operation node 'abs' \(keras\.src\.ops\.numpy\.Absolute\) is not supported/,
    );
  });
});

test('importing the package loads neither fflate nor h5wasm; loading a .keras file does', async () => {
  // A child process whose module resolution refuses fflate and h5wasm: importing Lamina must
  // work, and only the Keras loader must reach the refusal.
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(
      'export async function resolve(s, c, next) { if (s === "fflate" || s === "h5wasm") throw new Error("blocked " + s); return next(s, c); }'));
    const lamina = await import(${JSON.stringify(fileURLToPath(new URL('../../src/index.ts', import.meta.url)))});
    const m = lamina.sequential({ layers: [lamina.input({ shape: [2] }), new lamina.Dense({ units: 1 })] });
    m.predict(lamina.tensor([[1, 2]]));
    let error = 'none';
    try { await lamina.saveKerasArchive(m); } catch (e) { error = String(e.message); }
    console.log(JSON.stringify({ error }));
  `;
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
  const { error } = JSON.parse(out.trim().split('\n').pop() as string) as { error: string };
  assert.match(error, /blocked (fflate|h5wasm)/);
});
