// `studies:start` / `studies:cancel` through dispatch, as both transports call them, on a scripted engine host (the
// real host job is test/main/engine-jobs/study-job.test.ts): bad requests refused with zod's or the recipe's words,
// the study's phases as job:progress, its report moved from reports-in-progress/ into reports/ with its paths
// re-pointed, one study at a time, and a cancelled or failed study leaving no folder behind.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { EngineHost, HostLauncher } from '../../../src-main/engine-jobs/engine-host';
import type { FromHost } from '../../../src-main/engine/host/protocol';
import type { StudyJobOptions } from '../../../src-main/engine/jobs/study';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import { WorkspaceJobs } from '../../../src-main/ipc/workspace-jobs';
import { StudyJobs } from '../../../src-main/reports/study-jobs';
import { RECIPES_DIR } from '../../../src-main/runs/recipes';
import { Workspace } from '../../../src-main/store/workspace';
import type { ReportSummary, StudyReport } from '../../../src-shared/domain/study-report';
import type { RunInfo, RunLogPage, RunMetrics } from '../../../src-shared/domain/runs';
import type { Events, Result } from '../../../src-shared/ipc/contract';
import { until } from '../../helpers/training';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

/**
 * What the scripted host does with its study: `finish` writes a report and answers; `hang` trains until killed;
 * `fail` fails while training, `fail-measuring` once the sft branch has trained.
 */
type Script = 'finish' | 'hang' | 'fail' | 'fail-measuring';

/** An in-process EngineHost that plays a study: the messages a real host sends, in its order, and a kill that ends it. */
function scriptedHost(script: Script, started: StudyJobOptions[] = []): HostLauncher {
  return () => {
    const messages: Array<(m: FromHost<'study'>) => void> = [];
    const exits: Array<(code: number | null, signal: string | null) => void> = [];
    let ended = false;
    const end = (code: number | null, signal: string | null) => {
      if (ended) return;
      ended = true;
      setTimeout(() => exits.forEach((l) => l(code, signal)), 1);
    };
    const say = (m: FromHost<'study'>) => {
      if (!ended) messages.forEach((l) => l(m));
    };
    const play = async (options: StudyJobOptions) => {
      started.push(options);
      const runDir = join(options.out, 'run');
      say({ type: 'progress', progress: { type: 'phase', phase: 'train', message: `Training the sft branch of shapes-quick in ${runDir}` } });
      say({ type: 'progress', progress: { type: 'train', objective: 'sft', event: { type: 'stage', stage: 'align', index: 1, of: 2, totalSteps: 4 } } });
      for (const step of [1, 2, 3, 4]) {
        say({ type: 'progress', progress: { type: 'train', objective: 'sft', event: { type: 'metrics', stage: 'align', step, totalSteps: 4, epoch: 0, elapsedMs: step, values: { loss: 1 / step } } } });
      }
      const checkpoint = join(runDir, 'checkpoints', 'align-4');
      mkdirSync(checkpoint, { recursive: true });
      writeFileSync(join(checkpoint, 'mllm.json'), '{}');
      say({ type: 'progress', progress: { type: 'train', objective: 'sft', event: { type: 'checkpoint', stage: 'align', step: 4, path: checkpoint } } });
      if (script === 'hang') return;
      const stages = [{ name: 'align', steps: 4, finalLoss: 0.25, checkpoint }];
      if (script !== 'fail') {
        say({ type: 'progress', progress: { type: 'trained', objective: 'sft', result: { runDir, backend: 'wasm', objective: 'sft', stages, finalCheckpoint: checkpoint, cancelled: false } } });
      }
      if (script === 'fail-measuring') {
        say({ type: 'failed', error: { code: 'INTERNAL', message: 'the measurement failed' } });
        return end(0, null);
      }
      if (script === 'fail') {
        say({ type: 'failed', error: { code: 'INVALID_REQUEST', message: 'loss is NaN at step 3 of align' } });
        return end(0, null);
      }
      say({ type: 'progress', progress: { type: 'phase', phase: 'measure', message: 'Measuring the original encoder: linear probe, segmentation probe, alignment' } });
      writeFileSync(join(options.out, 'report.json'), JSON.stringify(studyReport(options.out)));
      writeFileSync(join(options.out, 'report.html'), `<p>Report in ${options.out}</p>`);
      say({ type: 'done', result: { out: options.out, totalMs: 1234 } });
      end(0, null);
    };
    const host: EngineHost = {
      pid: 1,
      send: (message) => {
        if (message.type === 'job' && message.kind === 'study') setTimeout(() => void play(message.options), 1);
        // The pair check of a study on workspace pairs: the pairs in UNUSABLE_PAIRS cannot be trained on.
        if (message.type === 'job' && message.kind === 'pair-fit') {
          const unfit = message.options.pairs.filter((p) => UNUSABLE_PAIRS.has(p.id)).map((p) => ({ id: p.id, reason: 'unknown-words' as const, message: 'words the tokenizer lacks' }));
          setTimeout(() => {
            (say as (m: FromHost<'pair-fit'>) => void)({ type: 'done', result: { model: CHECKED_MODEL, checked: message.options.pairs.length, unfit } });
            end(0, null);
          }, 1);
        }
      },
      onMessage: (l) => void messages.push(l as (m: FromHost<'study'>) => void),
      onOutput: () => undefined,
      onExit: (l) => void exits.push(l),
      kill: () => end(null, 'SIGKILL'),
    };
    return host;
  };
}

