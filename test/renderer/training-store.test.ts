// @vitest-environment happy-dom
// The training store: loads the runs and the selected run's history, then applies `run:event` to the chart series and
// the log as they come (merging those that arrive while the history loads, without duplicates), follows `run:status`,
// and starts, pauses and cancels through the api.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import { CHARTS, chartOption } from '../../src-renderer/src/lib/run-charts';
import { useTrainingStore } from '../../src-renderer/src/stores/training';
import type { Events } from '../../src-shared/ipc/contract';
import { FakeBackend, makePoints, makeRun } from './fake-backend';
import { settle } from './mount-screen';

afterEach(() => setApi(null));

function setup(backend: FakeBackend) {
  setActivePinia(createPinia());
  setApi(createApi(backend));
  return useTrainingStore();
}

function metricsEvent(runId: number, runStep: number, loss: number): Events['run:event'] {
  return {
    runId,
    event: { type: 'metrics', stage: 'dpo', step: runStep, totalSteps: 100, epoch: 0, elapsedMs: 100 * runStep, values: { loss, 'rewards/margins': 0.1 } },
    axis: { runStep, runMs: 100 * runStep },
  };
}

function lossData(store: ReturnType<typeof useTrainingStore>): number[][] {
  const option = chartOption(CHARTS[0]!, store.points, 'step', 0) as { series: Array<{ data: number[][] }> };
  return option.series[0]!.data;
}

describe('the training store', () => {
  it('loads the runs, recipes and backends, and shows the newest run with its history', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(2, { status: 'running' }), makeRun(1)];
    backend.runMetrics.set(2, makePoints(5));
    backend.runLogs.set(2, [{ id: 1, at: '2025-01-01T00:00:00.000Z', level: 'info', message: 'Stage 1/1: dpo (100 steps)' }]);
    const store = setup(backend);
    await store.init();
    expect(store.runs.map((r) => r.id)).toEqual([2, 1]);
    expect(store.selected?.id).toBe(2);
    expect(store.points).toHaveLength(5);
    expect(store.logs.map((l) => l.message)).toEqual(['Stage 1/1: dpo (100 steps)']);
    expect(store.recipes.map((r) => r.name)).toEqual(['shapes-quick']);
    expect(store.backends?.picked?.name).toBe('wasm');
    expect(backend.callsOf('runs:metrics')).toEqual([{ id: 2, maxPoints: 2000 }]);
  });

  it('applies live metrics to the chart series and logs to the log; other runs only move their progress', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(2, { status: 'running' }), makeRun(1, { status: 'running' })];
    backend.runMetrics.set(2, makePoints(2));
    const store = setup(backend);
    await store.init();
    expect(lossData(store)).toEqual([[1, 1], [2, 0.5]]);
    const [list, run2] = [store.runs, store.runs[0]];

    backend.emit('run:event', metricsEvent(2, 3, 0.25));
    backend.emit('run:event', { runId: 2, event: { type: 'log', level: 'warn', message: 'grad norm clipped' }, logId: 7 });
    backend.emit('run:event', { runId: 1, event: { type: 'stage', stage: 'align', index: 1, of: 3, totalSteps: 40 } });
    backend.emit('run:event', { ...metricsEvent(1, 9, 2), event: { ...(metricsEvent(1, 9, 2).event as object), stage: 'align', totalSteps: 40 } as Events['run:event']['event'] });
    await settle();

    expect(lossData(store)).toEqual([[1, 1], [2, 0.5], [3, 0.25]]);
    expect(store.logs.at(-1)).toMatchObject({ id: 7, level: 'warn', message: 'grad norm clipped' });
    expect(store.points).toHaveLength(3);
    expect(store.runs.find((r) => r.id === 1)?.progress).toEqual({ stage: 'align', stageNumber: 1, stages: 3, step: 9, totalSteps: 40 });
    // Progress moves in place: the list and the other runs are the same objects, so their rows are not rebuilt per step.
    expect(store.runs).toBe(list);
    expect(store.runs[0]).toBe(run2);
    expect(run2?.progress).toMatchObject({ stage: 'dpo', step: 3 });
  });

  it('replaces the points a resumed run trains again with the new ones', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'running' })];
    backend.runMetrics.set(1, makePoints(4));
    const store = setup(backend);
    await store.init();
    backend.emit('run:event', metricsEvent(1, 3, 0.1));
    await settle();
    expect(lossData(store)).toEqual([[1, 1], [2, 0.5], [3, 0.1]]);
  });

  it('merges events that arrive while the history loads, dropping what the history already holds', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'running' })];
    backend.runMetrics.set(1, makePoints(4));
    backend.runLogs.set(1, [{ id: 5, at: '2025-01-01T00:00:00.000Z', level: 'info', message: 'five' }]);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    backend.overrides.set('runs:metrics', async () => {
      await gate;
      return { runId: 1, total: 4, points: makePoints(4) };
    });
    const store = setup(backend);
    const loading = store.init();
    await settle();
    // Steps 4 (already in the history) and 5 (new), the log line 5 (in the history) and 6 (new).
    backend.emit('run:event', metricsEvent(1, 4, 0.25));
    backend.emit('run:event', metricsEvent(1, 5, 0.2));
    backend.emit('run:event', { runId: 1, event: { type: 'log', level: 'info', message: 'five' }, logId: 5 });
    backend.emit('run:event', { runId: 1, event: { type: 'log', level: 'info', message: 'six' }, logId: 6 });
    release();
    await loading;
    expect(store.points.map((p) => p.runStep)).toEqual([1, 2, 3, 4, 5]);
    expect(store.logs.map((l) => l.message)).toEqual(['five', 'six']);
  });

  it('follows run:status, and starts, pauses and cancels through the api', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'running' })];
    const store = setup(backend);
    await store.init();

    const run = await store.start({ recipe: 'shapes-quick', objective: 'dpo', data: { filter: { status: ['accepted'] } } });
    expect(run?.id).toBe(2);
    expect(backend.callsOf('runs:start')).toEqual([{ recipe: 'shapes-quick', objective: 'dpo', data: { filter: { status: ['accepted'] } } }]);
    expect(store.runs.map((r) => [r.id, r.status])).toEqual([[2, 'queued'], [1, 'running']]);
    expect(store.selectedId).toBe(2);

    backend.runs = backend.runs.map((r) => (r.id === 2 ? { ...r, status: 'running' } : r));
    backend.emit('run:status', { run: backend.runs[0]! });
    expect(store.runs.find((r) => r.id === 2)?.status).toBe('running');
    // The engine answers a pause with the run still running and reports `paused` at its next step.
    await store.pause(2);
    await settle();
    expect(store.runs.find((r) => r.id === 2)?.status).toBe('running');
    backend.engineStep();
    await settle();
    expect(store.runs.find((r) => r.id === 2)?.status).toBe('paused');
    await store.cancel(1);
    backend.engineStep();
    await settle();
    expect(store.runs.find((r) => r.id === 1)?.status).toBe('cancelled');
    expect(backend.callsOf('runs:pause')).toEqual([{ id: 2 }]);
    expect(backend.callsOf('runs:cancel')).toEqual([{ id: 1 }]);
  });
});
