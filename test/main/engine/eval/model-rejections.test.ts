// Pairs from the model's own answers: the picker (wrong → its answer, right → its runner-up), and the folder it
// writes, which the importer and the training reader accept as they accept a Shapes world.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../../../src-main/curation/import-dataset';
import { selectBackend } from '../../../../src-main/engine/backend/select';
import { readDataset } from '../../../../src-main/engine/data/batches';
import { OBJECTIVES } from '../../../../src-main/engine/objectives';
import { writeShapesWorld } from '../../../../src-main/engine/data/shapes';
import { shapesTokenizerText } from '../../../../src-main/engine/data/shapes/tokenizer';
import { modelRejection, writeModelRejections } from '../../../../src-main/engine/eval/model-rejections';
import { readQaItems } from '../../../../src-main/engine/eval/qa-items';
import { scoreCandidates } from '../../../../src-main/engine/eval/score';
import { createPresetMllm, readTokenizerFiles, tokenizerFromFiles, type Mllm } from '../../../../src-main/engine/models/mllm';
import { Workspace } from '../../../../src-main/store/workspace';
import { removeTemp, tempFolder } from '../train/helpers';

const root = tempFolder('model-rejections');
const world = join(root, 'world');
const out = join(root, 'rejections');
let model: Mllm;
afterAll(() => {
  model?.dispose();
  removeTemp(root);
});
beforeAll(async () => {
  await selectBackend('cpu');
  await writeShapesWorld({ out: world, count: 10, seed: 3, size: 32, difficulty: 'easy' });
  model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 2 });
});

describe('modelRejection', () => {
  const item = { candidates: ['Red.', 'Green.', 'Blue.'], truth: 0 };
  it('rejects the answer the model gives when it is wrong', () => {
    expect(modelRejection(item, [-2, -1, -3])).toEqual({ answer: 'Green.', rejected: 'Green.', wrong: true });
  });
  it("rejects the model's runner-up when it is right", () => {
    expect(modelRejection(item, [-1, -2, -1.5])).toEqual({ answer: 'Red.', rejected: 'Blue.', wrong: false });
  });
});

describe('writeModelRejections', () => {
  it("writes the world's pairs with the model's rejected answers, and the folder imports and tokenises cleanly", async () => {
    const summary = await writeModelRejections(model, world, out, { split: 'all', checkpoint: 'ckpt' });
    const qa = readQaItems(world, { split: 'all' });
    const expected = (await scoreCandidates(model, qa.items)).map((s, i) => modelRejection(qa.items[i]!, s));
    expect(summary).toMatchObject({ out, split: 'all', pairs: qa.items.length, wrong: expected.filter((e) => e.wrong).length });
    expect(summary.wrong + summary.right).toBe(qa.items.length);

    const rows = readFileSync(join(out, 'pairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const original = readFileSync(join(world, 'pairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(original.length);
    rows.forEach((row, i) => {
      const e = expected[i]!;
      expect(row).toEqual({
        ...original[i], rejected: [{ role: 'assistant', content: [{ type: 'text', text: e.rejected }] }],
        reason: 'model-answer', model_wrong: e.wrong, model_answer: e.answer,
      });
      expect(e.rejected).not.toBe(qa.items[i]!.record.chosen);
    });
    const worldJson = JSON.parse(readFileSync(join(out, 'world.json'), 'utf8')) as { pairs: number; rejections: { checkpoint: string; split: string } };
    expect(worldJson.pairs).toBe(rows.length);
    expect(worldJson.rejections).toMatchObject({ checkpoint: 'ckpt', split: 'all', from: world });

    // The training reader: every record, its image and caption, tokenised as a DPO item with the copied tokenizer.
    const dataset = readDataset(out);
    expect(dataset.pairs).toHaveLength(rows.length);
    expect(dataset.captions).toHaveLength(10);
    const tokenizer = tokenizerFromFiles(readTokenizerFiles(out), out);
    expect(OBJECTIVES.dpo.examples(dataset.pairs, tokenizer, { imageTokenCount: 16, maxLength: 128 })).toHaveLength(rows.length);
    expect(existsSync(join(out, 'instances', '000001.png'))).toBe(true);

    // The importer (pivot data import) takes every pair.
    const ws = Workspace.open(join(root, 'workspace'));
    try {
      expect(await importDataset(ws, join(out, 'pairs.jsonl'))).toEqual({ format: 'trl', imported: rows.length, rejected: [], skipped: 0, blankLines: 0 });
    } finally {
      ws.close();
    }
  }, 60_000);

  it('refuses to write over the world it reads', async () => {
    await expect(writeModelRejections(model, world, world, { split: 'all' })).rejects.toThrow(`--out ${world} is the world folder itself; write the new pairs to another folder`);
  });
});
