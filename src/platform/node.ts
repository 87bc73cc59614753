/**
 * Lamina's door to Node's built-in modules, in its Node variant. Every module that needs the
 * file system, paths, hashes or gzip asks here instead of importing `node:*` itself, so that a
 * bundler building for browsers swaps this one file for `browser.ts` (the `browser` map in
 * package.json) and never meets a `node:` import. Each module is loaded on first use.
 */
import type { NodeBuiltins } from './types.js';

export type { NodeBuiltins } from './types.js';

/** Node's module `name`; `where` names the caller in the browser variant's error. */
export async function nodeBuiltin<K extends keyof NodeBuiltins>(
  name: K,
  where: string,
): Promise<NodeBuiltins[K]> {
  void where;
  // Literal specifiers, so that a bundler targeting Node sees every one.
  const loaders: { [N in keyof NodeBuiltins]: () => Promise<NodeBuiltins[N]> } = {
    fs: () => import('node:fs'),
    'fs/promises': () => import('node:fs/promises'),
    path: () => import('node:path'),
    crypto: () => import('node:crypto'),
    url: () => import('node:url'),
    zlib: () => import('node:zlib'),
  };
  return loaders[name]();
}

/** A file shipped in the package's `data/` folder, as text (`.gz` files decompressed). */
export async function readPackageData(file: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const bytes = await readFile(new URL(`../../data/${file}`, import.meta.url));
  if (file.endsWith('.gz')) {
    const { gunzipSync } = await import('node:zlib');
    return gunzipSync(bytes).toString('utf8');
  }
  return bytes.toString('utf8');
}
