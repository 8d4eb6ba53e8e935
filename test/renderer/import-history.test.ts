// @vitest-environment happy-dom
// The Datasets dialog shows a dataset's imports (kept by the app from the window and from `pivot data import`) with
// their counts and blank lines, each import's rejected records on request, and downloads them as JSONL.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { FakeBackend, manyPairs } from './fake-backend';
import { mountScreen, settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.restoreAllMocks();
});

function backendWithImports(): FakeBackend {
  const backend = new FakeBackend(manyPairs(3), {
    datasets: [
      { name: 'shapes', format: 'trl', pairs: 3, importedAt: '2026-01-01T00:00:00.000Z' },
      { name: 'rlaif', format: 'rlaif-v', pairs: 0, importedAt: '2026-01-02T00:00:00.000Z' },
    ],
  });
  backend.imports = [
    { id: 3, at: '2026-01-03T10:00:00.000Z', dataset: 'rlaif', file: '/d/rlaif.json', format: 'rlaif-v', imported: 0, skipped: 4, blankLines: 0, rejected: 0 },
    { id: 2, at: '2026-01-02T10:00:00.000Z', dataset: 'shapes', file: '/d/shapes/pairs.jsonl', format: 'trl', imported: 0, skipped: 3, blankLines: 1, rejected: 0 },
    { id: 1, at: '2026-01-01T10:00:00.000Z', dataset: 'shapes', file: '/d/shapes/pairs.jsonl', format: 'trl', imported: 3, skipped: 0, blankLines: 1, rejected: 2 },
  ];
  backend.importRejections.set(1, [
    { line: 4, reason: 'chosen is empty' },
    { line: 6, id: 'r-6', reason: 'image not found: x.png' },
  ]);
  backend.importRejections.set(2, []);
  return backend;
}

describe('the import history in the Datasets dialog', () => {
  it("lists the chosen dataset's imports with their counts, and shows one import's rejected records", async () => {
    const backend = backendWithImports();
    const screen = await mountScreen(backend);
    wrapper = screen.wrapper;
    await wrapper.get('[data-testid="open-datasets"]').trigger('click');
    await settle();

    const dialog = wrapper.get('[data-testid="datasets-dialog"]');
    expect(dialog.findAll('option').map((o) => o.text())).toEqual(['rlaif', 'shapes']);
    await dialog.get('[data-testid="datasets-select"]').setValue('shapes');
    const rows = dialog.findAll('[data-testid="import-row"]');
    expect(rows.map((r) => r.attributes('data-import-id'))).toEqual(['2', '1']);
    const cells = (id: string) => ['format', 'imported', 'skipped', 'blank', 'rejected'].map((c) => dialog.get(`[data-import-id="${id}"] [data-testid="import-row-${c}"]`).text());
    expect(cells('1')).toEqual(['trl', '3', '0', '1', '2']);
    expect(dialog.find('[data-import-id="2"] [data-testid="import-row-show"]').exists()).toBe(false);

    await dialog.get('[data-import-id="1"] [data-testid="import-row-show"]').trigger('click');
    await settle();
    expect(backend.callsOf('imports:rejections')).toEqual([{ id: 1 }]);
    expect(dialog.findAll('[data-testid="import-rejected-where"]').map((c) => c.text())).toEqual(['line 4', 'line 6']);
    expect(dialog.findAll('[data-testid="import-rejected-reason"]').map((c) => c.text())).toEqual(['chosen is empty', 'image not found: x.png']);
  });

  it('heads both tables with their columns, the rejected records spanning the whole import row', async () => {
    const screen = await mountScreen(backendWithImports());
    wrapper = screen.wrapper;
    await wrapper.get('[data-testid="open-datasets"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="datasets-select"]').setValue('shapes');
    await wrapper.get('[data-import-id="1"] [data-testid="import-row-show"]').trigger('click');
    await settle();

    const heads = (testid: string) => wrapper!.findAll(`[data-testid="${testid}"] > thead > tr > th`).map((th) => [th.text(), th.classes()]);
    expect(heads('imports-table')).toEqual([
      ['When', []],
      ['File', []],
      ['Format', []],
      ['Imported', ['num']],
      ['Skipped', ['num']],
      ['Blank lines', ['num']],
      ['Rejected', ['num']],
      ['', []],
    ]);
    expect(heads('import-rejected-table')).toEqual([
      ['Where', []],
      ['Record id', []],
      ['Reason', []],
    ]);
    const cell = wrapper.get('[data-testid="import-rejected-table"]').element.closest('td');
    expect(cell?.colSpan).toBe(8);
    expect(wrapper.findAll('[data-testid="imports-table"] > tbody > tr').length).toBe(3);
    expect(wrapper.findAll('[data-testid="import-rejected-table"] > tbody > tr').length).toBe(2);
  });

  it("downloads an import's rejected records as JSONL, one record per line", async () => {
    const backend = backendWithImports();
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (blobs.push(blob as Blob), 'blob:fake'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const screen = await mountScreen(backend);
    wrapper = screen.wrapper;
    await wrapper.get('[data-testid="open-datasets"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="datasets-select"]').setValue('shapes');
    await wrapper.get('[data-import-id="1"] [data-testid="import-row-download"]').trigger('click');
    await settle();

    expect(clicked).toEqual(['import-1-rejected.jsonl']);
    expect(await blobs[0]!.text()).toBe('{"line":4,"reason":"chosen is empty"}\n{"line":6,"id":"r-6","reason":"image not found: x.png"}\n');
  });
});
