// The pairs of the list and the pair in view. The list is a snapshot of one query, fetched by offset in pages of
// PAGE_SIZE as the user scrolls (cached, least recently used pages dropped), so 100,000 pairs stay cheap. Every edit
// goes to the app at once (`pairs:update`, `pairs:swap`, `pairs:undo`), one at a time in the order made, and the
// answer replaces the pair in its row in place. Undo goes back one step of this window's history: one pair's edit or a
// whole bulk action (`pairs:undo-bulk`), and says what it undid.
//
// Edited pairs stay in their rows until the list reloads, even if they no longer match the filter (accepting the
// pairs of a "pending" list one by one must not make rows jump). The app's list has lost them, though, so a page
// fetched later asks for an offset lowered by the number of such pairs above it (`departed`), and raised by those an
// edit moved to the front (sort by last updated, descending): the rows line up with what the app has.
import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import { PivotError } from '../../../src-shared/errors';
import type {
  BulkAction,
  BulkTarget,
  PairEdit,
  PairFilter,
  PairSort,
  PairStatus,
  PreferencePair,
  StatusCounts,
} from '../../../src-shared/domain/pairs';
import type { BulkResult } from '../../../src-shared/ipc/contract';
import { useApi } from '../api';
import { lengthDiff, matchesFilter } from '../lib/filter-match';
import { errorMessage } from '../lib/format';
import { describeBulk, describeEdit, type UndoStep } from '../lib/undo-steps';
import { useFiltersStore } from './filters';
import { useJobsStore } from './jobs';
import { useSettingsStore } from './settings';
import { useToastsStore } from './toasts';
import { useWorkspaceStore } from './workspace';

export const PAGE_SIZE = 100;
/** Pages kept in memory (pages holding edited pairs, and the current pair's, are never dropped). */
export const MAX_CACHED_PAGES = 60;

interface Snapshot {
  filter: PairFilter;
  sort: PairSort;
  descending: boolean;
}

export type ListState = 'idle' | 'loading' | 'ready' | 'error';

