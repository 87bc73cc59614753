/**
 * The zip container of a `.keras` archive, through fflate (loaded on first use, so that users who
 * never touch Keras files never load it). Reading is defensive: entry names that could escape a
 * folder are refused, and every declared size is checked against the archive's real size and a
 * budget before anything is inflated (a zip bomb fails before it allocates).
 */
import { LaminaError } from '../../errors.js';

/** Largest total of uncompressed entries read from one archive. */
export const MAX_UNZIPPED_BYTES = 2 ** 31;
/** Deflate cannot expand data more than about 1032 times; a larger claim is a lie. */
const MAX_DEFLATE_RATIO = 1032;

import type * as FflateApi from 'fflate';

type Fflate = typeof FflateApi;
let fflate: Promise<Fflate> | null = null;
const loadFflate = (): Promise<Fflate> => (fflate ??= import('fflate'));

/** Why `name` is not a safe relative entry name, or null when it is. */
function unsafeEntryName(name: string): string | null {
  if (name.length === 0) return 'an empty name';
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name))
    return 'an absolute name';
  if (name.includes('\\') || name.includes('\0')) return 'a backslash or NUL in its name';
  if (name.split('/').some((part) => part === '..')) return 'a ".." component';
  return null;
}

/**
 * The entries of the zip archive `bytes` named in `wanted` (others are checked, not inflated).
 * `where` names the file in every error.
 */
export async function readZipEntries(
  bytes: Uint8Array,
  wanted: readonly string[],
  where: string,
): Promise<Map<string, Uint8Array>> {
  const { unzipSync } = await loadFflate();
  const declared = new Map<string, number>();
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        const problem = unsafeEntryName(file.name);
        if (problem !== null)
          throw new LaminaError(
            'invalid-config',
            `${where}: zip entry ${JSON.stringify(file.name)} is refused (${problem}); a .keras archive holds only metadata.json, config.json and model.weights.h5`,
          );
        if (!wanted.includes(file.name)) return false;
        if (declared.has(file.name))
          throw new LaminaError(
            'invalid-config',
            `${where}: zip entry '${file.name}' appears twice`,
          );
        const ratio = file.compression === 0 ? 1 : MAX_DEFLATE_RATIO;
        if (file.size > bytes.byteLength || file.originalSize > file.size * ratio + 64)
          throw new LaminaError(
            'truncated-data',
            `${where}: zip entry '${file.name}' declares ${file.originalSize} bytes from ${file.size} compressed bytes, which the ${bytes.byteLength}-byte archive cannot hold`,
          );
        total += file.originalSize;
        if (total > MAX_UNZIPPED_BYTES)
          throw new LaminaError(
            'too-large',
            `${where}: zip entries declare more than ${MAX_UNZIPPED_BYTES} bytes in all`,
          );
        declared.set(file.name, file.originalSize);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof LaminaError) throw e;
    throw new LaminaError(
      'invalid-config',
      `${where}: not a readable zip archive (${(e as Error).message})`,
      { cause: e },
    );
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, size] of declared) {
    const data = files[name];
    if (data === undefined || data.byteLength !== size)
      throw new LaminaError(
        'truncated-data',
        `${where}: zip entry '${name}' declares ${size} bytes, ${data?.byteLength ?? 0} were read`,
      );
    out.set(name, data);
  }
  return out;
}

/** A zip archive of `entries`, in order (JSON deflated, binary data stored as Keras does). */
export async function writeZip(entries: ReadonlyArray<[string, Uint8Array]>): Promise<Uint8Array> {
  const { zipSync } = await loadFflate();
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [name, data] of entries) files[name] = [data, { level: name.endsWith('.h5') ? 0 : 6 }];
  return zipSync(files, { mtime: new Date('2000-01-01T00:00:00Z') });
}
