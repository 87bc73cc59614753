/**
 * Loading model.json and shards from disk refuses, before reading any weight, what no save
 * writes: a shard that is a pipe or a link out of the model's folder, a shard listed twice, more
 * bytes than declared; and it verifies Lamina's shard names against their content hashes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Dense, input, sequential } from '../../src/index.js';
import { loadModel } from '../../src/saving/index.js';
import { LaminaError, type LaminaErrorCode } from '../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'lamina-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A saved model in a fresh folder, sharded in `shardSizeBytes` pieces; returns the folder. */
async function saved(shardSizeBytes = 4 * 1024 * 1024): Promise<string> {
  const dir = join(root, `m${count++}`);
  const m = sequential({ layers: [input({ shape: [3] }), new Dense({ units: 4 })] });
  await m.save(dir, { shardSizeBytes });
  return dir;
}

function shards(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort();
}

function editManifest(dir: string, edit: (paths: string[]) => string[]): void {
  const path = join(dir, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  json.weightsManifest[0]!.paths = edit(json.weightsManifest[0]!.paths);
  writeFileSync(path, JSON.stringify(json));
}

async function refused(dir: string, code: LaminaErrorCode, pattern: RegExp): Promise<void> {
  await assert.rejects(loadModel(dir), (e: unknown) => {
    assert.ok(e instanceof LaminaError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('shards on disk', () => {
  test('a named pipe listed as a shard is refused, not read (no hang)', async () => {
    const dir = await saved();
    execFileSync('mkfifo', [join(dir, 'pipe.bin')]);
    editManifest(dir, (p) => [...p, 'pipe.bin']);
    await refused(dir, 'invalid-config', /shard 'pipe.bin' is not a regular file/);
  });

  test('a shard that links outside the model folder is refused', async () => {
    const dir = await saved();
    const outside = join(root, 'elsewhere.bin');
    writeFileSync(outside, new Uint8Array(4));
    symlinkSync(outside, join(dir, 'link.bin'));
    editManifest(dir, (p) => [...p, 'link.bin']);
    await refused(
      dir,
      'invalid-config',
      /shard 'link.bin' is a link to .*outside the model's folder/,
    );
  });

  test('a link inside the folder is followed', async () => {
    const dir = await saved();
    const [shard] = shards(dir);
    renameSync(join(dir, shard!), join(dir, 'real.data'));
    symlinkSync(join(dir, 'real.data'), join(dir, shard!));
    const m = await loadModel(dir);
    assert.equal(m.weights.length, 2);
  });

  test('a shard listed twice is refused before anything is read', async () => {
    const dir = await saved();
    editManifest(dir, (p) => [...p, ...p]);
    await refused(dir, 'invalid-config', /is listed twice/);
  });

  test('more bytes than the manifest declares are refused before reading', async () => {
    const dir = await saved();
    writeFileSync(join(dir, 'big.bin'), new Uint8Array(1 << 20));
    editManifest(dir, (p) => [...p, 'big.bin']);
    await refused(dir, 'too-large', /hold 1048640 bytes, more than the 64 bytes/);
  });

  test('a flipped bit in a shard is caught by its content hash', async () => {
    const dir = await saved();
    const [shard] = shards(dir);
    const bytes = readFileSync(join(dir, shard!));
    bytes[5] = (bytes[5] as number) ^ 1;
    writeFileSync(join(dir, shard!), bytes);
    await refused(dir, 'corrupt-data', /does not match the hash in its name/);
  });

  test('two shards swapped are caught', async () => {
    const dir = await saved(40);
    const [a, b] = shards(dir);
    const bytesA = readFileSync(join(dir, a!));
    writeFileSync(join(dir, a!), readFileSync(join(dir, b!)));
    writeFileSync(join(dir, b!), bytesA);
    await refused(dir, 'corrupt-data', /the file was changed or swapped/);
  });
});
