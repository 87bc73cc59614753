/**
 * Crash-safe file writes (Node only; in a browser bundle it fails, saying so):
 * data goes to a temporary file in the same directory, is flushed to disk, then renamed over
 * the target. A process killed at any moment leaves either the old file or the new one; a write
 * that fails removes its temporary file and names the target, never the hidden temporary name.
 */
import { LaminaError } from '../errors.js';
import { nodeBuiltin } from '../platform/node.js';

/** `e`'s message with the temporary file's name replaced by the target's. */
function reason(e: unknown, tmp: string, path: string): string {
  return (e instanceof Error ? e.message : String(e)).split(tmp).join(path);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await nodeBuiltin('fs/promises', 'writeFileAtomic');
  const { dirname, basename, join } = await nodeBuiltin('path', 'writeFileAtomic');
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw new LaminaError('io', `could not write ${path}: ${reason(e, tmp, path)}`, { cause: e });
  }
}

/**
 * Checks, before any long work, that `path` can be written: its folder exists and takes a new
 * file (probed by creating and removing one, which also catches read-only file systems), and
 * `path` is not a folder. Throws a LaminaError ('io') naming `path`.
 */
export async function checkWritable(path: string): Promise<void> {
  const fs = await nodeBuiltin('fs/promises', 'checkWritable');
  const { dirname, basename, join } = await nodeBuiltin('path', 'checkWritable');
  const existing = await fs.stat(path).catch(() => null);
  if (existing?.isDirectory() === true)
    throw new LaminaError('io', `cannot write ${path}: it is a folder`);
  const dir = dirname(path);
  const folder = await fs.stat(dir).catch(() => null);
  if (folder === null || !folder.isDirectory())
    throw new LaminaError('io', `cannot write ${path}: the folder ${dir} does not exist`);
  const probe = join(dir, `.${basename(path)}.${process.pid}.probe.tmp`);
  try {
    await (await fs.open(probe, 'wx')).close();
  } catch (e) {
    throw new LaminaError('io', `cannot write ${path}: ${reason(e, probe, path)}`, { cause: e });
  } finally {
    await fs.rm(probe, { force: true });
  }
}
