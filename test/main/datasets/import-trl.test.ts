// TRL import: plain-string and conversational records, JSON and JSONL, and every TRL-specific rejection reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../src-main/datasets/import';
import { collect, imageBytes, removeTempDirs, summary, tempDir, writeBytes, writeJson, writeJsonl } from './fixtures';

let dir: string;
let png: Buffer;

beforeAll(async () => {
  dir = await tempDir();
  png = await imageBytes(4, 3);
  await writeBytes(dir, 'images/a.png', png);
  await writeBytes(dir, 'images/b.png', await imageBytes(2, 5, [0, 0, 255]));
});
afterAll(removeTempDirs);

const image = { width: 4, height: 3, format: 'png' };

const conversational = {
  id: 'c1',
  images: ['images/a.png'],
  prompt: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What colour' }, { type: 'text', text: 'is the square?' }] },
  ],
  chosen: [{ role: 'assistant', content: [{ type: 'text', text: 'Red.' }] }],
  rejected: [{ role: 'assistant', content: 'Blue.' }],
  split: 'test',
  kind: 'colour',
  reason: null,
  score: 0.5,
  flagged: false,
  meta: { nested: true },
};

describe('trl import', () => {
  it('reads plain-string JSONL records with line locations and origin', async () => {
    const file = await writeJsonl(dir, 'strings.jsonl', [
      { image: 'images/a.png', prompt: '  What colour is it?  ', chosen: 'Red.', rejected: 'Blue.', kind: 'colour' },
      { id: 7, images: ['images/b.png'], prompt: 'How tall?', chosen: 'Five.', rejected: 'Two.', split: 'train' },
    ]);
    const parsed = await readDataset(file);
    expect(parsed.format).toBe('trl');
    expect(parsed.total).toBe(2);
    const { records, rejected } = await collect(parsed);
    expect(rejected).toEqual([]);
    expect(records.map(summary)).toStrictEqual([
      {
        location: { line: 1 },
        image,
        question: 'What colour is it?',
        chosen: 'Red.',
        rejected: 'Blue.',
        origin: { kind: 'colour' },
      },
      {
        location: { line: 2, id: '7' },
        image: { width: 2, height: 5, format: 'png' },
        question: 'How tall?',
        chosen: 'Five.',
        rejected: 'Two.',
        origin: { id: 7, split: 'train' },
        split: 'train',
      },
    ]);
    expect(records[0]!.image.bytes.equals(png)).toBe(true);
  });

  it('reads conversational records from a JSON array with index and id locations', async () => {
    const file = await writeJson(dir, 'conv.json', [
      conversational,
      { ...conversational, id: 'c2', split: 'validation', images: 'images/a.png', prompt: [{ role: 'user', content: 'Plain content?' }] },
    ]);
    const parsed = await readDataset(file, 'trl');
    expect(parsed.total).toBe(2);
    const { records, rejected } = await collect(parsed);
    expect(rejected).toEqual([]);
    expect(records.map(summary)).toStrictEqual([
      {
        location: { index: 0, id: 'c1' },
        image,
        question: 'What colour\nis the square?',
        chosen: 'Red.',
        rejected: 'Blue.',
        origin: { id: 'c1', split: 'test', kind: 'colour', reason: null, score: 0.5, flagged: false },
        split: 'test',
      },
      {
        location: { index: 1, id: 'c2' },
        image,
        question: 'Plain content?',
        chosen: 'Red.',
        rejected: 'Blue.',
        origin: { id: 'c2', split: 'validation', kind: 'colour', reason: null, score: 0.5, flagged: false },
      },
    ]);
  });

  it('accepts Hugging Face image objects with a path', async () => {
    const file = await writeJsonl(dir, 'hf.jsonl', [
      { images: [{ bytes: null, path: 'images/a.png' }], prompt: 'Q?', chosen: 'A', rejected: 'B' },
    ]);
    const { records, rejected } = await collect(await readDataset(file));
    expect(rejected).toEqual([]);
    expect(records[0]!.image.width).toBe(4);
  });

  it('rejects bad records with the field named, and keeps the good ones in order', async () => {
    const ok = { images: ['images/a.png'], prompt: 'Q?', chosen: 'A', rejected: 'B' };
    const user = (content: unknown) => [{ role: 'user', content }];
    const file = await writeJsonl(dir, 'bad.jsonl', [
      ok,
      { ...ok, chosen: undefined },
      '',
      { ...ok, chosen: '   ' },
      { ...ok, chosen: 5 },
      { ...ok, rejected: ' A ' },
      { ...ok, images: ['images/a.png', 'images/b.png'] },
      { ...ok, prompt: user([{ type: 'image' }, { type: 'image' }, { type: 'text', text: 'Compare?' }]) },
      { ...ok, images: undefined },
      { ...ok, images: [] },
      { ...ok, prompt: [] },
      { ...ok, prompt: user([{ type: 'image' }]) },
      { ...ok, chosen: [{ role: 'user', content: 'not an answer' }] },
      { ...ok, prompt: [{ content: 'no role' }] },
      { ...ok, prompt: user(7) },
      { ...ok, prompt: user([{ type: 'video' }]) },
      { ...ok, images: [3] },
      { ...ok, id: 'x9', prompt: { text: 'object' } },
      '{"images": ["images/a.png"], "prompt": "Q?",',
      '   ',
      '[1, 2]',
      ok,
    ]);
    const parsed = await readDataset(file);
    expect(parsed.total).toBe(20);
    const { records, rejected, order } = await collect(parsed);
    let jsonError = '';
    try {
      JSON.parse('{"images": ["images/a.png"], "prompt": "Q?",');
    } catch (err) {
      jsonError = (err as Error).message;
    }
    expect(rejected).toStrictEqual([
      { line: 2, reason: 'missing field "chosen"' },
      { line: 4, reason: 'field "chosen" is empty' },
      { line: 5, reason: 'field "chosen" must be a string or a list of messages, got number' },
      { line: 6, reason: 'chosen and rejected are identical' },
      {
        line: 7,
        reason: '2 images in one record: PIVOT Studio studies single-image pairs; split the record or keep one image',
      },
      {
        line: 8,
        reason: '2 images in one record: PIVOT Studio studies single-image pairs; split the record or keep one image',
      },
      { line: 9, reason: 'missing field "images"' },
      { line: 10, reason: 'field "images" is empty' },
      { line: 11, reason: 'field "prompt" is empty' },
      { line: 12, reason: 'field "prompt" has no user text' },
      { line: 13, reason: 'field "chosen" has no assistant text' },
      { line: 14, reason: 'field "prompt" message 1 must be {"role": …, "content": …}' },
      { line: 15, reason: 'field "prompt" message 1 content must be a string or a list of parts, got number' },
      { line: 16, reason: 'field "prompt" message 1 part 1 must be {"type": "text", "text": …} or {"type": "image"}' },
      { line: 17, reason: 'field "images" must be a list of image paths, got number' },
      { line: 18, id: 'x9', reason: 'field "prompt" must be a string or a list of messages, got object' },
      { line: 19, reason: `invalid JSON: ${jsonError}` },
      { line: 21, reason: 'record must be a JSON object, got list' },
    ]);
    expect(records.map((r) => r.location)).toStrictEqual([{ line: 1 }, { line: 22 }]);
    expect(order[0]).toBe('ok');
    expect(order.at(-1)).toBe('ok');
  });
});
