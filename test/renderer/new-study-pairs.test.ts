// @vitest-environment happy-dom
// New study on a recipe file and the workspace's pairs (issue 12): the dialog checks the pairs against the recipe's
// model as the New run form does, Start waits until the unusable ones are excluded, and `studies:start` carries the
// recipe file and the pairs without them.
import { mount, type VueWrapper } from '@vue/test-utils';
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

describe('New study on workspace pairs', () => {
  it('checks the pairs against the chosen base model and starts once the unusable ones are excluded', async () => {
    history.replaceState(null, '', '/');
    const b = new FakeBackend(manyPairs(3));
    b.unusablePairs = [{ id: 3, dataset: 'shapes', reason: 'image-unreadable', message: 'its image cannot be read' }];
    setActivePinia(createPinia());
    setApi(createApi(b));
    wrapper = mount(App, { global: { stubs: { Echarts: true } }, attachTo: document.body });
    await settle();
    await wrapper.get('[data-testid="nav-compare"]').trigger('click');
    await settle();
    await wrapper.get('[data-testid="new-study"]').trigger('click');
    await settle();
    const w = wrapper;

    await w.get('[data-testid="new-study-recipe"]').setValue('::file');
    await w.get('[data-testid="new-study-recipe-path"]').setValue('/home/me/my-study.yaml');
    await w.get('[data-testid="base-model"]').setValue('tiny');
    await w.get('[data-testid="new-study-data-workspace"]').setValue(true);
    await checked();
    expect(b.callsOf('runs:check').at(-1)).toEqual({ recipe: '/home/me/my-study.yaml', objective: 'dpo', data: { filter: { status: ['accepted'] } }, model: { preset: 'tiny' } });
    expect(w.findAll('[data-testid="unusable-pair"]').map((li) => li.text().replace(/\s+/g, ' '))).toEqual(['#3 shapes — image unreadable']);
    expect(w.get('[data-testid="new-study-start"]').attributes('disabled')).toBeDefined();

    await w.get('[data-testid="exclude-unusable"]').trigger('click');
    await checked();
    expect(w.get('[data-testid="pair-check-counts"]').text().replace(/\s+/g, ' ')).toBe('2 of 3 selected pairs usable, 1 excluded');
    await w.get('[data-testid="new-study-start"]').trigger('click');
    await settle();
    expect(b.study?.request).toMatchObject({ recipe: '/home/me/my-study.yaml', data: { filter: { status: ['accepted'] }, exclude: [3] }, model: { preset: 'tiny' }, quick: false, seeds: 3 });
  });
});
