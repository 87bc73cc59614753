/**
 * Crash-safe file writes (Node only; in a browser bundle it fails, saying so):
 * data goes to a temporary file in the same directory, is flushed to disk, then renamed over
 * the target. A process killed at any moment leaves either the old file or the new one.
 */
import { nodeBuiltin } from '../platform/node.js';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await nodeBuiltin('fs/promises', 'writeFileAtomic');
  const { dirname, basename, join } = await nodeBuiltin('path', 'writeFileAtomic');
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw new Error(
      `writeFileAtomic: could not move the written file into place at ${path}: ${(e as Error).message}`,
    );
  }
}
