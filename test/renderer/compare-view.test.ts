// @vitest-environment happy-dom
// The Compare screen in the whole window: the tab, the report picker, the table with spreads and per-seed tooltips,
// deltas coloured against a chosen reference column, the per-class breakdown, and the CSV / Markdown download.
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tableCsv, tableMarkdown } from '../../src-renderer/src/lib/compare-table';
import type { ReportSummary } from '../../src-shared/domain/study-report';
import { compareTable } from '../../src-shared/domain/study-table';
import { PivotError } from '../../src-shared/errors';
import { createApi, setApi } from '../../src-renderer/src/api';
import App from '../../src-renderer/src/App.vue';
import { smallReport } from './compare-report';
import { FakeBackend } from './fake-backend';
import { settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
  vi.restoreAllMocks();
});

const SUMMARIES: ReportSummary[] = [
  { name: '2026-01-02_03-04-05', date: '2026-01-02T03:04:05.000Z', recipe: 'shapes-quick', backend: 'cpu', encoders: ['original', 'sft', 'dpo'] },
  { name: 'older', date: '2025-12-01T00:00:00.000Z', recipe: 'shapes-study', backend: 'wasm', encoders: ['original', 'sft', 'dpo'] },
];

function backendWithReports(): FakeBackend {
  const backend = new FakeBackend([]);
  backend.overrides.set('reports:list', () => SUMMARIES);
  backend.overrides.set('reports:get', (req) => {
    if (req.name === SUMMARIES[0]!.name) return smallReport();
    if (req.name === 'older') {
      const r = smallReport();
      r.rows = r.rows.slice(0, 1);
      return r;
    }
    throw new PivotError('NOT_FOUND', `No report "${String(req.name)}".`);
  });
  return backend;
}

async function mountCompare(backend: FakeBackend): Promise<VueWrapper> {
  const pinia = createPinia();
  setActivePinia(pinia);
  setApi(createApi(backend));
  wrapper = mount(App, { global: { plugins: [pinia], stubs: { Echarts: true } }, attachTo: document.body });
  await settle();
  await wrapper.get('[data-testid="nav-compare"]').trigger('click');
  await settle();
  return wrapper;
}

function row(w: VueWrapper, key: string) {
  return w.findAll('[data-testid="compare-row"]').find((r) => r.attributes('data-key') === key)!;
}

