/**
 * localstorage://name, with TensorFlow.js's keys, so that either library reads what the other
 * stored: `tensorflowjs_models/<name>/` followed by `info`, `model_topology`, `weight_specs`,
 * `weight_data` (base64) and `model_metadata`, each a JSON string. Web Storage holds strings
 * only and a few MiB per origin: this suits small models; IndexedDB holds large ones.
 */
import { LaminaError, LaminaTypeError } from '../../errors.js';
import { expectObject, isObject, parseJson } from '../json.js';
import type { ModelArtifacts, SaveResult } from '../types.js';
import { artifactsInfo, weightBuffer } from './model-json.js';
import type {
  LoadHandlerObject,
  ModelArtifactsInfo,
  ModelStoreManager,
  SaveHandlerObject,
  StorageLike,
} from './types.js';
import { showJson } from '../../validation/options.js';

export const LOCAL_STORAGE_SCHEME = 'localstorage://';
const PREFIX = 'tensorflowjs_models/';
const INFO = '/info';

function keysOf(path: string) {
  const base = `${PREFIX}${path}/`;
  return {
    info: `${base}info`,
    topology: `${base}model_topology`,
    weightSpecs: `${base}weight_specs`,
    weightData: `${base}weight_data`,
    metadata: `${base}model_metadata`,
  };
}

const stripScheme = (path: string): string =>
  path.startsWith(LOCAL_STORAGE_SCHEME) ? path.slice(LOCAL_STORAGE_SCHEME.length) : path;

