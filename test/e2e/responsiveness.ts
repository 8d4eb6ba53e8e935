// How responsive the window is, measured in the page: the long tasks (main thread busy over 50 ms) it has had, and
// the time from a control's change until the frame after its redraw has been painted.
import type { Page } from '@playwright/test';

/** Records every long task (main thread busy over 50 ms) of the page, from before its first script runs. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: number[] = [];
    (window as unknown as { longTasks: number[] }).longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) tasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The long tasks recorded since the last call, which it forgets: their total and the longest (the longest the window
 * could not answer a click). */
export function takeLongTasks(page: Page): Promise<{ totalMs: number; longestMs: number }> {
  return page.evaluate(() => {
    const tasks = (window as unknown as { longTasks: number[] }).longTasks.splice(0);
    return { totalMs: tasks.reduce((sum, d) => sum + d, 0), longestMs: Math.max(0, ...tasks) };
  });
}

/** Milliseconds from a control's change until the frame after the redraw has been painted: the median of three
 * changes, as one frame on the loaded machine can stall for reasons of its own. */
export async function responseTime(page: Page, selector: string, change: 'range' | 'click'): Promise<number> {
  const times = [await changeOnce(page, selector, change), await changeOnce(page, selector, change), await changeOnce(page, selector, change)];
  return times.sort((a, b) => a - b)[1]!;
}

function changeOnce(page: Page, selector: string, change: 'range' | 'click'): Promise<number> {
  return page.evaluate(
    async ([sel, how]) => {
      const el = document.querySelector(sel) as HTMLInputElement;
      const start = performance.now();
      if (how === 'range') {
        el.value = el.value === '0.3' ? '0.7' : '0.3';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      } else el.click();
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      return performance.now() - start;
    },
    [selector, change] as const,
  );
}
