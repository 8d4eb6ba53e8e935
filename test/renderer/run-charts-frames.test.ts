// @vitest-environment happy-dom
// A fast run's metrics redraw the Training tab's charts at most once per animation frame: the store takes every
// event as it comes, the charts draw what arrived since the last frame together, and the last frame is always drawn.
// vue-echarts is replaced by a component that does what it does with its `option`: one `setOption` per change, after
// the render that changed it (happy-dom has no canvas); the calls are recorded.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import RunCharts from '../../src-renderer/src/components/training/RunCharts.vue';
import { useTrainingStore } from '../../src-renderer/src/stores/training';
import { FakeBackend, makePoints, makeRun } from './fake-backend';

type Option = { series: Array<{ name: string; data: number[][] }> };

/** Each chart's `setOption` calls, by the chart's test id (`chart-<id>`). */
const drawn = new Map<string, Option[]>();

vi.mock('vue-echarts', async () => {
  const { defineComponent, h, onMounted, ref, watch } = await import('vue');
  return {
    default: defineComponent({
      props: { option: { type: Object, required: true } },
      setup(props) {
        const host = ref<HTMLElement | null>(null);
        const calls: Option[] = [];
        onMounted(() => {
          drawn.set(host.value?.closest('figure')?.dataset.testid ?? '?', calls);
          calls.push(props.option as Option);
        });
        watch(() => props.option, (option) => calls.push(option as Option), { flush: 'post' });
        return () => h('div', { ref: host });
      },
    }),
  };
});

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
  drawn.clear();
  vi.useRealTimers();
});

describe('the training charts under a fast run', () => {
  it('draw 100 metric events arriving within one frame with one setOption per chart, every point in it', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame'] });
    const backend = new FakeBackend([]);
    backend.runs = [makeRun(1, { status: 'running' })];
    backend.runMetrics.set(1, makePoints(3));
    setActivePinia(createPinia());
    setApi(createApi(backend));
    const training = useTrainingStore();
    await training.init();
    wrapper = mount(RunCharts, { attachTo: document.body });
    await flushPromises();
    vi.advanceTimersToNextFrame();
    await flushPromises();
    const charts = ['chart-loss', 'chart-margins', 'chart-accuracies', 'chart-lr'];
    expect([...drawn.keys()].sort()).toEqual([...charts].sort());
    for (const calls of drawn.values()) calls.length = 0;

    // Each event its own task, as each WebSocket message or IPC event is: Vue renders between them.
    for (const point of makePoints(100, 4)) {
      backend.emit('run:event', {
        runId: 1,
        event: { type: 'metrics', stage: point.stage, step: point.step, totalSteps: 103, epoch: 0, elapsedMs: point.runMs, values: point.values },
        axis: { runStep: point.runStep, runMs: point.runMs },
      });
      await flushPromises();
    }
    expect(training.points).toHaveLength(103);
    expect(charts.map((c) => drawn.get(c)!.length)).toEqual([0, 0, 0, 0]);

    vi.advanceTimersToNextFrame();
    await flushPromises();
    expect(charts.map((c) => drawn.get(c)!.length)).toEqual([1, 1, 1, 1]);
    const loss = drawn.get('chart-loss')![0]!.series.find((s) => s.name === 'loss' && s.data.length > 0)!;
    expect(loss.data.map(([step]) => step)).toEqual(Array.from({ length: 103 }, (_, i) => i + 1));
    expect(wrapper.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('103');

    // Nothing new, no redraw.
    vi.advanceTimersToNextFrame();
    await flushPromises();
    expect(charts.map((c) => drawn.get(c)!.length)).toEqual([1, 1, 1, 1]);
  });
});
