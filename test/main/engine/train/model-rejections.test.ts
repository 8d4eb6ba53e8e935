// `rejections: model` on the dpo branch: the recipe field (refused on sft, unknown values named, carried into sweep
// points), and a tiny run whose written pairs reject exactly what the base checkpoint answers (as
// `writeModelRejections` writes them), keep the scripted rejection where a pair has no closed answer set, are reused
// on resume and re-scored from the base checkpoint when deleted.
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../../../src-main/curation/import-dataset';
import { Workspace } from '../../../../src-main/store/workspace';
import { openMllm } from '../../../../src-main/engine/eval/open-mllm';
import { writeModelRejections } from '../../../../src-main/engine/eval/model-rejections';
import { rankCandidates } from '../../../../src-main/engine/eval/qa-accuracy';
import { readQaItems } from '../../../../src-main/engine/eval/qa-items';
import { scoreCandidates } from '../../../../src-main/engine/eval/score';
import { sweepPoints } from '../../../../src-main/engine/sweep/grid';
import { pointRecipe } from '../../../../src-main/engine/sweep/point-recipe';
import { train } from '../../../../src-main/engine/train';
import type { RunControl, RunEvent } from '../../../../src-main/engine/train/api';
import { parseRecipe } from '../../../../src-main/engine/train/recipe';
import { removeTemp, smallWorld, tempFolder, testStage, writeRecipe } from './helpers';

const root = tempFolder('model-rejections');
afterAll(() => removeTemp(root));

