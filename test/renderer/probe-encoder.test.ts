// @vitest-environment happy-dom
// "Probe encoder" in the training screen's run header: off until a run has finished with a checkpoint; the dialog
// sends `probes:start` with the probes, seeds and (optional) data folder, shows the job's progress, then each number as
// mean ± std beside chance — or the app's refusal.
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import App from '../../src-renderer/src/App.vue';
import type { EncoderProbeResult, RunResultData } from '../../src-shared/domain/runs';
import { PivotError } from '../../src-shared/errors';
import { FakeBackend, makeRun } from './fake-backend';
import { settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

const CHECKPOINT = '/tmp/workspace/runs/1/checkpoints/sft-8';
const finished: RunResultData = {
  runDir: '/tmp/workspace/runs/1', backend: 'wasm', objective: 'sft', cancelled: false, finalCheckpoint: CHECKPOINT,
  stages: [{ name: 'sft', steps: 8, finalLoss: 3.9, checkpoint: CHECKPOINT }],
};

const probed: EncoderProbeResult = {
  encoder: `${CHECKPOINT}/encoder`, data: '/data/world', backend: 'wasm', seeds: 2,
  linear: { accuracy: { mean: 0.8125, std: 0.0042, n: 2 }, chance: 0.25, ceiling: 1 },
};

async function mountTraining(backend: FakeBackend): Promise<VueWrapper> {
  const pinia = createPinia();
  setActivePinia(pinia);
  setApi(createApi(backend));
  wrapper = mount(App, { global: { plugins: [pinia], stubs: { Echarts: { template: '<div />' } } }, attachTo: document.body });
  await settle();
  await wrapper.get('[data-testid="nav-training"]').trigger('click');
  await settle();
  return wrapper;
}

describe("probing a run's encoder from the window", () => {
  it('is offered only for a run that has finished with a final checkpoint', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(2, { status: 'running', objective: 'sft' }), makeRun(1, { status: 'completed', objective: 'sft', result: finished })];
    const w = await mountTraining(backend);
    const button = () => w.get('[data-testid="probe-encoder"]');
    expect(button().attributes('disabled')).toBeDefined();
    expect(button().attributes('title')).toBe('Available once the run has finished');
    await w.findAll('[data-testid="run-row"]')[1]!.trigger('click');
    await settle();
    expect(button().attributes('disabled')).toBeUndefined();
    await button().trigger('click');
    expect(w.get('[data-testid="probe-encoder-dialog"]').attributes('aria-label')).toBe('Probe the encoder of run-1');
  });

  it('sends the probes, seeds and data folder, shows the progress, then the numbers beside chance', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'completed', objective: 'sft', result: finished })];
    let answer: (result: EncoderProbeResult) => void = () => undefined;
    backend.overrides.set('probes:start', () => new Promise((resolve) => (answer = resolve)));
    const w = await mountTraining(backend);
    await w.get('[data-testid="probe-encoder"]').trigger('click');
    await w.get('[data-testid="probe-encoder-segmentation"]').setValue(false);
    await w.get('[data-testid="probe-encoder-seeds"]').setValue('2');
    await w.get('[data-testid="probe-encoder-data"]').setValue('  /data/world ');
    await w.get('[data-testid="probe-encoder-run"]').trigger('click');
    await settle();

    const [request] = backend.callsOf('probes:start');
    expect(request).toEqual({ id: 1, probes: ['linear'], seeds: 2, data: '/data/world', job: expect.stringMatching(/^probe-/) });
    backend.emit('job:progress', { job: request!.job as string, done: 0, total: 1, label: 'linear probe (1/1)…' });
    await settle();
    expect(w.get('[data-testid="probe-encoder-progress"] [data-testid="progress-label"]').text()).toBe('linear probe (1/1)…');
    expect(w.get('[data-testid="probe-encoder-run"]').text()).toBe('Probing…');

    answer(probed);
    await settle();
    expect(w.find('[data-testid="probe-encoder-progress"]').exists()).toBe(false);
    expect(w.findAll('[data-testid="probe-encoder-linear"] span').map((s) => s.text())).toEqual(['Linear probe accuracy', '0.813 ± 0.004', 'chance 0.250']);
    expect(w.find('[data-testid="probe-encoder-miou"]').exists()).toBe(false);
    expect(w.get('[data-testid="probe-encoder-where"]').text()).toBe('2 seeds on wasm, data /data/world');
  });

  it("probes the run's own data when no folder is given, and shows the app's refusal", async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'completed', objective: 'sft', result: finished })];
    const refusal = '/tmp/workspace/runs/1/data is not a probe dataset: give a Shapes world, class folders or images/ + masks/.';
    backend.overrides.set('probes:start', () => {
      throw new PivotError('INVALID_REQUEST', refusal);
    });
    const w = await mountTraining(backend);
    await w.get('[data-testid="probe-encoder"]').trigger('click');
    await w.get('[data-testid="probe-encoder-run"]').trigger('click');
    await settle();
    expect(backend.callsOf('probes:start')).toEqual([{ id: 1, probes: ['linear', 'segmentation'], seeds: 3, job: expect.stringMatching(/^probe-/) }]);
    expect(w.get('[data-testid="probe-encoder-error"]').text()).toBe(refusal);
    expect(w.find('[data-testid="probe-encoder-result"]').exists()).toBe(false);
  });
});
