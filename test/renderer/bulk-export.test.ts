// @vitest-environment happy-dom
// The bulk bar (pairs:bulk on ids or the filter, progress, reload) and the export dialog (data:export).
import type { VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../../src-renderer/src/api';
import { PivotError } from '../../src-shared/errors';
import { FakeBackend, manyPairs } from './fake-backend';
import { mountScreen, press, settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => localStorage.clear());
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
  document.body.innerHTML = '';
});

const byTestId = (id: string) => wrapper!.get(`[data-testid="${id}"]`);

describe('the bulk bar', () => {
  it('sets the status of the selected pairs with one pairs:bulk, shows progress, then reloads', async () => {
    const backend = new FakeBackend(manyPairs(6));
    let resolveBulk: (v: { affected: number }) => void = () => {};
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    backend.overrides.set('pairs:bulk', () => new Promise((resolve) => (resolveBulk = resolve)));
    press(' ');
    press('j');
    await settle();
    press(' ');
    await settle();
    expect(byTestId('selection-count').text()).toBe('2 pairs');

    await byTestId('bulk-status-accepted').trigger('click');
    await settle();
    const [request] = backend.callsOf('pairs:bulk');
    expect(request).toMatchObject({ target: { ids: [1, 2] }, action: { kind: 'status', status: 'accepted' } });
    expect(request!.job).toMatch(/^bulk-/);
    backend.emit('job:progress', { job: request!.job as string, done: 1, total: 2, label: 'status: 1 / 2' });
    await settle();
    expect(wrapper.get('.bulk [data-testid="progress-bar"]').attributes('data-done')).toBe('1');

    for (const id of [1, 2]) backend.pairs[id - 1] = { ...backend.pairs[id - 1]!, status: 'accepted' };
    const listsBefore = backend.callsOf('pairs:list').length;
    resolveBulk({ affected: 2 });
    await settle();
    expect(backend.callsOf('pairs:list').length).toBeGreaterThan(listsBefore);
    expect(pairs.pairAt(0)?.status).toBe('accepted');
    expect(byTestId('count-accepted').text()).toBe('2');
    expect(wrapper.findAll('[data-testid="toast"]').map((t) => t.text())).toContain('Set accepted 2 pairs.✕');
  });

  it('acts on every pair matching the filter with {filter}, and deletes only after confirming', async () => {
    const backend = new FakeBackend(manyPairs(8, (id) => ({ status: id % 2 ? 'rejected' : 'pending' })));
    ({ wrapper } = await mountScreen(backend));
    await byTestId('status-chip-rejected').trigger('click');
    await settle();
    expect(byTestId('pair-list-total').text()).toBe('4 pairs');
    await byTestId('select-all-matching').trigger('click');
    await settle();
    expect(byTestId('selection-count').text()).toBe('all 4 matching pairs');

    await byTestId('bulk-delete').trigger('click');
    expect(backend.callsOf('pairs:bulk')).toEqual([]);
    await byTestId('bulk-delete-confirm').trigger('click');
    await settle();
    expect(backend.callsOf('pairs:bulk')).toMatchObject([{ target: { filter: { status: ['rejected'] } }, action: { kind: 'delete' } }]);
    expect(backend.pairs.map((p) => p.id)).toEqual([2, 4, 6, 8]);
    expect(byTestId('pair-list-total').text()).toBe('0 pairs');
    expect(wrapper.find('[data-testid="bulk-bar"]').exists()).toBe(false);
  });

  it('adds a tag to the selection', async () => {
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    press(' ');
    await settle();
    await byTestId('bulk-tag-input').setValue('needs-crop');
    await byTestId('bulk-tag-add').trigger('click');
    await settle();
    expect(backend.callsOf('pairs:bulk')).toMatchObject([{ target: { ids: [1] }, action: { kind: 'add-tag', tag: 'needs-crop' } }]);
  });
});

