// @vitest-environment happy-dom
// "Export encoder" in the training screen's run header: disabled until a run has finished with a checkpoint; the
// dialog sends `runs:export` with the folder and options, shows the job's progress, then the folder, files and the
// check's error — or the app's refusal.
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import App from '../../src-renderer/src/App.vue';
import type { RunResultData } from '../../src-shared/domain/runs';
import type { EncoderExportReport } from '../../src-shared/ipc/contract';
import { PivotError } from '../../src-shared/errors';
import { smallReport } from './compare-report';
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

/** What the app answers for an export of run 1 into /home/me/encoders/tiny without the projector. */
const report: EncoderExportReport = {
  out: '/home/me/encoders/tiny', checkpoint: CHECKPOINT, runDir: '/tmp/workspace/runs/1', stage: 'sft', step: 8, objective: 'sft',
  architecture: 'SiglipVisionModel', modelType: 'siglip_vision_model', baseModel: null, withProjector: false, maxRelativeError: 0,
  files: ['README.md', 'config.json', 'model.safetensors', 'preprocessor_config.json'],
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

async function selectRun(w: VueWrapper, index: number): Promise<void> {
  await w.findAll('[data-testid="run-row"]')[index]!.trigger('click');
  await settle();
}

describe('exporting a run\'s encoder from the window', () => {
  it('is offered only for a run that has finished with a final checkpoint', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [
      makeRun(3, { status: 'running', objective: 'sft' }),
      makeRun(2, { status: 'failed', error: 'loss is NaN at step 2' }),
      makeRun(1, { status: 'completed', objective: 'sft', result: finished }),
    ];
    const w = await mountTraining(backend);
    const button = () => w.get('[data-testid="export-encoder"]');
    expect(button().attributes('disabled')).toBeDefined();
    expect(button().attributes('title')).toBe('Available once the run has finished');
    await selectRun(w, 1);
    expect(button().attributes('disabled')).toBeDefined();
    expect(button().attributes('title')).toBe('This run ended without a final checkpoint');
    await selectRun(w, 2);
    expect(button().attributes('disabled')).toBeUndefined();
    await button().trigger('click');
    expect(w.get('[data-testid="export-encoder-dialog"]').attributes('aria-label')).toBe('Export the encoder of run-1');
    await w.get('[data-testid="export-encoder-path"]').trigger('keydown', { key: 'Escape' });
    expect(w.find('[data-testid="export-encoder-dialog"]').exists()).toBe(false);
  });

  it('sends the folder and options, shows the progress, then the folder, files and max relative error', async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'completed', objective: 'sft', result: finished })];
    let answer: (report: EncoderExportReport) => void = () => undefined;
    backend.overrides.set('runs:export', () => new Promise((resolve) => (answer = resolve)));
    const w = await mountTraining(backend);
    await w.get('[data-testid="export-encoder"]').trigger('click');
    await w.get('[data-testid="export-encoder-path"]').setValue('  /home/me/encoders/tiny  ');
    await w.get('[data-testid="export-encoder-projector"]').setValue(true);
    await w.get('[data-testid="export-encoder-run"]').trigger('click');
    await settle();

    const [request] = backend.callsOf('runs:export');
    expect(request).toEqual({ id: 1, path: '/home/me/encoders/tiny', withProjector: true, overwrite: false, job: expect.stringMatching(/^export-/) });
    backend.emit('job:progress', { job: request!.job as string, done: 1, total: 2, label: 'writing and checking the export (wasm)…' });
    await settle();
    expect(w.get('[data-testid="export-encoder-progress"] [data-testid="progress-label"]').text()).toBe('writing and checking the export (wasm)…');
    expect(w.get('[data-testid="export-encoder-run"]').text()).toBe('Exporting…');

    answer({ ...report, withProjector: true, files: [...report.files, 'projector.safetensors'] });
    await settle();
    expect(w.find('[data-testid="export-encoder-progress"]').exists()).toBe(false);
    expect(w.get('[data-testid="export-encoder-folder"]').text()).toBe('/home/me/encoders/tiny');
    expect(w.get('[data-testid="export-encoder-files"]').text()).toBe('README.md, config.json, model.safetensors, preprocessor_config.json, projector.safetensors');
    expect(w.get('[data-testid="export-encoder-delta"]').text()).toBe('0 (bit-exact)');
    expect(w.get('[data-testid="toast"]').text()).toContain('Exported the encoder of run-1 to /home/me/encoders/tiny.');
    await w.get('[data-testid="export-encoder-close"]').trigger('click');
    expect(w.find('[data-testid="export-encoder-dialog"]').exists()).toBe(false);
  });

  it("shows the app's refusal in the dialog, and exports once told to overwrite", async () => {
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'completed', objective: 'sft', result: finished })];
    const refusal = '/home/me/encoders/tiny is not empty (2 entries): choose a new or empty folder, or overwrite to replace what it holds.';
    backend.overrides.set('runs:export', (req) => {
      if (req.overwrite !== true) throw new PivotError('INVALID_REQUEST', refusal);
      return { ...report, out: req.path };
    });
    const w = await mountTraining(backend);
    await w.get('[data-testid="export-encoder"]').trigger('click');
    await w.get('[data-testid="export-encoder-path"]').setValue('/home/me/encoders/tiny');
    await w.get('[data-testid="export-encoder-run"]').trigger('click');
    await settle();
    expect(w.get('[data-testid="export-encoder-error"]').text()).toBe(refusal);
    expect(w.find('[data-testid="export-encoder-result"]').exists()).toBe(false);

    await w.get('[data-testid="export-encoder-overwrite"]').setValue(true);
    await w.get('[data-testid="export-encoder-run"]').trigger('click');
    await settle();
    expect(w.find('[data-testid="export-encoder-error"]').exists()).toBe(false);
    expect(w.get('[data-testid="export-encoder-files"]').text()).toBe('README.md, config.json, model.safetensors, preprocessor_config.json');
    expect(backend.callsOf('runs:export').map((r) => r.overwrite)).toEqual([false, true]);
  });
});

