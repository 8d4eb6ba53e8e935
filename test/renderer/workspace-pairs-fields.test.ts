// @vitest-environment happy-dom
// The workspace pairs block the New run form and the New study dialog share: a chosen dataset and "Any status" reach
// `runs:check` and Start as the same request data in both, and the choice (with the excluded pairs) survives switching
// the data source away and back.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import App from '../../src-renderer/src/App.vue';
import { FakeBackend, manyPairs } from './fake-backend';
import { settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

/** Past the check's debounce, and its answer rendered. */
async function checked(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 350));
  await settle();
}

async function mountApp(b: FakeBackend, tab: 'nav-training' | 'nav-compare'): Promise<VueWrapper> {
  history.replaceState(null, '', '/');
  setActivePinia(createPinia());
  setApi(createApi(b));
  wrapper = mount(App, { global: { stubs: { Echarts: { template: '<div />' } } }, attachTo: document.body });
  await settle();
  await wrapper.get(`[data-testid="${tab}"]`).trigger('click');
  await settle();
  return wrapper;
}

function backend(): FakeBackend {
  const b = new FakeBackend(manyPairs(3));
  b.unusablePairs = [{ id: 3, dataset: 'shapes', reason: 'image-unreadable', message: 'its image cannot be read' }];
  return b;
}

describe('the workspace pairs of a run or a study', () => {
  it('New run: dataset and any status reach the check and Start, and survive a switch to a folder and back', async () => {
    const b = backend();
    const w = await mountApp(b, 'nav-training');
    await w.get('[data-testid="data-dataset"]').setValue('shapes');
    await w.get('[data-testid="data-status"]').setValue('');
    await checked();
    expect(b.callsOf('runs:check').at(-1)).toEqual({ recipe: 'shapes-quick', objective: 'dpo', data: { dataset: 'shapes', filter: {} } });
    await w.get('[data-testid="exclude-unusable"]').trigger('click');
    await checked();

    await w.get('[data-testid="data-folder-choice"]').setValue(true);
    await settle();
    expect(w.find('[data-testid="data-dataset"]').exists()).toBe(false);
    await w.get('[data-testid="data-workspace"]').setValue(true);
    await checked();
    expect((w.get('[data-testid="data-dataset"]').element as HTMLSelectElement).value).toBe('shapes');
    expect((w.get('[data-testid="data-status"]').element as HTMLSelectElement).value).toBe('');
    expect(b.callsOf('runs:check').at(-1)).toEqual({ recipe: 'shapes-quick', objective: 'dpo', data: { dataset: 'shapes', filter: {}, exclude: [3] } });

    await w.get('[data-testid="start-run"]').trigger('click');
    await flushPromises();
    await settle();
    expect(b.callsOf('runs:start')).toEqual([{ recipe: 'shapes-quick', objective: 'dpo', data: { dataset: 'shapes', filter: {}, exclude: [3] } }]);
  });

  it('New study: dataset and any status reach the check and Start, and survive a switch to the recipe\'s data and back', async () => {
    const b = backend();
    const w = await mountApp(b, 'nav-compare');
    await w.get('[data-testid="new-study"]').trigger('click');
    await settle();
    await w.get('[data-testid="new-study-data-workspace"]').setValue(true);
    await settle();
    await w.get('[data-testid="new-study-dataset"]').setValue('shapes');
    await w.get('[data-testid="new-study-status"]').setValue('');
    await checked();
    const recipe = (w.get('[data-testid="new-study-recipe"]').element as HTMLSelectElement).value;
    expect(b.callsOf('runs:check').at(-1)).toEqual({ recipe, objective: 'dpo', data: { dataset: 'shapes', filter: {} } });
    await w.get('[data-testid="exclude-unusable"]').trigger('click');
    await checked();

    await w.get('[data-testid="new-study-data-recipe"]').setValue(true);
    await settle();
    expect(w.find('[data-testid="new-study-dataset"]').exists()).toBe(false);
    await w.get('[data-testid="new-study-data-workspace"]').setValue(true);
    await checked();
    expect((w.get('[data-testid="new-study-dataset"]').element as HTMLSelectElement).value).toBe('shapes');
    expect((w.get('[data-testid="new-study-status"]').element as HTMLSelectElement).value).toBe('');
    expect(w.text()).toContain("Both branches train on these pairs; the encoders are measured on the recipe's own world.");

    await w.get('[data-testid="new-study-start"]').trigger('click');
    await settle();
    expect(b.study?.request).toMatchObject({ recipe, data: { dataset: 'shapes', filter: {}, exclude: [3] }, quick: false, seeds: 3 });
  });
});
