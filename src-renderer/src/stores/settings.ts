// Preferences of this window, kept in localStorage: randomised answer sides (and their seed), blind review, auto-advance.
import { defineStore } from 'pinia';
import { ref, watch, type Ref } from 'vue';

const KEYS = {
  randomiseSides: 'pivot.randomiseSides',
  sideSeed: 'pivot.sideSeed',
  autoAdvance: 'pivot.autoAdvance',
  blindReview: 'pivot.blindReview',
} as const;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function persisted<T>(key: string, fallback: T, parse: (raw: string) => T | undefined): Ref<T> {
  const raw = storage()?.getItem(key);
  const value = ref(raw === null || raw === undefined ? fallback : (parse(raw) ?? fallback)) as Ref<T>;
  watch(value, (v) => {
    try {
      storage()?.setItem(key, String(v));
    } catch {
      // Storage full or denied: the setting lasts for this session only.
    }
  });
  return value;
}

const parseBool = (raw: string): boolean | undefined => (raw === 'true' ? true : raw === 'false' ? false : undefined);

export const useSettingsStore = defineStore('settings', () => {
  const randomiseSides = persisted(KEYS.randomiseSides, false, parseBool);
  const autoAdvance = persisted(KEYS.autoAdvance, true, parseBool);
  /** Answers shown unlabelled (and always in random order) until the reviewer picks one. */
  const blindReview = persisted(KEYS.blindReview, false, parseBool);
  const sideSeed = persisted(KEYS.sideSeed, Math.floor(Math.random() * 0x7fffffff), (raw) => {
    const n = Number.parseInt(raw, 10);
    return Number.isFinite(n) ? n : undefined;
  });
  // Keep a freshly drawn seed, so the sides stay the same after a reload.
  if (storage()?.getItem(KEYS.sideSeed) === null) {
    try {
      storage()?.setItem(KEYS.sideSeed, String(sideSeed.value));
    } catch {
      // ignore
    }
  }
  return { randomiseSides, blindReview, autoAdvance, sideSeed };
});
