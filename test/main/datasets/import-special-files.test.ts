// Only regular files of a dataset are read: a FIFO (which would block the read forever), or a file over the size
// limit, is refused by name at once — an image as that record's reason, the dataset file itself as the import's error.
import { execFileSync } from 'node:child_process';
import { symlink, truncate } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../src-main/datasets/import/image';
import { NotRegularFile, readRegularFile } from '../../../src-main/datasets/import/regular-file';
import { readDataset } from '../../../src-main/datasets/import';
import { PivotError } from '../../../src-shared/errors';
import { collect, imageBytes, removeTempDirs, tempDir, writeBytes, writeJsonl } from './fixtures';

let dir: string;
const pair = (image: string) => ({ prompt: 'Q?', chosen: 'A', rejected: 'B', image });

beforeAll(async () => {
  dir = await tempDir();
  await writeBytes(dir, 'a.png', await imageBytes(2, 2));
  execFileSync('mkfifo', [join(dir, 'pipe.png'), join(dir, 'pipe.jsonl')]);
});
afterAll(removeTempDirs);

describe('special files in a dataset', () => {
  it('refuses the record whose image is a FIFO, naming it, and finishes within a second', async () => {
    const file = await writeJsonl(dir, 'fifo-image.jsonl', [pair('a.png'), pair('pipe.png'), pair('a.png')]);
    const started = Date.now();
    const { records, rejected } = await collect(await readDataset(file));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(records.map((r) => r.location)).toStrictEqual([{ line: 1 }, { line: 3 }]);
    expect(rejected).toStrictEqual([{ line: 2, reason: 'image "pipe.png" is a FIFO (named pipe), not a regular file' }]);
  }, 5000);

  it('refuses the record whose image is a socket or a device', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'socket.png'), resolve));
    try {
      await symlink('/dev/zero', join(dir, 'zero.png'));
      const file = await writeJsonl(dir, 'socket-image.jsonl', [pair('socket.png'), pair('zero.png')]);
      const { rejected } = await collect(await readDataset(file));
      expect(rejected).toStrictEqual([
        { line: 1, reason: 'image "socket.png" is a socket, not a regular file' },
        { line: 2, reason: 'image path "zero.png" leaves the dataset folder' },
      ]);
    } finally {
      server.close();
    }
    // A device inside the folder (mknod needs root here) is refused by the same check on the open file.
    await expect(readRegularFile('/dev/zero', MAX_IMAGE_BYTES)).rejects.toThrow(new NotRegularFile('is a device, not a regular file'));
  });

  it('refuses a dataset file that is a FIFO with FILE_UNREADABLE naming it, within a second', async () => {
    const file = join(dir, 'pipe.jsonl');
    const started = Date.now();
    const err = await readDataset(file).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(PivotError);
    expect((err as PivotError).code).toBe('FILE_UNREADABLE');
    expect((err as PivotError).message).toBe(
      `Dataset file "${file}" is a FIFO (named pipe), not a regular file. PIVOT Studio imports a .jsonl file (one JSON record per line) or a .json file holding an array of records.`,
    );
  }, 5000);

  it('refuses an image file over the size limit without reading it', async () => {
    // A sparse file: its size is over the limit, but nothing is written to disk.
    const big = await writeBytes(dir, 'big.png', '');
    await truncate(big, MAX_IMAGE_BYTES + 1);
    const file = await writeJsonl(dir, 'big-image.jsonl', [pair('big.png')]);
    const { rejected } = await collect(await readDataset(file, 'trl'));
    expect(rejected).toStrictEqual([{ line: 1, reason: 'image "big.png" is 101 MB, over the 100 MB limit' }]);
  });
});
