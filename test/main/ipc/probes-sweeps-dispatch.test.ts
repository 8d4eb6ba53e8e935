// `probes:start`, `sweeps:start` and `sweeps:cancel` through dispatch, as both transports call them: bad requests
// refused with zod's or the run's words; a real probe of a checkpoint's encoder on the data its run trained on, on a
// forked engine host; a sweep (on a scripted host: a real one trains for minutes) answering its summary, its progress
// as job:progress, one at a time, and cancelled by killing it, its folder kept for resuming.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { writeShapesWorld } from '../../../src-main/engine/data/shapes';
import { shapesTokenizerText } from '../../../src-main/engine/data/shapes/tokenizer';
import type { EngineHost, HostLauncher } from '../../../src-main/engine-jobs/engine-host';
import { forkEngineHost } from '../../../src-main/engine-jobs/fork';
import type { FromHost } from '../../../src-main/engine/host/protocol';
import type { SweepJobOptions } from '../../../src-main/engine/jobs/sweep';
import { createPresetMllm, saveMllm } from '../../../src-main/engine/models/mllm';
import { dispatch } from '../../../src-main/ipc/dispatch';
import type { HandlerContext } from '../../../src-main/ipc/handlers';
import { WorkspaceJobs } from '../../../src-main/ipc/workspace-jobs';
import { Workspace } from '../../../src-main/store/workspace';
import type { EncoderProbeResult, SweepSummary } from '../../../src-shared/domain/runs';
import type { Events, Result } from '../../../src-shared/ipc/contract';
import { until } from '../../helpers/training';
import { tempDir } from '../../helpers/workspace';

/** An in-process host that plays a sweep of two points: `finish` writes sweep.md and answers; `hang` waits for a kill. */
function scriptedSweep(script: 'finish' | 'hang', started: SweepJobOptions[]): HostLauncher {
  return () => {
    const listeners: Array<(m: FromHost<'sweep'>) => void> = [];
    const exits: Array<(code: number | null, signal: string | null) => void> = [];
    let ended = false;
    const end = (code: number | null, signal: string | null) => {
      if (ended) return;
      ended = true;
      setTimeout(() => exits.forEach((l) => l(code, signal)), 1);
    };
    const say = (m: FromHost<'sweep'>) => {
      if (!ended) listeners.forEach((l) => l(m));
    };
    const play = (options: SweepJobOptions) => {
      started.push(options);
      say({ type: 'progress', progress: { type: 'base', message: 'Training the base MLLM' } });
      say({ type: 'progress', progress: { type: 'point', index: 1, of: 2, name: 'sft-lr1e-3', status: 'train', message: 'Training sft-lr1e-3' } });
      say({ type: 'progress', progress: { type: 'train', index: 1, of: 2, name: 'sft-lr1e-3', event: { type: 'metrics', stage: 'sft', step: 2, totalSteps: 4, epoch: 0, elapsedMs: 2, values: { loss: 1 } } } });
      if (script === 'hang') return;
      say({ type: 'progress', progress: { type: 'point', index: 2, of: 2, name: 'dpo-lr1e-3', status: 'done', message: 'Measured dpo-lr1e-3' } });
      const markdown = join(options.out, 'sweep.md');
      writeFileSync(markdown, '| metric | SFT | DPO |\n');
      say({ type: 'done', result: { out: options.out, markdown, json: join(options.out, 'sweep.json') } });
      end(0, null);
    };
    const host: EngineHost = {
      pid: 1,
      send: (message) => {
        if (message.type === 'job' && message.kind === 'sweep') setTimeout(() => play(message.options), 1);
      },
      onMessage: (l) => void listeners.push(l as (m: FromHost<'sweep'>) => void),
      onOutput: () => undefined,
      onExit: (l) => void exits.push(l),
      kill: () => end(null, 'SIGKILL'),
    };
    return host;
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

function context(launch: HostLauncher): { ctx: HandlerContext; progress: Array<Events['job:progress']> } {
  workspace = Workspace.open(tempDir('pivot-probes-sweeps-'));
  const progress: Array<Events['job:progress']> = [];
  const emit = <E extends keyof Events>(event: E, payload: Events[E]): void => {
    if (event === 'job:progress') progress.push(payload as Events['job:progress']);
  };
  jobs = new WorkspaceJobs(workspace, { launch, emit });
  return { ctx: { workspace, emit, jobs }, progress };
}

function data<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

describe('probes:start', () => {
  const runDir = tempDir('pivot-probed-run-');
  const checkpoint = join(runDir, 'checkpoints', 'sft-4');

  beforeAll(async () => {
    await selectBackend('cpu');
    const model = createPresetMllm('toy', { tokenizerFiles: { 'tokenizer.json': shapesTokenizerText() }, tokenizerSource: 'shapes', seed: 3 });
    await saveMllm(model, checkpoint);
    model.dispose();
    // A run folder without recipe.json trained on its data/ folder.
    await writeShapesWorld({ out: join(runDir, 'data'), count: 24, seed: 9, size: 32 });
  }, 60_000);

  /** A finished run of the workspace whose final checkpoint is `checkpoint`. */
  function finishedRun(ws: Workspace): number {
    const run = ws.runs.create({ recipe: 'shapes-quick', objective: 'sft', backend: null, data: null, ownerPid: process.pid });
    ws.runs.update(run.id, {
      status: 'completed',
      result: { runDir, backend: 'cpu', objective: 'sft', stages: [{ name: 'sft', steps: 4, finalLoss: 1, checkpoint }], finalCheckpoint: checkpoint, cancelled: false },
    });
    return run.id;
  }

  it("refuses a bad request with the contract's words, and a run that has not finished with the run's", async () => {
    const { ctx } = context(() => forkEngineHost());
    const bad = await dispatch('probes:start', { id: 1, probes: [], data: 'relative/world', job: 'probe-1' }, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(!bad.ok && bad.error.message).toContain('Give the absolute path of the data folder.');
    expect(!bad.ok && bad.error.message).toContain('→ at probes');
    const queued = ctx.workspace.runs.create({ recipe: 'shapes-quick', objective: 'sft', backend: null, data: null, ownerPid: process.pid });
    expect(await dispatch('probes:start', { id: queued.id, probes: ['linear'], job: 'probe-2' }, ctx)).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: `Run ${queued.id} is queued: probe its encoder once it has finished.`, details: { id: queued.id, status: 'queued' } },
    });
  });

  it("probes a finished run's encoder on an engine host, on the data the run trained on, and answers the numbers", async () => {
    const { ctx, progress } = context(() => forkEngineHost());
    const id = finishedRun(ctx.workspace);
    const result = data<EncoderProbeResult>(await dispatch('probes:start', { id, probes: ['linear', 'segmentation'], seeds: 1, backend: 'cpu', job: 'probe-3' }, ctx));
    expect(result).toMatchObject({ encoder: join(checkpoint, 'encoder'), data: join(runDir, 'data'), backend: 'cpu', seeds: 1 });
    for (const spread of [result.linear?.accuracy, result.segmentation?.macroRecall, result.segmentation?.mIoU]) {
      expect(spread).toMatchObject({ n: 1, std: 0 });
      expect(spread!.mean).toBeGreaterThanOrEqual(0);
      expect(spread!.mean).toBeLessThanOrEqual(1);
    }
    expect(result.linear!.chance).toBeGreaterThan(0);
    expect(progress.map((p) => p.label)).toEqual(['starting the engine…', 'linear probe (1/2)…', 'segmentation probe (2/2)…', 'probed']);
    expect(progress.map((p) => [p.job, p.done, p.total])).toEqual([['probe-3', 0, 2], ['probe-3', 0, 2], ['probe-3', 1, 2], ['probe-3', 2, 2]]);
  }, 120_000);
});

