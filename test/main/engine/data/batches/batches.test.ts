// Training data: a dataset folder read and checked before training (bad lines and missing images named by file
// and line), images normalised NCHW, seeded epochs, and DPO batches with chosen and rejected rows side by side.
import { defaultImageProcessor } from '../../../../../src-main/engine/models/hf/image-processor';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../../src-main/engine/backend/select';
import * as tf from '../../../../../src-main/engine/backend/tf';
import {
  collate,
  decodeImage,
  epochOrder,
  ImageCache,
  planSteps,
  readDataset,
  stepMicroBatches,
} from '../../../../../src-main/engine/data/batches';
import { OBJECTIVES } from '../../../../../src-main/engine/objectives';
import { loadTokenizer } from '../../../../../src-main/engine/tokenizer';
import { removeTemp, smallWorld, tempFolder } from '../../train/helpers';

const root = tempFolder('batches');
let world: string;

beforeAll(async () => {
  await selectBackend('cpu');
  world = await smallWorld(join(root, 'world'), 6);
});
afterAll(() => removeTemp(root));

/** A copy of the world whose pairs.jsonl gets `extra` lines appended. */
function brokenCopy(name: string, extra: string[]): string {
  const copy = join(root, name);
  mkdirSync(join(copy, 'images'), { recursive: true });
  for (const f of ['pairs.jsonl', 'captions.jsonl', 'tokenizer.json']) copyFileSync(join(world, f), join(copy, f));
  copyFileSync(join(world, 'images/000001.png'), join(copy, 'images/000001.png'));
  writeFileSync(join(copy, 'pairs.jsonl'), readFileSync(join(world, 'pairs.jsonl'), 'utf8').split('\n').filter((l) => l.includes('000001.png')).join('\n') + '\n');
  appendFileSync(join(copy, 'pairs.jsonl'), extra.map((l) => `${l}\n`).join(''));
  writeFileSync(join(copy, 'captions.jsonl'), readFileSync(join(world, 'captions.jsonl'), 'utf8').split('\n')[0] + '\n');
  return copy;
}

describe('reading a dataset folder', () => {
  it('reads TRL pairs and captions with absolute image paths, ids and splits', () => {
    const dataset = readDataset(world);
    expect(dataset.captions).toHaveLength(6);
    expect(dataset.pairs.length).toBeGreaterThanOrEqual(6);
    const pair = dataset.pairs[0]!;
    expect(pair).toMatchObject({ line: 1, image: join(world, 'images/000001.png') });
    expect(pair.key).toMatch(/^shapes-7-000001-0$/);
    expect(pair.question.endsWith('?')).toBe(true);
    expect(pair.chosen).not.toBe(pair.rejected);
  });

  it('names the file and line of every bad record and says what to do, before training', () => {
    const image = (path: string) => JSON.stringify({ images: [path], prompt: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What colour is the circle?' }] }], chosen: 'Red.', rejected: 'Blue.' });
    const copy = brokenCopy('broken', [image('images/missing.png'), '{"images": ["images/000001.png"], "prompt": "x"', JSON.stringify({ images: ['images/000001.png'], prompt: 'Hi?', chosen: 'Red.' })]);
    const lines = readFileSync(join(copy, 'pairs.jsonl'), 'utf8').trimEnd().split('\n').length;
    const file = join(copy, 'pairs.jsonl');
    let message = '';
    try {
      readDataset(copy);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')).toEqual([
      `${file}:${lines - 2}: image "images/missing.png" does not exist (looked for ${join(copy, 'images/missing.png')}); put the image there or remove the line`,
      expect.stringMatching(new RegExp(`^${file}:${lines - 1}: not valid JSON`)),
      `${file}:${lines}: missing field "rejected"`,
      'Fix or remove these lines, then start the run again.',
    ]);
  });

  it('refuses a record too long for the context, counting the whole image, and an unknown word', () => {
    const dataset = readDataset(world);
    const tokenizer = loadTokenizer(world);
    const pair = dataset.pairs[0]!;
    const long = { ...pair, chosen: `${'red '.repeat(40)}.` };
    const odd = { ...pair, line: 99, chosen: 'Magenta.' };
    expect(() => OBJECTIVES.sft.examples([long, odd], tokenizer, { imageTokenCount: 16, maxLength: 64 })).toThrow(
      new RegExp(
        `${pair.file}:1: Record "${pair.key}" needs \\d+ tokens .*maxLength is 64.*image tokens are never truncated.\\n` +
          `${pair.file}:99: "${pair.question.replace('?', '\\?')}" / "Magenta." has words .* does not know`,
      ),
    );
    const items = OBJECTIVES.dpo.examples([pair], tokenizer, { imageTokenCount: 16, maxLength: 64 });
    expect(items[0]!.sequences).toHaveLength(2);
    expect(tokenizer.decode(items[0]!.sequences[1]!.inputIds.filter((_, i) => items[0]!.sequences[1]!.labelsMask[i] === 1), { skipSpecialTokens: true })).toBe(pair.rejected.toLowerCase());
  });
});

describe('images', () => {
  it('decodes to float32 NCHW at the encoder size, normalised with its mean and std', async () => {
    const path = join(root, 'red.png');
    const rgb = Buffer.alloc(4 * 4 * 3);
    for (let i = 0; i < 16; i++) rgb.set([255, 0, 51], i * 3);
    await sharp(rgb, { raw: { width: 4, height: 4, channels: 3 } }).png().toFile(path);
    const pixels = await decodeImage(path, { ...defaultImageProcessor('siglip', 2), normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 0.5] } });
    expect(Array.from(pixels)).toEqual([1, 1, 1, 1, -2, -2, -2, -2, -0.6, -0.6, -0.6, -0.6].map(Math.fround));
    const cache = new ImageCache(defaultImageProcessor('siglip', 32));
    await expect(cache.load([join(root, 'world/pairs.jsonl')], () => 'pairs.jsonl:3')).rejects.toThrow(/^pairs.jsonl:3: image .*pairs.jsonl cannot be decoded/);
  });
});

