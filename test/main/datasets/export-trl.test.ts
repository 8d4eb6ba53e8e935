// The TRL export: exact lines, images copied once, atomic replacement, and the round trip through the importer.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportablePair, writeTrlExport } from '../../../src-main/datasets/export/trl';
import { readDataset } from '../../../src-main/datasets/import';
import { PivotError } from '../../../src-shared/errors';
import { collect, imageBytes, removeTempDirs, tempDir, writeBytes } from './fixtures';

let store: string;
let red: Buffer;
let blue: Buffer;
const RED = 'a'.repeat(64);
const BLUE = 'b'.repeat(64);

beforeAll(async () => {
  store = await tempDir();
  red = await imageBytes(4, 4, [255, 0, 0]);
  blue = await imageBytes(3, 2, [0, 0, 255], 'jpeg');
  await writeBytes(store, `${RED}.png`, red);
  await writeBytes(store, `${BLUE}.jpeg`, blue);
});
afterAll(removeTempDirs);

function pairs(): ExportablePair[] {
  const base = { status: 'accepted', tags: [] as string[], source: { dataset: 'shapes/pairs.jsonl', origin: { idx: 1 } } };
  return [
    {
      ...base,
      id: 1,
      imagePath: join(store, `${RED}.png`),
      imageName: `${RED}.png`,
      question: 'What colour is the square?\nAnswer briefly.',
      chosen: 'Red.',
      rejected: 'Blue — "definitely".',
      split: 'train',
      tags: ['colour', 'easy'],
    },
    {
      ...base,
      id: 2,
      imagePath: join(store, `${BLUE}.jpeg`),
      imageName: `${BLUE}.jpeg`,
      question: 'How wide?',
      chosen: 'Three pixels.',
      rejected: 'Two pixels.',
      split: 'test',
      status: 'needs-review',
    },
    {
      ...base,
      id: 3,
      imagePath: join(store, `${RED}.png`),
      imageName: `${RED}.png`,
      question: 'Is it round?',
      chosen: 'No.',
      rejected: 'Yes.',
      split: 'train',
    },
  ];
}

describe('TRL export', () => {
  it('writes conversational JSONL with each image copied once, and reports progress', async () => {
    const outDir = await tempDir();
    const progress: number[] = [];
    async function* stream(): AsyncGenerator<ExportablePair> {
      yield* pairs();
    }
    const result = await writeTrlExport(join(outDir, 'pairs.jsonl'), stream(), (n) => progress.push(n));
    expect(result).toStrictEqual({ path: join(outDir, 'pairs.jsonl'), written: 3, images: 2 });
    expect(progress).toStrictEqual([3]);
    expect((await readdir(outDir)).sort()).toStrictEqual(['images', 'pairs.jsonl']);
    expect((await readdir(join(outDir, 'images'))).sort()).toStrictEqual([`${RED}.png`, `${BLUE}.jpeg`]);
    expect((await readFile(join(outDir, 'images', `${RED}.png`))).equals(red)).toBe(true);

    const lines = (await readFile(result.path, 'utf8')).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(JSON.parse(lines[0]!)).toStrictEqual({
      id: 1,
      images: [`images/${RED}.png`],
      prompt: [
        {
          role: 'user',
          content: [{ type: 'image' }, { type: 'text', text: 'What colour is the square?\nAnswer briefly.' }],
        },
      ],
      chosen: [{ role: 'assistant', content: [{ type: 'text', text: 'Red.' }] }],
      rejected: [{ role: 'assistant', content: [{ type: 'text', text: 'Blue — "definitely".' }] }],
      split: 'train',
      status: 'accepted',
      tags: ['colour', 'easy'],
      source_dataset: 'shapes/pairs.jsonl',
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ id: 2, images: [`images/${BLUE}.jpeg`], split: 'test', tags: [] });
  });

  it('re-imports through the trl parser with the same question, chosen and rejected', async () => {
    const outDir = await tempDir();
    const { path } = await writeTrlExport(join(outDir, 'pairs.jsonl'), pairs());
    const parsed = await readDataset(path);
    expect(parsed.format).toBe('trl');
    const { records, rejected } = await collect(parsed);
    expect(rejected).toStrictEqual([]);
    expect(
      records.map((r) => ({ q: r.question, c: r.chosen, r: r.rejected, split: r.split, format: r.image.format, id: r.location.id })),
    ).toStrictEqual(
      pairs().map((p) => ({ q: p.question, c: p.chosen, r: p.rejected, split: p.split, format: p.imageName.split('.')[1], id: String(p.id) })),
    );
    expect(records[0]!.origin).toStrictEqual({ id: 1, split: 'train', status: 'accepted', source_dataset: 'shapes/pairs.jsonl' });
    expect(records[1]!.image.bytes.equals(blue)).toBe(true);
  });

  it('reports progress every 100 pairs and at the end', async () => {
    const outDir = await tempDir();
    const [one] = pairs();
    const many = Array.from({ length: 250 }, (_, i) => ({ ...one!, id: i + 1 }));
    const progress: number[] = [];
    const result = await writeTrlExport(join(outDir, 'many.jsonl'), many, (n) => progress.push(n));
    expect(progress).toStrictEqual([100, 200, 250]);
    expect(result).toMatchObject({ written: 250, images: 1 });
  });

  it('replaces an earlier export atomically and leaves no temp files', async () => {
    const outDir = await tempDir();
    const out = join(outDir, 'pairs.jsonl');
    await writeFile(out, 'old\n');
    await writeTrlExport(out, pairs().slice(0, 1));
    expect((await readFile(out, 'utf8')).split('\n')).toHaveLength(2);
    expect((await readdir(outDir)).sort()).toStrictEqual(['images', 'pairs.jsonl']);
  });

  it('keeps the earlier export when a pair fails, and refuses image names that are paths', async () => {
    const outDir = await tempDir();
    const out = join(outDir, 'pairs.jsonl');
    await writeFile(out, 'old\n');
    const [good] = pairs();
    const missing = { ...good!, id: 9, imagePath: join(store, 'gone.png'), imageName: 'gone.png' };
    const err = await writeTrlExport(out, [good!, missing]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PivotError);
    expect((err as PivotError).code).toBe('FILE_UNREADABLE');
    expect(await readFile(out, 'utf8')).toBe('old\n');
    expect((await readdir(outDir)).sort()).toStrictEqual(['images', 'pairs.jsonl']);

    const escaping = { ...good!, imageName: '../escape.png' };
    const err2 = await writeTrlExport(out, [escaping]).catch((e: unknown) => e);
    expect((err2 as PivotError).code).toBe('PATH_OUTSIDE_FOLDER');
    expect(await readFile(out, 'utf8')).toBe('old\n');
  });
});
