// @vitest-environment happy-dom
// The New run form's pair check (issue 12, bug 9): before Start it shows the model, how many selected pairs are
// usable and each unusable one by id, dataset and reason; Start waits until they are excluded, and the run is then
// requested without them; Tag marks them `unusable` in the workspace.
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

/** Past the form's debounce of the check, and its answer rendered. */
async function checked(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 350));
  await settle();
}

async function mountTraining(backend: FakeBackend): Promise<VueWrapper> {
  history.replaceState(null, '', '/');
  setActivePinia(createPinia());
  setApi(createApi(backend));
  wrapper = mount(App, { global: { stubs: { Echarts: { template: '<div />' } } }, attachTo: document.body });
  await settle();
  await wrapper.get('[data-testid="nav-training"]').trigger('click');
  // The Training view loads on first open: the form (and its debounced check) exists only once it has.
  await settle();
  await checked();
  return wrapper;
}

describe('the New run form checks the pairs before Start', () => {
  it('names the unusable pairs, starts only once they are excluded, and tags them on request', async () => {
    const backend = new FakeBackend(manyPairs(4));
    backend.unusablePairs = [
      { id: 2, dataset: 'shapes', reason: 'too-long', tokensOver: 41, message: 'Record "pair 2" needs 169 tokens' },
      { id: 4, dataset: 'shapes', reason: 'unknown-words', message: 'has words the built-in Shapes tokenizer does not know' },
    ];
    const w = await mountTraining(backend);

    expect(backend.callsOf('runs:check').at(-1)).toEqual({ recipe: 'shapes-quick', objective: 'dpo', data: { filter: { status: ['accepted'] } } });
    expect(w.get('[data-testid="pair-check-model"]').text()).toContain('preset toy: encoder 152 k, projector 8 k, LM 108 k parameters; context 128 with 16 image tokens');
    expect(w.get('[data-testid="pair-check-counts"]').text().replace(/\s+/g, ' ')).toBe('2 of 4 selected pairs usable, 2 not usable');
    expect(w.findAll('[data-testid="unusable-pair"]').map((li) => li.text().replace(/\s+/g, ' '))).toEqual([
      '#2 shapes — too long by 41 tokens',
      '#4 shapes — unknown words',
    ]);
    expect(w.get('[data-testid="start-run"]').attributes('disabled')).toBeDefined();

    await w.get('[data-testid="tag-unusable"]').trigger('click');
    await settle();
    expect(backend.callsOf('pairs:bulk').map((r) => [r.target, r.action])).toEqual([[{ ids: [2, 4] }, { kind: 'add-tag', tag: 'unusable' }]]);

    await w.get('[data-testid="exclude-unusable"]').trigger('click');
    await checked();
    expect(backend.callsOf('runs:check').at(-1)).toMatchObject({ data: { exclude: [2, 4] } });
    expect(w.get('[data-testid="pair-check-counts"]').text().replace(/\s+/g, ' ')).toBe('2 of 4 selected pairs usable, 2 excluded');
    expect(w.find('[data-testid="unusable-pair"]').exists()).toBe(false);

    await w.get('[data-testid="start-run"]').trigger('click');
    await flushPromises();
    await settle();
    expect(backend.callsOf('runs:start')).toEqual([{ recipe: 'shapes-quick', objective: 'dpo', data: { filter: { status: ['accepted'] }, exclude: [2, 4] } }]);
  });

  it('sends the base model and the branch settings; a Hugging Face model proposes the paper\'s, and the check follows them', async () => {
    const backend = new FakeBackend(manyPairs(2));
    const w = await mountTraining(backend);
    expect(w.get('[data-testid="pair-check-memory"]').text().replace(/\s+/g, ' ')).toBe(
      'Memory per step ≈ 7.0 MiB (weights 1.0 MiB, gradients 1.0 MiB, AdamW 2.0 MiB, activations 3.0 MiB) of the 16.00 GiB of RAM the native backend uses',
    );
    await w.get('[data-testid="base-model"]').setValue('parts');
    await w.get('[data-testid="base-encoder-path"]').setValue('/models/siglip');
    await w.get('[data-testid="base-lm-path"]').setValue('/models/qwen2');
    await settle();
    expect((w.get('[data-testid="lr"]').element as HTMLInputElement).value).toBe('0.000001');
    expect((w.get('[data-testid="beta"]').element as HTMLInputElement).value).toBe('0.1');
    await w.get('[data-testid="trainable-projector"]').setValue(false);
    await w.get('[data-testid="lr-lm"]').setValue('2e-6');
    await checked();
    const settings = { model: { encoder: '/models/siglip', lm: '/models/qwen2' }, branch: { trainable: ['encoder', 'lm'], lr: 1e-6, lmLr: 2e-6, beta: 0.1 } };
    expect(backend.callsOf('runs:check').at(-1)).toMatchObject(settings);

    await w.get('[data-testid="start-run"]').trigger('click');
    await flushPromises();
    await settle();
    expect(backend.callsOf('runs:start')).toEqual([{ recipe: 'shapes-quick', objective: 'dpo', data: { filter: { status: ['accepted'] } }, ...settings }]);
  });

  it('picks a model folder with Browse… where the app has native dialogs; under pivot serve it is typed', async () => {
    const backend = new FakeBackend(manyPairs(2), { nativeDialogs: true });
    backend.overrides.set('dialog:pick-file', () => '/models/llava-1.5-7b-hf');
    const w = await mountTraining(backend);
    await w.get('[data-testid="base-model"]').setValue('llava');
    await w.get('[data-testid="base-llava-browse"]').trigger('click');
    await checked();
    expect(backend.callsOf('dialog:pick-file')).toEqual([{ purpose: 'model-folder' }]);
    expect((w.get('[data-testid="base-llava-path"]').element as HTMLInputElement).value).toBe('/models/llava-1.5-7b-hf');
    expect(backend.callsOf('runs:check').at(-1)).toMatchObject({ model: { path: '/models/llava-1.5-7b-hf' } });
    await w.get('[data-testid="base-model"]').setValue('parts');
    expect(w.findAll('[data-testid$="-browse"]').map((b) => b.attributes('data-testid'))).toEqual(['base-encoder-browse', 'base-lm-browse']);
    w.unmount();

    const served = await mountTraining(new FakeBackend(manyPairs(2)));
    await served.get('[data-testid="base-model"]').setValue('llava');
    expect(served.find('[data-testid="base-llava-browse"]').exists()).toBe(false);
    expect(served.get('[data-testid="base-llava-path"]').attributes('placeholder')).toBe('/models/llava-folder (config.json, safetensors)');
  });
});
