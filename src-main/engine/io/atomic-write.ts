// Whole-file replacement that never leaves a partial file behind: readers see the old or the new
// content (write a temporary sibling, fsync it, rename it over the target).
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` (or its parts, in order) to `path` atomically; the temporary file is removed if anything fails. */
export async function writeFileAtomic(path: string, data: Uint8Array | string | readonly Uint8Array[]): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
      else for (const part of data) await writeAll(handle, part);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** One part, in as many writes as the file system takes (one write moves at most 2 GiB). */
async function writeAll(handle: FileHandle, part: Uint8Array): Promise<void> {
  for (let done = 0; done < part.length; ) {
    const { bytesWritten } = await handle.write(part, done, Math.min(part.length - done, 1 << 30));
    done += bytesWritten;
  }
}
