// RLAIF-V import: provenance kept in origin, JSON array records located by index and id, rejection reasons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../src-main/datasets/import';
import { collect, imageBytes, removeTempDirs, summary, tempDir, writeBytes, writeJson, writeJsonl } from './fixtures';

let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  await writeBytes(dir, 'imgs/x.jpg', await imageBytes(6, 4, [10, 200, 10], 'jpeg'));
  await writeBytes(dir, 'imgs/y.webp', await imageBytes(3, 3, [10, 10, 200], 'webp'));
});
afterAll(removeTempDirs);

const base = {
  ds_name: 'OmniLMM',
  question: 'Describe the picture.',
  chosen: 'A green rectangle.',
  rejected: 'A red circle.',
  origin_dataset: 'VQAv2',
  origin_split: '{"model":"m"}',
  idx: 12,
  image_path: 'imgs/x.jpg',
};

describe('rlaif-v import', () => {
  it('reads JSONL records, keeping provenance fields in origin', async () => {
    const file = await writeJsonl(dir, 'rlaif.jsonl', [base, { question: 'Q?', chosen: 'A', rejected: 'B', image: 'imgs/y.webp' }]);
    const parsed = await readDataset(file);
    expect(parsed.format).toBe('rlaif-v');
    const { records, rejected } = await collect(parsed);
    expect(rejected).toEqual([]);
    expect(records.map(summary)).toStrictEqual([
      {
        location: { line: 1 },
        image: { width: 6, height: 4, format: 'jpeg' },
        question: 'Describe the picture.',
        chosen: 'A green rectangle.',
        rejected: 'A red circle.',
        origin: { ds_name: 'OmniLMM', origin_dataset: 'VQAv2', origin_split: '{"model":"m"}', idx: 12 },
      },
      {
        location: { line: 2 },
        image: { width: 3, height: 3, format: 'webp' },
        question: 'Q?',
        chosen: 'A',
        rejected: 'B',
        origin: {},
      },
    ]);
  });

  it('reads a JSON array and rejects bad records by index', async () => {
    const file = await writeJson(dir, 'rlaif.json', [
      { ...base, id: 'r0' },
      { ...base, question: undefined },
      { ...base, chosen: 5 },
      { ...base, rejected: '' },
      { ...base, rejected: base.chosen },
      { ...base, image_path: undefined },
      { ...base, image_path: ['imgs/x.jpg', 'imgs/y.webp'] },
      { ...base, image_path: 42 },
      'just a string',
      { ...base, id: 9, image_path: 'imgs/none.jpg' },
    ]);
    const parsed = await readDataset(file);
    expect(parsed.format).toBe('rlaif-v');
    expect(parsed.total).toBe(10);
    const { records, rejected } = await collect(parsed);
    expect(records.map((r) => r.location)).toStrictEqual([{ index: 0, id: 'r0' }]);
    expect(records[0]!.origin).toStrictEqual({
      ds_name: 'OmniLMM',
      origin_dataset: 'VQAv2',
      origin_split: '{"model":"m"}',
      idx: 12,
      id: 'r0',
    });
    expect(rejected).toStrictEqual([
      { index: 1, reason: 'missing field "question"' },
      { index: 2, reason: 'field "chosen" must be a string, got number' },
      { index: 3, reason: 'field "rejected" is empty' },
      { index: 4, reason: 'chosen and rejected are identical' },
      { index: 5, reason: 'missing field "image_path"' },
      {
        index: 6,
        reason: '2 images in one record: PIVOT Studio studies single-image pairs; split the record or keep one image',
      },
      { index: 7, reason: 'field "image_path" must be an image path, got number' },
      { index: 8, reason: 'record must be a JSON object, got string' },
      { index: 9, id: '9', reason: 'image "imgs/none.jpg" not found' },
    ]);
  });
});
