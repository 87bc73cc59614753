/**
 * file:// and plain paths (Node): model.json and its shards on disk, written crash-safely by
 * ../files.ts.
 */
import { loadArtifactsFromFile, saveArtifactsToFile } from '../files.js';
import type { LoadHandlerObject, SaveHandlerObject } from './types.js';
import { LaminaTypeError } from '../../errors.js';
import { showJson } from '../../validation/options.js';

export const FILE_SCHEME = 'file://';

/**
 * The handler of a folder or a model.json path (`file://` optional): `shardSizeBytes` bounds
 * each shard file (default 4 MiB).
 */
export function fileSystem(
  path: string,
  shardSizeBytes?: number,
): LoadHandlerObject & SaveHandlerObject {
  if (typeof path !== 'string' || path.length === 0)
    throw new LaminaTypeError(
      'invalid-argument',
      `io.fileSystem: expected a path, received ${showJson(path)}`,
    );
  return {
    save: (artifacts) => saveArtifactsToFile(path, artifacts, shardSizeBytes),
    load: () => loadArtifactsFromFile(path),
  };
}

/** Whether this runs in Node (where a path without a scheme is a file). */
export function inNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}
