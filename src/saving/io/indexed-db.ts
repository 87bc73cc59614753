/**
 * indexeddb://name, in TensorFlow.js's layout so that either library reads what the other
 * stored: database `tensorflowjs` (version 1) with two object stores keyed by `modelPath`,
 * `model_info_store` holding `{ modelPath, modelArtifactsInfo }` and `models_store` holding
 * `{ modelPath, modelArtifacts, modelArtifactsInfo }`, the weights as one ArrayBuffer. Lamina
 * writes both records in one transaction, so a failed save leaves neither behind.
 */
import { LaminaError, LaminaTypeError } from '../../errors.js';
import type { ModelArtifacts, SaveResult } from '../types.js';
import { artifactsInfo, weightBuffer } from './model-json.js';
import type {
  LoadHandlerObject,
  ModelArtifactsInfo,
  ModelStoreManager,
  SaveHandlerObject,
} from './types.js';
import { showJson } from '../../validation/options.js';

export const INDEXED_DB_SCHEME = 'indexeddb://';
const DATABASE = 'tensorflowjs';
const VERSION = 1;
const MODELS = 'models_store';
const INFOS = 'model_info_store';

const stripScheme = (path: string): string =>
  path.startsWith(INDEXED_DB_SCHEME) ? path.slice(INDEXED_DB_SCHEME.length) : path;

const reason = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message}` : String(e ?? 'unknown error');

function factory(where: string): IDBFactory {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (idb === undefined || idb === null)
    throw new LaminaError(
      'unsupported',
      `${where}: no IndexedDB in this environment (expected a browser or a worker)`,
    );
  return idb;
}

function open(where: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory(where).open(DATABASE, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const name of [MODELS, INFOS])
        if (!db.objectStoreNames.contains(name))
          db.createObjectStore(name, { keyPath: 'modelPath' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () =>
      reject(
        new LaminaError(
          'io',
          `${where}: cannot open IndexedDB database '${DATABASE}' (${reason(request.error)})`,
        ),
      );
    request.onblocked = () =>
      reject(
        new LaminaError(
          'io',
          `${where}: IndexedDB database '${DATABASE}' is blocked by another connection`,
        ),
      );
  });
}

/**
 * Runs `body` in one transaction over `stores` and resolves with what it returned once the
 * transaction has committed (its requests' results are read in their success callbacks).
 */
async function transact<T>(
  where: string,
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction, fail: (message: string) => void) => () => T,
): Promise<T> {
  const db = await open(where);
  try {
    return await new Promise<T>((resolve, reject) => {
      let failure: LaminaError | undefined;
      let tx: IDBTransaction;
      try {
        tx = db.transaction([MODELS, INFOS], mode);
      } catch (e) {
        reject(new LaminaError('io', `${where}: ${reason(e)}`, { cause: e }));
        return;
      }
      const fail = (message: string): void => {
        failure = new LaminaError('io', `${where}: ${message}`);
        tx.abort();
      };
      let result: () => T;
      try {
        result = body(tx, fail);
      } catch (e) {
        tx.abort();
        reject(
          new LaminaError('io', `${where}: IndexedDB refused the request (${reason(e)})`, {
            cause: e,
          }),
        );
        return;
      }
      tx.oncomplete = () => resolve(result());
      tx.onabort = () =>
        reject(
          failure ??
            new LaminaError(
              'io',
              `${where}: the IndexedDB transaction failed (${reason(tx.error)})`,
            ),
        );
    });
  } finally {
    db.close();
  }
}

/** A stored record's value once its request succeeded (undefined until then). */
function read<T>(request: IDBRequest): () => T | undefined {
  let value: T | undefined;
  request.onsuccess = () => (value = request.result as T | undefined);
  return () => value;
}

interface InfoRecord {
  modelPath: string;
  modelArtifactsInfo: ModelArtifactsInfo;
}

interface ModelRecord extends InfoRecord {
  modelArtifacts: ModelArtifacts;
}

class IndexedDBHandler {
  constructor(private readonly path: string) {
    if (typeof path !== 'string' || path.length === 0)
      throw new LaminaTypeError(
        'invalid-argument',
        `indexeddb://: expected a model name, received ${showJson(path)}`,
      );
  }

  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const where = `model.save(${INDEXED_DB_SCHEME}${this.path})`;
    const modelArtifactsInfo = artifactsInfo(artifacts, where);
    // Plain data only (structured clone): the weights as one ArrayBuffer, as TensorFlow.js stores them.
    const stored: ModelArtifacts = { ...artifacts, weightData: weightBuffer(artifacts, where) };
    await transact(where, 'readwrite', (tx) => {
      tx.objectStore(INFOS).put({ modelPath: this.path, modelArtifactsInfo });
      tx.objectStore(MODELS).put({
        modelPath: this.path,
        modelArtifacts: stored,
        modelArtifactsInfo,
      });
      return () => undefined;
    });
    return { modelArtifactsInfo };
  }

  async load(): Promise<ModelArtifacts> {
    const where = `loadModel(${INDEXED_DB_SCHEME}${this.path})`;
    const record = await transact(where, 'readonly', (tx) =>
      read<ModelRecord>(tx.objectStore(MODELS).get(this.path)),
    );
    if (record === undefined)
      throw new LaminaError(
        'io',
        `${where}: no model named '${this.path}' in IndexedDB (database '${DATABASE}', store '${MODELS}')`,
      );
    if (typeof record.modelArtifacts !== 'object' || record.modelArtifacts === null)
      throw new LaminaError(
        'invalid-config',
        `${where}: the stored record holds no modelArtifacts`,
      );
    return record.modelArtifacts;
  }
}

/** The handler of indexeddb://`path` (browsers and workers). */
export function browserIndexedDB(path: string): LoadHandlerObject & SaveHandlerObject {
  return new IndexedDBHandler(stripScheme(path));
}

/** Lists and removes the models stored under indexeddb://. */
export const indexedDBManager: ModelStoreManager = {
  async listModels() {
    const records = await transact(`io.listModels(${INDEXED_DB_SCHEME})`, 'readonly', (tx) =>
      read<InfoRecord[]>(tx.objectStore(INFOS).getAll()),
    );
    const out: Record<string, ModelArtifactsInfo> = {};
    for (const r of records ?? []) out[r.modelPath] = r.modelArtifactsInfo;
    return out;
  },

  async removeModel(url) {
    const path = stripScheme(url);
    const where = `io.removeModel(${INDEXED_DB_SCHEME}${path})`;
    return transact(where, 'readwrite', (tx, fail) => {
      let info: ModelArtifactsInfo | undefined;
      const request = tx.objectStore(INFOS).get(path);
      request.onsuccess = () => {
        const record = request.result as InfoRecord | undefined;
        if (record === undefined)
          return fail(
            `no model named '${path}' in IndexedDB (database '${DATABASE}', store '${INFOS}')`,
          );
        info = record.modelArtifactsInfo;
        tx.objectStore(INFOS).delete(path);
        tx.objectStore(MODELS).delete(path);
      };
      return () => info as ModelArtifactsInfo;
    });
  },
};
