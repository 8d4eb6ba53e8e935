// Probe datasets: class folders (order, labels, the empty-class and unreadable-image errors), segmentation
// folders (palette and grey masks, the wrong-size error), a generated Shapes world, and pixel decoding.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSample, resolveWorldParams, writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import { CLIP_MEAN, CLIP_STD, loadImages, loadMasks } from '../../../../src-main/engine/probes/image-decode';
import { defaultImageProcessor } from '../../../../src-main/engine/models/hf/image-processor';
import { classFolderDataset, openProbeDataset, segmentationFolderDataset, shapesWorldDataset } from '../../../../src-main/engine/probes/image-folder';
import { decodeMaskPng, resizeMaskNearest } from '../../../../src-main/engine/probes/mask-png';

const root = mkdtempSync(join(tmpdir(), 'pivot-probe-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function solidPng(path: string, rgb: [number, number, number], width = 8, height = width): Promise<void> {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
}

async function greyMask(path: string, values: number[], width: number, height: number): Promise<void> {
  await sharp(Buffer.from(values), { raw: { width, height, channels: 1 } }).toColourspace('b-w').png({ palette: false }).toFile(path);
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A palette PNG of the given indices, each row written with filter type `row % 5` to exercise every filter. */
function palettePng(indices: number[], width: number, height: number, depth: 4 | 8): Buffer {
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const stride = Math.ceil((width * depth) / 8);
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const line = Buffer.alloc(stride);
    for (let x = 0; x < width; x++) {
      const v = indices[y * width + x] as number;
      if (depth === 8) line[x] = v;
      else line[x >> 1] = (line[x >> 1] as number) | (x % 2 === 0 ? v << 4 : v);
    }
    const filter = y % 5;
    const enc = Buffer.alloc(stride + 1);
    enc[0] = filter;
    for (let i = 0; i < stride; i++) {
      const a = i > 0 ? (line[i - 1] as number) : 0;
      const b = prev[i] as number;
      const c = i > 0 ? (prev[i - 1] as number) : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter] as number;
      enc[i + 1] = ((line[i] as number) - pred) & 0xff;
    }
    rows.push(enc);
    prev = line;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = 3;
  const palette = Buffer.alloc(16 * 3, 0x40);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('PLTE', palette), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', new Uint8Array())]);
}

describe('class folders', () => {
  it('lists classes in sorted order with their images and labels', async () => {
    const dir = join(root, 'classes');
    for (const [name, rgb] of [['zebra', [0, 0, 0]], ['apple', [255, 0, 0]], ['cat', [0, 255, 0]]] as const) {
      mkdirSync(join(dir, name), { recursive: true });
      await solidPng(join(dir, name, 'b.png'), [...rgb]);
      await solidPng(join(dir, name, 'a.png'), [...rgb]);
    }
    writeFileSync(join(dir, 'cat', 'notes.txt'), 'not an image');
    const ds = await classFolderDataset(dir);
    expect(ds.layout).toBe('class-folders');
    expect(ds.labelNames).toEqual(['apple', 'cat', 'zebra']);
    expect(ds.items.map((i) => [i.id, i.label])).toEqual([['apple/a.png', 0], ['apple/b.png', 0], ['cat/a.png', 1], ['cat/b.png', 1], ['zebra/a.png', 2], ['zebra/b.png', 2]]);
    expect((await openProbeDataset(dir)).layout).toBe('class-folders');

    // A solid red image stays solid through the bicubic resize: every value is exactly (1 − mean)/std etc.
    const [red] = await loadImages([ds.items[0]?.image as string], defaultImageProcessor('clip', 4));
    expect(red).toHaveLength(3 * 16);
    expect(red?.[0]).toBeCloseTo((1 - CLIP_MEAN[0]) / CLIP_STD[0], 5);
    expect(red?.[16]).toBeCloseTo((0 - CLIP_MEAN[1]) / CLIP_STD[1], 5);
    expect(red?.[47]).toBeCloseTo((0 - CLIP_MEAN[2]) / CLIP_STD[2], 5);
  });

  it('names an empty class folder', async () => {
    const dir = join(root, 'empty-class');
    mkdirSync(join(dir, 'dog'), { recursive: true });
    mkdirSync(join(dir, 'cat'), { recursive: true });
    await solidPng(join(dir, 'cat', 'x.png'), [1, 2, 3]);
    await expect(classFolderDataset(dir)).rejects.toThrow(`${join(dir, 'dog')}: class "dog" has no images (.jpg, .jpeg, .png, .webp)`);
  });

  it('names an unreadable image', async () => {
    const dir = join(root, 'broken');
    mkdirSync(join(dir, 'cat'), { recursive: true });
    writeFileSync(join(dir, 'cat', 'bad.jpg'), 'definitely not a jpeg');
    const ds = await classFolderDataset(dir);
    await expect(loadImages([ds.items[0]?.image as string], defaultImageProcessor('clip', 4))).rejects.toThrow(`${join(dir, 'cat', 'bad.jpg')}: cannot read image`);
  });
});

describe('segmentation folders and masks', () => {
  it('decodes palette masks (8-bit and 4-bit, every filter type) to their indices', async () => {
    const indices = Array.from({ length: 7 * 6 }, (_, i) => (i * 7) % 13);
    for (const depth of [8, 4] as const) {
      const png = palettePng(indices, 7, 6, depth);
      // libvips reads the hand-made file too: it is a valid PNG, not one only our decoder accepts.
      expect(await sharp(png).metadata()).toMatchObject({ width: 7, height: 6 });
      expect((await sharp(png).raw().toBuffer()).length).toBeGreaterThan(0);
      const mask = decodeMaskPng(png, 'p.png');
      expect([mask.width, mask.height]).toEqual([7, 6]);
      expect(Array.from(mask.data)).toEqual(indices);
    }
  });

  it('rejects RGB masks with a reason', async () => {
    const rgb = await sharp(Buffer.alloc(12), { raw: { width: 2, height: 2, channels: 3 } }).png().toBuffer();
    expect(() => decodeMaskPng(rgb, 'rgb.png')).toThrow('rgb.png: a mask must be a grey or palette PNG holding class ids (this one is RGB)');
  });

  it('loads grey and palette masks, resizes nearest, and names a mask of the wrong size', async () => {
    const dir = join(root, 'seg');
    mkdirSync(join(dir, 'images'), { recursive: true });
    mkdirSync(join(dir, 'masks'), { recursive: true });
    await solidPng(join(dir, 'images', 'a.png'), [10, 20, 30], 4, 4);
    await solidPng(join(dir, 'images', 'b.png'), [10, 20, 30], 4, 4);
    const values = [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 255, 255, 2, 2, 255, 255];
    await greyMask(join(dir, 'masks', 'a.png'), values, 4, 4);
    writeFileSync(join(dir, 'masks', 'b.png'), palettePng(values.map((v) => v % 16), 4, 4, 8));
    writeFileSync(join(dir, 'classes.json'), JSON.stringify(['background', 'road', 'tree']));
    const ds = await segmentationFolderDataset(dir);
    expect(ds.maskClassNames).toEqual(['background', 'road', 'tree']);
    expect(ds.items.map((i) => i.id)).toEqual(['a', 'b']);
    const sources = ds.items.map((i) => ({ image: i.image, mask: i.mask as string }));
    const [a, b] = await loadMasks(sources);
    expect(Array.from(a?.data ?? [])).toEqual(values);
    expect(Array.from(b?.data ?? [])).toEqual(values.map((v) => v % 16));
    const [half] = await loadMasks(sources.slice(0, 1), 2);
    expect(Array.from(half?.data ?? [])).toEqual([0, 1, 2, 255]);
    expect(resizeMaskNearest({ width: 2, height: 1, data: Uint8Array.from([3, 4]) }, 4, 1).data).toEqual(Uint8Array.from([3, 3, 4, 4]));

    await greyMask(join(dir, 'masks', 'b.png'), [0, 1, 2, 0, 1, 2], 3, 2);
    await expect(loadMasks(sources)).rejects.toThrow(`${join(dir, 'masks', 'b.png')}: mask is 3×2 but its image ${join(dir, 'images', 'b.png')} is 4×4`);
  });

  it('names an image without a mask', async () => {
    const dir = join(root, 'seg-missing');
    mkdirSync(join(dir, 'images'), { recursive: true });
    mkdirSync(join(dir, 'masks'), { recursive: true });
    await solidPng(join(dir, 'images', 'x.jpg'), [0, 0, 0], 4, 4);
    await expect(segmentationFolderDataset(dir)).rejects.toThrow(`${join(dir, 'images', 'x.jpg')}: no mask ${join(dir, 'masks', 'x.png')}`);
  });
});

describe('Shapes world folder', () => {
  it('reads labels, splits and masks exactly as generated', async () => {
    const dir = join(root, 'world');
    await writeShapesWorld({ out: dir, count: 12, seed: 9, size: 32 });
    const ds = await shapesWorldDataset(dir);
    expect((await openProbeDataset(dir)).layout).toBe('shapes-world');
    expect(ds.items).toHaveLength(12);
    expect(ds.labelNames).toHaveLength(36);
    expect(ds.maskClassNames).toHaveLength(37);
    expect(ds.maskClassNames[0]).toBe('background');
    const world = resolveWorldParams({ out: dir, count: 12, seed: 9, size: 32 });
    const masks = await loadMasks(ds.items.map((i) => ({ image: i.image, mask: i.mask as string })));
    ds.items.forEach((item, index) => {
      const sample = generateSample(9, index, 32, world.difficulty);
      expect(item.id).toBe(sample.id);
      expect(item.label).toBe(sample.label?.label);
      expect(ds.labelNames[item.label as number]).toBe(sample.label?.labelName);
      expect(item.split).toBe(sample.split);
      expect(masks[index]?.data).toEqual(sample.image.classMask);
    });
    const pixels = await loadImages(ds.items.map((i) => i.image), defaultImageProcessor('siglip', 16));
    expect(pixels).toHaveLength(12);
    for (const p of pixels) {
      expect(p).toHaveLength(3 * 16 * 16);
      expect(Math.max(...p)).toBeLessThanOrEqual(1);
      expect(Math.min(...p)).toBeGreaterThanOrEqual(-1);
    }
  });
});
