// Same options must give byte-identical folders; image k must not depend on the count.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeShapesWorld, type ShapesWorldSummary } from '../../../../../src-main/engine/data/shapes';
import { removeDir, tempDir } from './helpers';

const dirs: string[] = [];
let a: ShapesWorldSummary;
let b: ShapesWorldSummary;
let shorter: ShapesWorldSummary;
let otherSeed: ShapesWorldSummary;

async function world(tag: string, count: number, seed: number): Promise<ShapesWorldSummary> {
  const out = await tempDir(tag);
  dirs.push(out);
  return writeShapesWorld({ out, count, seed, difficulty: 'medium' });
}

beforeAll(async () => {
  [a, b, shorter, otherSeed] = await Promise.all([world('a', 24, 11), world('b', 24, 11), world('short', 9, 11), world('seed', 24, 12)]);
});

afterAll(async () => {
  await Promise.all(dirs.map(removeDir));
});

const bytes = (s: ShapesWorldSummary, f: string) => readFile(join(s.out, f));

describe('Shapes world determinism', () => {
  it('writes every file byte-identically for the same options', async () => {
    expect(a.files).toEqual(b.files);
    expect(a.files).toHaveLength(7 + 24 * 3);
    for (const f of a.files) {
      expect((await bytes(a, f)).equals(await bytes(b, f)), f).toBe(true);
    }
  });

  it('gives the first k images the same bytes whatever the count', async () => {
    for (let i = 1; i <= 9; i++) {
      const id = String(i).padStart(6, '0');
      for (const f of [`images/${id}.png`, `masks/${id}.png`, `instances/${id}.png`]) {
        expect((await bytes(shorter, f)).equals(await bytes(a, f)), f).toBe(true);
      }
    }
    for (const f of ['captions.jsonl', 'metadata.jsonl']) {
      const short = (await bytes(shorter, f)).toString('utf8').trimEnd().split('\n');
      const long = (await bytes(a, f)).toString('utf8').trimEnd().split('\n');
      expect(short).toHaveLength(9);
      expect(long.slice(0, 9)).toEqual(short);
    }
    const shortPairs = (await bytes(shorter, 'pairs.jsonl')).toString('utf8').trimEnd().split('\n');
    const longPairs = (await bytes(a, 'pairs.jsonl')).toString('utf8').trimEnd().split('\n');
    expect(longPairs.slice(0, shortPairs.length)).toEqual(shortPairs);
    expect(shorter.pairs).toBe(shortPairs.length);
  });

  it('draws different images for a different seed', async () => {
    let differing = 0;
    for (let i = 1; i <= 24; i++) {
      const f = `images/${String(i).padStart(6, '0')}.png`;
      if (!(await bytes(a, f)).equals(await bytes(otherSeed, f))) differing++;
    }
    expect(differing).toBe(24);
    expect((await bytes(a, 'metadata.jsonl')).equals(await bytes(otherSeed, 'metadata.jsonl'))).toBe(false);
  });

  it('records the options and the pair count in world.json', async () => {
    const doc = JSON.parse((await bytes(a, 'world.json')).toString('utf8')) as Record<string, unknown>;
    expect(doc).toMatchObject({ generator: 'pivot-shapes-world', version: 1, seed: 11, count: 24, size: 64, difficultySpec: 'medium', classes: 37, images: 24, pairs: a.pairs });
    expect(typeof doc.labelDefinition).toBe('string');
  });
});
