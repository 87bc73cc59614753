/**
 * Saving and loading: `saveModel` / `model.save`, `loadModel`, `model.loadWeights`,
 * `modelFromJSON`, in the Keras config format and the TensorFlow.js Layers format.
 */
import { LaminaError, toLaminaError, LaminaTypeError } from '../errors.js';
import type { Model } from '../models/model.js';
import type { JsonObject } from '../serialization/keras-object.js';
import { loadWeightsFromArtifacts, modelFromArtifacts, modelToArtifacts } from './artifacts.js';
import { buildModel, topologyOf, withParamBudget } from './from-config.js';
import { loadArtifactsFromUrl, saveArtifactsToUrl } from './io/router.js';
import type { HttpOptions } from './io/types.js';
import { parseJson, sanitize } from './json.js';
import {
  isKerasBytes,
  isKerasPath,
  loadKerasModel,
  loadKerasWeights,
  saveKerasFile,
  type KerasBytes,
} from './keras/files.js';
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
export { saveKerasArchive, type KerasArchiveOptions } from './keras/archive.js';
export type { KerasBytes } from './keras/files.js';

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
 * Loads a model saved by Lamina, TensorFlow.js or Keras 3: a path (directory or model.json, or a
 * `.keras` / legacy `.h5` file) or a URL (file://, http(s)://, indexeddb://, localstorage://; see
 * io), the bytes of a Keras file (ArrayBuffer, Uint8Array, Blob), artifacts
 * `{ modelTopology, weightSpecs, weightData }` or a handler `{ load() }` (e.g. io.fromMemory).
 * For http(s), `options` also takes io.http's (requestInit, fetchFunc, weightPathPrefix...).
 * Every failure is a LaminaError.
 * @example
 * ```ts
 * const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
 * await m.save('saved.keras');
 * const loaded = await loadModel('saved.keras');
 * loaded.predict(ones([1, 3])); // shape [1, 2]
 * ```
 */
export async function loadModel(
  source: string | KerasBytes | ModelArtifacts | LoadHandler,
  options: LoadOptions & HttpOptions = {},
): Promise<Model> {
  const where = typeof source === 'string' ? `loadModel(${source})` : 'loadModel';
  checkLoadOptions(options, where, true);
  try {
    if ((typeof source === 'string' && isKerasPath(source)) || isKerasBytes(source))
      return await loadKerasModel(source, options, where);
    return modelFromArtifacts(await artifactsFrom(source, where, options), options, where);
  } catch (e) {
    throw toLaminaError(e, 'invalid-config', where);
  }
}

/**
 * Loads weights into `model`, all checked before any is assigned (a LaminaError otherwise): from
 * the TensorFlow.js format, or a Keras file (`.keras`, `.weights.h5`, legacy `.h5`; path or bytes).
 * @example
 * ```ts
 * const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
 * await m.save('weights.weights.h5');
 * await loadWeights(m, 'weights.weights.h5');
 * ```
 */
export async function loadWeights(
  model: Model,
  source: string | KerasBytes | ModelArtifacts | LoadHandler,
  options: LoadOptions = {},
): Promise<void> {
  const where = `loadWeights (${model.name})`;
  checkLoadOptions(options, where);
  try {
    if ((typeof source === 'string' && isKerasPath(source)) || isKerasBytes(source))
      return await loadKerasWeights(model, source, options, where);
    loadWeightsFromArtifacts(model, await artifactsFrom(source, where), options, where);
  } catch (e) {
    throw toLaminaError(e, 'invalid-config', where);
  }
}

/**
 * Saves to a path (Node, crash-safe): a `.keras` file (Keras 3's archive), a `.weights.h5` file
 * (Keras 3's weights only) or else the TensorFlow.js Layers format; to a URL (file://,
 * http(s)://, indexeddb://, localstorage://, downloads://; see io); or hands the artifacts to a
 * `{ save }` handler. For `.keras`, a compiled model's compile config and optimizer state are
 * included unless `includeOptimizer` is false.
 * @example
 * ```ts
 * const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
 * await saveModel(m, 'saved-model'); // the TensorFlow.js Layers format
 * await saveModel(m, 'saved.weights.h5'); // Keras 3's weights file
 * ```
 */
export async function saveModel(
  model: Model,
  target: string | SaveHandler,
  options: SaveOptions = {},
): Promise<SaveResult> {
  checkSaveOptions(options, `save (${model.name})`);
  if (typeof target === 'string' && isKerasPath(target)) {
    if (options.weightsOnly === true && !/\.weights\.h5$/i.test(target))
      throw new LaminaTypeError(
        'invalid-argument',
        `saveModel(${target}): weightsOnly writes Keras weights to a '.weights.h5' path; a .keras archive holds the whole model`,
      );
    return saveKerasFile(model, target, { includeOptimizer: options.includeOptimizer });
  }
  const artifacts = modelToArtifacts(model, options);
  if (typeof target === 'string')
    return saveArtifactsToUrl(target, artifacts, options.shardSizeBytes);
  if (isHandler(target, 'save')) return target.save(artifacts);
  throw new LaminaTypeError(
    'invalid-argument',
    `saveModel: expected a path or a { save(artifacts) } handler, received ${typeof target}`,
  );
}
