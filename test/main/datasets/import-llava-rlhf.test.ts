// LLaVA-RLHF import: question from the last human turn, chosen by `preference`, and its rejection reasons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../../src-main/datasets/import';
import { collect, imageBytes, removeTempDirs, summary, tempDir, writeBytes, writeJson } from './fixtures';

let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  await writeBytes(dir, 'coco/0001.png', await imageBytes(5, 5));
});
afterAll(removeTempDirs);

const base = {
  id: 'llava-1',
  image: 'coco/0001.png',
  conversations: [
    { from: 'human', value: '<image>\nWhat is in the image?' },
    { from: 'gpt', value: 'A square.' },
    { from: 'human', value: 'What colour is it? \n<image>' },
  ],
  output_1: { from: 'llava', value: 'It is red.' },
  output_2: { from: 'llava', value: 'It is blue.' },
  preference: 1,
  hallucination: false,
};

describe('llava-rlhf import', () => {
  it('takes the last human turn as the question and the preferred output as chosen', async () => {
    const first = { ...base, conversations: [{ from: 'human', value: '<image>\nWhat is in the image?' }] };
    const file = await writeJson(dir, 'human_preference.json', [
      first,
      { ...first, id: 2, preference: 2, output_1: 'Plain one.', output_2: 'Plain two.' },
    ]);
    const parsed = await readDataset(file);
    expect(parsed.format).toBe('llava-rlhf');
    const { records, rejected } = await collect(parsed);
    expect(rejected).toEqual([]);
    const image = { width: 5, height: 5, format: 'png' };
    expect(records.map(summary)).toStrictEqual([
      {
        location: { index: 0, id: 'llava-1' },
        image,
        question: 'What is in the image?',
        chosen: 'It is red.',
        rejected: 'It is blue.',
        origin: { id: 'llava-1', hallucination: false },
      },
      {
        location: { index: 1, id: '2' },
        image,
        question: 'What is in the image?',
        chosen: 'Plain two.',
        rejected: 'Plain one.',
        origin: { id: 2, hallucination: false },
      },
    ]);
  });

  it('rejects bad records with exact reasons', async () => {
    const one = [{ from: 'human', value: '<image>\nWhat?' }];
    const file = await writeJson(dir, 'bad.json', [
      { ...base, conversations: one, preference: 3 },
      { ...base, conversations: one, preference: '1' },
      { ...base, conversations: one, preference: undefined },
      { ...base, conversations: one, output_2: { from: 'llava', value: 'It is red.' } },
      { ...base, conversations: one, output_1: { from: 'llava', value: '  ' } },
      { ...base, conversations: one, output_2: 5 },
      { ...base, conversations: one, output_1: undefined },
      { ...base, conversations: undefined },
      { ...base, conversations: [] },
      { ...base, conversations: [{ from: 'gpt', value: 'Hi' }] },
      { ...base, conversations: [{ from: 'human', value: '<image>' }] },
      { ...base, conversations: [{ from: 'human' }] },
      base,
      { ...base, conversations: one, image: undefined },
      { ...base, conversations: one, image: '/etc/passwd' },
    ]);
    const { records, rejected } = await collect(await readDataset(file, 'llava-rlhf'));
    expect(records).toEqual([]);
    const id = 'llava-1';
    expect(rejected).toStrictEqual([
      { index: 0, id, reason: 'preference must be 1 or 2, got 3' },
      { index: 1, id, reason: 'preference must be 1 or 2, got "1"' },
      { index: 2, id, reason: 'missing field "preference"' },
      { index: 3, id, reason: 'chosen and rejected are identical' },
      { index: 4, id, reason: 'field "output_1" is empty' },
      { index: 5, id, reason: 'field "output_2" must be a string or {"from": …, "value": …}, got number' },
      { index: 6, id, reason: 'missing field "output_1"' },
      { index: 7, id, reason: 'missing field "conversations"' },
      { index: 8, id, reason: 'field "conversations" is empty' },
      { index: 9, id, reason: 'field "conversations" has no human turn' },
      { index: 10, id, reason: 'field "conversations" has an empty last human turn' },
      { index: 11, id, reason: 'field "conversations" turn 1 must be {"from": …, "value": …}' },
      {
        index: 12,
        id,
        reason: '2 images in one record: PIVOT Studio studies single-image pairs; split the record or keep one image',
      },
      { index: 13, id, reason: 'missing field "image"' },
      { index: 14, id, reason: 'image path "/etc/passwd" leaves the dataset folder' },
    ]);
  });
});
