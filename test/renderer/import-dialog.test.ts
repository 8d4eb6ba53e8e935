// @vitest-environment happy-dom
// The import dialog: runs data:import with the fields and a job id, shows progress from job:progress, then the
// per-record report with a row for every rejected record.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { PivotError } from '../../src-shared/errors';
import type { ImportReport } from '../../src-shared/domain/import-report';
import { createApi, setApi } from '../../src-renderer/src/api';
import ImportDialog from '../../src-renderer/src/components/ImportDialog.vue';
import { useWorkspaceStore } from '../../src-renderer/src/stores/workspace';
import { FakeBackend, manyPairs } from './fake-backend';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

async function mountDialog(backend: FakeBackend): Promise<VueWrapper> {
  const pinia = createPinia();
  setActivePinia(pinia);
  setApi(createApi(backend));
  await useWorkspaceStore().load();
  wrapper = mount(ImportDialog, { global: { plugins: [pinia] } });
  await flushPromises();
  return wrapper;
}

const REPORT: ImportReport = {
  format: 'trl',
  imported: 47,
  skipped: 2,
  blankLines: 0,
  rejected: [
    { line: 3, id: 'rec-3', reason: 'chosen is empty' },
    { line: 9, reason: 'image not found: imgs/9.png' },
    { index: 12, id: 'rec-12', reason: 'not a JSON object' },
  ],
};

describe('ImportDialog', () => {
  it('imports with the given path, format and dataset, and renders the report with the rejected records', async () => {
    const backend = new FakeBackend(manyPairs(3));
    let resolveImport: (r: ImportReport) => void = () => {};
    backend.overrides.set('data:import', () => new Promise<ImportReport>((resolve) => (resolveImport = resolve)));
    const w = await mountDialog(backend);

    expect(w.find('[data-testid="import-browse"]').exists()).toBe(false); // no native dialogs here
    await w.get('[data-testid="import-path"]').setValue('/data/pairs.jsonl');
    await w.get('[data-testid="import-format"]').setValue('rlaif-v');
    await w.get('[data-testid="import-dataset"]').setValue('  my-set ');
    await w.get('[data-testid="import-run"]').trigger('click');
    await flushPromises();

    const [request] = backend.callsOf('data:import');
    expect(request).toMatchObject({ path: '/data/pairs.jsonl', format: 'rlaif-v', dataset: 'my-set' });
    expect(request!.job).toMatch(/^import-/);

    // Progress from the app's events for this job.
    expect(w.find('[data-testid="import-progress"]').exists()).toBe(true);
    backend.emit('job:progress', { job: request!.job as string, done: 30, total: 52, label: 'importing 30 / 52' });
    backend.emit('job:progress', { job: 'someone-else', done: 1, total: 1, label: 'other' });
    await flushPromises();
    const bar = w.get('[data-testid="progress-bar"]');
    expect(bar.attributes('data-done')).toBe('30');
    expect(bar.attributes('data-total')).toBe('52');
    expect(w.get('[data-testid="progress-label"]').text()).toBe('importing 30 / 52');

    resolveImport(REPORT);
    await flushPromises();
    await flushPromises();
    expect(w.find('[data-testid="import-progress"]').exists()).toBe(false);
    expect(w.get('[data-testid="import-imported"]').text()).toBe('47');
    expect(w.get('[data-testid="import-skipped"]').text()).toBe('2');
    expect(w.get('[data-testid="import-rejected-count"]').text()).toBe('3');
    const rows = w.findAll('[data-testid="import-rejected-row"]');
    expect(rows.map((r) => r.findAll('td').map((td) => td.text()))).toEqual([
      ['line 3', 'rec-3', 'chosen is empty'],
      ['line 9', '—', 'image not found: imgs/9.png'],
      ['index 12', 'rec-12', 'not a JSON object'],
    ]);
    // Afterwards the workspace, list and counters are reloaded.
    expect(backend.callsOf('workspace:info').length).toBeGreaterThanOrEqual(2);
    expect(backend.callsOf('pairs:list').length).toBeGreaterThanOrEqual(1);
    expect(backend.callsOf('pairs:counts').length).toBeGreaterThanOrEqual(1);
  });

  it('sends no format when auto-detecting and no dataset when blank; shows a report without rejections', async () => {
    const backend = new FakeBackend([]);
    backend.overrides.set('data:import', () => ({ imported: 5, skipped: 0, rejected: [] }));
    const w = await mountDialog(backend);
    await w.get('[data-testid="import-path"]').setValue('/x.jsonl');
    await w.get('[data-testid="import-run"]').trigger('click');
    await flushPromises();
    await flushPromises();
    const [request] = backend.callsOf('data:import');
    expect(Object.keys(request!).sort()).toEqual(['job', 'path']);
    expect(w.get('[data-testid="import-imported"]').text()).toBe('5');
    expect(w.get('[data-testid="import-rejected-count"]').text()).toBe('0');
    expect(w.findAll('[data-testid="import-rejected-row"]')).toHaveLength(0);
  });

  it('shows the error of a failed import in the dialog', async () => {
    const backend = new FakeBackend([]);
    backend.overrides.set('data:import', () => {
      throw new PivotError('FILE_UNREADABLE', 'Cannot read /nope.jsonl: no such file.');
    });
    const w = await mountDialog(backend);
    await w.get('[data-testid="import-path"]').setValue('/nope.jsonl');
    await w.get('[data-testid="import-run"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="import-error"]').text()).toBe('Cannot read /nope.jsonl: no such file.');
    expect(w.find('[data-testid="import-report"]').exists()).toBe(false);
  });

  it('offers Browse… only with native dialogs, and fills the path from dialog:pick-file', async () => {
    const backend = new FakeBackend([], { nativeDialogs: true });
    backend.overrides.set('dialog:pick-file', () => '/picked/file.jsonl');
    const w = await mountDialog(backend);
    await w.get('[data-testid="import-browse"]').trigger('click');
    await flushPromises();
    expect(backend.callsOf('dialog:pick-file')).toEqual([{ purpose: 'import' }]);
    expect((w.get('[data-testid="import-path"]').element as HTMLInputElement).value).toBe('/picked/file.jsonl');
  });

  it('shows the first 500 rejected records, then all on request', async () => {
    const backend = new FakeBackend([]);
    const rejected = Array.from({ length: 620 }, (_, i) => ({ line: i + 1, reason: `bad ${i + 1}` }));
    backend.overrides.set('data:import', () => ({ imported: 0, skipped: 0, rejected }));
    const w = await mountDialog(backend);
    await w.get('[data-testid="import-path"]').setValue('/x.jsonl');
    await w.get('[data-testid="import-run"]').trigger('click');
    await flushPromises();
    await flushPromises();
    expect(w.findAll('[data-testid="import-rejected-row"]')).toHaveLength(500);
    await w.get('[data-testid="import-rejected-show-all"]').trigger('click');
    const rows = w.findAll('[data-testid="import-rejected-row"]');
    expect(rows).toHaveLength(620);
    expect(rows[619]!.text()).toContain('bad 620');
  });
});

describe('ImportDialog report', () => {
  it('names the format the records were read as and the blank lines passed over', async () => {
    const backend = new FakeBackend(manyPairs(3));
    backend.overrides.set('data:import', () => ({ format: 'llava-rlhf', imported: 1, skipped: 0, blankLines: 3, rejected: [] }));
    const w = await mountDialog(backend);
    await w.get('[data-testid="import-path"]').setValue('/data/pairs.jsonl');
    await w.get('[data-testid="import-run"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="import-read"]').text()).toBe('Read as LLaVA-RLHF; 3 blank lines ignored.');
  });
});