describe('the export dialog', () => {
  it('exports accepted pairs by default and shows where and how many', async () => {
    const backend = new FakeBackend(manyPairs(3));
    backend.overrides.set('data:export', (req) => ({ path: req.path, written: 12, images: 9 }));
    ({ wrapper } = await mountScreen(backend));
    await byTestId('open-export').trigger('click');
    await settle();
    expect(wrapper.find('[data-testid="export-browse"]').exists()).toBe(false);
    expect((byTestId('export-status-accepted').element as HTMLInputElement).checked).toBe(true);
    expect((byTestId('export-status-pending').element as HTMLInputElement).checked).toBe(false);
    await byTestId('export-path').setValue('/out/accepted.txt');
    await byTestId('export-run').trigger('click');
    expect(byTestId('export-error').text()).toBe('The output file must end in .jsonl.');
    await byTestId('export-path').setValue('/out/accepted.jsonl');
    await byTestId('export-split').setValue('train');
    await byTestId('export-run').trigger('click');
    await settle();
    const [request] = backend.callsOf('data:export');
    expect(request).toMatchObject({ path: '/out/accepted.jsonl', filter: { status: ['accepted'], split: 'train' } });
    expect(request!.job).toMatch(/^export-/);
    expect(byTestId('export-written').text()).toBe('12');
    expect(byTestId('export-result-path').text()).toBe('/out/accepted.jsonl');
    expect(byTestId('export-result').text()).toContain('(9 images)');
    press('Escape');
    await settle();
    expect(wrapper.find('[data-testid="export-dialog"]').exists()).toBe(false);
  });
  it('offers the ticked pairs as a browser download under pivot serve, and no link in the app', async () => {
    const app = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(app));
    await byTestId('open-export').trigger('click');
    await settle();
    expect(wrapper.find('[data-testid="export-download"]').exists()).toBe(false);
    wrapper.unmount();

    const served = Object.assign(new FakeBackend(manyPairs(3)), { pairsDownloadUrl: (filter: unknown) => `/dl?filter=${JSON.stringify(filter)}` });
    ({ wrapper } = await mountScreen(served));
    await byTestId('open-export').trigger('click');
    await settle();
    expect(byTestId('export-download').attributes('href')).toBe('/dl?filter={"status":["accepted"]}');
    await byTestId('export-status-pending').trigger('change');
    await byTestId('export-split').setValue('test');
    await settle();
    expect(byTestId('export-download').attributes('href')).toBe('/dl?filter={"status":["accepted","pending"],"split":"test"}');
    expect(byTestId('export-download').attributes('download')).toBe('pairs.jsonl');
    expect(served.callsOf('data:export')).toEqual([]);
  });

  it('asks before replacing an existing file, and sends overwrite only once the user confirms', async () => {
    const backend = new FakeBackend(manyPairs(3));
    backend.overrides.set('data:export', (req) => {
      if (!req.overwrite) {
        throw new PivotError('INVALID_REQUEST', `"${String(req.path)}" already exists: choose another file, or confirm replacing it (--force on the command line).`, { exists: req.path });
      }
      return { path: req.path, written: 3, images: 3 };
    });
    ({ wrapper } = await mountScreen(backend));
    await byTestId('open-export').trigger('click');
    await settle();
    await byTestId('export-path').setValue('/out/accepted.jsonl');
    await byTestId('export-run').trigger('click');
    await settle();
    expect(backend.callsOf('data:export')).toMatchObject([{ path: '/out/accepted.jsonl', overwrite: false }]);
    expect(byTestId('export-exists').get('span').text()).toBe('/out/accepted.jsonl already exists. Replace it?');
    expect(wrapper.find('[data-testid="export-error"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="export-result"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="toast"]')).toHaveLength(0);

    await byTestId('export-keep').trigger('click');
    await settle();
    expect(wrapper.find('[data-testid="export-exists"]').exists()).toBe(false);
    expect(backend.callsOf('data:export')).toHaveLength(1);

    await byTestId('export-run').trigger('click');
    await settle();
    await byTestId('export-replace').trigger('click');
    await settle();
    expect(backend.callsOf('data:export').map((r) => r.overwrite)).toEqual([false, false, true]);
    expect(byTestId('export-written').text()).toBe('3');
    expect(wrapper.find('[data-testid="export-exists"]').exists()).toBe(false);
  });
});

describe('the list', () => {
  // happy-dom lays nothing out: give the list's scroller a height so the virtualiser has rows to show.
  beforeEach(() => {
    const height = (el: HTMLElement) => (el.dataset?.testid === 'pair-list' ? 400 : 0);
    for (const prop of ['offsetHeight', 'clientHeight'] as const) {
      vi.spyOn(HTMLElement.prototype, prop, 'get').mockImplementation(function (this: HTMLElement) {
        return height(this);
      });
    }
    for (const prop of ['offsetWidth', 'clientWidth'] as const) {
      vi.spyOn(HTMLElement.prototype, prop, 'get').mockImplementation(function (this: HTMLElement) {
        return height(this) ? 340 : 0;
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it('renders rows for the visible pairs, with thumbnails, and opens a pair on click', async () => {
    const backend = new FakeBackend(manyPairs(30, (id) => ({ tags: id === 3 ? ['blurry'] : [] })));
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    const rows = wrapper.findAll('[data-testid="pair-row"]');
    // 400 px of 56 px rows, plus the overscan: not all 30.
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.length).toBeLessThan(30);
    expect(rows[0]!.get('[data-testid="pair-row-question"]').text()).toBe('Question 1?');
    expect(rows[0]!.get('img').attributes('src')).toBe(`fake://${(1).toString(16).padStart(64, '0')}?thumb`);
    expect(rows[0]!.get('img').attributes('loading')).toBe('lazy');
    expect(rows[2]!.get('[data-testid="pair-row-tag"]').text()).toBe('blurry');
    await rows[2]!.trigger('click');
    await settle();
    expect(pairs.current?.id).toBe(3);
    expect(wrapper.get('[data-testid="pair-question"]').text()).toBe('Question 3?');
    await wrapper.findAll('[data-testid="pair-row"]')[4]!.trigger('click', { ctrlKey: true });
    await wrapper.findAll('[data-testid="pair-row"]')[6]!.trigger('click', { shiftKey: true });
    await settle();
    expect(wrapper.get('[data-testid="selection-count"]').text()).toBe('3 pairs');
    expect(wrapper.findAll('[data-testid="pair-row"][aria-selected="true"]').map((r) => r.attributes('data-pair-id'))).toEqual(['5', '6', '7']);
  });
});
