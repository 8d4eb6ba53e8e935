// @vitest-environment happy-dom
// The training screen in the whole window (ECharts stubbed: happy-dom has no canvas): the Curation | Training tabs,
// the run list with status badges, the start form's request, the charts fed by live events, pause / cancel.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PivotError } from '../../src-shared/errors';
import { createApi, setApi } from '../../src-renderer/src/api';
import { exactTime, relativeTime } from '../../src-renderer/src/lib/relative-time';
import App from '../../src-renderer/src/App.vue';
import { FakeBackend, makePoints, makeRun, manyPairs } from './fake-backend';
import { settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

async function mountTraining(backend: FakeBackend): Promise<VueWrapper> {
  const pinia = createPinia();
  setActivePinia(pinia);
  setApi(createApi(backend));
  wrapper = mount(App, { global: { plugins: [pinia], stubs: { Echarts: { props: ['option'], template: '<div class="stub-chart" />' } } }, attachTo: document.body });
  await settle();
  await wrapper.get('[data-testid="nav-training"]').trigger('click');
  await settle();
  return wrapper;
}

describe('the training screen', () => {
  it('is a tab beside curation; the curation counters and actions stay on the curation tab', async () => {
    const backend = new FakeBackend(manyPairs(3));
    const w = await mountTraining(backend);
    expect(w.find('[data-testid="training-view"]').exists()).toBe(true);
    expect(w.find('[data-testid="curation-view"]').exists()).toBe(false);
    expect(w.find('[data-testid="count-total"]').exists()).toBe(false);
    expect(location.hash).toBe('#training');
    await w.get('[data-testid="nav-curation"]').trigger('click');
    await settle();
    expect(w.find('[data-testid="curation-view"]').exists()).toBe(true);
    expect(w.get('[data-testid="count-total"]').text()).toBe('3');
  });

  it('lists the runs with their status and shows the selected one with its charts, fed live', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(2, { status: 'running', name: 'dpo-try' }), makeRun(1, { status: 'crashed', error: 'The engine host crashed: it exited with code 3' })];
    backend.runMetrics.set(2, makePoints(3));
    const w = await mountTraining(backend);
    const rows = w.findAll('[data-testid="run-row"]');
    expect(rows.map((r) => r.get('[data-testid="run-status"]').attributes('data-status'))).toEqual(['running', 'crashed']);
    expect(w.get('[data-testid="selected-run-name"]').text()).toBe('dpo-try');
    expect(w.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('3');
    expect(w.find('[data-testid="chart-margins"]').exists()).toBe(true);

    backend.emit('run:event', {
      runId: 2,
      event: { type: 'metrics', stage: 'dpo', step: 4, totalSteps: 10, epoch: 0, elapsedMs: 400, values: { loss: 0.2 } },
      axis: { runStep: 4, runMs: 400 },
    });
    backend.emit('run:event', { runId: 2, event: { type: 'log', level: 'info', message: 'step four' }, logId: 1 });
    await settle();
    expect(w.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('4');
    expect(w.get('[data-testid="run-log"]').text()).toContain('step four');

    await rows[1]!.trigger('click');
    await settle();
    expect(w.get('[data-testid="run-error"]').text()).toContain('exited with code 3');
    expect(w.get('[data-testid="pause-run"]').attributes('disabled')).toBeDefined();
  });

  it('starts a run from the form: recipe, objective, workspace dataset and status, backend, name', async () => {
    const backend = new FakeBackend(manyPairs(2));
    const w = await mountTraining(backend);
    // The first built-in recipe is chosen (and described) once the recipes are loaded.
    expect(w.get('[data-testid="recipe-description"]').text()).toBe('the whole pipeline in seconds');
    expect(w.get('[data-testid="backend-select"]').text()).toContain('Best available (wasm)');
    await w.get('[data-testid="objective-select"]').setValue('sft');
    await w.get('[data-testid="data-dataset"]').setValue('shapes');
    await w.get('[data-testid="backend-select"]').setValue('cpu');
    await w.get('[data-testid="run-name"]').setValue('baseline');
    await w.get('[data-testid="start-run"]').trigger('click');
    await flushPromises();
    await settle();
    expect(backend.callsOf('runs:start')).toEqual([
      { recipe: 'shapes-quick', objective: 'sft', data: { dataset: 'shapes', filter: { status: ['accepted'] } }, backend: 'cpu', name: 'baseline' },
    ]);
    expect(w.get('[data-testid="selected-run-name"]').text()).toBe('baseline');

    await w.get('[data-testid="data-folder-choice"]').setValue(true);
    await w.get('[data-testid="data-folder"]').setValue('/data/shapes');
    await w.get('[data-testid="start-run"]').trigger('click');
    await settle();
    expect(backend.callsOf('runs:start')[1]).toMatchObject({ data: { folder: '/data/shapes' } });
  });

  it('passes the native backend\'s threads when given; the field shows all cores by default', async () => {
    const backend = new FakeBackend(manyPairs(2));
    backend.backends = {
      backends: [{ name: 'native', available: true, reason: 'native addon on the CPU, 12 threads', threads: 12 }, ...backend.backends.backends],
      picked: { name: 'native', reason: 'best available' },
    };
    const w = await mountTraining(backend);
    expect(w.get('[data-testid="threads-input"]').attributes('placeholder')).toBe('all (12)');
    await w.get('[data-testid="start-run"]').trigger('click');
    await settle();
    expect(backend.callsOf('runs:start')[0]).not.toHaveProperty('threads');
    await w.get('[data-testid="threads-input"]').setValue('3');
    await w.get('[data-testid="start-run"]').trigger('click');
    await settle();
    expect(backend.callsOf('runs:start')[1]).toMatchObject({ threads: 3 });
  });

  it('pauses, resumes and cancels the selected run; the buttons follow its status', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'running' })];
    const w = await mountTraining(backend);
    const status = () => w.get('[data-testid="selected-run-status"]').attributes('data-status');
    // As with the real engine, each change shows when the engine reports it at its next step, not with the answer.
    await w.get('[data-testid="pause-run"]').trigger('click');
    await settle();
    expect(backend.callsOf('runs:pause')).toEqual([{ id: 1 }]);
    expect(status()).toBe('running');
    backend.engineStep();
    await settle();
    expect(status()).toBe('paused');
    expect(w.get('[data-testid="pause-run"]').attributes('disabled')).toBeDefined();
    await w.get('[data-testid="resume-run"]').trigger('click');
    await settle();
    expect(status()).toBe('paused');
    backend.engineStep();
    await settle();
    expect(status()).toBe('running');
    // Cancel asks first: keeping the run sends nothing.
    await w.get('[data-testid="cancel-run"]').trigger('click');
    await settle();
    expect(w.get('[data-testid="cancel-run-consequence"]').text()).toBe('It stops at its next step. Its last checkpoint is kept: Resume trains on from it.');
    await w.get('[data-testid="cancel-run-keep"]').trigger('click');
    await settle();
    expect(w.find('[data-testid="cancel-run-dialog"]').exists()).toBe(false);
    expect(backend.callsOf('runs:cancel')).toEqual([]);
    await w.get('[data-testid="cancel-run"]').trigger('click');
    await settle();
    await w.get('[data-testid="cancel-run-confirm"]').trigger('click');
    await settle();
    expect(w.find('[data-testid="cancel-run-dialog"]').exists()).toBe(false);
    expect(backend.callsOf('runs:cancel')).toEqual([{ id: 1 }]);
    expect(status()).toBe('running');
    backend.engineStep();
    await settle();
    expect(status()).toBe('cancelled');
    expect(w.get('[data-testid="cancel-run"]').attributes('disabled')).toBeDefined();
  });

  it('resumes a crashed or cancelled run (it is queued again); a completed one cannot', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(3, { status: 'completed' }), makeRun(2, { status: 'cancelled' }), makeRun(1, { status: 'crashed' })];
    const w = await mountTraining(backend);
    expect(w.get('[data-testid="resume-run"]').attributes('disabled')).toBeDefined();
    for (const id of [2, 1]) {
      await w.findAll('[data-testid="run-row"]')[3 - id]!.trigger('click');
      await settle();
      expect(w.get('[data-testid="resume-run"]').attributes('title')).toBe('Train on from the last checkpoint in the run folder');
      await w.get('[data-testid="resume-run"]').trigger('click');
      await settle();
      expect(w.get('[data-testid="selected-run-status"]').attributes('data-status')).toBe('queued');
    }
    expect(backend.callsOf('runs:resume')).toEqual([{ id: 2 }, { id: 1 }]);
  });

  it('shows a running run\'s progress over all stages, elapsed time, ETA, steps/s and samples/s, live', async () => {
    const backend = new FakeBackend([]);
    const plan = [{ stage: 'align', totalSteps: 100, samplesPerStep: 4 }, { stage: 'dpo', totalSteps: 200, samplesPerStep: 2 }];
    const startedAt = new Date(Date.now() - 65_000).toISOString();
    backend.runs = [makeRun(1, { status: 'running', startedAt, progress: { stage: 'dpo', stageNumber: 2, stages: 2, step: 3, totalSteps: 200, plan } })];
    // 100 ms a step (makePoints' clock): 10 steps/s, 2 pairs a step in dpo.
    backend.runMetrics.set(1, makePoints(3));
    const w = await mountTraining(backend);
    const text = (id: string) => w.get(`[data-testid="${id}"]`).text();
    expect(text('run-stage')).toBe('Stage 2 of 2 · dpo · step 3/200');
    expect(text('run-overall')).toBe('103/300 steps in all (34.3%)');
    expect(w.get('[data-testid="run-progress"]').attributes('aria-valuenow')).toBe('34.3');
    expect(text('run-elapsed')).toMatch(/^Elapsed 1:0[56]$/);
    // Dates read as people say them, the exact time on hover.
    expect(text('run-started')).toMatch(/^Started 1 min ago$/);
    expect(w.get('[data-testid="run-started"] time').attributes('title')).toBe(exactTime(startedAt));
    expect(w.get('[data-testid="run-created"]').text()).toBe(relativeTime(backend.runs[0]!.createdAt, Date.now()));
    expect(w.get('[data-testid="run-created"]').attributes('title')).toBe(exactTime(backend.runs[0]!.createdAt));
    // 197 steps left at 0.1 s each.
    expect(text('run-eta')).toBe('ETA 0:20');
    expect(text('run-steps-per-second')).toBe('10.0 steps/s');
    expect(text('run-samples-per-second')).toBe('20.0 samples/s');

    // Steps now take 1 s: the pace follows, smoothed.
    for (const step of [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]) {
      backend.emit('run:event', {
        runId: 1,
        event: { type: 'metrics', stage: 'dpo', step, totalSteps: 200, epoch: 0, elapsedMs: 300 + (step - 3) * 1000, values: { loss: 0.5 } },
        axis: { runStep: step, runMs: 300 + (step - 3) * 1000 },
      });
    }
    await settle();
    expect(text('run-overall')).toBe('113/300 steps in all (37.7%)');
    let last = 0;
    for (const ms of [100, 100, ...Array(10).fill(1000)]) last = 0.9 * last + 0.1 * ms;
    const msPerStep = last / (1 - 0.9 ** 12);
    expect(text('run-steps-per-second')).toBe(`${(1000 / msPerStep).toPrecision(3)} steps/s`);

    // Paused: no pace, no ETA.
    backend.emit('run:status', { run: { ...backend.runs[0]!, status: 'paused' } });
    await settle();
    expect(w.find('[data-testid="run-eta"]').exists()).toBe(false);
    expect(text('run-stage')).toBe('Stage 2 of 2 · dpo · step 3/200');
  });

  it('keeps a refused request and a run\'s failure on screen until dismissed, whichever run is shown', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(2, { status: 'running', name: 'second' }), makeRun(1, { status: 'running', name: 'first' })];
    backend.overrides.set('runs:pause', () => {
      throw new PivotError('INVALID_REQUEST', 'Run 2 is driven by another process (pid 77, e.g. pivot train): control it there.');
    });
    const w = await mountTraining(backend);
    await w.get('[data-testid="pause-run"]').trigger('click');
    await settle();
    const alerts = () => w.findAll('[data-testid="training-alert"]').map((a) => a.get('.alerts__message').text());
    expect(alerts()).toEqual(['Pause run 2: Run 2 is driven by another process (pid 77, e.g. pivot train): control it there.']);

    // A run the app refuses to start.
    backend.overrides.set('runs:start', () => {
      throw new PivotError('INVALID_CONFIG', 'recipe.yaml: stages[0].lr must be a positive number, got -1');
    });
    await w.get('[data-testid="start-run"]').trigger('click');
    await settle();
    expect(alerts().at(-1)).toBe('Starting the run: recipe.yaml: stages[0].lr must be a positive number, got -1');
    await w.findAll('[data-testid="training-alert-dismiss"]').at(-1)!.trigger('click');
    await settle();

    // Run 1 crashes while run 2 is shown.
    backend.emit('run:status', { run: makeRun(1, { status: 'crashed', name: 'first', error: 'The engine host crashed: it exited with code 3' }) });
    await settle();
    // Long after a toast would have gone.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alerts()).toEqual([
      'Pause run 2: Run 2 is driven by another process (pid 77, e.g. pivot train): control it there.',
      'Run first crashed: The engine host crashed: it exited with code 3',
    ]);
    await w.findAll('[data-testid="training-alert"]')[1]!.get('[data-testid="training-alert-show"]').trigger('click');
    await settle();
    expect(w.get('[data-testid="selected-run-name"]').text()).toBe('first');
    await w.findAll('[data-testid="training-alert-dismiss"]')[0]!.trigger('click');
    await settle();
    expect(alerts()).toEqual(['Run first crashed: The engine host crashed: it exited with code 3']);
    await w.get('[data-testid="training-alert-dismiss"]').trigger('click');
    await settle();
    expect(w.findAll('[data-testid="training-alert"]')).toHaveLength(0);
  });

  it('shows the run\'s full configuration when opened: recipe, backend, threads, seed, data with counts and hash; copyable', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'completed', backend: 'native', objective: 'dpo' })];
    const recipe = {
      recipe: '/recipes/quick.yaml',
      seed: 7,
      data: {
        resolvedFolder: '/ws/runs/1/data',
        includeTestSplit: false,
        workspacePairs: { workspace: '/ws', filter: { status: ['accepted'] }, pairs: 12, splits: { train: 10, test: 2 }, datasets: { shapes: 12 }, file: { name: 'pairs.jsonl', sha256: 'ab12cd', bytes: 900 } },
      },
      stages: { dpo: { kind: 'dpo', trainable: ['lm'], lr: 0.0001, batchSize: 2, gradAccum: 4, epochs: 1, maxSteps: 30 } },
    };
    backend.runConfigs.set(1, { runId: 1, recipe, launch: { recipe: '/recipes/quick.yaml', objective: 'dpo', backend: 'native', threads: 3, launchedAt: '2026-12-03T10:00:00.000Z' } });
    const written: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void written.push(text) } });
    const w = await mountTraining(backend);
    expect(backend.callsOf('runs:config')).toEqual([]);
    const panel = w.get('[data-testid="run-config"]');
    (panel.element as HTMLDetailsElement).open = true;
    await panel.trigger('toggle');
    await settle();
    expect(backend.callsOf('runs:config')).toEqual([{ id: 1 }]);
    const text = (id: string) => w.get(`[data-testid="run-config-${id}"]`).text();
    expect([text('recipe'), text('backend'), text('threads'), text('seed'), text('data-folder')]).toEqual(['/recipes/quick.yaml', 'native', '3', '7', '/ws/runs/1/data']);
    expect(text('pairs')).toBe('12 from /ws (train 10, test 2) · shapes: 12');
    expect(text('filter')).toBe('{"status":["accepted"]}');
    expect(text('hash')).toBe('pairs.jsonl sha256 ab12cd');
    expect(w.findAll('[data-testid="run-config-stages"] tbody td').map((td) => td.text())).toEqual(['dpo', 'dpo', 'lm', '0.0001', '2 × 4', '30 steps']);
    await w.get('[data-testid="run-config-copy"]').trigger('click');
    await settle();
    expect(written.map((t) => JSON.parse(t))).toEqual([backend.runConfigs.get(1)]);
    expect(text('copied')).toBe('Copied');
  });

  it('draws runs ticked in the list (or Ctrl+clicked) over the selected one, live, and drops them when unticked', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(3, { status: 'running', name: 'live' }), makeRun(2, { name: 'shown' }), makeRun(1, { name: 'older' })];
    backend.runMetrics.set(3, makePoints(2));
    backend.runMetrics.set(2, makePoints(4));
    backend.runMetrics.set(1, makePoints(3));
    const w = await mountTraining(backend);
    const rows = () => w.findAll('[data-testid="run-row"]');
    await rows()[1]!.trigger('click');
    await settle();
    const loss = () => w.get('[data-testid="chart-loss"]');
    expect(loss().attributes('data-runs')).toBe('shown');
    expect(rows()[1]!.get('[data-testid="run-overlay"]').attributes('disabled')).toBeDefined();

    await rows()[2]!.get('[data-testid="run-overlay"]').setValue(true);
    await settle();
    expect(backend.callsOf('runs:metrics').at(-1)).toEqual({ id: 1, maxPoints: 2000 });
    expect(w.get('[data-testid="selected-run-name"]').text()).toBe('shown');
    expect(loss().attributes('data-runs')).toBe('shown,older');
    expect(loss().attributes('data-points')).toBe('7');

    await rows()[0]!.trigger('click', { ctrlKey: true });
    await settle();
    expect(w.get('[data-testid="selected-run-name"]').text()).toBe('shown');
    expect(loss().attributes('data-runs')).toBe('shown,older,live');
    expect(loss().attributes('data-points')).toBe('9');
    backend.emit('run:event', {
      runId: 3,
      event: { type: 'metrics', stage: 'dpo', step: 3, totalSteps: 10, epoch: 0, elapsedMs: 300, values: { loss: 0.3 } },
      axis: { runStep: 3, runMs: 300 },
    });
    await settle();
    expect(loss().attributes('data-points')).toBe('10');

    await rows()[2]!.get('[data-testid="run-overlay"]').setValue(false);
    await settle();
    expect(loss().attributes('data-runs')).toBe('shown,live');
  });
});
