/**
 * Saving and loading: `saveModel` / `model.save`, `loadModel`, `model.loadWeights`,
 * `modelFromJSON`, in the Keras config format and the TensorFlow.js Layers format.
 */
import { LaminaError, toLaminaError } from '../errors.js';
import type { Model } from '../models/model.js';
import type { JsonObject } from '../serialization/keras-object.js';
import { loadWeightsFromArtifacts, modelFromArtifacts, modelToArtifacts } from './artifacts.js';
import { buildModel, topologyOf, withParamBudget } from './from-config.js';
import { loadArtifactsFromUrl, saveArtifactsToUrl } from './io/router.js';
import type { HttpOptions } from './io/types.js';
import { parseJson, sanitize } from './json.js';
import type {
  LoadHandler,
  LoadOptions,
  ModelArtifacts,
  SaveHandler,
  SaveOptions,
  SaveResult,
} from './types.js';
import { checkLoadOptions, checkSaveOptions } from './options.js';

export type * from './types.js';
export { modelToArtifacts, modelFromArtifacts } from './artifacts.js';

const DEFAULT_MAX_PARAMS = 2 ** 27;

/**
 * A model from Keras JSON (a string or parsed object): what `model.toJSON()`, Keras's
 * `model.to_json()` or TensorFlow.js's `model.toJSON()` write, or a whole model.json (its
 * topology only). Weights are freshly initialized.
 */
export function modelFromJSON(json: string | JsonObject, options: LoadOptions = {}): Model {
  const where = 'modelFromJSON';
  checkLoadOptions(options, where);
  try {
    const value = typeof json === 'string' ? parseJson(json, where) : sanitize(json, where);
    const object = topologyOf(value, where);
    return withParamBudget(options.maxParams ?? DEFAULT_MAX_PARAMS, () =>
      buildModel(object, where),
    );
  } catch (e) {
    throw toLaminaError(e, 'invalid-config', where);
  }
}

function isHandler<K extends string>(value: unknown, key: K): value is Record<K, () => unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[key] === 'function'
  );
}

async function artifactsFrom(
  source: string | ModelArtifacts | LoadHandler,
  where: string,
  options: HttpOptions = {},
): Promise<ModelArtifacts> {
  if (typeof source === 'string') return loadArtifactsFromUrl(source, options);
  if (isHandler(source, 'load')) return (await source.load()) as ModelArtifacts;
  if (typeof source === 'object' && source !== null) return source;
  throw new LaminaError(
    'invalid-config',
    `${where}: expected a path, model artifacts or a { load() } handler`,
  );
}

/**
 * Loads a model saved by Lamina or TensorFlow.js: a path (directory or model.json) or a URL
 * (file://, http(s)://, indexeddb://, localstorage://; see io), artifacts
 * `{ modelTopology, weightSpecs, weightData }` or a handler `{ load() }` (e.g. io.fromMemory).
 * For http(s), `options` also takes io.http's (requestInit, fetchFunc, weightPathPrefix...).
 * Every failure is a LaminaError.
 */
export async function loadModel(
  source: string | ModelArtifacts | LoadHandler,
  options: LoadOptions & HttpOptions = {},
): Promise<Model> {
  const where = typeof source === 'string' ? `loadModel(${source})` : 'loadModel';
  checkLoadOptions(options, where, true);
  try {
    return modelFromArtifacts(await artifactsFrom(source, where, options), options, where);
  } catch (e) {
    throw toLaminaError(e, 'invalid-config', where);
  }
}

/** Loads weights into `model`, all checked before any is assigned (a LaminaError otherwise). */
export async function loadWeights(
  model: Model,
  source: string | ModelArtifacts | LoadHandler,
  options: LoadOptions = {},
): Promise<void> {
  const where = `loadWeights (${model.name})`;
  checkLoadOptions(options, where);
  try {
    loadWeightsFromArtifacts(model, await artifactsFrom(source, where), options, where);
  } catch (e) {
    throw toLaminaError(e, 'invalid-config', where);
  }
}

/**
 * Saves to a path (Node, crash-safe), a URL (file://, http(s)://, indexeddb://,
 * localstorage://, downloads://; see io) or hands the artifacts to a `{ save }` handler.
 */
export async function saveModel(
  model: Model,
  target: string | SaveHandler,
  options: SaveOptions = {},
): Promise<SaveResult> {
  checkSaveOptions(options, `save (${model.name})`);
  const artifacts = modelToArtifacts(model, options);
  if (typeof target === 'string')
    return saveArtifactsToUrl(target, artifacts, options.shardSizeBytes);
  if (isHandler(target, 'save')) return target.save(artifacts);
  throw new TypeError(
    `saveModel: expected a path or a { save(artifacts) } handler, received ${typeof target}`,
  );
}
