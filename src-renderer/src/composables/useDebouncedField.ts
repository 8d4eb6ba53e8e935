// A text field whose typing is committed to a store only once it settles (so every keystroke does not query the
// app), and which follows the store when it changes from outside (a reset, a click that sets the filter).
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

export function useDebouncedField<T>(
  committed: () => T,
  commit: (typed: string) => void,
  show: (value: T) => string,
  delayMs: number,
): Ref<string> {
  const typed = ref(show(committed()));
  let timer: ReturnType<typeof setTimeout> | null = null;
  watch(typed, (value) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => commit(value), delayMs);
  });
  watch(committed, (value) => {
    const shown = show(value);
    if (shown !== typed.value) typed.value = shown;
  });
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer);
  });
  return typed;
}
