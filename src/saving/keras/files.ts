/**
 * Keras files on disk (Node; node:fs is loaded on demand so browser bundles never touch it) and
 * in memory (ArrayBuffer, Uint8Array or Blob / File): `.keras` archives, legacy whole-model `.h5`
 * files and weights-only `.weights.h5` / `.h5` files, told apart by their first bytes. Saving is
 * crash-safe: the file is written to a temporary name, flushed, then renamed over the target.
 */
import { nodeBuiltin } from '../../platform/node.js';
import { inNode } from '../io/file.js';
import { LaminaError, LaminaTypeError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { Model } from '../../models/model.js';
import type { LoadOptions, SaveResult } from '../types.js';
import {
  looksLikeZip,
  loadKerasArchive,
  readArchiveWeights,
  saveKerasArchive,
  type KerasArchiveOptions,
} from './archive.js';
import { writeH5 } from './hdf5.js';
import { loadLegacyH5Model, looksLikeHdf5, planHdf5Weights, readHdf5 } from './legacy-h5.js';
import { kerasSavingPlan } from './paths.js';
import { MAX_UNZIPPED_BYTES } from './zip.js';

/** Bytes `loadModel` and `loadWeights` accept as a Keras file. */
export type KerasBytes = ArrayBuffer | Uint8Array | Blob;

/** Whether `path` names a Keras file (by its extension: .keras, .h5, .hdf5). */
export function isKerasPath(path: string): boolean {
  return /\.(keras|h5|hdf5)$/i.test(path);
}

const localPath = (path: string): string =>
  path.startsWith('file://') ? path.slice('file://'.length) : path;

export function isKerasBytes(source: unknown): source is KerasBytes {
  return (
    source instanceof ArrayBuffer ||
    source instanceof Uint8Array ||
    (typeof Blob !== 'undefined' && source instanceof Blob)
  );
}

async function bytesOf(source: KerasBytes, where: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source.size > MAX_UNZIPPED_BYTES)
    throw new LaminaError(
      'too-large',
      `${where}: the file is ${source.size} bytes, more than ${MAX_UNZIPPED_BYTES}`,
    );
  return new Uint8Array(await source.arrayBuffer());
}

async function readLocalFile(path: string, where: string): Promise<Uint8Array> {
  const fs = await nodeBuiltin('fs/promises', 'Keras files');
  const io = (e: unknown): never => {
    throw new LaminaError('io', `${where}: ${(e as Error).message}`, { cause: e });
  };
  const stat = await fs.stat(path).catch(io);
  if (!stat.isFile())
    throw new LaminaError('io', `${where}: expected a Keras file, found a directory or device`);
  if (stat.size > MAX_UNZIPPED_BYTES)
    throw new LaminaError(
      'too-large',
      `${where}: the file is ${stat.size} bytes, more than ${MAX_UNZIPPED_BYTES}`,
    );
  const bytes = await fs.readFile(path).catch(io);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A Keras file over http(s) (or, in a browser, a relative URL), size-checked as a local one. */
async function readUrl(url: string, where: string): Promise<Uint8Array> {
  const response = await fetch(url).catch((e: unknown) => {
    throw new LaminaError('io', `${where}: ${(e as Error).message}`, { cause: e });
  });
  if (!response.ok)
    throw new LaminaError(
      'io',
      `${where}: the server answered ${response.status} ${response.statusText}`,
    );
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > MAX_UNZIPPED_BYTES)
    throw new LaminaError(
      'too-large',
      `${where}: the file is ${declared} bytes, more than ${MAX_UNZIPPED_BYTES}`,
    );
  return bytesOf(await response.blob(), where);
}

/** The bytes of a Keras file given as a path, a URL or in memory, and the name errors use. */
export async function kerasSourceBytes(
  source: string | KerasBytes,
  where: string,
): Promise<{ bytes: Uint8Array; where: string }> {
  if (typeof source !== 'string') return { bytes: await bytesOf(source, where), where };
  if (/^https?:\/\//i.test(source) || (!inNode() && !source.startsWith('file://'))) {
    const at = `${where.replace(/\(.*\)$/, '')}(${source})`;
    return { bytes: await readUrl(source, at), where: at };
  }
  const path = localPath(source);
  const at = `${where.replace(/\(.*\)$/, '')}(${path})`;
  return { bytes: await readLocalFile(path, at), where: at };
}

const notKeras = (where: string): LaminaError =>
  new LaminaError(
    'invalid-config',
    `${where}: expected a Keras file (a .keras zip archive or an HDF5 .h5 file), the first bytes are neither`,
  );

/** A model from a `.keras` archive or a legacy whole-model `.h5` file. */
export async function loadKerasModel(
  source: string | KerasBytes,
  options: LoadOptions,
  where: string,
): Promise<Model> {
  const { bytes, where: at } = await kerasSourceBytes(source, where);
  if (looksLikeZip(bytes)) return loadKerasArchive(bytes, options, at);
  if (looksLikeHdf5(bytes)) return loadLegacyH5Model(bytes, options, at);
  throw notKeras(at);
}

/** Loads the weights of a Keras file into `model`; nothing is assigned unless all check out. */
export async function loadKerasWeights(
  model: Model,
  source: string | KerasBytes,
  options: LoadOptions,
  where: string,
): Promise<void> {
  const { bytes, where: at } = await kerasSourceBytes(source, where);
  const strict = options.strict ?? true;
  if (looksLikeZip(bytes)) {
    planHdf5Weights(model, await readArchiveWeights(bytes, at), strict, at)();
    return;
  }
  if (!looksLikeHdf5(bytes)) throw notKeras(at);
  planHdf5Weights(model, await readHdf5(bytes, at), strict, at)();
}

/** The bytes of a Keras 3 weights-only file (`model.save_weights('m.weights.h5')`). */
export async function saveKerasWeights(model: Model): Promise<Uint8Array> {
  const plan = kerasSavingPlan(model);
  return writeH5(
    plan.groups,
    plan.variables.map(({ path, weight }) => {
      const values = weight.dataSync();
      return {
        path,
        shape: [...weight.shape],
        values: values instanceof Float32Array ? values.slice() : Int32Array.from(values),
      };
    }),
  );
}

/**
 * Writes `model` at `path`, crash-safely: a `.keras` archive, or for `*.weights.h5` the Keras 3
 * weights-only file. Lamina does not write the legacy whole-model `.h5` (Keras 3 calls it
 * legacy; `.keras` replaces it), so any other `.h5` is refused.
 */
export async function saveKerasFile(
  model: Model,
  path: string,
  options: KerasArchiveOptions,
): Promise<SaveResult> {
  const file = localPath(path);
  let bytes: Uint8Array;
  if (/\.keras$/i.test(file)) bytes = await saveKerasArchive(model, options);
  else if (/\.weights\.h5$/i.test(file)) bytes = await saveKerasWeights(model);
  else
    throw new LaminaTypeError(
      'invalid-argument',
      `saveModel(${file}): Lamina writes Keras files as '.keras' archives or '.weights.h5' weights; the legacy whole-model .h5 format is read only`,
    );
  const { dirname } = await nodeBuiltin('path', 'Keras files');
  const fs = await nodeBuiltin('fs/promises', 'Keras files');
  await fs.mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, bytes);
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      weightDataBytes: bytes.byteLength,
    },
  };
}