/** The pairs the scripted host's pair check finds unusable, and the model it names. */
const UNUSABLE_PAIRS = new Set([2]);
const CHECKED_MODEL = {
  name: 'preset toy', tokenizer: 'the built-in Shapes tokenizer', maxLength: 128, imageTokenCount: 16, parameters: { encoder: 1, projector: 1, lm: 1 },
  memory: { weights: 1, gradients: 1, optimizerState: 2, activations: 3, total: 7, available: { bytes: 8, source: 'its RAM' } },
};

/** A report.json as runStudy writes it, its paths in the folder it was written in. */
function studyReport(out: string): Record<string, unknown> {
  const encoder = (column: string) => ({ column, stage: column, checkpoint: join(out, 'run', 'checkpoints', `${column}-8`), encoder: join(out, 'run', 'checkpoints', `${column}-8`, 'encoder'), note: '' });
  return {
    version: 1, tool: 'pivot demo', date: '2026-03-04T05:06:07.000Z', backend: 'wasm', out, runDir: join(out, 'run'),
    recipe: { name: 'shapes-quick' }, seeds: [0], encoders: { sft: encoder('sft'), dpo: encoder('dpo') }, rows: [], details: {},
    files: { json: join(out, 'report.json'), html: join(out, 'report.html') },
  };
}

let workspace: Workspace | null = null;
let jobs: WorkspaceJobs | null = null;
afterEach(async () => {
  await jobs?.close();
  workspace?.close();
  jobs = null;
  workspace = null;
});

function context(script: Script, started: StudyJobOptions[] = []): { ctx: HandlerContext; progress: Array<Events['job:progress']> } {
  workspace = Workspace.open(tempDir('pivot-studies-'));
  const progress: Array<Events['job:progress']> = [];
  const emit = <E extends keyof Events>(event: E, payload: Events[E]): void => {
    if (event === 'job:progress') progress.push(payload as Events['job:progress']);
  };
  jobs = new WorkspaceJobs(workspace, { launch: scriptedHost(script, started), emit });
  return { ctx: { workspace, emit, jobs }, progress };
}

function data<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

