/**
 * http:// and https://. Loading fetches model.json, then every shard its weightsManifest names,
 * relative to model.json's folder (or `weightPathPrefix`); saving POSTs multipart/form-data with
 * the parts `model.json` and `model.weights.bin`, as TensorFlow.js's `io.http` does, so servers
 * written for TensorFlow.js receive the same request.
 */
import { LaminaError, LaminaTypeError } from '../../errors.js';
import { parseJson } from '../json.js';
import type { ModelArtifacts, SaveResult } from '../types.js';
import {
  artifactsInfo,
  checkShardBytes,
  joinShards,
  modelJsonFor,
  readModelJson,
  weightBuffer,
} from './model-json.js';
import type { HttpOptions, IOHandler } from './types.js';

const WEIGHTS_FILE = 'model.weights.bin';

export function isHTTPScheme(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** model.json's folder (with its slash) and the query string, which each shard URL repeats. */
function folderAndQuery(url: string): [string, string] {
  const slash = url.lastIndexOf('/');
  const query = url.lastIndexOf('?');
  return [url.slice(0, slash + 1), query > slash ? url.slice(query) : ''];
}

const statusText = (r: Response): string =>
  `HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`;

class HttpHandler implements Required<IOHandler> {
  private readonly fetch: typeof fetch;

  constructor(
    private readonly url: string,
    private readonly options: HttpOptions,
  ) {
    if (typeof url !== 'string' || url.length === 0)
      throw new LaminaTypeError(
        'invalid-argument',
        `io.http: expected the URL of model.json, received ${String(url)}`,
      );
    if (options.requestInit?.body != null)
      throw new LaminaTypeError(
        'invalid-argument',
        `io.http(${url}): requestInit must not have a body (the handler sends its own)`,
      );
    const fetchFunc = options.fetchFunc ?? globalThis.fetch;
    if (typeof fetchFunc !== 'function')
      throw new LaminaError(
        'unsupported',
        `io.http(${url}): no fetch in this environment; pass options.fetchFunc`,
      );
    // Called as a plain function: browsers may refuse a fetch whose `this` is not the window.
    this.fetch = (input, init) => fetchFunc(input, init);
  }

  private async request(
    url: string,
    init: RequestInit | undefined,
    where: string,
  ): Promise<Response> {
    try {
      return await this.fetch(url, init);
    } catch (e) {
      throw new LaminaError(
        'io',
        `${where}: ${init?.method ?? 'GET'} ${url} failed (${(e as Error).message})`,
        {
          cause: e,
        },
      );
    }
  }

  async load(): Promise<ModelArtifacts> {
    const where = `loadModel(${this.url})`;
    const response = await this.request(this.url, this.options.requestInit, where);
    if (!response.ok)
      throw new LaminaError(
        'io',
        `${where}: GET ${this.url} answered ${statusText(response)}; expected 200 and the model JSON (model.json)`,
      );
    const { artifacts, paths } = readModelJson(parseJson(await response.text(), where), where);
    const urls = await this.shardUrls(paths);
    let received = 0;
    this.options.onProgress?.(0);
    const shards = await Promise.all(
      urls.map(async (url, i) => {
        const shard = await this.request(url, this.options.requestInit, where);
        if (!shard.ok)
          throw new LaminaError(
            'io',
            `${where}: weight shard '${paths[i]}' (GET ${url}) answered ${statusText(shard)}; model.json's weightsManifest lists it`,
          );
        const bytes = await shard.arrayBuffer();
        this.options.onProgress?.(++received / urls.length);
        return bytes;
      }),
    );
    const data = joinShards(shards);
    checkShardBytes(artifacts.weightSpecs ?? [], data.byteLength, where);
    return { ...artifacts, weightData: data.buffer as ArrayBuffer };
  }

  private async shardUrls(paths: string[]): Promise<string[]> {
    const convert = this.options.weightUrlConverter;
    if (convert !== undefined) return Promise.all(paths.map((p) => convert(p)));
    const [folder, query] = folderAndQuery(this.url);
    const prefix = this.options.weightPathPrefix ?? folder;
    return paths.map((p) => prefix + p + query);
  }

  async save(artifacts: ModelArtifacts): Promise<SaveResult> {
    const where = `model.save(${this.url})`;
    const body = new FormData();
    const json = modelJsonFor(artifacts, [`./${WEIGHTS_FILE}`]);
    body.append(
      'model.json',
      new Blob([JSON.stringify(json)], { type: 'application/json' }),
      'model.json',
    );
    if (artifacts.weightData != null)
      body.append(
        WEIGHTS_FILE,
        new Blob([weightBuffer(artifacts, where)], { type: 'application/octet-stream' }),
        WEIGHTS_FILE,
      );
    const init: RequestInit = { method: 'POST', ...this.options.requestInit, body };
    const response = await this.request(this.url, init, where);
    if (!response.ok)
      throw new LaminaError(
        'io',
        `${where}: ${init.method} ${this.url} answered ${statusText(response)}; expected a 2xx status`,
      );
    return { modelArtifactsInfo: artifactsInfo(artifacts, where), responses: [response] };
  }
}

/**
 * A handler for a model served over http(s): `loadModel(io.http(url, { requestInit }))`, or
 * `model.save(io.http(url))` to POST it.
 */
export function http(url: string, options: HttpOptions = {}): Required<IOHandler> {
  return new HttpHandler(url, options);
}

/** TensorFlow.js's former name of `http`. */
export const browserHTTPRequest = http;