describe('exporting the encoder of a Compare column', () => {
  it('is offered on every encoder column; it sends the report and the column, and shows what was written', async () => {
    const backend = new FakeBackend([]);
    backend.overrides.set('reports:list', () => [{ name: 'study-1', date: '2026-01-02T03:04:05.000Z', recipe: 'shapes-quick', backend: 'cpu', encoders: ['original', 'sft', 'dpo'] }]);
    backend.overrides.set('reports:get', () => {
      const r = smallReport();
      // A column measured without a checkpoint of its own cannot be exported.
      r.rows = r.rows.map((row) => ({ ...row, cells: { ...row.cells, imported: row.cells.sft ?? null } }));
      return r;
    });
    backend.overrides.set('reports:export-encoder', (req) => ({ ...report, out: req.path, checkpoint: '/c/dpo', stage: 'dpo', objective: 'dpo' }));
    const pinia = createPinia();
    setActivePinia(pinia);
    setApi(createApi(backend));
    wrapper = mount(App, { global: { plugins: [pinia], stubs: { Echarts: true } }, attachTo: document.body });
    await settle();
    await wrapper.get('[data-testid="nav-compare"]').trigger('click');
    await settle();
    const w = wrapper;
    for (const column of ['original', 'sft', 'dpo']) expect(w.get(`[data-testid="export-column-${column}"]`).attributes('disabled'), column).toBeUndefined();
    expect(w.get('[data-testid="export-column-imported"]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid="export-column-imported"]').attributes('title')).toBe('This report records no checkpoint for this column');

    await w.get('[data-testid="export-column-dpo"]').trigger('click');
    await settle();
    expect(w.get('[data-testid="export-encoder-dialog"]').attributes('aria-label')).toBe('Export the encoder of the DPO column of study-1');
    expect(w.get('[data-testid="export-encoder-checkpoint"]').text()).toBe('/c/dpo');
    await w.get('[data-testid="export-encoder-path"]').setValue('/home/me/encoders/dpo');
    await w.get('[data-testid="export-encoder-run"]').trigger('click');
    await settle();
    expect(backend.callsOf('reports:export-encoder')).toEqual([
      { report: 'study-1', column: 'dpo', path: '/home/me/encoders/dpo', withProjector: false, overwrite: false, job: expect.stringMatching(/^export-/) },
    ]);
    expect(w.get('[data-testid="export-encoder-folder"]').text()).toBe('/home/me/encoders/dpo');
    expect(w.get('[data-testid="export-encoder-delta"]').text()).toBe('0 (bit-exact)');
  });
});

