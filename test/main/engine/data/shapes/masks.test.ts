// Masks must match the drawn image exactly: class and instance masks agree, visible pixel counts
// are right, object pixels carry the object's colour, and metadata alone re-renders the image.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScene, shapeClasses, writeShapesWorld, type Scene } from '../../../../../src-main/engine/data/shapes';
import { decodePng, readJsonl, removeDir, tempDir, type MetaRow } from './helpers';

const SIZE = 64;
let noisy: string;
let clean: string;
let big: string;

beforeAll(async () => {
  [noisy, clean, big] = await Promise.all([tempDir('noisy'), tempDir('clean'), tempDir('big')]);
  await Promise.all([
    writeShapesWorld({ out: noisy, count: 40, seed: 3, difficulty: 'hard' }),
    writeShapesWorld({ out: clean, count: 20, seed: 4, difficulty: 'medium,noise=0' }),
    writeShapesWorld({ out: big, count: 4, seed: 5, size: 96 }),
  ]);
});

afterAll(async () => {
  await Promise.all([noisy, clean, big].map(removeDir));
});

function sceneFromMetadata(row: MetaRow, index: number, size: number): Scene {
  return {
    seed: 0,
    index,
    size,
    objects: row.objects.map((o) => ({ ...o, shape: o.shape as Scene['objects'][number]['shape'], color: o.color as Scene['objects'][number]['color'] })),
    clutter: row.clutter.map((c) => ({ ...c, color: c.color as Scene['clutter'][number]['color'] })),
    background: row.background,
    noise: row.noise,
  };
}

async function checkWorld(dir: string, size: number, exactColours: boolean): Promise<void> {
  const rows = await readJsonl<MetaRow>(join(dir, 'metadata.jsonl'));
  expect(rows.length).toBeGreaterThan(0);
  for (const [index, row] of rows.entries()) {
    const img = await decodePng(join(dir, row.image), 3);
    const cls = await decodePng(join(dir, row.mask), 1);
    const inst = await decodePng(join(dir, row.instances), 1);
    expect([img.width, cls.width, inst.width, img.height]).toEqual([size, size, size, size]);

    const tol = exactColours ? 0 : Math.ceil(6 * row.noise.std * 255) + 1;
    const counts = new Array<number>(row.objects.length + 1).fill(0);
    // Collected rather than asserted per pixel: one failure message lists the first offenders.
    const problems: string[] = [];
    for (let p = 0; p < size * size; p++) {
      const k = inst.data[p] as number;
      counts[k] = (counts[k] ?? 0) + 1;
      const obj = k > 0 ? row.objects[k - 1] : undefined;
      if (k === 0) {
        if (cls.data[p] !== 0) problems.push(`px ${p}: class ${cls.data[p]} without an instance`);
      } else if (!obj) {
        problems.push(`px ${p}: unknown instance ${k}`);
      } else {
        if (cls.data[p] !== obj.classId) problems.push(`px ${p}: class ${cls.data[p]}, instance ${k} is ${obj.classId}`);
        for (let ch = 0; ch < 3; ch++) {
          const v = img.data[p * 3 + ch] as number;
          if (Math.abs(v - obj.rgb[ch]!) > tol) problems.push(`px ${p} ch ${ch}: ${v} vs object ${obj.rgb[ch]}`);
        }
      }
    }
    expect(problems.slice(0, 5), row.image_id).toEqual([]);
    for (const o of row.objects) expect(counts[o.instance], `${row.image_id} instance ${o.instance}`).toBe(o.visiblePixels);

    // Metadata is a complete description: re-rendering it reproduces image and masks exactly.
    const again = renderScene(sceneFromMetadata(row, index, size));
    expect(Buffer.from(again.rgb).equals(Buffer.from(img.data))).toBe(true);
    expect(Buffer.from(again.classMask).equals(Buffer.from(cls.data))).toBe(true);
    expect(Buffer.from(again.instanceMask).equals(Buffer.from(inst.data))).toBe(true);
  }
}

describe('Shapes world masks', () => {
  it('match the noisy image pixel by pixel (hard preset)', async () => {
    await checkWorld(noisy, SIZE, false);
  });

  it('carry exactly the drawn object colour when noise is off', async () => {
    await checkWorld(clean, SIZE, true);
  });

  it('scale to other image sizes', async () => {
    await checkWorld(big, 96, false);
  });

  it('keep every object inside the image and hide at most the allowed fraction of it', async () => {
    const rows = await readJsonl<MetaRow>(join(noisy, 'metadata.jsonl'));
    const occlusion = 0.35; // the hard preset
    let partlyHidden = 0;
    for (const row of rows) {
      for (const o of row.objects) {
        const [x, y, w, h] = o.bbox;
        expect(Math.min(x, y)).toBeGreaterThanOrEqual(0);
        expect(Math.max(x + w, y + h)).toBeLessThanOrEqual(SIZE);
        // Alone in the scene, the object shows its full footprint.
        const alone = renderScene(sceneFromMetadata({ ...row, objects: [{ ...o, instance: 1 }], clutter: [] }, 0, SIZE));
        const full = alone.instanceMask.filter((v) => v === 1).length;
        expect(o.visiblePixels).toBeGreaterThanOrEqual(Math.ceil((1 - occlusion) * full));
        if (o.visiblePixels < full) partlyHidden++;
        // The last object is drawn over everything, so nothing hides it.
        if (o.instance === row.objects.length) expect(o.visiblePixels).toBe(full);
      }
    }
    expect(partlyHidden).toBeGreaterThan(5);
  });

  it('writes classes.json with background plus 36 colour-shape classes', async () => {
    const classes = JSON.parse(await readFile(join(clean, 'classes.json'), 'utf8')) as ReturnType<typeof shapeClasses>;
    expect(classes).toHaveLength(37);
    expect(classes[0]).toEqual({ id: 0, name: 'background', shape: null, color: null, rgb: [0, 0, 0] });
    expect(classes.map((c) => c.id)).toEqual([...Array(37).keys()]);
    expect(new Set(classes.map((c) => c.name)).size).toBe(37);
    expect(new Set(classes.map((c) => c.rgb.join(','))).size).toBe(37);
    expect(classes.find((c) => c.name === 'red circle')).toMatchObject({ shape: 'circle', color: 'red' });
  });
});
