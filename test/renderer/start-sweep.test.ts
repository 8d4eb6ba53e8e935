// @vitest-environment happy-dom
// "Start sweep…" on the Compare tab: the dialog offers the app's recipes (shapes-sweep first choice), sends
// `sweeps:start` with the choice, shows the sweep's progress from its job:progress events, then sweep.md and its
// folder; Cancel sends `sweeps:cancel` for the same job.
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import App from '../../src-renderer/src/App.vue';
import type { SweepSummary } from '../../src-shared/domain/runs';
import { FakeBackend } from './fake-backend';
import { settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

const RECIPES = [
  { name: 'shapes-quick', description: 'the whole pipeline in seconds', path: '/r/shapes-quick.yaml' },
  { name: 'shapes-sweep', description: 'a grid over the branch', path: '/r/shapes-sweep.yaml' },
];
const SUMMARY: SweepSummary = { name: '2026-03-04_05-06-07', out: '/tmp/workspace/sweeps/2026-03-04_05-06-07', markdown: '| metric | SFT | DPO |\n|---|---|---|\n' };

/** The backend with `sweeps:start` held until the test answers it (or the window cancels it: null). */
function backend(): { b: FakeBackend; answer: (summary: SweepSummary | null) => void } {
  const b = new FakeBackend([]);
  b.recipes = RECIPES;
  const held = { answer: (_summary: SweepSummary | null) => undefined as void };
  b.overrides.set('sweeps:start', () => new Promise((resolve) => (held.answer = resolve)));
  b.overrides.set('sweeps:cancel', () => {
    held.answer(null);
    return null;
  });
  return { b, answer: (summary) => held.answer(summary) };
}

async function openDialog(b: FakeBackend): Promise<VueWrapper> {
  const pinia = createPinia();
  setActivePinia(pinia);
  setApi(createApi(b));
  wrapper = mount(App, { global: { plugins: [pinia], stubs: { Echarts: true } }, attachTo: document.body });
  await settle();
  await wrapper.get('[data-testid="nav-compare"]').trigger('click');
  await settle();
  expect(wrapper.get('[data-testid="start-sweep"]').text()).toBe('Start sweep…');
  await wrapper.get('[data-testid="start-sweep"]').trigger('click');
  await settle();
  return wrapper;
}

describe('Start sweep on the compare screen', () => {
  it('starts the sweep with the choice, shows its progress, then sweep.md and its folder', async () => {
    const { b, answer } = backend();
    const w = await openDialog(b);
    expect((w.get('[data-testid="start-sweep-recipe"]').element as HTMLSelectElement).value).toBe('shapes-sweep');
    await w.get('[data-testid="start-sweep-seeds"]').setValue('2');
    await w.get('[data-testid="start-sweep-start"]').trigger('click');
    await settle();
    const [request] = b.callsOf('sweeps:start');
    expect(request).toEqual({ recipe: 'shapes-sweep', probeSeeds: 2, job: expect.stringMatching(/^sweep-/) });
    expect(w.get('[data-testid="start-sweep-phase"]').text()).toBe('Starting…');

    b.emit('job:progress', { job: request!.job as string, done: 0.25, total: 1, label: '[1/4] sft-lr1e-3: stage sft, step 2 / 4' });
    await settle();
    expect(w.get('[data-testid="start-sweep-phase"]').text()).toBe('[1/4] sft-lr1e-3: stage sft, step 2 / 4 · 25 %');
    expect(w.get('[data-testid="start-sweep"]').text()).toBe('Sweep running…');

    answer(SUMMARY);
    await settle();
    expect(w.find('[data-testid="start-sweep-progress"]').exists()).toBe(false);
    expect(w.get('[data-testid="start-sweep-folder"]').text()).toBe(SUMMARY.out);
    expect(w.get('[data-testid="start-sweep-table"]').text()).toBe(SUMMARY.markdown.trim());
    expect(w.get('[data-testid="start-sweep"]').text()).toBe('Start sweep…');
  });

  it('cancels the running sweep for the same job and says its finished points are kept', async () => {
    const { b } = backend();
    const w = await openDialog(b);
    await w.get('[data-testid="start-sweep-start"]').trigger('click');
    await settle();
    const job = b.callsOf('sweeps:start')[0]!.job;
    await w.get('[data-testid="start-sweep-cancel"]').trigger('click');
    await settle();
    expect(b.callsOf('sweeps:cancel')).toEqual([{ job }]);
    expect(w.get('[data-testid="toast"]').text()).toContain('Sweep cancelled: its finished points are kept in its folder.');
    expect(w.find('[data-testid="start-sweep-start"]').exists()).toBe(true);
    expect(w.find('[data-testid="start-sweep-result"]').exists()).toBe(false);
  });
});