describe('studies:start', () => {
  it("refuses a bad request with the contract's message", async () => {
    const { ctx } = context('finish');
    const result = await dispatch('studies:start', { recipe: 'recipes/mine.yaml', quick: 'yes', seeds: 11, job: '', extra: 1 }, ctx);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message:
          'Invalid request for studies:start: ✖ Unrecognized key: "extra"\n' +
          '✖ Give a built-in recipe name (e.g. shapes-quick) or the absolute path of a recipe file.\n  → at recipe\n' +
          '✖ Invalid input: expected boolean, received string\n  → at quick\n' +
          '✖ Too big: expected number to be <=10\n  → at seeds\n' +
          '✖ Too small: expected string to have >=1 characters\n  → at job',
        details: expect.anything() as unknown,
      },
    });
  });

  it('refuses an unknown recipe and a recipe without a DPO branch, naming what to do', async () => {
    const { ctx } = context('finish');
    expect(await dispatch('studies:start', { recipe: 'shapes-tiny', job: 'study-1' }, ctx)).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: "Unknown recipe 'shapes-tiny': the built-in recipes are shapes-quick, shapes-study, shapes-sweep; or give the path of a recipe file (YAML or JSON).",
      },
    });
    const recipe = parse(readFileSync(join(RECIPES_DIR, 'shapes-quick.yaml'), 'utf8')) as { branches: Record<string, unknown> };
    delete recipe.branches.dpo;
    const file = join(tempDir('pivot-studies-recipe-'), 'sft-only.yaml');
    writeFileSync(file, stringify(recipe));
    expect(await dispatch('studies:start', { recipe: file, job: 'study-1' }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CONFIG', message: `${file}: no "branches.dpo" stage; add one to train with dpo.` },
    });
    expect(existsSync(join(ctx.workspace.dir, 'reports-in-progress'))).toBe(false);
  });

  it('runs the study on a host, reports its phases, and files the report under reports/ with its paths re-pointed', async () => {
    const started: StudyJobOptions[] = [];
    const { ctx, progress } = context('finish', started);
    const name = data<string>(await dispatch('studies:start', { recipe: 'shapes-quick', quick: true, seeds: 2, backend: 'wasm', job: 'study-7' }, ctx));
    expect(name).toMatch(/^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/);
    const partial = join(ctx.workspace.dir, 'reports-in-progress', name);
    expect(started).toEqual([{ out: partial, recipe: 'shapes-quick', seeds: 2, quick: true, backend: 'wasm' }]);
    const phase = 'Training the sft branch of shapes-quick';
    expect(progress).toEqual([
      { job: 'study-7', done: 0, total: 7, label: 'Starting the engine…' },
      { job: 'study-7', done: 0, total: 7, label: phase },
      { job: 'study-7', done: 0, total: 7, label: `${phase}: stage align (1/2)` },
      // Steps within 250 ms of the last one shown are skipped, the stage's last step never.
      { job: 'study-7', done: 0.125, total: 7, label: `${phase}: stage align (1/2), step 1 / 4` },
      { job: 'study-7', done: 0.5, total: 7, label: `${phase}: stage align (1/2), step 4 / 4` },
      { job: 'study-7', done: 1, total: 7, label: 'Measuring the original encoder: linear probe, segmentation probe, alignment' },
      { job: 'study-7', done: 7, total: 7, label: `Report ${name} written` },
    ]);

    const final = join(ctx.workspace.dir, 'reports', name);
    expect(readdirSync(ctx.workspace.dir).includes('reports-in-progress')).toBe(false);
    expect(readdirSync(final).sort()).toEqual(['report.html', 'report.json', 'run']);
    expect(readFileSync(join(final, 'report.html'), 'utf8')).toBe(`<p>Report in ${final}</p>`);
    expect(data<ReportSummary[]>(await dispatch('reports:list', {}, ctx))).toEqual([
      { name, date: '2026-03-04T05:06:07.000Z', recipe: 'shapes-quick', backend: 'wasm', encoders: ['sft', 'dpo'] },
    ]);
    const report = data<StudyReport>(await dispatch('reports:get', { name }, ctx));
    expect(report).toMatchObject({
      out: final, runDir: join(final, 'run'), files: { json: join(final, 'report.json'), html: join(final, 'report.html') },
      encoders: { sft: { checkpoint: join(final, 'run', 'checkpoints', 'sft-8'), encoder: join(final, 'run', 'checkpoints', 'sft-8', 'encoder') } },
    });
  });

  it('trains on workspace pairs once they are all usable (refused while one is not excluded), from the base model asked for', async () => {
    const started: StudyJobOptions[] = [];
    workspace = await workspaceWithPairs([{}, {}, {}], 'rlaif-v');
    for (const id of [1, 2, 3]) workspace.pairs.update(id, { status: 'accepted' });
    jobs = new WorkspaceJobs(workspace, { launch: scriptedHost('finish', started), emit: () => undefined });
    const ctx = { workspace, emit: () => undefined, jobs };

    const refused = await dispatch('studies:start', { recipe: 'shapes-quick', data: {}, job: 'study-1' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_DATA', details: { pairs: [2] }, message: expect.stringContaining('pair 2 (rlaif-v): unknown words') } });
    expect(started).toEqual([]);
    expect(existsSync(join(workspace.dir, 'reports-in-progress'))).toBe(false);

    const name = data<string>(await dispatch('studies:start', { recipe: 'shapes-quick', data: { exclude: [2] }, model: { preset: 'small' }, job: 'study-2' }, ctx));
    const partial = join(workspace.dir, 'reports-in-progress', name);
    expect(started).toEqual([{ out: partial, recipe: 'shapes-quick', seeds: 3, data: join(partial, 'data') }]);
    const pairs = readFileSync(join(workspace.dir, 'reports', name, 'data', 'pairs.jsonl'), 'utf8').trim().split('\n');
    expect(pairs.map((line) => (JSON.parse(line) as { id: number }).id)).toEqual([1, 3]);
    // Both branches start from the base model asked for: the engine reads it from the study's run folder.
    expect(JSON.parse(readFileSync(join(workspace.dir, 'reports', name, 'run', 'run-settings.json'), 'utf8'))).toEqual({ model: { preset: 'small' } });
  });

  it("records the study's trainings as runs of the workspace, named after the report, with their metrics and result", async () => {
    const { ctx } = context('finish');
    const name = data<string>(await dispatch('studies:start', { recipe: 'shapes-quick', quick: true, seeds: 1, backend: 'wasm', job: 'study-4' }, ctx));
    const final = join(ctx.workspace.dir, 'reports', name);
    const runs = data<RunInfo[]>(await dispatch('runs:list', {}, ctx));
    expect(runs).toEqual([expect.objectContaining({
      id: 1, name: `study ${name} · sft`, recipe: 'shapes-quick', objective: 'sft', backend: 'wasm', status: 'completed', error: null,
      progress: { stage: 'align', stageNumber: 1, stages: 2, step: 4, totalSteps: 4 },
      // The result names the checkpoint where the report was filed, not the folder it was written in.
      result: expect.objectContaining({ finalCheckpoint: join(final, 'run', 'checkpoints', 'align-4'), stages: [expect.objectContaining({ name: 'align', steps: 4 })] }),
    })]);
    expect(data<RunMetrics>(await dispatch('runs:metrics', { id: 1, maxPoints: 10 }, ctx)).total).toBe(4);
    const log = data<RunLogPage>(await dispatch('runs:logs', { id: 1 }, ctx)).entries.map((e) => e.message);
    const partial = join(ctx.workspace.dir, 'reports-in-progress', name);
    expect(log).toEqual([
      'Stage 1/2: align (4 steps)',
      `Checkpoint of align at step 4: ${join(partial, 'run', 'checkpoints', 'align-4')}`,
      `Completed: ${join(partial, 'run', 'checkpoints', 'align-4')}`,
      `The study's report ${name} is filed in ${final}: the checkpoints above are now there.`,
    ]);
  });

  it("ends the run of a branch a cancelled or failed study was training: cancelled, or failed with the engine's error", async () => {
    const hung = context('hang');
    const first = dispatch('studies:start', { recipe: 'shapes-quick', job: 'study-5' }, hung.ctx);
    await until(() => hung.progress.some((p) => p.label.endsWith('step 4 / 4')), 'the study to train');
    expect(data<RunInfo[]>(await dispatch('runs:list', {}, hung.ctx))).toEqual([expect.objectContaining({ status: 'running' })]);
    // The window's pause / cancel of such a run points at the study, which drives it.
    expect(await dispatch('runs:cancel', { id: 1 }, hung.ctx)).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'Run 1 is a branch of a study: cancel the study (Compare tab) to stop it.', details: { id: 1 } },
    });
    await dispatch('studies:cancel', { job: 'study-5' }, hung.ctx);
    await first;
    expect(data<RunInfo[]>(await dispatch('runs:list', {}, hung.ctx))).toEqual([
      expect.objectContaining({ status: 'cancelled', error: 'The study was cancelled while this branch trained.', result: null }),
    ]);
    await jobs?.close();
    hung.ctx.workspace.close();

    const failing = context('fail');
    await dispatch('studies:start', { recipe: 'shapes-quick', job: 'study-6' }, failing.ctx);
    expect(data<RunInfo[]>(await dispatch('runs:list', {}, failing.ctx))).toEqual([
      expect.objectContaining({ status: 'failed', error: 'loss is NaN at step 3 of align', result: null }),
    ]);
  });

  it('keeps a finished branch of a study that then failed, saying its checkpoints were removed with the study', async () => {
    const { ctx } = context('fail-measuring');
    const started = await dispatch('studies:start', { recipe: 'shapes-quick', job: 'study-8' }, ctx);
    expect(started).toMatchObject({ ok: false, error: { message: 'the measurement failed' } });
    expect(data<RunInfo[]>(await dispatch('runs:list', {}, ctx))).toEqual([expect.objectContaining({ status: 'completed', error: null })]);
    const log = data<RunLogPage>(await dispatch('runs:logs', { id: 1 }, ctx)).entries;
    expect(log.at(-1)).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/^The study ended without a report and its folder .*reports-in-progress.* was removed, with this run's checkpoints\.$/),
    });
  });

  it('runs one study at a time; cancelling kills it, answers null and leaves no folder', async () => {
    const { ctx, progress } = context('hang');
    const first = dispatch('studies:start', { recipe: 'shapes-quick', job: 'study-1' }, ctx);
    await until(() => progress.some((p) => p.label.endsWith('step 4 / 4')), 'the study to train');
    expect(existsSync(join(ctx.workspace.dir, 'reports-in-progress'))).toBe(true);
    expect(await dispatch('studies:start', { recipe: 'shapes-quick', job: 'study-2' }, ctx)).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'A study is already running in this workspace (job study-1): wait for it to finish, or cancel it, before starting another.',
        details: { job: 'study-1' },
      },
    });
    expect(await dispatch('studies:cancel', { job: 'study-2' }, ctx)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No study with job id "study-2" is running in this workspace.', details: { job: 'study-2' } },
    });
    const shown = progress.length;
    expect(await dispatch('studies:cancel', { job: 'study-1' }, ctx)).toEqual({ ok: true, data: null });
    expect(await first).toEqual({ ok: true, data: null });
    expect(readdirSync(ctx.workspace.dir).filter((f) => f.startsWith('reports'))).toEqual([]);
    expect(progress).toHaveLength(shown);
    // The workspace is free for the next study.
    expect(await dispatch('studies:cancel', { job: 'study-1' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it("answers a failed study with the engine's error and removes what it wrote", async () => {
    const { ctx } = context('fail');
    expect(await dispatch('studies:start', { recipe: 'shapes-quick', job: 'study-3' }, ctx)).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'loss is NaN at step 3 of align' },
    });
    expect(readdirSync(ctx.workspace.dir).filter((f) => f.startsWith('reports'))).toEqual([]);
  });

  it('names the report after the start time, with -2 when pivot demo already wrote one of that name', async () => {
    const dir = tempDir('pivot-studies-names-');
    mkdirSync(join(dir, 'reports', '2026-03-04_05-06-07'), { recursive: true });
    const jobs = new StudyJobs(dir, { launch: scriptedHost('finish'), clock: () => new Date('2026-03-04T05:06:07.890Z') });
    expect(await jobs.start({ recipe: 'shapes-quick', quick: false, seeds: 1 }, 'study-9', () => undefined)).toBe('2026-03-04_05-06-07-2');
    expect(readdirSync(join(dir, 'reports')).sort()).toEqual(['2026-03-04_05-06-07', '2026-03-04_05-06-07-2']);
  });
});
