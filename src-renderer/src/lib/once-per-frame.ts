// A value worked out from reactive state at most once per animation frame, for what changes faster than a screen can
// show it (a run's charts at hundreds of steps a second): every change between two frames is drawn by one redraw.
import { ReactiveEffect, onScopeDispose, shallowRef, type ShallowRef } from 'vue';

/**
 * `compute()` now, then again at the next animation frame after any reactive value it read changed (a triggered
 * shallowRef too) — not at each change, and never when nothing changed; the last change is always drawn. Stops with
 * the component (or effect scope) that calls it.
 */
export function oncePerFrame<T>(compute: () => T): Readonly<ShallowRef<T>> {
  const effect = new ReactiveEffect(compute);
  let frame: number | null = null;
  effect.scheduler = () => {
    frame ??= requestAnimationFrame(() => {
      frame = null;
      value.value = effect.run();
    });
  };
  const value = shallowRef(effect.run());
  onScopeDispose(() => {
    if (frame !== null) cancelAnimationFrame(frame);
    effect.stop();
  });
  return value;
}
