// The time now as a ref that ticks, for what the window shows relative to it (a run's elapsed time, "3 min ago"):
// one timer for the whole window, running while any mounted component uses it.
import { onMounted, onUnmounted, readonly, ref, type Ref } from 'vue';

const TICK_MS = 1000;
const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

/** Date.now(), updated every second while the component using it is mounted. */
export function useNow(): Readonly<Ref<number>> {
  onMounted(() => {
    users += 1;
    now.value = Date.now();
    timer ??= setInterval(() => (now.value = Date.now()), TICK_MS);
  });
  onUnmounted(() => {
    users -= 1;
    if (users === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  });
  return readonly(now);
}
