/**
 * The types of `io`, under TensorFlow.js 4.x's names. The artifacts themselves are Lamina's
 * (`ModelArtifacts`, `WeightSpec`, `SaveResult` in ../types.ts), which TensorFlow.js's
 * `tf.io.ModelArtifacts` fits.
 */
import type { JsonObject } from '../../serialization/keras-object.js';
import type { ModelArtifacts, SaveResult, WeightSpec } from '../types.js';

export type { ModelArtifacts, SaveResult } from '../types.js';

/** What a save reports: when, and how many bytes of topology, specs and weights. */
export type ModelArtifactsInfo = SaveResult['modelArtifactsInfo'];

/** One weight in a manifest: `{ name, shape, dtype }`, optionally group and quantization. */
export type WeightsManifestEntry = WeightSpec;

/** A group of weights stored one after another across the files in `paths`. */
export interface WeightsManifestGroupConfig {
  paths: string[];
  weights: WeightsManifestEntry[];
}

export type WeightsManifestConfig = WeightsManifestGroupConfig[];

/** The content of model.json. */
export interface ModelJSON {
  modelTopology: JsonObject | null;
  weightsManifest: WeightsManifestConfig;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: JsonObject;
  userDefinedMetadata?: JsonObject;
}

export type TrainingConfig = JsonObject;

export type WeightData = ArrayBuffer | ArrayBuffer[];

export type OnProgressCallback = (fraction: number) => void;

/** Options of `io.http` and of loading an http(s) URL. */
export interface HttpOptions {
  /** Passed to every `fetch` (headers, credentials...); must not have a body. */
  requestInit?: RequestInit;
  /** Used instead of the global `fetch`. */
  fetchFunc?: typeof fetch;
  /** Where the shards are, instead of model.json's folder (a prefix the shard names follow). */
  weightPathPrefix?: string;
  /** Maps a shard name from the manifest to the URL to fetch (replaces weightPathPrefix). */
  weightUrlConverter?: (weightFileName: string) => Promise<string>;
  /** Called with the fraction of shards received, from 0 to 1. */
  onProgress?: OnProgressCallback;
}

/** TensorFlow.js's names: a handler's `load` and `save` functions. */
export type LoadHandler = () => Promise<ModelArtifacts>;
export type SaveHandler = (artifacts: ModelArtifacts) => Promise<SaveResult>;

/** A handler: what `model.save` and `loadModel` accept in place of a URL. */
export interface IOHandler {
  load?: LoadHandler;
  save?: SaveHandler;
}

/** TensorFlow.js's `io.LoadOptions`: the http options, and `strict` (see loadModel). */
export interface LoadOptions extends HttpOptions {
  /** Refuse weights of other names than the model's (default true). */
  strict?: boolean;
}

/** Handlers as the functions here return them, with the methods they have. */
export interface LoadHandlerObject {
  load: LoadHandler;
}

export interface SaveHandlerObject {
  save: SaveHandler;
}

export interface IOHandlerSync {
  load?: () => ModelArtifacts;
  save?: (artifacts: ModelArtifacts) => SaveResult;
}

/** A function that claims a URL by returning a handler for it, or null to pass it on. */
export type IORouter = (url: string, options?: HttpOptions) => IOHandler | null;

/** A store that can list and remove its models (indexeddb://, localstorage://). */
export interface ModelStoreManager {
  listModels(): Promise<Record<string, ModelArtifactsInfo>>;
  removeModel(path: string): Promise<ModelArtifactsInfo>;
}

/** The part of the Web Storage API that localstorage:// needs. */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;
