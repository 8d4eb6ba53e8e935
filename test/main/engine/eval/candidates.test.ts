// The closed answer sets the QA accuracy ranks: exactly the answers the Shapes world can write for each form of
// question, the chosen answer of every generated pair among them, and clear errors for questions it never asks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import { answerCandidates } from '../../../../src-main/engine/eval/candidates';
import { readQaItems, worldMaxCount } from '../../../../src-main/engine/eval/qa-items';
import { removeTemp, tempFolder } from '../train/helpers';

const root = tempFolder('qa-candidates');
const world = join(root, 'world');
afterAll(() => removeTemp(root));
beforeAll(async () => {
  await writeShapesWorld({ out: world, count: 40, seed: 11, size: 32, difficulty: 'medium' });
});

describe('answerCandidates', () => {
  it('offers every colour for a colour question and every shape for a shape question', () => {
    expect(answerCandidates('attribute', 'What colour is the larger circle?', 5)).toEqual({
      asked: 'colour', candidates: ['Red.', 'Green.', 'Blue.', 'Yellow.', 'Purple.', 'Orange.'],
    });
    expect(answerCandidates('attribute', 'What shape is the red object on the left?', 5)).toEqual({
      asked: 'shape', candidates: ['Circle.', 'Square.', 'Triangle.', 'Diamond.', 'Ring.', 'Cross.'],
    });
  });

  it('offers the counts 0…maxCount in the world’s sentences, for shapes and for colour objects', () => {
    expect(answerCandidates('count', 'How many crosses are there?', 3)).toEqual({
      asked: 'count', candidates: ['There are no crosses.', 'There is 1 cross.', 'There are 2 crosses.', 'There are 3 crosses.'],
    });
    expect(answerCandidates('count', 'How many blue objects are there?', 2).candidates).toEqual([
      'There are no blue objects.', 'There is 1 blue object.', 'There are 2 blue objects.',
    ]);
  });

  it('offers both sides of the position asked, and names a position question of another form', () => {
    expect(answerCandidates('position', 'Is the red circle on the left or the right?', 5)).toEqual({ asked: 'position', candidates: ['On the left.', 'On the right.'] });
    expect(answerCandidates('position', 'Is the red circle upper or lower?', 5)).toEqual({ asked: 'position', candidates: ['Upper.', 'Lower.'] });
    expect(() => answerCandidates('position', 'Where is the red circle?', 5)).toThrow(
      'a position question must end "on the left or the right?" or "upper or lower?", got "Where is the red circle?"',
    );
  });

  it('offers both directions of the relation asked', () => {
    expect(answerCandidates('relation', 'Is the red circle to the left of or to the right of the blue ring?', 5)).toEqual({
      asked: 'relation', candidates: ['To the left.', 'To the right.'],
    });
    expect(answerCandidates('relation', 'Is the red circle above or below the blue ring?', 5).candidates).toEqual(['Above.', 'Below.']);
  });

  it('names the expected form when a question is not one the world asks', () => {
    expect(() => answerCandidates('attribute', 'What size is it?', 5)).toThrow('an attribute question must start "What colour is" or "What shape is", got "What size is it?"');
    expect(() => answerCandidates('count', 'How many stars are there?', 5)).toThrow(
      'a count question must read "How many <shapes | colour objects> are there?", got "How many stars are there?"');
  });
});

describe('readQaItems', () => {
  it('takes the count range from world.json and finds every chosen answer among its candidates', () => {
    expect(worldMaxCount(world)).toBe(5); // medium: 3–5 objects per image
    const all = readQaItems(world, { split: 'all' });
    expect(all.items.length).toBeGreaterThan(40);
    for (const item of all.items) expect(item.candidates[item.truth]).toBe(item.record.chosen);
    expect(new Set(all.items.map((i) => i.asked))).toEqual(new Set(['colour', 'shape', 'count', 'relation']));
    const test = readQaItems(world);
    expect(test.split).toBe('test');
    expect(test.items.every((i) => i.record.split === 'test')).toBe(true);
    expect(test.items.length + readQaItems(world, { split: 'train' }).items.length).toBe(all.items.length);
    expect(readQaItems(world, { split: 'all', limit: 3 }).items.map((i) => i.record.key)).toEqual(all.items.slice(0, 3).map((i) => i.record.key));
  });

  it('refuses a world.json whose object count is not a positive whole number as INVALID_DATA naming the field', () => {
    const folder = join(root, 'bad-world');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, 'world.json');
    writeFileSync(file, JSON.stringify({ difficulty: { objects: { min: 1, max: 0 } } }));
    expect(() => worldMaxCount(folder)).toThrow(expect.objectContaining({ code: 'INVALID_DATA', details: { file, field: 'difficulty.objects.max' } }));
    writeFileSync(file, '{"difficulty": ');
    expect(() => worldMaxCount(folder)).toThrow(expect.objectContaining({ code: 'INVALID_DATA', details: { file } }));
  });

  it('lists a pair without Shapes metadata by file and line', async () => {
    const bad = join(root, 'bad');
    const pairs = join(bad, 'pairs.jsonl');
    const row = (kind: unknown) => JSON.stringify({
      images: ['img.png'], prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What colour is the circle?' }] }],
      chosen: [{ role: 'assistant', content: [{ type: 'text', text: 'Red.' }] }], rejected: [{ role: 'assistant', content: [{ type: 'text', text: 'Blue.' }] }],
      split: 'test', ...(kind === undefined ? {} : { kind }),
    });
    await writeShapesWorld({ out: bad, count: 1, seed: 1, size: 32 });
    writeFileSync(join(bad, 'img.png'), Buffer.alloc(0));
    writeFileSync(pairs, `${row('attribute')}\n${row(undefined)}\n`);
    expect(() => readQaItems(bad)).toThrow(`${pairs}:2: field "kind" must be one of attribute, count, relation, position, got undefined`);
  });
});
