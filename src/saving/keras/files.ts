/**
 * `.keras` files on disk (Node; node:fs is loaded on demand so browser bundles never touch it),
 * and `.keras` bytes handed to `loadModel` (ArrayBuffer, Uint8Array or Blob / File). Saving is
 * crash-safe: the archive is written to a temporary file, flushed, then renamed over the target.
 */
import { LaminaError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { Model } from '../../models/model.js';
import type { LoadOptions, SaveResult } from '../types.js';
import { loadKerasArchive, saveKerasArchive, type KerasArchiveOptions } from './archive.js';
import { MAX_UNZIPPED_BYTES } from './zip.js';

/** Bytes `loadModel` accepts as a `.keras` archive. */
export type KerasBytes = ArrayBuffer | Uint8Array | Blob;

/** Whether `path` names a Keras 3 archive (by its extension). */
export function isKerasPath(path: string): boolean {
  return /\.keras$/i.test(path);
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

/** A model from `.keras` bytes in memory. */
export async function loadKerasBytes(
  source: KerasBytes,
  options: LoadOptions,
  where: string,
): Promise<Model> {
  if (!(source instanceof Uint8Array) && !(source instanceof ArrayBuffer)) {
    const blob: Blob = source;
    if (blob.size > MAX_UNZIPPED_BYTES)
      throw new LaminaError(
        'too-large',
        `${where}: the archive is ${blob.size} bytes, more than ${MAX_UNZIPPED_BYTES}`,
      );
  }
  const bytes =
    source instanceof Uint8Array
      ? source
      : source instanceof ArrayBuffer
        ? new Uint8Array(source)
        : new Uint8Array(await source.arrayBuffer());
  return loadKerasArchive(bytes, options, where);
}

/** A model from the `.keras` file at `path`. */
export async function loadKerasFile(path: string, options: LoadOptions): Promise<Model> {
  const fs = await import('node:fs/promises');
  const file = localPath(path);
  const where = `loadModel(${file})`;
  const io = (e: unknown): never => {
    throw new LaminaError('io', `${where}: ${(e as Error).message}`, { cause: e });
  };
  const stat = await fs.stat(file).catch(io);
  if (!stat.isFile())
    throw new LaminaError('io', `${where}: expected a .keras file, found a directory or device`);
  if (stat.size > MAX_UNZIPPED_BYTES)
    throw new LaminaError(
      'too-large',
      `${where}: the file is ${stat.size} bytes, more than ${MAX_UNZIPPED_BYTES}`,
    );
  const bytes = await fs.readFile(file).catch(io);
  return loadKerasArchive(
    new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    options,
    where,
  );
}

/** Writes `model` as a `.keras` archive at `path`, crash-safely. */
export async function saveKerasFile(
  model: Model,
  path: string,
  options: KerasArchiveOptions,
): Promise<SaveResult> {
  const { dirname } = await import('node:path');
  const fs = await import('node:fs/promises');
  const file = localPath(path);
  const bytes = await saveKerasArchive(model, options);
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
