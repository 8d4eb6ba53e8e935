// Opens the files of a dataset only when they are regular files. A FIFO would block the read forever (holding one of
// libuv's few file-I/O threads, so a handful of such imports stall every other file read of the process) and a
// device can be endless, so a dataset's files are opened non-blocking — the open itself cannot wait on a FIFO —
// and checked on the open handle, so a file swapped in between a check and the read cannot slip past.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** A file that is not a regular file, or too large; the message completes "image "x.png" …" or "Dataset file "x" …". */
export class NotRegularFile extends Error {
  constructor(
    message: string,
    /** Set for a folder, which callers word as "pass the file inside it". */
    readonly folder = false,
  ) {
    super(message);
  }
}

export interface RegularFile {
  handle: FileHandle;
  size: number;
}

/** Opens `path` for reading; throws NotRegularFile for anything but a regular file of at most `maxBytes`. */
export async function openRegularFile(path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<RegularFile> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: NodeJS.ErrnoException) => {
    // A UNIX socket cannot be opened at all.
    throw err.code === 'ENXIO' ? new NotRegularFile('is a socket, not a regular file') : err;
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotRegularFile(`is ${kindOf(stats)}, not a regular file`, stats.isDirectory());
    if (stats.size > maxBytes) {
      throw new NotRegularFile(`is ${megabytes(stats.size)}, over the ${megabytes(maxBytes)} limit`);
    }
    return { handle, size: stats.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The whole of a regular file of at most `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const { handle } = await openRegularFile(path, maxBytes);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a file';
}

/** A size as the user reads it in a reason: whole megabytes, rounded up. */
export function megabytes(bytes: number): string {
  return `${Math.ceil(bytes / (1024 * 1024))} MB`;
}
