// The list's query: filter fields as the filter bar edits them, and the PairFilter / sort they make.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PairFilter, PairSort, PairStatus, Split } from '../../../src-shared/domain/pairs';

export const useFiltersStore = defineStore('filters', () => {
  /** Empty: every status. */
  const statuses = ref<PairStatus[]>([]);
  const tag = ref('');
  const dataset = ref('');
  const split = ref<Split | ''>('');
  /** Committed search text (the filter bar debounces typing). */
  const text = ref('');
  /** Committed source-metadata search (origin id, ds_name, …). */
  const source = ref('');
  const minLengthDiff = ref<number | null>(null);
  const longerSide = ref<'chosen' | 'rejected' | ''>('');
  const sort = ref<PairSort>('id');
  const descending = ref(false);

  /** Everything but status: what the status counters count. */
  const filterIgnoringStatus = computed<PairFilter>(() => {
    const f: PairFilter = {};
    if (tag.value) f.tags = [tag.value];
    if (dataset.value) f.dataset = dataset.value;
    if (split.value) f.split = split.value;
    if (text.value.trim()) f.text = text.value.trim();
    if (source.value.trim()) f.source = source.value.trim();
    if (minLengthDiff.value !== null && minLengthDiff.value > 0) f.minLengthDiff = Math.floor(minLengthDiff.value);
    if (longerSide.value) f.longerSide = longerSide.value;
    return f;
  });

  const filter = computed<PairFilter>(() =>
    statuses.value.length ? { ...filterIgnoringStatus.value, status: [...statuses.value] } : filterIgnoringStatus.value,
  );

  /** A stable key of the whole query: the list reloads when it changes. */
  const queryKey = computed(() => JSON.stringify([filter.value, sort.value, descending.value]));

  const active = computed(() => Object.keys(filter.value).length > 0);

  function toggleStatus(status: PairStatus): void {
    statuses.value = statuses.value.includes(status)
      ? statuses.value.filter((s) => s !== status)
      : [...statuses.value, status];
  }

  function reset(): void {
    statuses.value = [];
    tag.value = '';
    dataset.value = '';
    split.value = '';
    text.value = '';
    source.value = '';
    minLengthDiff.value = null;
    longerSide.value = '';
  }

  return {
    statuses,
    tag,
    dataset,
    split,
    text,
    source,
    minLengthDiff,
    longerSide,
    sort,
    descending,
    filter,
    filterIgnoringStatus,
    queryKey,
    active,
    toggleStatus,
    reset,
  };
});
