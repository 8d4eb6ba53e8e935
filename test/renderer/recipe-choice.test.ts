// @vitest-environment happy-dom
// The recipe choice the New run form and the New study dialog share: a built-in shows its description; "Recipe file…"
// shows a path field instead, and the check and Start carry the typed path trimmed.
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

describe('the recipe choice of the New run form', () => {
  it('shows the built-in\'s description, and sends a recipe file\'s path trimmed to the check and Start', async () => {
    history.replaceState(null, '', '/');
    const b = new FakeBackend(manyPairs(2));
    setActivePinia(createPinia());
    setApi(createApi(b));
    wrapper = mount(App, { global: { stubs: { Echarts: { template: '<div />' } } }, attachTo: document.body });
    await settle();
    await wrapper.get('[data-testid="nav-training"]').trigger('click');
    await settle();
    const w = wrapper;
    expect(w.get('[data-testid="recipe-description"]').text()).toBe('the whole pipeline in seconds');
    expect(w.find('[data-testid="recipe-path"]').exists()).toBe(false);

    await w.get('[data-testid="recipe-select"]').setValue('::file');
    expect(w.find('[data-testid="recipe-description"]').exists()).toBe(false);
    expect(w.get('[data-testid="start-run"]').attributes('disabled')).toBeDefined();
    await w.get('[data-testid="recipe-path"]').setValue('  /home/me/mine.yaml ');
    await checked();
    expect(b.callsOf('runs:check').at(-1)).toEqual({ recipe: '/home/me/mine.yaml', objective: 'dpo', data: { filter: { status: ['accepted'] } } });

    await w.get('[data-testid="start-run"]').trigger('click');
    await flushPromises();
    await settle();
    expect(b.callsOf('runs:start')).toEqual([{ recipe: '/home/me/mine.yaml', objective: 'dpo', data: { filter: { status: ['accepted'] } } }]);
  });
});