describe('sweeps:start', () => {
  it("refuses a recipe given by a relative path with the contract's words", async () => {
    const { ctx } = context(scriptedSweep('finish', []));
    const bad = await dispatch('sweeps:start', { recipe: 'my/sweep.yaml', job: 'sweep-1' }, ctx);
    expect(!bad.ok && bad.error.message).toContain('Give a built-in recipe name (e.g. shapes-quick) or the absolute path of a recipe file.');
  });

  it('runs the sweep into <workspace>/sweeps/<date-time>/ and answers its summary, its points as job:progress', async () => {
    const started: SweepJobOptions[] = [];
    const { ctx, progress } = context(scriptedSweep('finish', started));
    const summary = data<SweepSummary>(await dispatch('sweeps:start', { recipe: 'shapes-sweep', probeSeeds: 2, backend: 'wasm', job: 'sweep-2' }, ctx));
    expect(summary.name).toMatch(/^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/);
    const out = join(ctx.workspace.dir, 'sweeps', summary.name);
    expect(summary).toEqual({ name: summary.name, out, markdown: '| metric | SFT | DPO |\n' });
    expect(started).toEqual([{ recipe: 'shapes-sweep', out, probeSeeds: 2, backend: 'wasm' }]);
    expect(progress.map(({ done, total, label }) => [done, total, label])).toEqual([
      [0, 1, 'Starting the engine…'],
      [0, 1, 'Training the base MLLM'],
      [0, 1, '[1/2] Training sft-lr1e-3'],
      [0, 1, '[1/2] sft-lr1e-3: stage sft, step 2 / 4'],
      [1, 1, '[2/2] Measured dpo-lr1e-3'],
      [1, 1, `Sweep ${summary.name} written`],
    ]);
  });

  it('runs one sweep at a time; cancelling kills it, answers null and keeps its folder for resuming', async () => {
    const started: SweepJobOptions[] = [];
    const { ctx, progress } = context(scriptedSweep('hang', started));
    const first = dispatch('sweeps:start', { recipe: 'shapes-sweep', job: 'sweep-3' }, ctx);
    await until(() => progress.some((p) => p.label.endsWith('step 2 / 4')), 'the sweep to train');
    expect(await dispatch('sweeps:start', { recipe: 'shapes-sweep', job: 'sweep-4' }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'A sweep is already running in this workspace (job sweep-3): wait for it to finish, or cancel it, before starting another.' },
    });
    expect(await dispatch('sweeps:cancel', { job: 'sweep-4' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch('sweeps:cancel', { job: 'sweep-3' }, ctx)).toEqual({ ok: true, data: null });
    expect(await first).toEqual({ ok: true, data: null });
    expect(existsSync(started[0]!.out)).toBe(true);
    expect(await dispatch('sweeps:cancel', { job: 'sweep-3' }, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
