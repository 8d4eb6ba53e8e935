// The pair check before a run (issue 12, bug 9), through dispatch as both transports call it: `runs:check` counts the
// selected, excluded and usable pairs and names the unusable ones by id and dataset; `runs:start` refuses with
// INVALID_DATA while one is left in, records nothing, and trains on the rest once they are excluded; a dataset
// folder's pairs are checked as well, named by pairs.jsonl line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import { WorkspaceJobs } from '../../../src-main/ipc/workspace-jobs';
import type { PairCheck } from '../../../src-shared/domain/pair-check';
import type { RunInfo } from '../../../src-shared/domain/runs';
import type { Result } from '../../../src-shared/ipc/contract';
import { checkTestRecipe, testHost, testRecipe } from '../../helpers/training';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';
import { writeShapesWorld } from '../../../src-main/engine/data/shapes';

async function context(): Promise<HandlerContext> {
  const workspace = await workspaceWithPairs([{}, {}, {}], 'rlaif-v');
  for (const id of [1, 2, 3]) workspace.pairs.update(id, { status: 'accepted' });
  return { workspace, emit: () => {}, jobs: new WorkspaceJobs(workspace, { launch: testHost, checkRecipe: checkTestRecipe, emit: () => {} }) };
}

function data<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

describe('the pair check before a run', () => {
  it('counts the pairs and names the unusable ones; a start is refused until they are excluded', async () => {
    const ctx = await context();
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 2 }], stepMs: 1, unusablePairs: [2] });

    const check = data<PairCheck>(await dispatch('runs:check', { recipe, objective: 'sft', data: {} }, ctx));
    expect(check).toMatchObject({ selected: 3, excluded: 0, usable: 2, model: { name: 'the test double' } });
    expect(check.unusable).toEqual([{ id: 2, dataset: 'rlaif-v', reason: 'too-long', message: 'pair 2 is too long', tokensOver: 7 }]);

    const refused = await dispatch('runs:start', { recipe, objective: 'sft', data: {} }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_DATA', details: { pairs: [2] } } });
    if (refused.ok) return;
    expect(refused.error.message).toBe(
      '1 of the 3 pairs cannot be trained on with the test double (context 64, image 4 tokens, its own): pair 2 (rlaif-v): too long by 7 tokens. ' +
        'Exclude them ("Exclude from this run" on the form, or data.exclude in the request), fix them, or choose another model.',
    );
    expect(ctx.workspace.runs.list()).toEqual([]);

    const excluded = data<PairCheck>(await dispatch('runs:check', { recipe, objective: 'sft', data: { exclude: [2] } }, ctx));
    expect(excluded).toMatchObject({ selected: 3, excluded: 1, usable: 2, unusable: [] });

    const run = data<RunInfo>(await dispatch('runs:start', { recipe, objective: 'sft', data: { exclude: [2] } }, ctx));
    expect(run.data).toEqual({ filter: { status: ['accepted'] }, exclude: [2] });
    expect((await ctx.jobs!.runs.finished(run.id)).status).toBe('completed');
    const lines = readFileSync(join(run.runDir, 'data', 'pairs.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { id: number }).id)).toEqual([1, 3]);
  });

  it('checks a dataset folder\'s pairs too, refusing by file and line before the run exists', async () => {
    const ctx = await context();
    const folder = join(tempDir('pivot-folder-pairs-'), 'world');
    await writeShapesWorld({ out: folder, count: 2, seed: 1, size: 32, difficulty: 'easy' });
    const lines = readFileSync(join(folder, 'pairs.jsonl'), 'utf8').trim().split('\n').length;
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 2 }], stepMs: 1, unusablePairs: [2, 3] });
    const refused = await dispatch('runs:start', { recipe, objective: 'sft', data: { folder } }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_DATA', details: { file: join(folder, 'pairs.jsonl'), lines: [2, 3] } } });
    if (refused.ok) return;
    expect(refused.error.message).toBe(
      `2 of the ${lines} pairs in ${join(folder, 'pairs.jsonl')} cannot be trained on with the test double (context 64, image 4 tokens, its own): ` +
        'line 2: too long by 7 tokens; line 3: too long by 7 tokens. Fix or remove these lines, or choose another model.',
    );
    expect(ctx.workspace.runs.list()).toEqual([]);
    const run = data<RunInfo>(await dispatch('runs:start', { recipe: testRecipe({ stages: [{ name: 'sft', steps: 2 }], stepMs: 1 }), objective: 'sft', data: { folder } }, ctx));
    expect((await ctx.jobs!.runs.finished(run.id)).status).toBe('completed');
  });

  it('refuses a check whose exclusions leave no pair', async () => {
    const ctx = await context();
    const result = await dispatch('runs:check', { recipe: testRecipe(), data: { exclude: [1, 2, 3] } }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('once the 3 excluded pairs are left out') } });
  });
});
