/**
 * The TensorFlow.js Layers format on disk (Node): `model.json` plus binary shards beside it.
 * A save writes each shard under a new name (its content hash), then replaces model.json
 * atomically (temporary file, fsync, rename), and only then removes the shards the previous
 * model.json used. A process killed at any moment leaves a model.json whose shards all exist.
 */
import { LaminaError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { nodeBuiltin } from '../platform/node.js';
import { checkShardBytes, modelJsonFor, readModelJson } from './io/model-json.js';
import { describe, parseJson } from './json.js';
import type { ModelArtifacts, SaveResult } from './types.js';
import { concatWeightData } from './weights.js';

const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;
const MAX_JSON_BYTES = 256 * 1024 * 1024;
/** The hash part of a shard name Lamina writes: `<stem>.group1-shard1of2.<16 hex>.bin`. */
const SHARD_HASH = /\.group1-shard\d+of\d+\.([0-9a-f]{16})\.bin$/;

/** `dir` -> dir/model.json; `x.json` -> x.json; a `file://` prefix is dropped. */
export async function jsonPathOf(target: string): Promise<string> {
  const { join } = await nodeBuiltin('path', 'saving');
  const path = target.startsWith('file://') ? target.slice('file://'.length) : target;
  return path.endsWith('.json') ? path : join(path, 'model.json');
}

export async function saveArtifactsToFile(
  target: string,
  artifacts: ModelArtifacts,
  shardBytes = DEFAULT_SHARD_BYTES,
): Promise<SaveResult> {
  const fs = await nodeBuiltin('fs/promises', 'saving');
  const { createHash } = await nodeBuiltin('crypto', 'saving');
  const { basename, dirname, join } = await nodeBuiltin('path', 'saving');
  const jsonPath = await jsonPathOf(target);
  const dir = dirname(jsonPath);
  const stem = basename(jsonPath, '.json');
  await fs.mkdir(dir, { recursive: true });
  const data = concatWeightData(artifacts.weightData, 'save');
  const count = Math.max(1, Math.ceil(data.byteLength / shardBytes));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const shard = data.subarray(i * shardBytes, Math.min(data.byteLength, (i + 1) * shardBytes));
    const hash = createHash('sha256').update(shard).digest('hex').slice(0, 16);
    const name = `${stem}.group1-shard${i + 1}of${count}.${hash}.bin`;
    await writeFileAtomic(join(dir, name), shard);
    paths.push(name);
  }
  const json = modelJsonFor(artifacts, paths);
  const text = JSON.stringify(json);
  await writeFileAtomic(jsonPath, text);
  await syncDir(dir);
  // Now the new model.json is in place: the previous save's shards can go.
  const keep = new Set(paths);
  for (const f of await fs.readdir(dir)) {
    const ours = f.startsWith(`${stem}.group1-shard`) && f.endsWith('.bin');
    const staleTmp =
      (f.startsWith(`.${stem}.group1-shard`) || f.startsWith(`.${stem}.json.`)) &&
      f.endsWith('.tmp') &&
      !f.includes(`.${process.pid}.`);
    if ((ours && !keep.has(f)) || staleTmp) await fs.rm(join(dir, f), { force: true });
  }
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: JSON.stringify(json.modelTopology).length,
      weightSpecsBytes: JSON.stringify(json.weightsManifest).length,
      weightDataBytes: data.byteLength,
    },
  };
}

async function syncDir(dir: string): Promise<void> {
  const fs = await nodeBuiltin('fs/promises', 'saving');
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

function checkShardPath(path: unknown, where: string): string {
  if (
    typeof path !== 'string' ||
    path.length === 0 ||
    path.startsWith('/') ||
    /(^|[\\/])\.\.([\\/]|$)|\\|:|\0/.test(path)
  )
    throw new LaminaError(
      'invalid-config',
      `${where}: shard path ${describe(path)} must be a file name relative to model.json`,
    );
  return path.replace(/^\.\//, '');
}

/** Reads model.json and its shards into artifacts, checking sizes before reading. */
export async function loadArtifactsFromFile(target: string): Promise<ModelArtifacts> {
  const fs = await nodeBuiltin('fs/promises', 'saving');
  const { dirname, join, sep } = await nodeBuiltin('path', 'saving');
  const jsonPath = await jsonPathOf(target);
  const where = `loadModel(${jsonPath})`;
  const io = (e: unknown): never => {
    throw new LaminaError('io', `${where}: ${(e as Error).message}`, { cause: e });
  };
  const stat = await fs.stat(jsonPath).catch(io);
  if (stat.size > MAX_JSON_BYTES)
    throw new LaminaError(
      'too-large',
      `${where}: model.json is ${stat.size} bytes, more than ${MAX_JSON_BYTES}`,
    );
  const text = await fs.readFile(jsonPath, 'utf8').catch(io);
  const { artifacts, paths } = readModelJson(parseJson(text, where), where);
  const files = paths.map((p) => checkShardPath(p, where));
  const dir = dirname(jsonPath);
  const root = await fs.realpath(dir).catch(io);
  const seen = new Set<string>();
  let total = 0;
  // Every size is known before a byte is read: only regular files inside the model's folder,
  // each listed once.
  for (const f of files) {
    if (seen.has(f))
      throw new LaminaError('invalid-config', `${where}: shard '${f}' is listed twice`);
    seen.add(f);
    const path = join(dir, f);
    const link = await fs.lstat(path).catch(io);
    if (link.isSymbolicLink()) {
      const target = await fs.realpath(path).catch(io);
      if (!target.startsWith(root + sep))
        throw new LaminaError(
          'invalid-config',
          `${where}: shard '${f}' is a link to ${target}, outside the model's folder ${root}`,
        );
    }
    const stat = await fs.stat(path).catch(io);
    if (!stat.isFile())
      throw new LaminaError('invalid-config', `${where}: shard '${f}' is not a regular file`);
    total += stat.size;
  }
  checkShardBytes(artifacts.weightSpecs ?? [], total, where);
  const { createHash } = await nodeBuiltin('crypto', 'saving');
  const data = new Uint8Array(total);
  let offset = 0;
  for (const f of files) {
    const bytes = await fs.readFile(join(dir, f)).catch(io);
    if (offset + bytes.byteLength > total)
      throw new LaminaError(
        'truncated-data',
        `${where}: shard '${f}' changed size while being read`,
      );
    // Lamina names each shard by the start of its SHA-256: a changed or swapped shard shows.
    const named = SHARD_HASH.exec(f)?.[1];
    if (named !== undefined) {
      const actual = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      if (actual !== named)
        throw new LaminaError(
          'corrupt-data',
          `${where}: shard '${f}' does not match the hash in its name (its content hashes to ${actual}): the file was changed or swapped`,
        );
    }
    data.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return { ...artifacts, weightData: data.subarray(0, offset) };
}