describe('epochs and batches', () => {
  it('shuffles with a permutation fixed by seed and epoch', () => {
    expect(epochOrder(10, 5, 0)).toEqual(epochOrder(10, 5, 0));
    expect(epochOrder(10, 5, 0)).not.toEqual(epochOrder(10, 5, 1));
    expect(epochOrder(10, 6, 0)).not.toEqual(epochOrder(10, 5, 0));
    expect([...epochOrder(10, 5, 3)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('splits steps into micro-batches and cycles epochs for maxSteps', () => {
    const plan = planSteps(10, 2, 2, 1, 5);
    expect(plan).toMatchObject({ stepsPerEpoch: 3, totalSteps: 5 });
    const order0 = epochOrder(10, 1, 0);
    expect(stepMicroBatches(plan, 1, 0)).toEqual({ epoch: 0, microBatches: [order0.slice(0, 2), order0.slice(2, 4)] });
    expect(stepMicroBatches(plan, 1, 2)).toEqual({ epoch: 0, microBatches: [order0.slice(8, 10)] });
    expect(stepMicroBatches(plan, 1, 3).epoch).toBe(1);
    expect(planSteps(10, 4, 1, 2).totalSteps).toBe(6);
  });

  it('collates DPO items into one batch of 2B rows: chosen rows, then rejected rows sharing the images', async () => {
    const dataset = readDataset(world);
    const tokenizer = loadTokenizer(world);
    const items = OBJECTIVES.dpo.examples(dataset.pairs.slice(0, 3), tokenizer, { imageTokenCount: 16, maxLength: 128 });
    const images = new ImageCache(defaultImageProcessor('siglip', 32));
    await images.load(items.map((i) => i.image), (p) => p);
    const batch = collate(items, images);
    expect(batch.pixels!.shape).toEqual([3, 3, 32, 32]);
    expect(batch.rows.map((r) => r.imageIndex)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(batch.rows.map((r) => r.inputIds)).toEqual([...items.map((i) => i.sequences[0]!.inputIds), ...items.map((i) => i.sequences[1]!.inputIds)]);
    expect(Array.from(batch.pixels!.dataSync().slice(0, 3 * 32 * 32))).toEqual(Array.from(images.pixels(items[0]!.image)));
    tf.dispose(batch.pixels!);
  });
});
