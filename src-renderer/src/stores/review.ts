// Blind review: with it on, a pair's answers are shown unlabelled in a random order until the reviewer picks the one
// they prefer; the pick goes to the app (`pairs:review`), this pair's labels are revealed, and the agreement rate over
// the list's filter (picks that match the pair's label) is shown.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { ReviewAgreement, ReviewPick } from '../../../src-shared/domain/pairs';
import { useApi } from '../api';
import { placeAnswers, type PlacedAnswer } from '../lib/sides';
import { useFiltersStore } from './filters';
import { usePairsStore } from './pairs';
import { useSettingsStore } from './settings';
import { useToastsStore } from './toasts';

export const useReviewStore = defineStore('review', () => {
  const api = useApi();
  const filters = useFiltersStore();
  const settings = useSettingsStore();
  const toasts = useToastsStore();
  const pairs = usePairsStore();
  const agreement = ref<ReviewAgreement | null>(null);
  /** The picks made in this window, by pair id: a picked pair shows its labels again. */
  const picks = ref(new Map<number, ReviewPick>());

  async function loadAgreement(): Promise<void> {
    try {
      agreement.value = await api.pairs.agreement({ filter: filters.filter });
    } catch (err) {
      toasts.error(err, 'Reading the review agreement');
    }
  }

  async function pick(pairId: number, role: ReviewPick): Promise<void> {
    try {
      agreement.value = await api.pairs.review({ id: pairId, pick: role, filter: filters.filter });
      picks.value = new Map(picks.value).set(pairId, role);
    } catch (err) {
      toasts.error(err, 'Recording the pick');
    }
  }

  /** Picks the answer shown on `side` of the current pair (the keyboard's Prefer A / B): only under blind review, once. */
  async function preferSide(side: PlacedAnswer['side']): Promise<void> {
    const pair = pairs.current;
    if (!settings.blindReview || !pair || picks.value.has(pair.id)) return;
    const placed = placeAnswers(pair, settings.sideSeed, true).find((a) => a.side === side);
    if (placed) await pick(pair.id, placed.role);
  }

  watch(
    () => (settings.blindReview ? filters.queryKey : null),
    (key) => {
      if (key !== null) void loadAgreement();
    },
    { immediate: true },
  );

  return { agreement, picks, pick, preferSide, loadAgreement };
});
