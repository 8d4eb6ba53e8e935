// `pivot eval qa` and `pivot data rejections` as a user runs them on a toy checkpoint and a Shapes world: one JSON
// object each, numbers that match the library's, a folder `pivot data import` takes whole, and errors naming the path.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { readQaItems } from '../../../src-main/engine/eval/qa-items';
import { qaAccuracy } from '../../../src-main/engine/eval';
import { loadMllm } from '../../../src-main/engine/models/mllm';
import { saveToyModel, writeProbeWorld } from '../../helpers/toy-model';
import { tempDir } from '../../helpers/workspace';
import { startPivot } from './run-pivot';

const root = tempDir('pivot-eval-cli-');
const checkpoint = join(root, 'checkpoints', 'instruct-6');
const llava = join(root, 'llava');
const world = join(root, 'world');

afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend('cpu');
  await saveToyModel(8, { checkpoint, llava });
  await writeProbeWorld(world);
});

describe('pivot eval qa', () => {
  it('prints one JSON object: accuracy, se and chance over the test split, per kind and per sample', async () => {
    const { code, stdout, stderr } = await startPivot(['eval', 'qa', '--checkpoint', checkpoint, '--data', world, '--backend', 'cpu', '--json']).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]!) as { n: number; correct: number; accuracy: number; se: number; chance: number; split: string; protocol: string; perKind: Record<string, { n: number }>; samples: { id: string; correct: boolean; margin: number }[] };
    const items = readQaItems(world).items;
    expect(r).toMatchObject({ checkpoint, split: 'test', protocol: 'qa-accuracy/candidate-ranking', n: items.length });
    expect(r.accuracy).toBeCloseTo(r.correct / r.n, 12);
    expect(r.se).toBeCloseTo(Math.sqrt((r.accuracy * (1 - r.accuracy)) / r.n), 12);
    expect(r.chance).toBeCloseTo(items.reduce((s, i) => s + 1 / i.candidates.length, 0) / items.length, 12);
    expect(Object.values(r.perKind).reduce((s, k) => s + k.n, 0)).toBe(r.n);
    expect(r.samples.map((s) => s.id)).toEqual(items.map((i) => i.record.key));
    expect(r.samples.every((s) => s.correct === s.margin > 0)).toBe(true);
  }, 60_000);

  it('takes a Hugging Face LLaVA folder where it takes a checkpoint, with the same answers', async () => {
    const { stdout, stderr } = await startPivot(['eval', 'qa', '--checkpoint', llava, '--data', world, '--backend', 'cpu', '--json']).done;
    const fromLlava = JSON.parse(stdout) as { checkpoint: string; accuracy: number; samples: { margin: number }[] };
    expect(stderr).toBe('');
    expect(fromLlava.checkpoint).toBe(llava);
    const model = await loadMllm(checkpoint);
    const fromCheckpoint = await qaAccuracy(model, world, { split: 'test' });
    model.dispose();
    expect(fromLlava.accuracy).toBe(fromCheckpoint.accuracy);
    expect(fromLlava.samples.map((s) => s.margin)).toEqual(fromCheckpoint.samples.map((s) => s.margin));
  }, 60_000);

  it('names the checkpoint path when it does not exist or is not a checkpoint', async () => {
    const missing = join(root, 'checkpoints', 'nope');
    const a = await startPivot(['eval', 'qa', '--checkpoint', missing, '--data', world, '--backend', 'cpu']).done;
    expect(a.code).toBe(65);
    expect(a.stderr).toBe(`pivot: Checkpoint ${missing} does not exist; pass an MLLM checkpoint folder (<run>/checkpoints/<stage>-<step>) or a Hugging Face LLaVA folder.\n`);
    const notOne = join(root, 'empty');
    mkdirSync(notOne, { recursive: true });
    const b = await startPivot(['data', 'rejections', '--checkpoint', notOne, '--data', world, '--out', join(root, 'x'), '--backend', 'cpu']).done;
    expect(b.code).toBe(65);
    expect(b.stderr).toBe(
      `pivot: ${notOne} is not an MLLM checkpoint: it has no mllm.json nor a LLaVA config.json (model_type "llava"); ` +
        'pass a folder <run>/checkpoints/<stage>-<step> or a LlavaForConditionalGeneration folder.\n',
    );
  }, 60_000);
});

describe('pivot data rejections', () => {
  it("writes the train split's pairs with the model's answers, and pivot data import takes all of them", async () => {
    const out = join(root, 'rejections');
    const r = await startPivot(['data', 'rejections', '--checkpoint', checkpoint, '--data', world, '--out', out, '--backend', 'cpu', '--json']).done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { out: string; split: string; pairs: number; wrong: number; right: number };
    const train = readQaItems(world, { split: 'train' }).items.length;
    expect(summary).toMatchObject({ out, split: 'train', pairs: train });
    expect(summary.wrong + summary.right).toBe(train);
    const rows = readFileSync(join(out, 'pairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; split: string; model_wrong: boolean });
    expect(rows.every((row) => row.reason === 'model-answer' && row.split === 'train')).toBe(true);
    expect(rows.filter((row) => row.model_wrong)).toHaveLength(summary.wrong);

    const imported = await startPivot(['data', 'import', join(out, 'pairs.jsonl'), '--workspace', join(root, 'ws'), '--json']).done;
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ format: 'trl', imported: train, rejected: [], skipped: 0, blankLines: 0 });
  }, 90_000);
});
