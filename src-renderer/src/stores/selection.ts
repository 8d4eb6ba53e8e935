// Rows picked for a bulk action: explicit ids (click the box, ctrl-click, shift-click a range, Space), or every
// pair matching the filter ("select all matching"), which bulk actions send as `{filter}`.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { BulkTarget, PairFilter } from '../../../src-shared/domain/pairs';
import { useFiltersStore } from './filters';
import { usePairsStore } from './pairs';

export const useSelectionStore = defineStore('selection', () => {
  const filters = useFiltersStore();
  const pairs = usePairsStore();
  const ids = shallowRef<ReadonlySet<number>>(new Set());
  const allMatching = ref(false);
  /** The row a shift-click range starts from. */
  const anchor = ref<number | null>(null);

  const count = computed(() => (allMatching.value ? pairs.total : ids.value.size));
  const active = computed(() => count.value > 0);

  function has(id: number): boolean {
    return allMatching.value || ids.value.has(id);
  }

  function toggle(id: number, index?: number): void {
    if (allMatching.value) {
      // Leaving "all matching" by a toggle starts an explicit selection again.
      allMatching.value = false;
      ids.value = new Set();
    }
    const next = new Set(ids.value);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    ids.value = next;
    if (index !== undefined) anchor.value = index;
  }

  /** Adds the rows between the anchor (or the row in view) and `index` to the selection. */
  async function selectRange(index: number): Promise<void> {
    const from = anchor.value ?? Math.max(0, pairs.currentIndex);
    const lo = Math.min(from, index);
    const hi = Math.max(from, index);
    await pairs.loadRange(lo, hi);
    const next = new Set(allMatching.value ? [] : ids.value);
    for (let i = lo; i <= hi; i++) {
      const pair = pairs.pairAt(i);
      if (pair) next.add(pair.id);
    }
    allMatching.value = false;
    ids.value = next;
    anchor.value = index;
  }

  function selectAllMatching(): void {
    allMatching.value = true;
    ids.value = new Set();
  }

  function clear(): void {
    allMatching.value = false;
    ids.value = new Set();
  }

  /** What a bulk action acts on. */
  function target(): BulkTarget | null {
    if (allMatching.value) return { filter: JSON.parse(JSON.stringify(filters.filter)) as PairFilter };
    if (ids.value.size === 0) return null;
    return { ids: [...ids.value].sort((a, b) => a - b) };
  }

  // A new query is a new list: what was picked in the old one no longer shows.
  watch(
    () => filters.queryKey,
    () => {
      clear();
      anchor.value = null;
    },
  );

  return { ids, allMatching, anchor, count, active, has, toggle, selectRange, selectAllMatching, clear, target };
});
