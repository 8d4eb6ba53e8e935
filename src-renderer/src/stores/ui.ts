// What is open in the window: one overlay at a time (help, import, export, datasets), the pair editor, focus requests.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export type Overlay = 'none' | 'help' | 'import' | 'export' | 'datasets';

export const useUiStore = defineStore('ui', () => {
  const overlay = ref<Overlay>('none');
  const editing = ref(false);
  /** Bumped to ask the pair view to focus its tag input (the `t` shortcut). */
  const tagFocusRequest = ref(0);
  /** Bumped to ask the filter bar to focus its search field (the `/` shortcut). */
  const searchFocusRequest = ref(0);

  const overlayOpen = computed(() => overlay.value !== 'none');

  function open(which: Exclude<Overlay, 'none'>): void {
    overlay.value = which;
  }
  function close(): void {
    overlay.value = 'none';
  }
  return {
    overlay,
    overlayOpen,
    editing,
    tagFocusRequest,
    searchFocusRequest,
    open,
    close,
    toggleHelp: () => (overlay.value = overlay.value === 'help' ? 'none' : 'help'),
    focusTags: () => (tagFocusRequest.value += 1),
    focusSearch: () => (searchFocusRequest.value += 1),
  };
});