describe('the compare screen', () => {
  it('is a tab beside curation and training, remembered in the address', async () => {
    const w = await mountCompare(backendWithReports());
    expect(w.find('[data-testid="compare-view"]').exists()).toBe(true);
    expect(w.find('[data-testid="curation-view"]').exists()).toBe(false);
    expect(location.hash).toBe('#compare');
    expect(w.find('[data-testid="nav-curation"]').exists()).toBe(true);
    expect(w.find('[data-testid="nav-training"]').exists()).toBe(true);
  });

  it('opens the newest report: mean ± std per encoder, per-seed tooltip, protocol, chance and ceiling', async () => {
    const backend = backendWithReports();
    const w = await mountCompare(backend);
    const select = w.get('[data-testid="report-select"]');
    expect((select.element as HTMLSelectElement).value).toBe(SUMMARIES[0]!.name);
    expect(select.findAll('option').map((o) => o.attributes('value'))).toEqual([SUMMARIES[0]!.name, 'older']);
    expect(backend.calls.filter((c) => c.channel === 'reports:get').map((c) => c.request)).toEqual([{ name: SUMMARIES[0]!.name }]);

    expect(w.get('[data-testid="compare-table"]').attributes('data-reference')).toBe('sft');
    expect(w.findAll('[data-testid="compare-row"]').map((r) => r.attributes('data-key'))).toEqual(['linear', 'focus', 'alignment']);
    const linear = row(w, 'linear');
    expect(linear.get('[data-testid="cell-original"]').text()).toBe('0.500 ± 0.125');
    expect(linear.get('[data-testid="cell-original"]').attributes('title')).toContain('seed 0: 0.375\nseed 1: 0.500\nseed 2: 0.625');
    expect(linear.get('[data-testid="row-protocol"]').text()).toBe('linear-probe/x');
    expect(linear.get('[data-testid="row-chance"]').text()).toBe('0.250');
    expect(linear.get('[data-testid="row-ceiling"]').text()).toBe('1.000');
    expect(row(w, 'focus').get('[data-testid="row-protocol"]').text()).toContain('gradcam/dpo-loss');
    expect(row(w, 'alignment').get('[data-testid="cell-sft"]').text()).toBe('0.500');

    await select.setValue('older');
    await settle();
    expect(w.findAll('[data-testid="compare-row"]')).toHaveLength(1);
  });

  it('shows each difference from the chosen reference with its 95 % interval, coloured by the verdict read off it', async () => {
    const w = await mountCompare(backendWithReports());
    const text = (cell: { text(): string }) => cell.text().replace(/\s+/g, ' ');
    // DPO − SFT per probe seed 0.3125, 0.1875, 0.25: 0.25 ± 4.303 · 0.0625 / √3, all above 0.
    let dpo = row(w, 'linear').get('[data-testid="delta-dpo"]');
    expect(text(dpo)).toBe('Δ +0.250 [+0.095, +0.405] DPO higher');
    expect(dpo.attributes('data-verdict')).toBe('higher');
    expect(dpo.classes()).toContain('delta--higher');
    expect(dpo.attributes('title')).toBe('DPO − SFT = +0.250 [+0.095, +0.405], d_z 4.00 (paired t over seeds, n 3); DPO higher');
    // original − SFT per seed −0.1875, −0.125, −0.0625: the interval holds 0, so no direction and no colour.
    const original = row(w, 'linear').get('[data-testid="delta-original"]');
    expect(text(original)).toBe('Δ −0.125 [−0.280, +0.030] no difference detected');
    expect(original.attributes('data-verdict')).toBe('no difference detected');
    expect(original.classes()).toContain('delta--none');
    expect(text(row(w, 'focus').get('[data-testid="delta-dpo"]'))).toBe('Δ −0.125 [−0.313, +0.063] no difference detected');
    expect(row(w, 'linear').find('[data-testid="delta-sft"]').exists()).toBe(false);

    await w.get('[data-testid="reference-select"]').setValue('dpo');
    await settle();
    expect(w.get('[data-testid="compare-table"]').attributes('data-reference')).toBe('dpo');
    const sft = row(w, 'linear').get('[data-testid="delta-sft"]');
    expect(text(sft)).toBe('Δ −0.250 [−0.405, −0.095] SFT lower');
    expect(sft.attributes('data-verdict')).toBe('lower');
    expect(sft.classes()).toContain('delta--lower');
    dpo = row(w, 'alignment').get('[data-testid="delta-sft"]');
    expect(text(dpo)).toBe('Δ +0.000 no noise estimate');
    expect(dpo.attributes('data-verdict')).toBe('no noise estimate');
    expect(dpo.classes()).toContain('delta--unknown');
  });

  it("expands a row to its per-class breakdown (with each class's support) when the details have one", async () => {
    const w = await mountCompare(backendWithReports());
    expect(row(w, 'alignment').find('[data-testid="row-expand"]').exists()).toBe(false);
    await row(w, 'linear').get('[data-testid="row-expand"]').trigger('click');
    const classes = w.findAll('[data-testid="per-class-row"]');
    expect(classes.map((r) => r.findAll('td').map((td) => td.text()))).toEqual([
      ['circle', '4', '0.500', '0.750', '1.000', '-0.250', '+0.250'],
      ['square', '4', '0.500', '0.500', '0.750', '0.000', '+0.250'],
    ]);
    await row(w, 'linear').get('[data-testid="row-expand"]').trigger('click');
    expect(w.find('[data-testid="per-class"]').exists()).toBe(false);
  });

  it('downloads the table as CSV and as Markdown through a Blob link, without asking the app', async () => {
    const backend = backendWithReports();
    const w = await mountCompare(backend);
    await w.get('[data-testid="reference-select"]').setValue('original');
    const blobs: Blob[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), `blob:${blobs.length}`));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const names: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    const calls = backend.calls.length;
    await w.get('[data-testid="export-csv"]').trigger('click');
    await w.get('[data-testid="export-markdown"]').trigger('click');
    expect(create).toHaveBeenCalledTimes(2);
    expect(click).toHaveBeenCalledTimes(2);
    expect(names).toEqual([`pivot-compare-${SUMMARIES[0]!.name}-vs-original.csv`, `pivot-compare-${SUMMARIES[0]!.name}-vs-original.md`]);
    const table = compareTable(smallReport(), 'original');
    expect(await blobs[0]!.text()).toBe(tableCsv(table));
    expect(await blobs[1]!.text()).toBe(tableMarkdown(table));
    expect(backend.calls.length).toBe(calls);
  });

  it('says how to make a report when the workspace has none', async () => {
    const backend = new FakeBackend([]);
    backend.overrides.set('reports:list', () => []);
    const w = await mountCompare(backend);
    expect(w.get('[data-testid="compare-empty"]').text()).toContain('pivot demo --workspace');
    expect(w.find('[data-testid="compare-table"]').exists()).toBe(false);
  });
});
