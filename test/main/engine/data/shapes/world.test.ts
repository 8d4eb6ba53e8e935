// The default world must leave headroom (TOY_STUDY.md: an easy world teaches nothing), labels and
// splits must follow their documented definitions, and bad options must fail clearly.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LABEL_DEFINITION,
  TEST_FRACTION,
  generateSample,
  parseDifficulty,
  splitOf,
  writeShapesWorld,
  type ShapesWorldSummary,
} from '../../../../../src-main/engine/data/shapes';
import { readJsonl, removeDir, tempDir, type MetaRow } from './helpers';

function worldStats(spec: string | undefined, n: number) {
  const d = parseDifficulty(spec);
  let objects = 0;
  let sharedColour = 0;
  let sharedShape = 0;
  let sizeSum = 0;
  let clutter = 0;
  for (let i = 0; i < n; i++) {
    const { scene } = generateSample(99, i, 64, d);
    objects += scene.objects.length;
    clutter += scene.clutter.length;
    if (new Set(scene.objects.map((o) => o.color)).size < scene.objects.length) sharedColour++;
    if (new Set(scene.objects.map((o) => o.shape)).size < scene.objects.length) sharedShape++;
    for (const o of scene.objects) sizeSum += o.size;
  }
  return { objects: objects / n, sharedColour: sharedColour / n, sharedShape: sharedShape / n, size: sizeSum / objects, clutter: clutter / n };
}

describe('Shapes world difficulty in practice', () => {
  it('makes the default preset clearly harder than the too-easy toy world', () => {
    const def = worldStats(undefined, 200);
    const easy = worldStats('easy', 200);
    // TOY_STUDY's saturated world: 2-3 distinct, big objects, no clutter.
    expect(easy.objects).toBeLessThanOrEqual(3);
    expect(easy.sharedColour).toBe(0);
    expect(def.objects).toBeGreaterThanOrEqual(3.5);
    expect(def.sharedColour).toBeGreaterThan(0.5);
    expect(def.sharedShape).toBeGreaterThan(0.4);
    expect(def.size).toBeLessThan(0.7 * easy.size);
    expect(def.clutter).toBeGreaterThan(2);
    const hard = worldStats('hard', 200);
    expect(hard.objects).toBeGreaterThan(def.objects);
    expect(hard.sharedColour).toBeGreaterThan(def.sharedColour);
  });

  it('draws the requested number of objects', () => {
    const d = parseDifficulty('medium,objects=4-4');
    for (let i = 0; i < 50; i++) expect(generateSample(1, i, 64, d).scene.objects).toHaveLength(4);
  });
});

describe('labels, captions and splits', () => {
  let dir: string;
  let summary: ShapesWorldSummary;
  beforeAll(async () => {
    dir = await tempDir('world');
    summary = await writeShapesWorld({ out: dir, count: 60, seed: 5 });
  });
  afterAll(() => removeDir(dir));

  it('labels each image with the class of its most visible object', async () => {
    const meta = await readJsonl<MetaRow>(join(dir, 'metadata.jsonl'));
    const captions = await readJsonl<{ image: string; caption: string; label: number; label_name: string; split: string }>(join(dir, 'captions.jsonl'));
    expect(meta).toHaveLength(60);
    for (const [i, row] of meta.entries()) {
      const best = row.objects.reduce((a, b) => (b.visiblePixels > a.visiblePixels ? b : a));
      expect(row.label).toBe(best.classId - 1);
      expect(row.label_name).toBe(`${best.color} ${best.shape}`);
      expect(captions[i]).toMatchObject({ image: row.image, label: row.label, label_name: row.label_name, split: row.split });
      for (const o of row.objects) expect(captions[i]!.caption).toContain(`${o.color} ${o.shape}`);
    }
    const world = JSON.parse(await readFile(join(dir, 'world.json'), 'utf8')) as { labelDefinition: string };
    expect(world.labelDefinition).toBe(LABEL_DEFINITION);
  });

  it('splits by a hash of seed and index, about one image in ten to test', () => {
    let test = 0;
    for (let i = 0; i < 2000; i++) if (splitOf(5, i) === 'test') test++;
    expect(test / 2000).toBeGreaterThan(TEST_FRACTION - 0.025);
    expect(test / 2000).toBeLessThan(TEST_FRACTION + 0.025);
  });

  it('reports what it wrote', async () => {
    expect(summary).toMatchObject({ images: 60, classes: 37, difficulty: parseDifficulty('medium') });
    expect(summary.files.slice(0, 7)).toEqual(['README.md', 'world.json', 'classes.json', 'pairs.jsonl', 'captions.jsonl', 'metadata.jsonl', 'tokenizer.json']);
    expect(summary.files).toContain('instances/000060.png');
    const pairs = (await readFile(join(dir, 'pairs.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(pairs).toHaveLength(summary.pairs);
  });

  it('reports progress up to the total', async () => {
    const out = await tempDir('progress');
    const seen: [number, number][] = [];
    await writeShapesWorld({ out, count: 5, seed: 1, size: 32 }, (done, total) => seen.push([done, total]));
    await removeDir(out);
    expect(seen).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
  });
});

describe('writeShapesWorld options', () => {
  it('rejects a bad count, size or difficulty before writing anything', async () => {
    const parent = await tempDir('bad');
    const out = join(parent, 'never');
    await expect(writeShapesWorld({ out, count: 0, seed: 1 })).rejects.toThrow('shapes world: count must be a whole number from 1 to 999999, got 0');
    await expect(writeShapesWorld({ out, count: 2.5, seed: 1 })).rejects.toThrow('count must be a whole number');
    await expect(writeShapesWorld({ out, count: 3, seed: 1, size: 16 })).rejects.toThrow('shapes world: size must be a whole number of px from 32 to 512, got 16');
    await expect(writeShapesWorld({ out, count: 3, seed: 1, size: 16 })).rejects.toMatchObject({ code: 'INVALID_CONFIG', details: { field: 'size', value: 16 } });
    await expect(writeShapesWorld({ out, count: 3, seed: 1, size: 1024 })).rejects.toThrow('got 1024');
    await expect(writeShapesWorld({ out, count: 3, seed: 1.5 })).rejects.toThrow('shapes world: seed must be a whole number, got 1.5');
    await expect(writeShapesWorld({ out, count: 3, seed: 1, difficulty: 'medium,nosie=1' })).rejects.toThrow('difficulty: unknown knob "nosie"');
    await expect(readFile(join(out, 'world.json'))).rejects.toThrow();
    await removeDir(parent);
  });
});
