// @vitest-environment happy-dom
// Tags in the curation screen: a tag added in the pair view is offered by the Tag filter at once (as bulk tags are),
// and typing a tag suggests the workspace's tags that match, to take with ↓ Enter or a click.
import type { VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../../src-renderer/src/api';
import { suggestTags } from '../../src-renderer/src/lib/tag-suggestions';
import { useSelectionStore } from '../../src-renderer/src/stores/selection';
import { FakeBackend, manyPairs } from './fake-backend';
import { mountScreen, settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

function filterTags(w: VueWrapper): string[] {
  return w.get('[data-testid="filter-tag"]').findAll('option').map((o) => o.text());
}

describe('tags', () => {
  it('offers a tag added in the pair view in the Tag filter without a reload', async () => {
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    expect(filterTags(wrapper)).toEqual(['Any tag', 'blurry', 'hallucination']);
    const input = wrapper.get('[data-testid="tag-input"]');
    await input.setValue('occluded');
    await input.trigger('keydown', { key: 'Enter' });
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([{ id: 1, edit: { tags: ['occluded'] } }]);
    expect(filterTags(wrapper)).toEqual(['Any tag', 'blurry', 'hallucination', 'occluded']);
  });

  it('suggests the matching workspace tags while typing; ↓ Enter takes one', async () => {
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    const input = wrapper.get('[data-testid="tag-input"]');
    await input.trigger('focus');
    await input.setValue('HAL');
    expect(wrapper.findAll('[data-testid="tag-suggestion"]').map((s) => s.text())).toEqual(['hallucination']);
    await input.trigger('keydown', { key: 'ArrowDown' });
    await input.trigger('keydown', { key: 'Enter' });
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([{ id: 1, edit: { tags: ['hallucination'] } }]);
    expect(wrapper.find('[data-testid="tag-suggestions"]').exists()).toBe(false);
  });

  it('suggests in the bulk bar too, taking a tag with a click', async () => {
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    useSelectionStore().toggle(1, 0);
    await settle();
    const input = wrapper.get('[data-testid="bulk-tag-input"]');
    await input.trigger('focus');
    await input.setValue('bl');
    await wrapper.get('[data-testid="bulk-bar"] [data-testid="tag-suggestion"]').trigger('mousedown');
    await settle();
    expect(backend.callsOf('pairs:bulk')).toMatchObject([{ target: { ids: [1] }, action: { kind: 'add-tag', tag: 'blurry' } }]);
  });

  it('orders tags starting with the text first, leaves out the pair’s own, stops at an exact match', () => {
    const known = ['blurry', 'hallucination', 'small-ball', 'ball', 'cropped'];
    expect(suggestTags(known, 'cropped')).toEqual([]);
    expect(suggestTags(known, 'ball')).toEqual(['ball', 'small-ball']);
    expect(suggestTags(known, 'bal')).toEqual(['ball', 'small-ball']);
    expect(suggestTags(known, 'bal', ['ball'])).toEqual(['small-ball']);
    expect(suggestTags(known, '  ')).toEqual([]);
  });
});
