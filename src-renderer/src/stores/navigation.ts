// Which screen the window shows, Curation, Training or Compare, kept in the address's #fragment so a reload stays there.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export const VIEWS = ['curation', 'training', 'compare'] as const;
export type View = (typeof VIEWS)[number];

function fromHash(hash: string): View {
  return hash === '#training' ? 'training' : hash === '#compare' ? 'compare' : 'curation';
}

export const useNavigationStore = defineStore('navigation', () => {
  const view = ref<View>(typeof location === 'undefined' ? 'curation' : fromHash(location.hash));
  watch(view, (v) => {
    try {
      history.replaceState(null, '', v === 'curation' ? location.pathname + location.search : `#${v}`);
    } catch {
      // No history (an unusual embedding): the view just is not remembered across reloads.
    }
  });
  return { view, go: (v: View) => (view.value = v) };
});
