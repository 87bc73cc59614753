/**
 * The models kept in the browser's stores: `listModels`, `removeModel`, `copyModel`,
 * `moveModel` over indexeddb:// and localstorage:// URLs, as TensorFlow.js's `tf.io` functions.
 * Copies and moves may cross stores (and go to or come from any URL a handler claims); a move
 * removes its source only after the copy is saved, so a failed move loses nothing.
 */
import { LaminaError, LaminaTypeError } from '../../errors.js';
import { INDEXED_DB_SCHEME, indexedDBManager } from './indexed-db.js';
import { LOCAL_STORAGE_SCHEME, localStorageManager } from './local-storage.js';
import { loadArtifactsFromUrl, saveArtifactsToUrl, schemeOf } from './router.js';
import type { ModelArtifactsInfo, ModelStoreManager } from './types.js';
import { showJson } from '../../validation/options.js';

function present(name: 'indexedDB' | 'localStorage'): boolean {
  try {
    return (globalThis as Record<string, unknown>)[name] != null;
  } catch {
    return false; // an opaque origin throws on access to localStorage
  }
}

const STORES: Record<string, { manager: () => ModelStoreManager; here: () => boolean }> = {
  indexeddb: { manager: () => indexedDBManager, here: () => present('indexedDB') },
  localstorage: { manager: () => localStorageManager(), here: () => present('localStorage') },
};

function storeOf(url: string, where: string): { manager: ModelStoreManager; path: string } {
  const scheme = typeof url === 'string' ? schemeOf(url) : null;
  const store = scheme === null ? undefined : STORES[scheme];
  if (scheme === null || store === undefined)
    throw new LaminaError(
      'unsupported',
      `${where}: expected the URL of a stored model (${INDEXED_DB_SCHEME}name or ${LOCAL_STORAGE_SCHEME}name), received ${showJson(url)}`,
    );
  return { manager: store.manager(), path: url.slice(scheme.length + 3) };
}

/**
 * Every model in the stores this environment has, by URL
 * (`{ 'indexeddb://my-model': { dateSaved, modelTopologyBytes, ... } }`).
 */
export async function listModels(): Promise<Record<string, ModelArtifactsInfo>> {
  const out: Record<string, ModelArtifactsInfo> = {};
  for (const [scheme, store] of Object.entries(STORES)) {
    if (!store.here()) continue;
    const models = await store.manager().listModels();
    for (const [path, info] of Object.entries(models)) out[`${scheme}://${path}`] = info;
  }
  return out;
}

/** Removes a stored model, returning what its save reported. */
export async function removeModel(url: string): Promise<ModelArtifactsInfo> {
  const { manager, path } = storeOf(url, `io.removeModel(${url})`);
  return manager.removeModel(path);
}

function checkPair(source: string, destination: string, where: string): void {
  if (typeof source !== 'string' || typeof destination !== 'string')
    throw new LaminaTypeError(
      'invalid-argument',
      `${where}: expected two URLs, received ${typeof source} and ${typeof destination}`,
    );
  if (source === destination)
    throw new LaminaError(
      'invalid-config',
      `${where}: the source and the destination are the same URL`,
    );
}

/** Copies the model at `source` to `destination` (any URLs handlers claim). */
export async function copyModel(source: string, destination: string): Promise<ModelArtifactsInfo> {
  checkPair(source, destination, `io.copyModel(${source}, ${destination})`);
  const artifacts = await loadArtifactsFromUrl(source);
  return (await saveArtifactsToUrl(destination, artifacts)).modelArtifactsInfo;
}

/** Moves a stored model (the source must be indexeddb:// or localstorage://). */
export async function moveModel(source: string, destination: string): Promise<ModelArtifactsInfo> {
  const where = `io.moveModel(${source}, ${destination})`;
  checkPair(source, destination, where);
  const { manager, path } = storeOf(source, where);
  const info = await copyModel(source, destination);
  await manager.removeModel(path);
  return info;
}
