// The run manager with real engine host processes running the engine's test double: a run's data exported from the
// workspace, its events recorded and forwarded, cancel, failure, a crash reported with its exit code, the queue, and
// runs abandoned by a process that is gone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfig } from '../../../src-main/runs/run-config';
import { RunManager } from '../../../src-main/runs/run-manager';
import type { Workspace } from '../../../src-main/store/workspace';
import type { EventName, Events } from '../../../src-shared/ipc/contract';
import { checkTestRecipe, testHost, testRecipe, until } from '../../helpers/training';
import { tempDir, workspaceWithPairs } from '../../helpers/workspace';

type Emitted = { [E in EventName]: [E, Events[E]] }[EventName];

async function setup(accepted = 2): Promise<{ ws: Workspace; manager: RunManager; emitted: Emitted[] }> {
  const ws = await workspaceWithPairs([{}, {}, {}]);
  for (let id = 1; id <= accepted; id++) ws.pairs.update(id, { status: 'accepted' });
  const emitted: Emitted[] = [];
  const manager = new RunManager(ws, { launch: testHost, checkRecipe: checkTestRecipe, emit: (event, payload) => emitted.push([event, payload] as Emitted), cancelGraceMs: 5000 });
  return { ws, manager, emitted };
}

const statuses = (emitted: Emitted[], runId: number): string[] =>
  emitted.flatMap(([e, p]) => (e === 'run:status' && p.run.id === runId ? [p.run.status] : [])).filter((s, i, all) => s !== all[i - 1]);
const steps = (emitted: Emitted[], runId: number): number =>
  emitted.filter(([e, p]) => e === 'run:event' && p.runId === runId && p.event.type === 'metrics').length;

