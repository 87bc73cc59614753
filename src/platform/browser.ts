/**
 * The browser variant of `node.ts` (bundlers swap it in through the `browser` map in
 * package.json): there is no file system, so asking for a Node module is an error that says
 * what to use instead, and the package's data files come embedded (`data-files.ts`, loaded on
 * first use so that a bundle that never loads a dataset can split it off).
 */
import { LaminaError } from '../errors.js';
import type { NodeBuiltins } from './types.js';

export type { NodeBuiltins } from './types.js';

export function nodeBuiltin<K extends keyof NodeBuiltins>(
  name: K,
  where: string,
): Promise<NodeBuiltins[K]> {
  return Promise.reject(
    new LaminaError(
      'unsupported',
      `${where} needs Node's file system (node:${name}), which a browser does not have; in a ` +
        `browser, save and load through 'indexeddb://', 'localstorage://', 'downloads://' or ` +
        `'http(s)://' URLs (the io namespace)`,
    ),
  );
}

/** A file shipped in the package's `data/` folder, as text (`.gz` files decompressed). */
export async function readPackageData(file: string): Promise<string> {
  const { DATA_FILES } = await import('./data-files.js');
  const base64 = DATA_FILES[file];
  if (base64 === undefined)
    throw new LaminaError(
      'io',
      `readPackageData: no data file '${file}' in this bundle (have: ${Object.keys(DATA_FILES).join(', ')})`,
    );
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (!file.endsWith('.gz')) return new TextDecoder().decode(bytes);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}
