// The runs, recipes and engine channels through dispatch, as both transports call them: requests validated by the
// contract, a run started on a real engine host (the engine's test double) and read back, errors as data.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import { WorkspaceJobs } from '../../../src-main/ipc/workspace-jobs';
import type { BackendReport, RecipeInfo, RunInfo, RunLogPage, RunMetrics } from '../../../src-shared/domain/runs';
import type { Events, Result } from '../../../src-shared/ipc/contract';
import { checkTestRecipe, testHost, testRecipe } from '../../helpers/training';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

async function context(recipesDir = tempDir('pivot-recipes-')): Promise<{ ctx: HandlerContext; events: Array<[string, unknown]> }> {
  const events: Array<[string, unknown]> = [];
  const emit = <E extends keyof Events>(e: E, p: Events[E]): void => void events.push([e, p]);
  const workspace = await workspaceWithPairs([{}, {}]);
  workspace.pairs.update(1, { status: 'accepted' });
  const jobs = new WorkspaceJobs(workspace, { launch: testHost, checkRecipe: checkTestRecipe, emit, recipesDir });
  return { ctx: { workspace, emit, jobs }, events };
}

function data<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

describe('runs channels', () => {
  it('refuses an invalid start request, naming the fields', async () => {
    const { ctx } = await context();
    const result = await dispatch('runs:start', { recipe: '', objective: 'ppo', backend: 'metal', threads: 0, extra: 1 }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_REQUEST');
    const paths = (result.error.details as { issues: Array<{ path: string[] }> }).issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['recipe', 'objective', 'backend', 'threads', '']));
  });

  it('starts a run on workspace pairs (accepted by default), then lists, gets, charts and logs it', async () => {
    const { ctx, events } = await context();
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 6 }], stepMs: 2 });
    const started = data<RunInfo>(await dispatch('runs:start', { recipe, objective: 'sft', data: { filter: undefined }, name: 'first try' }, ctx));
    expect(started).toMatchObject({ id: 1, name: 'first try', objective: 'sft', data: { filter: { status: ['accepted'] } } });
    const run = await ctx.jobs!.runs.finished(started.id);
    expect(run.status).toBe('completed');

    expect(data<RunInfo[]>(await dispatch('runs:list', {}, ctx)).map((r) => [r.id, r.status])).toEqual([[1, 'completed']]);
    expect(data<RunInfo>(await dispatch('runs:get', { id: 1 }, ctx)).result?.stages).toEqual([expect.objectContaining({ name: 'sft', steps: 6 })]);
    const metrics = data<RunMetrics>(await dispatch('runs:metrics', { id: 1, maxPoints: 3 }, ctx));
    expect(metrics.total).toBe(6);
    expect(metrics.points.map((p) => p.runStep)).toEqual([2, 4, 6]);
    const logs = data<RunLogPage>(await dispatch('runs:logs', { id: 1 }, ctx));
    expect(logs.entries.map((e) => e.message)).toContain('Stage 1/1: sft (6 steps)');
    expect(events.filter(([e]) => e === 'run:event').length).toBeGreaterThanOrEqual(6);
    expect(events.filter(([e]) => e === 'run:status').map(([, p]) => (p as Events['run:status']).run.status)).toContain('completed');

    const pause = await dispatch('runs:pause', { id: 1 }, ctx);
    expect(pause).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('has ended (completed)') } });
    expect(await dispatch('runs:get', { id: 9 }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('lists the built-in recipes with their descriptions', async () => {
    const dir = tempDir('pivot-recipes-');
    writeFileSync(join(dir, 'shapes-study.yaml'), 'description: The paper\'s protocol on the Shapes world.\nseed: 0\n');
    writeFileSync(join(dir, 'quick.yaml'), '# quick: a few steps per stage.\n# For demos.\nseed: 0\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a recipe');
    mkdirSync(join(dir, 'sub.yaml.d'));
    const { ctx } = await context(dir);
    const recipes = data<RecipeInfo[]>(await dispatch('recipes:list', {}, ctx));
    expect(recipes.map(({ name, description }) => ({ name, description }))).toEqual([
      { name: 'quick', description: 'a few steps per stage. For demos.' },
      { name: 'shapes-study', description: "The paper's protocol on the Shapes world." },
    ]);
    const { ctx: empty } = await context(join(dir, 'missing'));
    expect(data<RecipeInfo[]>(await dispatch('recipes:list', {}, empty))).toEqual([]);
  });

  it('reports the engine backends from an engine host: cuda unavailable with a reason, native picked and why', async () => {
    const { ctx } = await context();
    const report = data<BackendReport>(await dispatch('engine:backends', {}, ctx));
    expect(report.backends.map((b) => b.name)).toEqual(['cuda', 'native', 'tensorflow', 'wasm', 'cpu']);
    const cuda = report.backends[0]!;
    expect(cuda.available).toBe(false);
    expect(cuda.reason).toMatch(/no usable NVIDIA driver|no CUDA device/);
    expect(report.backends[1]).toMatchObject({ name: 'native', available: true });
    const firstAvailable = report.backends.find((b) => b.available)!;
    expect(report.picked).toEqual({ name: firstAvailable.name, reason: expect.stringContaining(`passed over cuda: ${cuda.reason}`) });
  });

  it('says training is unavailable on a connection without a run manager', async () => {
    const { ctx } = await context();
    const result = await dispatch('runs:start', { recipe: 'x' }, { workspace: ctx.workspace, emit: ctx.emit });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('Training is not available') } });
  });
});