describe('RunManager', () => {
  it('exports the accepted workspace pairs into the run, records and forwards its events, and completes', async () => {
    const { ws, manager, emitted } = await setup();
    const recipe = testRecipe({ stages: [{ name: 'align', steps: 3 }, { name: 'dpo', steps: 4 }], stepMs: 5 });
    const queued = await manager.start({ recipe, objective: 'dpo', data: { dataset: 'test/pairs.jsonl', filter: { status: ['accepted'] } } });
    const run = await manager.finished(queued.id);

    expect(run).toMatchObject({ status: 'completed', objective: 'dpo', error: null, result: { cancelled: false, objective: 'dpo' } });
    expect(statuses(emitted, run.id)).toEqual(['queued', 'running', 'completed']);
    const exported = readFileSync(join(run.runDir, 'data', 'pairs.jsonl'), 'utf8').trim().split('\n');
    expect(exported).toHaveLength(2);
    // The engine got the exported folder.
    expect(ws.runs.logs(run.id).entries.map((e) => e.message).join('\n')).toContain(`"data":"${join(run.runDir, 'data')}"`);

    // Live events carry the run's own axis: the second stage's steps (1…4 again) continue at 4…7.
    const axes = emitted.flatMap(([e, p]) => (e === 'run:event' && p.axis ? [p.axis.runStep] : []));
    expect(axes).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const metrics = ws.runs.metrics(run.id, 100);
    expect(metrics.total).toBe(7);
    expect(metrics.points.map((p) => p.runStep)).toEqual(axes);
    const runMs = metrics.points.map((p) => p.runMs);
    expect(runMs).toEqual([...runMs].sort((a, b) => a - b));
    expect(metrics.points[3]).toMatchObject({ stage: 'dpo', step: 1, values: { loss: 1, 'rewards/margins': 0.02 } });
    // With the whole pipeline's plan, for the window's overall progress.
    const plan = [{ stage: 'align', totalSteps: 3, samplesPerStep: 1 }, { stage: 'dpo', totalSteps: 4, samplesPerStep: 1 }];
    expect(ws.runs.get(run.id).progress).toEqual({ stage: 'dpo', stageNumber: 2, stages: 2, step: 4, totalSteps: 4, plan });
    // What its engine host was launched with, for the window's configuration panel (the test engine writes no recipe.json).
    expect(runConfig(ws.runs.get(run.id))).toEqual({ runId: run.id, recipe: null, launch: { recipe, objective: 'dpo', data: join(run.runDir, 'data'), launchedAt: run.startedAt } });
    const log = ws.runs.logs(run.id).entries.map((e) => e.message);
    expect(log).toEqual(expect.arrayContaining(['Stage 1/2: align (3 steps)', 'Stage 2/2: dpo (4 steps)', expect.stringMatching(/^Checkpoint of dpo at step 4: /)]));
  });

  it('reports a host that exits mid-run as crashed, with its exit code and last words', async () => {
    const { manager, emitted } = await setup();
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 10 }], stepMs: 5, exitAtStep: 3, exitCode: 3, stderr: 'cuda: device lost' });
    const queued = await manager.start({ recipe, data: { filter: { status: ['accepted'] } } });
    const run = await manager.finished(queued.id);
    expect(run.status).toBe('crashed');
    expect(run.error).toContain('exited with code 3');
    expect(run.error).toContain('cuda: device lost');
    expect(statuses(emitted, run.id)).toEqual(['queued', 'running', 'crashed']);
    expect(steps(emitted, run.id)).toBe(2);
  });

  it('records a job that throws as failed, with the message, and its stack in the log', async () => {
    const { ws, manager } = await setup();
    const queued = await manager.start({ recipe: testRecipe({ failAtStep: 2 }) });
    const run = await manager.finished(queued.id);
    expect(run).toMatchObject({ status: 'failed', error: 'loss is NaN at step 2' });
    expect(ws.runs.logs(run.id).entries.at(-1)).toMatchObject({ level: 'error', message: expect.stringContaining('training-job.ts') });
  });

  it('pauses, resumes and cancels a running run; cancelled keeps the checkpoint', async () => {
    const { ws, manager, emitted } = await setup();
    const queued = await manager.start({ recipe: testRecipe({ stages: [{ name: 'sft', steps: 500 }], stepMs: 5 }) });
    await until(() => steps(emitted, queued.id) >= 2, 'two steps');
    manager.pause(queued.id, 'the window');
    await until(() => ws.runs.get(queued.id).status === 'paused', 'paused');
    manager.resume(queued.id, undefined, 'the window');
    await until(() => ws.runs.get(queued.id).status === 'running', 'running again');
    manager.cancel(queued.id, 'the window');
    const run = await manager.finished(queued.id);
    // Each in the run's log, with its time and who asked, as the engine acted on it.
    const asked = ['Paused from the window.', 'Resumed from the window.', 'Cancelled from the window: stopping at the next step; the last checkpoint is kept.'];
    const entries = ws.runs.logs(run.id).entries.filter((e) => asked.includes(e.message));
    expect(entries.map((e) => e.message)).toEqual(asked);
    for (const e of entries) expect(Date.parse(e.at)).toBeGreaterThan(Date.parse(run.startedAt!) - 1000);
    expect(run.status).toBe('cancelled');
    expect(run.result?.cancelled).toBe(true);
    expect(existsSync(join(run.result!.finalCheckpoint, 'state.json'))).toBe(true);
    expect(statuses(emitted, run.id)).toEqual(['queued', 'running', 'paused', 'running', 'cancelled']);
    expect(() => manager.pause(run.id)).toThrow(/has ended \(cancelled\)/);
  });

  it('resumes a cancelled run (the window\'s Resume): same record and folder, on from its checkpoint, with workspace data', async () => {
    const { ws, manager, emitted } = await setup();
    const recipe = testRecipe({ stages: [{ name: 'sft', steps: 40 }], stepMs: 5, checkpointEvery: 5 });
    const queued = await manager.start({ recipe, data: { filter: { status: ['accepted'] } } });
    await until(() => steps(emitted, queued.id) >= 12, 'twelve steps');
    manager.cancel(queued.id);
    const cancelled = await manager.finished(queued.id);
    const stoppedAt = cancelled.result!.stages[0]!.steps;
    expect(manager.resume(queued.id).status).toBe('running');
    const run = await manager.finished(queued.id);
    expect(run).toMatchObject({ id: queued.id, status: 'completed', error: null, runDir: cancelled.runDir, result: { stages: [expect.objectContaining({ steps: 40 })] } });
    expect(statuses(emitted, run.id)).toEqual(['queued', 'running', 'cancelled', 'queued', 'running', 'completed']);
    expect(ws.runs.metrics(run.id, 1000).points.map((p) => p.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const log = ws.runs.logs(run.id).entries.map((e) => e.message);
    expect(log).toContain(`Resumed from step ${stoppedAt} of stage sft.`);
    // The engine read the data exported when the run was first queued.
    expect(log.filter((m) => m.includes(`"data":"${join(run.runDir, 'data')}"`))).toHaveLength(2);
    expect(() => manager.resume(run.id)).toThrow('Run 1 has ended (completed); there is nothing to resume.');
  });

  it('refuses to resume a run whose folder is gone, saying so', async () => {
    const { ws, manager } = await setup();
    const run = ws.runs.create({ recipe: testRecipe(), objective: 'sft', backend: null, data: null, ownerPid: process.pid });
    ws.runs.update(run.id, { status: 'crashed' });
    expect(() => manager.resume(run.id)).toThrow(`Run ${run.id}'s folder ${run.runDir} is gone, so there is no checkpoint to resume from: start a new run.`);
    expect(ws.runs.get(run.id).status).toBe('crashed');
  });

  it('trains one run at a time: later runs queue, a queued run can be cancelled, the next starts when one ends', async () => {
    const { ws, manager, emitted } = await setup();
    const first = await manager.start({ recipe: testRecipe({ stages: [{ name: 'sft', steps: 500 }], stepMs: 5 }) });
    const second = await manager.start({ recipe: testRecipe() });
    const third = await manager.start({ recipe: testRecipe({ stages: [{ name: 'sft', steps: 3 }], stepMs: 1 }) });
    expect(ws.runs.get(second.id).status).toBe('queued');
    expect(() => manager.pause(second.id)).toThrow(/is queued/);
    expect(manager.cancel(second.id).status).toBe('cancelled');
    await until(() => steps(emitted, first.id) >= 1, 'the first run stepping');
    expect(ws.runs.get(third.id).status).toBe('queued');
    manager.cancel(first.id);
    expect((await manager.finished(third.id)).status).toBe('completed');
    expect(statuses(emitted, second.id)).toEqual(['queued', 'cancelled']);
    expect(ws.runs.get(first.id).status).toBe('cancelled');
    expect(steps(emitted, second.id)).toBe(0);
  });

  it('refuses a bad request before recording anything', async () => {
    const { ws, manager } = await setup(0);
    await expect(manager.start({ recipe: 'no-such-recipe' })).rejects.toThrow(/Unknown recipe 'no-such-recipe'/);
    await expect(manager.start({ recipe: '/nowhere/r.yaml' })).rejects.toThrow(/recipe file \/nowhere\/r.yaml does not exist/);
    await expect(manager.start({ recipe: testRecipe(), data: { filter: { status: ['accepted'] } } })).rejects.toThrow(/No pairs match status accepted/);
    await expect(manager.start({ recipe: testRecipe(), data: { dataset: 'nope', filter: {} } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(manager.start({ recipe: testRecipe(), data: { folder: '/nowhere' } })).rejects.toThrow(/data folder \/nowhere does not exist/);
    expect(ws.runs.list()).toEqual([]);
  });

  it('checks the recipe against the engine\'s schema before recording the run', async () => {
    const ws = await workspaceWithPairs([{}]);
    const manager = new RunManager(ws, { launch: testHost, emit: () => undefined });
    const dir = tempDir('pivot-recipe-');
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'model: { preset: toy }\ndata: { shapes: { count: 10 } }\nstages: []\nbranches: { sft: { trainable: [encoder], lr: 1e-4, epoch: 2 } }\n');
    await expect(manager.start({ recipe: typo })).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/typo\.yaml.*branches\.sft.*epoch/s) });
    const sftOnly = join(dir, 'sft-only.yaml');
    writeFileSync(sftOnly, 'objective: sft\nmodel: { preset: toy }\ndata: { shapes: { count: 10 } }\nstages: []\nbranches: { sft: { trainable: [encoder], lr: 1e-4 } }\n');
    await expect(manager.start({ recipe: sftOnly, objective: 'dpo' })).rejects.toThrow(`${sftOnly}: no "branches.dpo" stage; add one to train with dpo.`);
    expect(ws.runs.list()).toEqual([]);
    await manager.close();
    ws.close();
  });

  it('refuses a file that is not a recipe naming the file and the first problem, quoting at most 80 characters of it', async () => {
    const ws = await workspaceWithPairs([{}]);
    const manager = new RunManager(ws, { launch: testHost, emit: () => undefined });
    const dir = tempDir('pivot-recipe-');
    const prose = join(dir, 'LICENSE.txt');
    writeFileSync(prose, 'Permission is hereby granted, free of charge, to any person obtaining a copy '.repeat(18));
    await expect(manager.start({ recipe: prose })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: `${prose}: the recipe must be an object, got string "${'Permission is hereby granted, free of charge, to any person obtaining a copy Per'}"… (1385 characters)`,
    });
    const notes = join(dir, 'notes.yaml');
    writeFileSync(notes, `# Notes\n\n${'A long line of prose that is not a recipe at all, '.repeat(30)}\nmore: text\n`);
    await expect(manager.start({ recipe: notes })).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: `${notes}: not valid YAML: Implicit keys need to be on a single line at line 3, column 1`,
    });
    expect(ws.runs.list()).toEqual([]);
    await manager.close();
    ws.close();
  });

  it('ends runs left active by a process that is gone: running → crashed, queued → cancelled', async () => {
    const { ws } = await setup();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const running = ws.runs.create({ recipe: 'r', objective: 'sft', backend: null, data: null, ownerPid: gone });
    ws.runs.update(running.id, { status: 'running' });
    const queued = ws.runs.create({ recipe: 'r', objective: 'sft', backend: null, data: null, ownerPid: gone });
    const alive = ws.runs.create({ recipe: 'r', objective: 'sft', backend: null, data: null, ownerPid: process.ppid });
    ws.runs.update(alive.id, { status: 'running' });
    new RunManager(ws, { launch: testHost, emit: () => undefined });
    expect(ws.runs.get(running.id)).toMatchObject({ status: 'crashed', error: expect.stringContaining('stopped while this run was running') });
    expect(ws.runs.get(queued.id).status).toBe('cancelled');
    expect(ws.runs.get(alive.id).status).toBe('running');
  });
});