describe('the rejections field', () => {
  const file = join(root, 'r.json');
  const recipe = (branches: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    parseRecipe({ model: { preset: 'toy' }, data: { folder: 'w' }, stages: [], objective: 'dpo', branches: { dpo: { trainable: ['lm'], lr: 1e-4 }, ...branches }, ...extra }, file);

  it('is kept on the dpo branch as model, and scripted (the default) leaves the branch as it was', () => {
    expect(recipe({ dpo: { trainable: ['lm'], lr: 1e-4, rejections: 'model' } }).branches.dpo?.rejections).toBe('model');
    const scripted = recipe({ dpo: { trainable: ['lm'], lr: 1e-4, rejections: 'scripted' } }).branches.dpo;
    expect(scripted).toEqual(recipe({}).branches.dpo);
    expect(scripted && 'rejections' in scripted).toBe(false);
  });

  it('is refused on the sft branch, and an unknown value is named', () => {
    expect(() => recipe({ sft: { trainable: ['lm'], lr: 1e-4, rejections: 'model' } })).toThrow(
      `${file}: "branches.sft.rejections" applies to the dpo branch only: sft trains on the chosen answers alone, so there is no rejected answer to replace; remove it.`,
    );
    expect(() => recipe({ dpo: { trainable: ['lm'], lr: 1e-4, rejections: 'sampled' } })).toThrow(
      `${file}: "branches.dpo.rejections" must be one of "scripted", "model", got string "sampled"`,
    );
  });

  it('is carried into every sweep point of the dpo branch', () => {
    const swept = recipe({ dpo: { trainable: ['lm'], lr: 1e-4, rejections: 'model' } }, { sweep: { objectives: ['dpo'], seeds: [0, 1] } });
    const points = sweepPoints(swept).map((p) => pointRecipe(swept, p).branches.dpo?.rejections);
    expect(points).toEqual(['model', 'model']);
  });
});

describe('a run with rejections: model', () => {
  const runDir = join(root, 'run');
  const pairsPath = join(runDir, 'model-rejections/dpo/pairs.jsonl');
  let world: string;
  let recipePath: string;
  /** The train-split line of the world stripped of its question kind: it has no closed answer set. */
  let strippedLine: number;
  let firstLog: string[] = [];
  let firstPairs: string;
  let firstMtime: number;

  const logs = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
  const stopAfter = (n: number, events: RunEvent[]): RunControl => ({
    shouldStop: () => events.filter((e) => e.type === 'metrics').length >= n,
    waitWhilePaused: async () => undefined,
  });
  const rowsOf = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const rejectedOf = (row: Record<string, unknown>) => ((row.rejected as { content: { text: string }[] }[])[0]?.content[0]?.text);

  beforeAll(async () => {
    world = await smallWorld(join(root, 'world'));
    const lines = readFileSync(join(world, 'pairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    strippedLine = lines.findIndex((r) => r.split === 'train') + 1;
    const { kind: _kind, ...stripped } = lines[strippedLine - 1] as Record<string, unknown>;
    lines[strippedLine - 1] = stripped;
    writeFileSync(join(world, 'pairs.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    recipePath = writeRecipe(root, {
      objective: 'dpo',
      data: { folder: world },
      stages: [{ ...testStage({ trainable: ['projector'], maxSteps: 1 }), name: 'align', kind: 'caption' }],
      branches: { dpo: { ...testStage({ maxSteps: 3, lr: 2e-4 }), rejections: 'model' } },
    });
    // Stops after align-1 and dpo-1: the pairs are written when the branch starts, before its first step.
    const events: RunEvent[] = [];
    const result = await train({ recipe: recipePath, runDir, backend: 'cpu', control: stopAfter(2, events), onEvent: (e) => events.push(e) });
    expect(result.finalCheckpoint).toBe(join(runDir, 'checkpoints/dpo-1'));
    firstLog = logs(events);
    firstPairs = readFileSync(pairsPath, 'utf8');
    firstMtime = statSync(pairsPath).mtimeMs;
  }, 120_000);

  it("rejects the base checkpoint's own answers, exactly as writeModelRejections picks them", async () => {
    // The same world (same seed) with its metadata intact, read by the existing writer with the base checkpoint.
    const pristine = await smallWorld(join(root, 'pristine'));
    const base = await openMllm(join(runDir, 'checkpoints/align-1'));
    let bestWrongScore: Map<string, number>;
    try {
      await writeModelRejections(base, pristine, join(root, 'expected'), { split: 'train' });
      const qa = readQaItems(pristine, { split: 'train' });
      const scores = await scoreCandidates(base, qa.items);
      bestWrongScore = new Map(qa.items.map((q, i) => [q.record.key, scores[i]![rankCandidates(scores[i]!, q.truth).bestWrong]!]));
    } finally {
      base.dispose();
    }
    const expected = rowsOf(readFileSync(join(root, 'expected/pairs.jsonl'), 'utf8'));
    const written = rowsOf(firstPairs);
    const original = rowsOf(readFileSync(join(world, 'pairs.jsonl'), 'utf8'));
    expect(written.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    written.forEach((row, i) => {
      if (row.id === original[strippedLine - 1]?.id) {
        // No closed answer set: the world's scripted rejection, untouched.
        expect([rejectedOf(row), row.reason, row.model_wrong]).toEqual([rejectedOf(original[strippedLine - 1]!), original[strippedLine - 1]!.reason, undefined]);
      } else {
        const e = expected[i]!;
        expect([rejectedOf(row), row.reason, row.model_wrong, row.model_answer]).toEqual([rejectedOf(e), 'model-answer', e.model_wrong, e.model_answer]);
      }
      // The folder holds its images, in the world's layout, so `pivot data import` takes it as a dataset.
      const image = (original.find((o) => o.id === row.id)!.images as string[])[0]!;
      expect(row.images).toEqual([image]);
      expect(readFileSync(join(runDir, 'model-rejections/dpo', image))).toEqual(readFileSync(join(world, image)));
    });

    // DPO trained on them: its reference log-prob of each rejected answer is the base model's score of that candidate.
    const reference = JSON.parse(readFileSync(join(runDir, 'ref_logps.json'), 'utf8')) as { stage: string; keys: string[]; rejected: number[] };
    expect(reference.stage).toBe('dpo');
    reference.keys.forEach((key, i) => {
      if (key !== original[strippedLine - 1]?.id) expect(reference.rejected[i]).toBeCloseTo(bestWrongScore.get(key)!, 3);
    });
    expect(reference.keys).toHaveLength(written.length);

    const wrong = expected.filter((e, i) => written[i]!.reason === 'model-answer' && e.model_wrong === true).length;
    const ws = Workspace.open(join(root, 'workspace'));
    try {
      expect(await importDataset(ws, pairsPath)).toEqual({ format: 'trl', imported: written.length, rejected: [], skipped: 0, blankLines: 0 });
    } finally {
      ws.close();
    }
    const summary = JSON.parse(readFileSync(join(runDir, 'model-rejections/dpo/summary.json'), 'utf8')) as Record<string, unknown>;
    expect(wrong).toBeGreaterThan(0);
    expect(summary).toMatchObject({ branch: 'dpo', base: 'checkpoints/align-1', pairs: written.length, scored: written.length - 1, wrong, scripted: 1 });
    const line = firstLog.find((m) => m.startsWith('Branch dpo:'))?.replace(/scored in [0-9.]+ s/, 'scored in T s');
    expect(line).toBe(
      `Branch dpo: the base model (checkpoints/align-1) answered ${wrong} of ${written.length - 1} closed-set questions wrong (scored in T s): ` +
        `its answer is their rejected one, and the other ${written.length - 1 - wrong} reject its most likely wrong answer. ` +
        `1 pair without a closed answer set keeps the scripted rejection. Pairs: ${pairsPath}.`,
    );
  }, 60_000);

  it('reuses the written pairs on resume, and scores them again from the base checkpoint once deleted', async () => {
    const resumed: RunEvent[] = [];
    const result = await train({ recipe: recipePath, runDir, backend: 'cpu', control: stopAfter(1, resumed), onEvent: (e) => resumed.push(e) });
    expect(result.finalCheckpoint).toBe(join(runDir, 'checkpoints/dpo-2'));
    expect(statSync(pairsPath).mtimeMs).toBe(firstMtime);
    expect(logs(resumed)).toContain(`Branch dpo: reusing the base model's rejected answers in ${pairsPath} (not scored again).`);

    // Curating may change rejected answers, not which pairs there are.
    const lines = firstPairs.trim().split('\n');
    writeFileSync(pairsPath, `${lines.slice(1).join('\n')}\n`);
    await expect(train({ recipe: recipePath, runDir, backend: 'cpu' })).rejects.toThrow(
      `${pairsPath} holds other pairs than stage "dpo" trains on (${lines.length - 1} pairs for ${lines.length}; first difference at pair 1, ` +
        `id ${(JSON.parse(lines[0]!) as { id: string }).id}). Its rejected answers may be edited, but not its pairs; delete ${join(runDir, 'model-rejections/dpo')} to have the base model score them again.`,
    );

    // The model in hand now holds dpo steps, so the base checkpoint is opened to answer, as it answered first.
    rmSync(join(runDir, 'model-rejections'), { recursive: true });
    const again: RunEvent[] = [];
    const last = await train({ recipe: recipePath, runDir, backend: 'cpu', onEvent: (e) => again.push(e) });
    expect(last.finalCheckpoint).toBe(join(runDir, 'checkpoints/dpo-3'));
    expect(readFileSync(pairsPath, 'utf8')).toBe(firstPairs);
    expect(logs(again).filter((m) => m.startsWith('Branch dpo: the base model (checkpoints/align-1) answered'))).toHaveLength(1);
  }, 120_000);

  it('stops before any training when no pair has a closed answer set', async () => {
    const bare = join(root, 'bare');
    cpSync(world, bare, { recursive: true });
    const rows = rowsOf(readFileSync(join(bare, 'pairs.jsonl'), 'utf8')).map(({ kind: _kind, ...row }) => row);
    writeFileSync(join(bare, 'pairs.jsonl'), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const barePairs = rows.filter((r) => r.split === 'train').length;
    const bareRun = join(root, 'bare-run');
    await expect(train({ recipe: recipePath, runDir: bareRun, data: bare, backend: 'cpu' })).rejects.toThrow(
      `${recipePath}: "branches.dpo.rejections" is model, but none of the ${barePairs} pairs stage "dpo" trains on in ${bare} is a Shapes-world question ` +
        'with a closed answer set (a "kind" field and the world\'s question forms) for the model to rank. Use rejections: scripted, or a Shapes world (pivot data shapes).',
    );
    expect(existsSync(join(bareRun, 'checkpoints'))).toBe(false);
  }, 60_000);
});
