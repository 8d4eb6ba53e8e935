// Image checks: paths leaving the dataset folder (../, absolute, symlinks), missing, truncated and unsupported images.
import { symlink } from 'node:fs/promises';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../src-main/datasets/import';
import { ImageLoader } from '../../../src-main/datasets/import/image';
import { collect, imageBytes, removeTempDirs, tempDir, writeBytes, writeJsonl } from './fixtures';

let root: string;
let dir: string;
let png: Buffer;

beforeAll(async () => {
  root = await tempDir();
  dir = join(root, 'dataset');
  png = await imageBytes(8, 8, [1, 2, 3]);
  await writeBytes(dir, 'images/a.png', png);
  await writeBytes(root, 'outside.png', png);
  // Truncated: the header (and so metadata) is intact, the pixel data is cut off.
  await writeBytes(dir, 'images/truncated.png', png.subarray(0, png.length - 20));
  await writeBytes(dir, 'images/text.png', 'not an image at all');
  await writeBytes(dir, 'images/drawing.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>');
  await symlink(join(root, 'outside.png'), join(dir, 'images/link-out.png'));
  await symlink(join(dir, 'images/a.png'), join(dir, 'images/link-in.png'));
});
afterAll(removeTempDirs);

const pair = (image: string) => ({ prompt: 'Q?', chosen: 'A', rejected: 'B', image });

describe('image checks', () => {
  it('rejects paths leaving the dataset folder, missing and undecodable images; shares decoded images', async () => {
    const abs = join(root, 'outside.png');
    const file = await writeJsonl(dir, 'pairs.jsonl', [
      pair('images/a.png'),
      pair('../outside.png'),
      pair('images/../../outside.png'),
      pair(abs),
      pair('images/link-out.png'),
      pair('images/link-in.png'),
      pair('images/missing.png'),
      pair('images/truncated.png'),
      pair('images/truncated.png'),
      pair('images/text.png'),
      pair('images/drawing.svg'),
      pair('images'),
      pair('./images/a.png'),
    ]);
    const { records, rejected } = await collect(await readDataset(file));
    expect(rejected).toStrictEqual([
      { line: 2, reason: 'image path "../outside.png" leaves the dataset folder' },
      { line: 3, reason: 'image path "images/../../outside.png" leaves the dataset folder' },
      { line: 4, reason: `image path "${abs}" leaves the dataset folder` },
      { line: 5, reason: 'image path "images/link-out.png" leaves the dataset folder' },
      { line: 7, reason: 'image "images/missing.png" not found' },
      { line: 8, reason: 'image "images/truncated.png" cannot be decoded: vipspng: libpng read error' },
      { line: 9, reason: 'image "images/truncated.png" cannot be decoded: vipspng: libpng read error' },
      { line: 10, reason: 'image "images/text.png" cannot be decoded: Input buffer contains unsupported image format' },
      {
        line: 11,
        reason: 'image "images/drawing.svg" is svg: PIVOT Studio imports PNG, JPEG, WebP, GIF, TIFF or AVIF images',
      },
      { line: 12, reason: 'image "images" is a folder, not an image file' },
    ]);
    expect(records.map((r) => r.location)).toStrictEqual([{ line: 1 }, { line: 6 }, { line: 13 }]);
    for (const r of records) {
      expect(r.image).toMatchObject({ width: 8, height: 8, format: 'png' });
      expect(r.image.bytes.equals(png)).toBe(true);
    }
  });

  it('reads and decodes a shared image once for many pairs (a symlink to it counts as the same image)', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => ({
      id: i,
      prompt: `Question ${i}?`,
      chosen: 'Yes.',
      rejected: 'No.',
      image: i % 2 ? 'images/a.png' : 'images/link-in.png',
    }));
    const file = await writeJsonl(dir, 'many.jsonl', lines);
    const { records, rejected } = await collect(await readDataset(file));
    expect(rejected).toStrictEqual([]);
    expect(records.map((r) => r.location.line)).toStrictEqual(lines.map((_, i) => i + 1));
    // One Buffer for every record: the file was read once, not 3000 times.
    expect(new Set(records.map((r) => r.image.bytes)).size).toBe(1);
  });

  it('reports the format and size of each supported image type', async () => {
    const raw = Buffer.alloc(6 * 4 * 3, 128);
    const make = (f: 'gif' | 'tiff' | 'avif' | 'jpeg') =>
      sharp(raw, { raw: { width: 6, height: 4, channels: 3 } }).toFormat(f).toBuffer();
    for (const f of ['gif', 'tiff', 'avif', 'jpeg'] as const) await writeBytes(dir, `formats/x.${f}`, await make(f));
    const loader = new ImageLoader(await realpath(dir));
    for (const f of ['gif', 'tiff', 'avif', 'jpeg'] as const) {
      const result = await loader.load(`formats/x.${f}`);
      expect(result.ok && { format: result.image.format, width: result.image.width, height: result.image.height }).toStrictEqual({
        format: f,
        width: 6,
        height: 4,
      });
    }
  });

  it('still returns the bytes when the byte window is smaller than one image', async () => {
    const loader = new ImageLoader(await realpath(dir), 1);
    for (const path of ['images/a.png', 'images/link-in.png', 'images/a.png', 'images/a.png']) {
      const result = await loader.load(path);
      expect(result.ok && result.image.bytes.equals(png)).toBe(true);
    }
    expect(await loader.load('images/truncated.png')).toStrictEqual({
      ok: false,
      reason: 'image "images/truncated.png" cannot be decoded: vipspng: libpng read error',
    });
  });
});