/** The page's localStorage, or a LaminaError saying there is none. */
export function globalLocalStorage(where: string): StorageLike {
  let storage: StorageLike | undefined;
  try {
    storage = (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch (e) {
    // Opaque origins (sandboxed frames, file: pages) throw on access.
    throw new LaminaError(
      'unsupported',
      `${where}: localStorage is not accessible here (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  if (storage === undefined || storage === null)
    throw new LaminaError(
      'unsupported',
      `${where}: no localStorage in this environment (browsers have one; elsewhere pass a Storage to io.browserLocalStorage)`,
    );
  return storage;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // String.fromCharCode takes its bytes as arguments: a bounded number per call.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string, where: string): ArrayBuffer {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new LaminaError('invalid-config', `${where}: the stored weight data is not base64`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function readInfo(text: string, where: string): ModelArtifactsInfo {
  const info = expectObject(parseJson(text, where), where) as unknown as ModelArtifactsInfo;
  // Stored as JSON, the date is a string; callers get the Date the type promises.
  return { ...info, dateSaved: new Date(info.dateSaved) };
}

class LocalStorageHandler {
  private readonly keys: ReturnType<typeof keysOf>;

  constructor(
    private readonly path: string,
    private readonly storage: StorageLike | undefined,
  ) {
    if (typeof path !== 'string' || path.length === 0)
      throw new LaminaTypeError(
        'invalid-argument',
        `localstorage://: expected a model name, received ${showJson(path)}`,
      );
    this.keys = keysOf(path);
  }

  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const where = `model.save(${LOCAL_STORAGE_SCHEME}${this.path})`;
    const storage = this.storage ?? globalLocalStorage(where);
    const info = artifactsInfo(artifacts, where);
    const metadata = {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      userDefinedMetadata: artifacts.userDefinedMetadata ?? undefined,
      trainingConfig: artifacts.trainingConfig ?? undefined,
    };
    const weights = toBase64(new Uint8Array(weightBuffer(artifacts, where)));
    try {
      storage.setItem(this.keys.info, JSON.stringify(info));
      storage.setItem(this.keys.topology, JSON.stringify(artifacts.modelTopology ?? null));
      storage.setItem(this.keys.weightSpecs, JSON.stringify(artifacts.weightSpecs ?? []));
      storage.setItem(this.keys.weightData, weights);
      storage.setItem(this.keys.metadata, JSON.stringify(metadata));
    } catch (e) {
      // A half-written model would list as present: remove every key of this one.
      for (const key of Object.values(this.keys)) storage.removeItem(key);
      throw new LaminaError(
        'io',
        `${where}: localStorage refused the model (${(e as Error).message}); its quota is a few MiB per origin and this model needs ${weights.length} characters of weight data plus ${info.modelTopologyBytes} of topology (IndexedDB holds larger models)`,
        { cause: e },
      );
    }
    return { modelArtifactsInfo: info };
  }

  async load(): Promise<ModelArtifacts> {
    const where = `loadModel(${LOCAL_STORAGE_SCHEME}${this.path})`;
    const storage = this.storage ?? globalLocalStorage(where);
    const read = (key: string, what: string): string => {
      const value = storage.getItem(key);
      if (value === null)
        throw new LaminaError(
          'io',
          what === 'info'
            ? `${where}: no model named '${this.path}' in localStorage (no key '${key}')`
            : `${where}: the model's ${what} is missing from localStorage (no key '${key}')`,
        );
      return value;
    };
    const info = readInfo(read(this.keys.info, 'info'), `${where}: ${this.keys.info}`);
    if (info.modelTopologyType !== 'JSON')
      throw new LaminaError(
        'unsupported',
        `${where}: expected a JSON model topology, the stored model has ${String(info.modelTopologyType)}`,
      );
    const artifacts: ModelArtifacts = {
      modelTopology: parseJson(
        read(this.keys.topology, 'topology'),
        `${where}: ${this.keys.topology}`,
      ) as ModelArtifacts['modelTopology'],
      weightSpecs: parseJson(
        read(this.keys.weightSpecs, 'weight specs'),
        `${where}: ${this.keys.weightSpecs}`,
      ) as unknown as ModelArtifacts['weightSpecs'],
    };
    const metadataText = storage.getItem(this.keys.metadata);
    if (metadataText !== null) {
      const metadata = parseJson(metadataText, `${where}: ${this.keys.metadata}`);
      if (isObject(metadata)) {
        if (typeof metadata.format === 'string') artifacts.format = metadata.format;
        if (typeof metadata.generatedBy === 'string') artifacts.generatedBy = metadata.generatedBy;
        if (typeof metadata.convertedBy === 'string') artifacts.convertedBy = metadata.convertedBy;
        if (isObject(metadata.trainingConfig)) artifacts.trainingConfig = metadata.trainingConfig;
        if (isObject(metadata.userDefinedMetadata))
          artifacts.userDefinedMetadata = metadata.userDefinedMetadata;
      }
    }
    artifacts.weightData = fromBase64(read(this.keys.weightData, 'weight data'), where);
    return artifacts;
  }
}

/**
 * The handler of localstorage://`path`; `storage` defaults to the page's localStorage (pass
 * any Web Storage implementation elsewhere).
 */
export function browserLocalStorage(
  path: string,
  storage?: StorageLike,
): LoadHandlerObject & SaveHandlerObject {
  return new LocalStorageHandler(stripScheme(path), storage);
}

/** Lists and removes the models stored under localstorage:// (in `storage` or the page's). */
export function localStorageManager(storage?: StorageLike): ModelStoreManager {
  const store = (where: string): StorageLike => storage ?? globalLocalStorage(where);
  return {
    async listModels() {
      const where = `io.listModels(${LOCAL_STORAGE_SCHEME})`;
      const s = store(where);
      const out: Record<string, ModelArtifactsInfo> = {};
      for (let i = 0; i < s.length; i++) {
        const key = s.key(i);
        if (key === null || !key.startsWith(PREFIX) || !key.endsWith(INFO)) continue;
        const path = key.slice(PREFIX.length, -INFO.length);
        if (path.length > 0) out[path] = readInfo(s.getItem(key) ?? 'null', `${where}: ${key}`);
      }
      return out;
    },
    async removeModel(url) {
      const path = stripScheme(url);
      const where = `io.removeModel(${LOCAL_STORAGE_SCHEME}${path})`;
      const s = store(where);
      const keys = keysOf(path);
      const text = s.getItem(keys.info);
      if (text === null)
        throw new LaminaError(
          'io',
          `${where}: no model named '${path}' in localStorage (no key '${keys.info}')`,
        );
      const info = readInfo(text, `${where}: ${keys.info}`);
      for (const key of Object.values(keys)) s.removeItem(key);
      return info;
    },
  };
}
