// The time now as a ref that ticks, for what the window shows relative to it (a run's elapsed time, "3 min ago").
import { onMounted, onUnmounted, ref, type Ref } from 'vue';

/** Date.now(), updated every `everyMs` while the component using it is mounted. */
export function useNow(everyMs = 1000): Ref<number> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | null = null;
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), everyMs);
  });
  onUnmounted(() => {
    if (timer) clearInterval(timer);
  });
  return now;
}
