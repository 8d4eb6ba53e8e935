// QA accuracy: the argmax over candidates and its summary on stub scores with known answers, and the model's
// candidate scores equal to the log-probs training computes for the same answers (same template, splice, mask).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { collate, ImageCache, readDataset } from '../../../../src-main/engine/data/batches';
import { OBJECTIVES } from '../../../../src-main/engine/objectives';
import { writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { evaluateQa, qaAccuracy, rankCandidates } from '../../../../src-main/engine/eval/qa-accuracy';
import { readQaItems, type QaItem } from '../../../../src-main/engine/eval/qa-items';
import { scoreCandidates } from '../../../../src-main/engine/eval/score';
import { createPresetMllm, type Mllm } from '../../../../src-main/engine/models/mllm';
import { sequenceLogpsOf } from '../../../../src-main/engine/objectives';
import { removeTemp, tempFolder } from '../train/helpers';

const root = tempFolder('qa-accuracy');
const world = join(root, 'world');
let model: Mllm;
afterAll(() => {
  model?.dispose();
  removeTemp(root);
});
beforeAll(async () => {
  await selectBackend('cpu');
  await writeShapesWorld({ out: world, count: 12, seed: 7, size: 32, difficulty: 'easy' });
  model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 4 });
});

/** Scores 0 for the candidate `pick(item)`, −1 for every other. */
const rigged = (items: readonly QaItem[], pick: (item: QaItem) => number) =>
  items.map((item) => item.candidates.map((_, j) => (j === pick(item) ? 0 : -1)));

describe('rankCandidates', () => {
  it("takes the argmax as the answer and the best candidate other than the truth as the model's wrong answer", () => {
    expect(rankCandidates([-3, -1, -2], 2)).toEqual({ answer: 1, bestWrong: 1 });
    expect(rankCandidates([-3, -1, -2], 1)).toEqual({ answer: 1, bestWrong: 2 });
    expect(rankCandidates([-0.5, -4], 0)).toEqual({ answer: 0, bestWrong: 1 });
  });
});

describe('evaluateQa', () => {
  it('is 1 with se 0 when the chosen answer scores highest, and reports the chance level of the candidate sets', () => {
    const { items } = readQaItems(world, { split: 'all' });
    const r = evaluateQa(items, rigged(items, (i) => i.truth), { folder: world, split: 'all' });
    expect(r).toMatchObject({ n: items.length, correct: items.length, accuracy: 1, se: 0, protocol: 'qa-accuracy/candidate-ranking' });
    expect(r.chance).toBeCloseTo(items.reduce((s, i) => s + 1 / i.candidates.length, 0) / items.length, 12);
    expect(r.samples.every((s) => s.correct && s.margin === 1 && s.answer === s.truth)).toBe(true);
  });

  it('scores exactly the questions answered wrong as wrong, overall and per kind', () => {
    const { items } = readQaItems(world, { split: 'all' });
    // Wrong on every colour question (the next colour wins), right on the rest.
    const r = evaluateQa(items, rigged(items, (i) => (i.asked === 'colour' ? (i.truth + 1) % i.candidates.length : i.truth)), { folder: world, split: 'all' });
    const colours = items.filter((i) => i.asked === 'colour').length;
    expect(colours).toBeGreaterThan(0);
    const p = (items.length - colours) / items.length;
    expect(r.accuracy).toBeCloseTo(p, 12);
    expect(r.se).toBeCloseTo(Math.sqrt((p * (1 - p)) / items.length), 12);
    expect(r.perKind.colour).toMatchObject({ n: colours, correct: 0, accuracy: 0, chance: 1 / 6 });
    expect(r.perKind.relation).toMatchObject({ accuracy: 1, chance: 0.5 });
    const first = r.samples.find((s) => s.asked === 'colour')!;
    const item = items.find((i) => i.record.key === first.id)!;
    expect(first).toMatchObject({ correct: false, margin: -1, truth: item.record.chosen, answer: item.candidates[(item.truth + 1) % 6] });
  });
});

describe('scoreCandidates', () => {
  it("gives the chosen answer the summed answer-token log-prob training's DPO step reads for it", async () => {
    const qa = readQaItems(world, { split: 'all', limit: 6 });
    const scores = await scoreCandidates(model, qa.items);
    // The same records through the training path: DPO items (chosen row then rejected row), collated, one forward.
    const dataset = readDataset(world);
    const records = qa.items.map((i) => dataset.pairs.find((p) => p.key === i.record.key)!);
    const train = OBJECTIVES.dpo.examples(records, model.tokenizer, { imageTokenCount: model.imageTokenCount, maxLength: model.lm.config.max_position_embeddings });
    const images = new ImageCache(model.config.imageProcessor);
    await images.load(train.map((t) => t.image), (p) => p);
    const batch = collate(train, images);
    const logps = Array.from(sequenceLogpsOf(model, batch).dataSync());
    batch.pixels?.dispose();
    let rejectedChecked = 0;
    qa.items.forEach((item, i) => {
      expect(scores[i]![item.truth]).toBeCloseTo(logps[i]!, 4);
      // A scripted wrong count can lie above the world's largest count, outside the candidates.
      const rejected = item.candidates.indexOf(item.record.rejected);
      if (rejected >= 0) expect(scores[i]![rejected], `${item.record.key} rejected`).toBeCloseTo(logps[qa.items.length + i]!, 4);
      if (rejected >= 0) rejectedChecked++;
    });
    expect(rejectedChecked).toBeGreaterThan(3);
  });

  it('gives the same scores whatever the batching, and qaAccuracy ranks them', async () => {
    const qa = readQaItems(world, { split: 'all', limit: 8 });
    const batched = await scoreCandidates(model, qa.items, { rowsPerBatch: 64 });
    const single = await scoreCandidates(model, qa.items, { rowsPerBatch: 1 });
    batched.forEach((row, i) => row.forEach((s, j) => expect(s).toBeCloseTo(single[i]![j]!, 4)));
    const r = await qaAccuracy(model, world, { split: 'all', limit: 8 });
    expect(r.samples.map((s) => s.answer)).toEqual(qa.items.map((item, i) => item.candidates[rankCandidates(batched[i]!, item.truth).answer]));
    expect(r.n).toBe(8);
  });
});
