/**
 * The loader promises of docs/reliability.md not covered elsewhere: shard paths stay inside the
 * model's folder (no `..`, no absolute path, no drive or backslash), a model.json too large is
 * refused from its size alone, and prototype-changing keys in any JSON read are dropped.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Dense, LaminaError, input, sequential } from '../../src/index.js';
import { loadModel, modelFromJSON } from '../../src/saving/index.js';

const root = mkdtempSync(join(tmpdir(), 'lamina-promises-'));
after(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
async function saved(): Promise<string> {
  const dir = join(root, 'models', `m${count++}`);
  const m = sequential({ layers: [input({ shape: [3] }), new Dense({ units: 4 })] });
  await m.save(dir);
  return dir;
}

test('shard paths outside the model folder are refused before any file is opened', async () => {
  mkdirSync(join(root, 'models'), { recursive: true });
  writeFileSync(join(root, 'models', 'outside.bin'), new Uint8Array(64));
  for (const path of [
    '../outside.bin',
    '/etc/passwd',
    'a\\..\\b.bin',
    'c:x.bin',
    'sub/../../x.bin',
  ]) {
    const dir = await saved();
    const file = join(dir, 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      weightsManifest: { paths: string[] }[];
    };
    json.weightsManifest[0]!.paths = [path];
    writeFileSync(file, JSON.stringify(json));
    await assert.rejects(loadModel(dir), (e: unknown) => {
      assert.ok(e instanceof LaminaError, String(e));
      assert.equal(e.code, 'invalid-config');
      assert.match(e.message, /must be a file name relative to model\.json/);
      return true;
    });
  }
});

test('a model.json over 256 MiB is refused from its size, without reading it', async () => {
  const dir = join(root, 'huge');
  mkdirSync(dir);
  const file = join(dir, 'model.json');
  writeFileSync(file, '{');
  truncateSync(file, 256 * 1024 * 1024 + 1); // sparse: no disk or memory spent
  await assert.rejects(loadModel(dir), (e: unknown) => {
    assert.ok(e instanceof LaminaError);
    assert.equal(e.code, 'too-large');
    assert.match(e.message, /model\.json is 268435457 bytes, more than 268435456/);
    return true;
  });
});

test('__proto__ and constructor keys in a config change no prototype', () => {
  // Written as text: an object literal's __proto__ would set a prototype, not a key.
  const text =
    '{"class_name":"Sequential","config":{"name":"seq","__proto__":{"polluted":true},' +
    '"layers":[{"class_name":"Dense","config":{"units":2,"batch_input_shape":[null,3],' +
    '"constructor":{"prototype":{"x":1}}}}]}}';
  const m = modelFromJSON(text);
  assert.equal(m.layers.length, 1);
  assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  assert.equal((Object.prototype as { x?: number }).x, undefined);
});
