/**
 * Which handler a URL string means. Routers registered with `registerLoadRouter` /
 * `registerSaveRouter` are asked first, in registration order (so an application can take over
 * a scheme, say https:// with its own authentication); then the built-in schemes: `file://`
 * (and, in Node, a path without a scheme), `http(s)://`, `indexeddb://`, `localstorage://`,
 * `downloads://` (save only). In a browser, a load URL without a scheme is fetched relative to
 * the page, as TensorFlow.js does.
 */
import { LaminaError, LaminaTypeError } from '../../errors.js';
import type { ModelArtifacts, SaveResult } from '../types.js';
import { DOWNLOADS_SCHEME, browserDownloads } from './browser-files.js';
import { FILE_SCHEME, fileSystem, inNode } from './file.js';
import { http, isHTTPScheme } from './http.js';
import { INDEXED_DB_SCHEME, browserIndexedDB } from './indexed-db.js';
import { LOCAL_STORAGE_SCHEME, browserLocalStorage } from './local-storage.js';
import type { HttpOptions, IOHandler, IORouter } from './types.js';

const loadRouters: IORouter[] = [];
const saveRouters: IORouter[] = [];

function register(list: IORouter[], router: IORouter, name: string): void {
  if (typeof router !== 'function')
    throw new LaminaTypeError(
      'invalid-argument',
      `io.${name}: expected a function (url) => handler | null, received ${typeof router}`,
    );
  list.push(router);
}

/** Adds a router asked, before the built-in schemes, for the handler loading a URL. */
export function registerLoadRouter(router: IORouter): void {
  register(loadRouters, router, 'registerLoadRouter');
}

/** Adds a router asked, before the built-in schemes, for the handler saving to a URL. */
export function registerSaveRouter(router: IORouter): void {
  register(saveRouters, router, 'registerSaveRouter');
}

/** The scheme of `url` (`indexeddb` for indexeddb://x), or null for a plain path. */
export function schemeOf(url: string): string | null {
  return /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1] ?? null;
}

function builtIn(
  url: string,
  kind: 'load' | 'save',
  options: HttpOptions,
  shardSizeBytes?: number,
): IOHandler | null {
  if (url.startsWith(INDEXED_DB_SCHEME)) return browserIndexedDB(url);
  if (url.startsWith(LOCAL_STORAGE_SCHEME)) return browserLocalStorage(url);
  if (url.startsWith(DOWNLOADS_SCHEME)) return kind === 'save' ? browserDownloads(url) : null;
  if (isHTTPScheme(url)) return http(url, options);
  if (url.startsWith(FILE_SCHEME)) return fileSystem(url, shardSizeBytes);
  if (schemeOf(url) !== null) return null;
  if (inNode()) return fileSystem(url, shardSizeBytes);
  return kind === 'load' ? http(url, options) : null;
}

/** What the registered routers answer for `url`, keeping handlers that can `kind`. */
function routed(
  routers: readonly IORouter[],
  url: string,
  kind: 'load' | 'save',
  options: HttpOptions,
): IOHandler[] {
  return routers
    .map((route) => route(url, options))
    .filter((h): h is IOHandler => h !== null && h !== undefined && typeof h[kind] === 'function');
}

function handlers(
  routers: readonly IORouter[],
  url: string,
  kind: 'load' | 'save',
  options: HttpOptions,
): IOHandler[] {
  const own = builtIn(url, kind, options);
  const found = routed(routers, url, kind, options);
  return own === null ? found : [...found, own];
}

/** The handlers that can load `url`, registered routers' first. */
export function getLoadHandlers(url: string, options: HttpOptions = {}): IOHandler[] {
  return handlers(loadRouters, url, 'load', options);
}

/** The handlers that can save to `url`, registered routers' first. */
export function getSaveHandlers(url: string): IOHandler[] {
  return handlers(saveRouters, url, 'save', {});
}

function noHandler(url: string, kind: 'load' | 'save', where: string): LaminaError {
  const schemes = `${inNode() ? 'a path, file://, ' : ''}http(s)://, indexeddb://, localstorage://${kind === 'save' ? ', downloads://' : ''}`;
  return new LaminaError(
    'unsupported',
    `${where}: no way to ${kind} '${url}': expected ${schemes} or a scheme registered with io.register${kind === 'load' ? 'Load' : 'Save'}Router`,
  );
}

/** The artifacts at `url`, through the first handler that claims it. */
export async function loadArtifactsFromUrl(
  url: string,
  options: HttpOptions = {},
): Promise<ModelArtifacts> {
  const handler = routed(loadRouters, url, 'load', options)[0] ?? builtIn(url, 'load', options);
  if (handler?.load === undefined) throw noHandler(url, 'load', `loadModel(${url})`);
  return handler.load();
}

/** Saves `artifacts` to `url`; files on disk in shards of at most `shardSizeBytes`. */
export async function saveArtifactsToUrl(
  url: string,
  artifacts: ModelArtifacts,
  shardSizeBytes?: number,
): Promise<SaveResult> {
  const handler =
    routed(saveRouters, url, 'save', {})[0] ?? builtIn(url, 'save', {}, shardSizeBytes);
  if (handler?.save === undefined) throw noHandler(url, 'save', `model.save(${url})`);
  return handler.save(artifacts);
}
