// The runs store: records runs under runs/<id>, updates them, keeps metrics and logs per run, and reads metrics back
// downsampled to bucket means for a chart.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../../src-main/store/workspace';
import type { MetricRow } from '../../../src-main/store/runs';
import { PivotError } from '../../../src-shared/errors';
import { tempDir } from '../../helpers/workspace';

function rows(n: number, stage = 'sft', from = 1): MetricRow[] {
  return Array.from({ length: n }, (_, i) => ({
    stage,
    step: from + i,
    elapsedMs: 10 * (from + i),
    runStep: from + i,
    runMs: 10 * (from + i),
    values: { loss: from + i, ...(i % 2 === 0 ? { 'rewards/margins': 2 * (from + i) } : {}) },
  }));
}

describe('RunStore', () => {
  it('creates queued runs under runs/<id>, named after recipe and objective unless named', () => {
    const ws = Workspace.open(tempDir());
    const a = ws.runs.create({ recipe: '/recipes/shapes-small.yaml', objective: 'dpo', backend: null, data: { folder: '/d' }, ownerPid: 42 });
    const b = ws.runs.create({ name: 'mine', recipe: 'shapes', objective: null, backend: 'wasm', data: null, ownerPid: 42 });
    expect(a).toMatchObject({ id: 1, name: 'shapes-small-dpo-1', status: 'queued', runDir: join(ws.dir, 'runs', '1'), data: { folder: '/d' }, progress: null, result: null, startedAt: null });
    expect(b).toMatchObject({ id: 2, name: 'mine', objective: null, backend: 'wasm', data: null });
    expect(ws.runs.list().map((r) => r.id)).toEqual([2, 1]);
    expect(ws.runs.ownerPid(1)).toBe(42);
    ws.close();
  });

  it('updates status and fields, lists the active runs, and says NOT_FOUND for an unknown run', () => {
    const ws = Workspace.open(tempDir());
    const run = ws.runs.create({ recipe: 'shapes', objective: 'sft', backend: null, data: null, ownerPid: 1 });
    ws.runs.create({ recipe: 'shapes', objective: 'sft', backend: null, data: null, ownerPid: 1 });
    const progress = { stage: 'sft', stageNumber: 1, stages: 2, step: 3, totalSteps: 10 };
    const updated = ws.runs.update(run.id, { status: 'running', startedAt: '2026-01-01T00:00:00.000Z', progress });
    expect(updated).toMatchObject({ status: 'running', startedAt: '2026-01-01T00:00:00.000Z', progress });
    ws.runs.update(run.id, { status: 'crashed', error: 'exit code 3', endedAt: '2026-01-01T00:01:00.000Z' });
    expect(ws.runs.get(run.id)).toMatchObject({ status: 'crashed', error: 'exit code 3' });
    expect(ws.runs.active().map((r) => r.id)).toEqual([2]);
    expect(() => ws.runs.get(99)).toThrow(PivotError);
    expect(() => ws.runs.update(99, { status: 'failed' })).toThrow(/No run 99/);
    ws.close();
  });

  it('appends metrics in batches and returns them all when they fit', () => {
    const ws = Workspace.open(tempDir());
    const run = ws.runs.create({ recipe: 'r', objective: 'dpo', backend: null, data: null, ownerPid: 1 });
    const other = ws.runs.create({ recipe: 'r', objective: 'dpo', backend: null, data: null, ownerPid: 1 });
    ws.runs.appendMetrics(run.id, rows(3));
    ws.runs.appendMetrics(run.id, rows(2, 'dpo', 4));
    ws.runs.appendMetrics(other.id, rows(7));
    const metrics = ws.runs.metrics(run.id, 100);
    expect(metrics.total).toBe(5);
    expect(metrics.points.map((p) => [p.stage, p.runStep])).toEqual([['sft', 1], ['sft', 2], ['sft', 3], ['dpo', 4], ['dpo', 5]]);
    expect(metrics.points[0]).toEqual({ stage: 'sft', step: 1, runStep: 1, runMs: 10, values: { loss: 1, 'rewards/margins': 2 } });
    ws.close();
  });

  it('downsamples to at most maxPoints bucket means, each at its bucket\'s last step, the last point kept', () => {
    const ws = Workspace.open(tempDir());
    const run = ws.runs.create({ recipe: 'r', objective: 'dpo', backend: null, data: null, ownerPid: 1 });
    ws.runs.appendMetrics(run.id, rows(1000));
    const { total, points } = ws.runs.metrics(run.id, 100);
    expect(total).toBe(1000);
    expect(points).toHaveLength(100);
    // Bucket k holds steps 10k+1 … 10k+10: mean loss 10k+5.5; margins only on odd steps: mean 2·(10k+5).
    expect(points[0]).toMatchObject({ runStep: 10, step: 10, runMs: 100, values: { loss: 5.5, 'rewards/margins': 10 } });
    expect(points[99]).toMatchObject({ runStep: 1000, values: { loss: 995.5, 'rewards/margins': 1990 } });
    // 7 points into 3: buckets of 3, 2, 2 (⌊k·3/7⌋).
    const small = ws.runs.create({ recipe: 'r', objective: 'sft', backend: null, data: null, ownerPid: 1 });
    ws.runs.appendMetrics(small.id, rows(7));
    expect(ws.runs.metrics(small.id, 3).points.map((p) => [p.runStep, p.values.loss])).toEqual([[3, 2], [5, 4.5], [7, 6.5]]);
    ws.close();
  });

  it('ends a run whose owner process is gone as soon as it is listed or read, without a restart', () => {
    const ws = Workspace.open(tempDir());
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const mine = ws.runs.create({ recipe: 'shapes', objective: 'sft', backend: null, data: null, ownerPid: process.pid });
    ws.runs.update(mine.id, { status: 'running' });
    const other = Workspace.open(ws.dir);
    const orphan = other.runs.create({ recipe: 'shapes', objective: 'sft', backend: null, data: null, ownerPid: process.pid });
    // Recorded as driven by a process that has exited since (as after kill -9 of pivot train).
    other.db.prepare("UPDATE runs SET status = 'running', owner_pid = ? WHERE id = ?").run(gone, orphan.id);
    other.close();
    expect(ws.runs.get(orphan.id)).toMatchObject({
      status: 'crashed',
      error: `The process driving it (pid ${gone}) stopped while this run was running; the last checkpoint written is in ${orphan.runDir}. ` +
        `Resume it (Resume in the Training tab, or pivot train --resume ${orphan.id}).`,
    });
    // This process's own running run is left to its run manager.
    expect(ws.runs.list().map((r) => [r.id, r.status])).toEqual([[orphan.id, 'crashed'], [mine.id, 'running']]);
    ws.close();
  });

  it('drops a resumed run\'s metrics from the first step trained again, returning the last point kept', () => {
    const ws = Workspace.open(tempDir());
    const run = ws.runs.create({ recipe: 'shapes', objective: 'dpo', backend: null, data: null, ownerPid: 1 });
    ws.runs.appendMetrics(run.id, [...rows(4, 'align'), ...rows(3, 'dpo', 1).map((r) => ({ ...r, runStep: r.runStep + 4 }))]);
    expect(ws.runs.dropMetricsFrom(run.id, 'dpo', 2)).toMatchObject({ stage: 'dpo', step: 1, runStep: 5 });
    expect(ws.runs.metrics(run.id, 100).points.map((p) => `${p.stage}:${p.step}`)).toEqual(['align:1', 'align:2', 'align:3', 'align:4', 'dpo:1']);
    expect(ws.runs.dropMetricsFrom(run.id, 'align', 1)).toBeNull();
    expect(ws.runs.metrics(run.id, 100).total).toBe(0);
    ws.close();
  });

  it('keeps logs per run, paged after an id', () => {
    const ws = Workspace.open(tempDir());
    const run = ws.runs.create({ recipe: 'r', objective: 'sft', backend: null, data: null, ownerPid: 1 });
    const written = ws.runs.appendLogs(run.id, [
      { level: 'info', message: 'one' },
      { level: 'warn', message: 'two' },
      { level: 'error', message: 'three' },
    ]);
    expect(ws.runs.logs(run.id).entries.map((e) => [e.level, e.message])).toEqual([['info', 'one'], ['warn', 'two'], ['error', 'three']]);
    const page = ws.runs.logs(run.id, written[0]!.id, 1);
    expect(page).toMatchObject({ runId: run.id, entries: [{ message: 'two' }], more: true });
    ws.close();
  });
});
