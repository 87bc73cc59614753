/**
 * `io`: handlers for saving and loading models, under TensorFlow.js 4.x's `tf.io` names.
 * `model.save(url)` and `loadModel(url)` choose one by the URL's scheme (./router.ts); these
 * build one explicitly, or manage the models kept in a browser.
 */
import { concatWeightData } from '../weights.js';
import type { ModelArtifacts } from '../types.js';
import { artifactsInfo, joinShards } from './model-json.js';
import type { ModelArtifactsInfo, WeightsManifestConfig, WeightsManifestEntry } from './types.js';

export { fromMemory, fromMemorySync, withSaveHandler, withSaveHandlerSync } from './memory.js';
export { http, browserHTTPRequest, isHTTPScheme } from './http.js';
export { browserFiles, browserDownloads } from './browser-files.js';
export { browserLocalStorage } from './local-storage.js';
export { browserIndexedDB } from './indexed-db.js';
export { fileSystem } from './file.js';
export {
  registerLoadRouter,
  registerSaveRouter,
  getLoadHandlers,
  getSaveHandlers,
} from './router.js';
export { listModels, removeModel, copyModel, moveModel } from './management.js';
export type {
  HttpOptions,
  IOHandler,
  IOHandlerSync,
  IORouter,
  LoadHandler,
  LoadHandlerObject,
  LoadOptions,
  SaveHandler,
  SaveHandlerObject,
  ModelArtifacts,
  ModelArtifactsInfo,
  ModelJSON,
  ModelStoreManager,
  OnProgressCallback,
  SaveResult,
  StorageLike,
  TrainingConfig,
  WeightData,
  WeightsManifestConfig,
  WeightsManifestEntry,
  WeightsManifestGroupConfig,
} from './types.js';

/** What saving `artifacts` reports: the date and the byte counts of each part. */
export function getModelArtifactsInfoForJSON(artifacts: ModelArtifacts): ModelArtifactsInfo {
  return artifactsInfo(artifacts, 'io.getModelArtifactsInfoForJSON');
}

/** The weight specs of every group of a manifest, in order. */
export function getWeightSpecs(manifest: WeightsManifestConfig): WeightsManifestEntry[] {
  return manifest.flatMap((group) => group.weights);
}

/** One ArrayBuffer holding `buffers` one after another. */
export function concatenateArrayBuffers(buffers: ArrayBuffer[] | ArrayBuffer): ArrayBuffer {
  if (buffers instanceof ArrayBuffer) return concatWeightData(buffers, 'io').slice().buffer;
  return joinShards(buffers).buffer as ArrayBuffer;
}
