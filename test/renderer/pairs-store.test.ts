// @vitest-environment happy-dom
// The list store: pages by offset, and offsets that stay right after edits take pairs out of the list's filter
// (or move them to the front of a sort by last updated) while their rows stay where they were.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import { useFiltersStore } from '../../src-renderer/src/stores/filters';
import { MAX_CACHED_PAGES, usePairsStore } from '../../src-renderer/src/stores/pairs';
import { useSelectionStore } from '../../src-renderer/src/stores/selection';
import { FakeBackend, manyPairs } from './fake-backend';
import { settle } from './mount-screen';

function setup(backend: FakeBackend) {
  setActivePinia(createPinia());
  setApi(createApi(backend));
  return { pairs: usePairsStore(), filters: useFiltersStore(), selection: useSelectionStore() };
}

beforeEach(() => localStorage.clear());
afterEach(() => setApi(null));

const ids = (pairs: ReturnType<typeof usePairsStore>, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => pairs.pairAt(from + i)?.id);

describe('the pairs store', () => {
  it('loads pages of 100 by offset with the query, and knows the total', async () => {
    const backend = new FakeBackend(manyPairs(250));
    const { pairs } = setup(backend);
    await pairs.start();
    expect(pairs.total).toBe(250);
    expect(pairs.current?.id).toBe(1);
    expect(backend.callsOf('pairs:list')[0]).toEqual({ filter: {}, sort: 'id', descending: false, offset: 0, limit: 100 });
    await pairs.loadRange(150, 249);
    expect(backend.callsOf('pairs:list').map((r) => r.offset)).toEqual([0, 100, 200]);
    expect(ids(pairs, 98, 101)).toEqual([99, 100, 101, 102]);
    expect(pairs.pairAt(249)?.id).toBe(250);
    // Cached: no second request for a loaded page.
    await pairs.loadRange(0, 249);
    expect(backend.callsOf('pairs:list')).toHaveLength(3);
  });

  it('keeps later pages aligned after accepting pairs of a "pending" list', async () => {
    const backend = new FakeBackend(manyPairs(300));
    const { pairs, filters } = setup(backend);
    await pairs.start();
    filters.statuses = ['pending'];
    await settle();
    expect(pairs.total).toBe(300);
    for (let i = 0; i < 3; i++) {
      await pairs.setStatus('accepted', { advance: true });
      await settle();
    }
    expect(pairs.current?.id).toBe(4);
    // Rows stay put, showing their new status.
    expect(ids(pairs, 0, 3)).toEqual([1, 2, 3, 4]);
    expect(pairs.pairAt(0)?.status).toBe('accepted');
    // The app's pending list lost pairs 1-3: page 1 (rows 100-199) starts at offset 97 there.
    await pairs.loadPage(1);
    expect(backend.callsOf('pairs:list').at(-1)).toMatchObject({ filter: { status: ['pending'] }, offset: 97 });
    expect(ids(pairs, 99, 101)).toEqual([100, 101, 102]);
    expect(pairs.pairAt(199)?.id).toBe(200);

    // Undo brings pair 3 back into the filter: one fewer gone above page 2.
    await pairs.undo();
    await settle();
    expect(pairs.current?.id).toBe(3);
    await pairs.loadPage(2);
    expect(backend.callsOf('pairs:list').at(-1)).toMatchObject({ offset: 198 });
    expect(ids(pairs, 199, 201)).toEqual([200, 201, 202]);
  });

  it('accounts for pairs an edit moves to the front when sorted by last updated, newest first', async () => {
    const backend = new FakeBackend(manyPairs(250));
    // The fake sorts by id only; check the offsets the store asks for.
    const { pairs, filters } = setup(backend);
    filters.sort = 'updated';
    filters.descending = true;
    await pairs.start();
    await pairs.select(5);
    await pairs.update(6, { note: 'x' });
    await pairs.update(7, { note: 'y' });
    await pairs.update(6, { note: 'z' });
    await pairs.loadPage(1);
    // Pair 6 and 7 left rows 5 and 6 for the front: net zero before row 100.
    expect(backend.callsOf('pairs:list').at(-1)).toMatchObject({ sort: 'updated', descending: true, offset: 100 });
  });

  it('drops least recently used pages beyond the cache size, but not those holding edited pairs', async () => {
    const backend = new FakeBackend(manyPairs((MAX_CACHED_PAGES + 10) * 100));
    const { pairs, filters } = setup(backend);
    filters.statuses = ['pending'];
    await pairs.start();
    await pairs.setStatus('rejected');
    await settle();
    await pairs.loadRange(100, (MAX_CACHED_PAGES + 10) * 100 - 1);
    const before = backend.callsOf('pairs:list').length;
    expect(pairs.pairAt(0)?.status).toBe('rejected'); // page 0 kept: it holds an edited pair
    expect(pairs.pairAt(150)).toBeUndefined(); // page 1 dropped
    await pairs.loadPage(1);
    expect(backend.callsOf('pairs:list')).toHaveLength(before + 1);
    expect(backend.callsOf('pairs:list').at(-1)).toMatchObject({ offset: 99 });
    expect(pairs.pairAt(150)?.id).toBe(151);
  });

  it('reloads on a filter change and on pairs:changed from the app', async () => {
    const backend = new FakeBackend(manyPairs(10, (id) => ({ status: id <= 4 ? 'accepted' : 'pending' })));
    const { pairs, filters } = setup(backend);
    await pairs.start();
    filters.statuses = ['accepted'];
    await settle();
    expect(pairs.total).toBe(4);
    expect(pairs.current?.id).toBe(1);
    expect(pairs.counts).toEqual({ pending: 6, accepted: 4, rejected: 0, 'needs-review': 0, total: 10 });

    backend.pairs = backend.pairs.filter((p) => p.id !== 1);
    backend.emit('pairs:changed', { reason: 'cli' });
    await new Promise((r) => setTimeout(r, 250));
    await settle();
    expect(pairs.total).toBe(3);
    expect(pairs.pairAt(0)?.id).toBe(2);
  });

  it('selects ranges across pages and targets ids, or the filter for "all matching"', async () => {
    const backend = new FakeBackend(manyPairs(300, (id) => ({ tags: id % 2 ? ['odd'] : [] })));
    const { pairs, filters, selection } = setup(backend);
    await pairs.start();
    selection.toggle(1, 0);
    await selection.selectRange(149);
    expect(selection.count).toBe(150);
    expect(selection.target()).toEqual({ ids: Array.from({ length: 150 }, (_, i) => i + 1) });
    selection.toggle(2, 1);
    expect(selection.count).toBe(149);
    expect(selection.has(2)).toBe(false);

    filters.tag = 'odd';
    await settle();
    expect(selection.count).toBe(0); // a new query clears the selection
    selection.selectAllMatching();
    expect(selection.count).toBe(150);
    expect(selection.target()).toEqual({ filter: { tags: ['odd'] } });
  });
});
