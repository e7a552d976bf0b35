import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** A temp name beside `path`, unique per process, worker thread and moment (two workers of one process may write at once). */
const tempPath = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}-${threadId}.${Date.now()}.tmp`);

/**
 * Writes a file atomically: a temp file in the same folder, then a rename, so a reader (or a
 * resumed run after kill -9) sees the old file or the new one, never half of one.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPath(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** writeFileAtomic for synchronous callers (into an existing folder). */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const temp = tempPath(path);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