export const usePairsStore = defineStore('pairs', () => {
  const api = useApi();
  const filters = useFiltersStore();
  const settings = useSettingsStore();
  const toasts = useToastsStore();
  const jobs = useJobsStore();
  const workspace = useWorkspaceStore();

  // ---- the list snapshot (plain maps; `version` tells Vue when they change) ----
  let pages = new Map<number, PreferencePair[]>();
  let loading = new Map<number, Promise<void>>();
  let indexById = new Map<number, number>();
  let departed = new Set<number>();
  let moved = new Set<number>();
  let movedToFront = new Set<number>();
  let snapshot: Snapshot = takeSnapshot();
  let generation = 0;
  let totalKnown = false;

  const version = ref(0);
  const total = ref(0);
  const listState = ref<ListState>('idle');
  const listError = ref<string | null>(null);

  // ---- the pair in view ----
  const currentIndex = ref(-1);
  const current = shallowRef<PreferencePair | null>(null);

  // ---- counters (the current filter, every status) ----
  const counts = ref<StatusCounts | null>(null);

  /** This window's edits and bulk actions, most recent last: what `undo` undoes. */
  const undoStack: UndoStep[] = [];

  function takeSnapshot(): Snapshot {
    return {
      filter: JSON.parse(JSON.stringify(filters.filter)) as PairFilter,
      sort: filters.sort,
      descending: filters.descending,
    };
  }

  function pairAt(index: number): PreferencePair | undefined {
    void version.value;
    return pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  function indexOf(id: number): number | undefined {
    void version.value;
    return indexById.get(id);
  }

  function countBelow(set: Set<number>, limit: number): number {
    let n = 0;
    for (const i of set) if (i < limit) n += 1;
    return n;
  }

  function touch(page: number): void {
    const items = pages.get(page);
    if (!items) return;
    pages.delete(page);
    pages.set(page, items);
  }

  function evict(): void {
    if (pages.size <= MAX_CACHED_PAGES) return;
    const keep = new Set<number>([Math.floor(currentIndex.value / PAGE_SIZE)]);
    for (const i of departed) keep.add(Math.floor(i / PAGE_SIZE));
    for (const page of [...pages.keys()]) {
      if (pages.size <= MAX_CACHED_PAGES) break;
      if (keep.has(page)) continue;
      for (const pair of pages.get(page) ?? []) indexById.delete(pair.id);
      pages.delete(page);
    }
  }

  function loadPage(page: number): Promise<void> {
    if (page < 0 || (totalKnown && page * PAGE_SIZE >= total.value)) return Promise.resolve();
    if (pages.has(page)) {
      touch(page);
      return Promise.resolve();
    }
    const inflight = loading.get(page);
    if (inflight) return inflight;
    const gen = generation;
    const start = page * PAGE_SIZE;
    const offset = Math.max(0, start - countBelow(departed, start) + movedToFront.size);
    const promise = api.pairs
      .list({ ...snapshot, offset, limit: PAGE_SIZE })
      .then((result) => {
        if (gen !== generation) return;
        pages.set(page, result.items);
        result.items.forEach((pair, i) => indexById.set(pair.id, start + i));
        if (!totalKnown) {
          total.value = result.total;
          totalKnown = true;
        }
        listState.value = 'ready';
        listError.value = null;
        evict();
        version.value += 1;
      })
      .catch((err: unknown) => {
        if (gen !== generation) return;
        listError.value = errorMessage(err);
        if (!totalKnown) listState.value = 'error';
        toasts.error(err, 'Loading pairs');
      })
      .finally(() => {
        if (gen === generation) loading.delete(page);
      });
    loading.set(page, promise);
    return promise;
  }

  /** Makes sure the rows from..to (indices) are loaded. */
  async function loadRange(from: number, to: number): Promise<void> {
    const first = Math.floor(Math.max(0, from) / PAGE_SIZE);
    const last = Math.floor(Math.max(0, to) / PAGE_SIZE);
    const wanted: Promise<void>[] = [];
    for (let p = first; p <= last; p++) wanted.push(loadPage(p));
    await Promise.all(wanted);
  }

  /**
   * Starts a new snapshot of the current query. With `keepPosition` the pair in view stays (if still in the list)
   * or the same row does; otherwise the list starts at the top.
   */
  async function reload(options: { keepPosition?: boolean } = {}): Promise<void> {
    const previousId = current.value?.id;
    const previousIndex = Math.max(0, currentIndex.value);
    generation += 1;
    pages = new Map();
    loading = new Map();
    indexById = new Map();
    departed = new Set();
    moved = new Set();
    movedToFront = new Set();
    snapshot = takeSnapshot();
    totalKnown = false;
    listState.value = 'loading';
    version.value += 1;
    const gen = generation;
    const index = options.keepPosition ? previousIndex : 0;
    await loadPage(Math.floor(index / PAGE_SIZE));
    if (gen !== generation) return;
    if (!totalKnown) {
      // The page past the end came back empty (or failed): start again at the top.
      await loadPage(0);
      if (gen !== generation) return;
    }
    if (total.value === 0) {
      currentIndex.value = -1;
      current.value = null;
      version.value += 1;
      return;
    }
    const kept = previousId !== undefined ? indexById.get(previousId) : undefined;
    await select(kept ?? Math.min(index, total.value - 1));
  }

  /** Shows the pair at a row of the list. */
  async function select(index: number): Promise<void> {
    if (total.value === 0) return;
    const target = Math.max(0, Math.min(index, total.value - 1));
    currentIndex.value = target;
    const page = Math.floor(target / PAGE_SIZE);
    if (!pairAt(target)) await loadPage(page);
    if (currentIndex.value !== target) return;
    const pair = pairAt(target);
    if (pair) current.value = pair;
    // Prefetch around, so j/k never wait.
    void loadPage(Math.floor((target + 20) / PAGE_SIZE));
    if (target >= 20) void loadPage(Math.floor((target - 20) / PAGE_SIZE));
  }

  function next(): Promise<void> {
    if (currentIndex.value >= total.value - 1) return Promise.resolve();
    return select(currentIndex.value + 1);
  }

  function previous(): Promise<void> {
    if (currentIndex.value <= 0) return Promise.resolve();
    return select(currentIndex.value - 1);
  }

  /** Puts an answer from the app in place: its row, the pair view, the bookkeeping of offsets. */
  function applyUpdated(pair: PreferencePair): void {
    const index = indexById.get(pair.id);
    if (index !== undefined) {
      const page = pages.get(Math.floor(index / PAGE_SIZE));
      const before = page?.[index % PAGE_SIZE];
      if (page && before) {
        page[index % PAGE_SIZE] = pair;
        const sortKeyChanged =
          snapshot.sort === 'updated' ||
          (snapshot.sort === 'length-diff' && Math.abs(lengthDiff(before)) !== Math.abs(lengthDiff(pair))) ||
          (snapshot.sort === 'question' && before.question !== pair.question);
        if (sortKeyChanged) moved.add(index);
        const matches = matchesFilter(pair, snapshot.filter);
        if (!matches || moved.has(index)) departed.add(index);
        else departed.delete(index);
        if (matches && snapshot.sort === 'updated' && snapshot.descending) movedToFront.add(pair.id);
        else movedToFront.delete(pair.id);
      }
      version.value += 1;
    }
    if (current.value?.id === pair.id) current.value = pair;
  }

  // Edits run one at a time, in the order the user made them.
  let chain: Promise<unknown> = Promise.resolve();
  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = chain.then(task, task);
    chain = run.catch(() => undefined);
    return run;
  }

  async function mutate(doing: string, what: string, request: () => Promise<PreferencePair>): Promise<PreferencePair | null> {
    try {
      const updated = await enqueue(async () => {
        const pair = await request();
        applyUpdated(pair);
        return pair;
      });
      undoStack.push({ kind: 'pair', id: updated.id, what });
      scheduleCounts();
      return updated;
    } catch (err) {
      toasts.error(err, doing);
      return null;
    }
  }

  /** The latest state of a pair this window has (its row, or the pair in view). */
  function latest(id: number): PreferencePair | undefined {
    const index = indexById.get(id);
    const fromList = index === undefined ? undefined : pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
    if (fromList?.id === id) return fromList;
    return current.value?.id === id ? current.value : undefined;
  }

  function update(id: number, edit: PairEdit, doing = 'Saving'): Promise<PreferencePair | null> {
    return mutate(doing, describeEdit(id, edit), () => api.pairs.update({ id, edit }));
  }

  /** Sets the status of the pair in view, then (if auto-advance is on and `advance`) shows the next one. */
  function setStatus(status: PairStatus, options: { advance?: boolean } = {}): Promise<PreferencePair | null> {
    const pair = current.value;
    if (!pair) return Promise.resolve(null);
    const saved = update(pair.id, { status }, 'Setting the status');
    if (options.advance && settings.autoAdvance) void next();
    return saved;
  }

  function swap(): Promise<PreferencePair | null> {
    const pair = current.value;
    if (!pair) return Promise.resolve(null);
    return mutate('Swapping chosen and rejected', `swapped pair #${pair.id}`, () => api.pairs.swap({ id: pair.id }));
  }

  /** Adds a tag to a pair; a tag new to the workspace is learnt (the Tag filter and the suggestions offer it). */
  async function addTag(id: number, tag: string): Promise<PreferencePair | null> {
    const clean = tag.trim();
    if (!clean) return null;
    const saved = await mutate('Adding a tag', `tagged pair #${id} “${clean}”`, () => {
      const tags = latest(id)?.tags ?? [];
      return api.pairs.update({ id, edit: { tags: tags.includes(clean) ? tags : [...tags, clean] } });
    });
    if (saved && !workspace.info?.tags.includes(clean)) await workspace.load();
    return saved;
  }

  function removeTag(id: number, tag: string): Promise<PreferencePair | null> {
    return mutate('Removing a tag', `removed the tag “${tag}” from pair #${id}`, () => {
      const tags = latest(id)?.tags ?? [];
      return api.pairs.update({ id, edit: { tags: tags.filter((t) => t !== tag) } });
    });
  }

  /** Undoes the last step of this window (a pair's edit, or a whole bulk action), or the last edit of the pair in view. */
  function undo(): Promise<void> {
    const step = undoStack.at(-1);
    if (step?.kind === 'bulk') return undoBulk(step);
    const id = step?.id ?? current.value?.id;
    return id === undefined ? Promise.resolve() : undoPair(id);
  }

  /** Undoes the last edit of one pair (and shows it), whichever pair this window edited last. */
  async function undoPair(id: number): Promise<void> {
    const stepIndex = undoStack.map((s) => s.kind === 'pair' && s.id === id).lastIndexOf(true);
    const what = undoStack[stepIndex]?.what ?? `the last edit of pair #${id}`;
    const forget = (): void => {
      if (stepIndex >= 0) undoStack.splice(stepIndex, 1);
    };
    try {
      await enqueue(async () => {
        const pair = await api.pairs.undo({ id });
        applyUpdated(pair);
        return pair;
      });
      forget();
      toasts.info(`Undid: ${what}`);
      const index = indexById.get(id);
      if (index !== undefined && index !== currentIndex.value) await select(index);
      scheduleCounts();
    } catch (err) {
      if (err instanceof PivotError && err.code === 'NOTHING_TO_UNDO') {
        forget();
        toasts.info(`Nothing to undo on pair #${id}.`);
      } else {
        toasts.error(err, 'Undo');
      }
    }
  }

  async function undoBulk(step: Extract<UndoStep, { kind: 'bulk' }>): Promise<void> {
    try {
      await enqueue(() => api.pairs.undoBulk({ job: step.job }));
      toasts.info(`Undid: ${step.what}`);
    } catch (err) {
      if (err instanceof PivotError && err.code === 'NOTHING_TO_UNDO') toasts.info(`Nothing left to undo of: ${step.what}.`);
      else return toasts.error(err, 'Undo');
    }
    undoStack.splice(undoStack.indexOf(step), 1);
    await reload({ keepPosition: true });
    await refreshCounts();
  }

  /** A bulk action over ids or the whole filter, with progress; the list reloads afterwards. One undo step. */
  async function bulk(target: BulkTarget, action: BulkAction): Promise<BulkResult | null> {
    try {
      let job = '';
      const result = await jobs.run('bulk', (id) => {
        job = id;
        return api.pairs.bulk({ target, action, job });
      });
      // A delete records no history: it cannot be undone.
      if (result.affected > 0 && action.kind !== 'delete') undoStack.push({ kind: 'bulk', job, what: describeBulk(action, result.affected) });
      return result;
    } catch (err) {
      toasts.error(err, 'Bulk action');
      return null;
    } finally {
      await reload({ keepPosition: true });
      await refreshCounts();
    }
  }

  // ---- counters ----
  let countsGeneration = 0;
  async function refreshCounts(): Promise<void> {
    const gen = ++countsGeneration;
    try {
      const result = await api.pairs.counts({ filter: filters.filterIgnoringStatus });
      if (gen === countsGeneration) counts.value = result;
    } catch (err) {
      if (gen === countsGeneration) toasts.error(err, 'Counting pairs');
    }
  }
  let countsTimer: ReturnType<typeof setTimeout> | null = null;
  function scheduleCounts(): void {
    if (countsTimer) clearTimeout(countsTimer);
    countsTimer = setTimeout(() => {
      countsTimer = null;
      void refreshCounts();
    }, 120);
  }

  // ---- reacting to the query and to the app ----
  watch(
    () => filters.queryKey,
    () => {
      void reload();
    },
  );
  watch(
    () => JSON.stringify(filters.filterIgnoringStatus),
    () => {
      void refreshCounts();
    },
  );

  let changedTimer: ReturnType<typeof setTimeout> | null = null;
  api.on('pairs:changed', () => {
    if (changedTimer) clearTimeout(changedTimer);
    changedTimer = setTimeout(() => {
      changedTimer = null;
      void reload({ keepPosition: true });
      void refreshCounts();
    }, 200);
  });

  /** First load: the list and the counters. */
  async function start(): Promise<void> {
    await Promise.all([reload(), refreshCounts()]);
  }

  return {
    // list
    version,
    total,
    listState,
    listError,
    pairAt,
    indexOf,
    loadPage,
    loadRange,
    reload,
    start,
    // current
    currentIndex,
    current,
    select,
    next,
    previous,
    // edits
    update,
    setStatus,
    swap,
    addTag,
    removeTag,
    undo,
    undoPair,
    bulk,
    applyUpdated,
    // counters
    counts,
    refreshCounts,
  };
});
