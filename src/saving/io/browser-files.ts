/**
 * Files the user picks and files the browser downloads. `browserFiles([json, ...shards])` reads
 * a model from `File`s (an `<input type="file" multiple>`), matching each shard of the manifest
 * to a file by base name; `browserDownloads('name')` saves `name.json` and `name.weights.bin`
 * by clicking a download link for each, as TensorFlow.js does.
 */
import { LaminaError, LaminaTypeError } from '../../errors.js';
import { parseJson } from '../json.js';
import {
  artifactsInfo,
  checkShardBytes,
  joinShards,
  modelJsonFor,
  readModelJson,
  weightBuffer,
} from './model-json.js';
import type { LoadHandlerObject, SaveHandlerObject } from './types.js';

export const DOWNLOADS_SCHEME = 'downloads://';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** A load handler reading model.json and its shards from `files` (the JSON first). */
export function browserFiles(files: readonly File[]): LoadHandlerObject {
  if (!Array.isArray(files) || files.length === 0)
    throw new LaminaTypeError(
      'invalid-argument',
      `io.browserFiles: expected [model.json, ...weight files] as File objects, received ${Array.isArray(files) ? 'an empty list' : typeof files}`,
    );
  const [jsonFile, ...weightFiles] = files as [File, ...File[]];
  return {
    async load() {
      const where = `loadModel(io.browserFiles: ${jsonFile.name})`;
      const { artifacts, paths } = readModelJson(parseJson(await jsonFile.text(), where), where);
      if (artifacts.modelTopology === null || artifacts.modelTopology === undefined)
        throw new LaminaError('no-topology', `${where}: the JSON file has no modelTopology`);
      const byName = new Map(weightFiles.map((f) => [baseName(f.name), f]));
      const seen = new Set<string>();
      const chosen = paths.map((p) => {
        const name = baseName(p);
        if (seen.has(name))
          throw new LaminaError('invalid-config', `${where}: the manifest names '${name}' twice`);
        seen.add(name);
        const file = byName.get(name);
        if (file === undefined)
          throw new LaminaError(
            'missing-weight',
            `${where}: the manifest lists the weight file '${name}', which is not among the files given (${[...byName.keys()].join(', ') || 'none'})`,
          );
        return file;
      });
      if (chosen.length !== weightFiles.length)
        throw new LaminaError(
          'invalid-config',
          `${where}: the manifest lists ${chosen.length} weight files, ${weightFiles.length} were given`,
        );
      const data = joinShards(await Promise.all(chosen.map((f) => f.arrayBuffer())));
      checkShardBytes(artifacts.weightSpecs ?? [], data.byteLength, where);
      return { ...artifacts, weightData: data.buffer as ArrayBuffer };
    },
  };
}

/** Waits a task, so that each click is its own user-visible download. */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** A save handler that downloads `<prefix>.json` and `<prefix>.weights.bin` (browsers). */
export function browserDownloads(prefix = 'model'): SaveHandlerObject {
  const name =
    (prefix.startsWith(DOWNLOADS_SCHEME) ? prefix.slice(DOWNLOADS_SCHEME.length) : prefix) ||
    'model';
  const jsonName = `${name}.json`;
  const weightsName = `${name}.weights.bin`;
  return {
    async save(artifacts) {
      const where = `model.save(${DOWNLOADS_SCHEME}${name})`;
      if (typeof document === 'undefined')
        throw new LaminaError(
          'unsupported',
          `${where}: downloads need a browser page (no document here); in Node save to a path`,
        );
      const json = modelJsonFor(artifacts, [`./${weightsName}`]);
      const files: [string, Blob][] = [
        [jsonName, new Blob([JSON.stringify(json)], { type: 'application/json' })],
      ];
      if (artifacts.weightData != null)
        files.push([
          weightsName,
          new Blob([weightBuffer(artifacts, where)], { type: 'application/octet-stream' }),
        ]);
      for (const [fileName, blob] of files) {
        const anchor = document.createElement('a');
        anchor.download = fileName;
        anchor.href = URL.createObjectURL(blob);
        await nextTask();
        anchor.dispatchEvent(new MouseEvent('click'));
        // The object URL is not revoked: revoking it right after the click can cancel the
        // download in some browsers, and the page frees it when it unloads.
      }
      return { modelArtifactsInfo: artifactsInfo(artifacts, where) };
    },
  };
}
