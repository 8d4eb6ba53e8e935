// @vitest-environment happy-dom
// Curation (issue 12): blind review hides which answer is chosen until the reviewer picks one (a button, or 1 / 2),
// records the pick and shows the agreement; each pair shows its source file, line and origin fields, and the list filters by them; the
// Datasets dialog shows a dataset's status mix and length-bias histogram; Export opens on the list's filter.
import type { VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useFiltersStore } from '../../src-renderer/src/stores/filters';
import { chosenOnLeft } from '../../src-renderer/src/lib/sides';
import { FakeBackend, manyPairs } from './fake-backend';
import { mountScreen, press, settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => localStorage.clear());
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

const byTestId = (id: string) => wrapper!.get(`[data-testid="${id}"]`);

describe('blind review', () => {
  it('hides the labels, records the pick by its true role, then reveals them with the agreement', async () => {
    localStorage.setItem('pivot.sideSeed', '7');
    const backend = new FakeBackend(manyPairs(3, () => ({ chosen: 'A red ring.', rejected: 'A blue ring.' })));
    ({ wrapper } = await mountScreen(backend));
    await byTestId('blind-review').setValue(true);
    await settle();

    const answers = wrapper.get('.pair__answers');
    expect(answers.text()).not.toMatch(/Chosen|Rejected/);
    expect(answers.findAll('.answer').map((a) => a.classes())).toEqual([
      ['answer', 'answer--blind'],
      ['answer', 'answer--blind'],
    ]);
    expect(answers.findAll('.answer__label').map((l) => l.text())).toEqual(['Answer A', 'Answer B']);
    expect(byTestId('review-agreement').text()).toBe('Agreement: no pair reviewed yet');

    await byTestId('prefer-left').trigger('click');
    await settle();
    const leftRole = chosenOnLeft(1, 7) ? 'chosen' : 'rejected';
    expect(backend.callsOf('pairs:review')).toEqual([{ id: 1, pick: leftRole, filter: {} }]);
    expect(byTestId('review-picked').text()).toBe(`You preferred A: ${leftRole === 'chosen' ? 'agrees' : 'disagrees'} with the label.`);
    expect(byTestId('answer-chosen-label').text()).toBe('Chosen');
    expect(byTestId('review-agreement').text()).toBe(`Agreement: ${leftRole === 'chosen' ? 1 : 0} of 1 agree (${leftRole === 'chosen' ? 100 : 0}%)`);
  });
});

describe('blind review from the keyboard', () => {
  it('1 and 2 prefer answer A and B of the pair shown, once, and only under blind review', async () => {
    localStorage.setItem('pivot.sideSeed', '7');
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    press('1');
    await settle();
    expect(backend.callsOf('pairs:review')).toEqual([]);

    await byTestId('blind-review').setValue(true);
    await settle();
    press('2');
    await settle();
    const rightRole = chosenOnLeft(1, 7) ? 'rejected' : 'chosen';
    expect(backend.callsOf('pairs:review')).toEqual([{ id: 1, pick: rightRole, filter: {} }]);
    expect(byTestId('review-picked').text()).toBe(`You preferred B: ${rightRole === 'chosen' ? 'agrees' : 'disagrees'} with the label.`);
    // The pick is made: a second key does not change it.
    press('1');
    await settle();
    expect(backend.callsOf('pairs:review')).toHaveLength(1);

    press('j');
    await settle();
    press('1');
    await settle();
    expect(backend.callsOf('pairs:review').at(-1)).toEqual({ id: 2, pick: chosenOnLeft(2, 7) ? 'chosen' : 'rejected', filter: {} });
  });

  it('the help overlay lists them', async () => {
    ({ wrapper } = await mountScreen(new FakeBackend(manyPairs(1))));
    press('?');
    await settle();
    const row = (action: string) => wrapper!.get(`[data-testid="help-shortcut"][data-action="${action}"]`).text();
    expect(row('preferA')).toBe('1Blind review: prefer answer A');
    expect(row('preferB')).toBe('2Blind review: prefer answer B');
  });
});

describe('source metadata', () => {
  it("shows a pair's source file and line and its origin fields, and filters the list by source", async () => {
    const backend = new FakeBackend(manyPairs(2, (id) => ({ source: { dataset: 'rlaif', format: 'rlaif-v', file: '/d/rlaif.json', index: id - 1, origin: { idx: `r-${id}`, ds_name: 'vqa' } } })));
    ({ wrapper } = await mountScreen(backend));
    expect(byTestId('pair-source-place').text()).toBe('rlaif.json[0]');
    expect(wrapper.findAll('[data-testid="pair-origin"]').map((o) => o.text())).toEqual(['idx: r-1', 'ds_name: vqa']);

    await byTestId('filter-source').setValue('r-2');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    expect(backend.callsOf('pairs:list').at(-1)).toMatchObject({ filter: { source: 'r-2' } });
  });
});

describe('dataset statistics', () => {
  it("shows the dataset's status mix, length-bias histogram and agreement", async () => {
    const backend = new FakeBackend(manyPairs(4));
    backend.datasetStats.set('shapes', {
      dataset: 'shapes',
      counts: { pending: 1, accepted: 2, rejected: 1, 'needs-review': 0, total: 4 },
      lengthBias: {
        bins: [
          { from: -2, to: -1, count: 1 },
          { from: 0, to: 1, count: 1 },
          { from: 2, to: 3, count: 2 },
        ],
        chosenLonger: 3,
        chosenShorter: 1,
        sameLength: 0,
      },
      reviews: { reviewed: 4, agreed: 3 },
    });
    ({ wrapper } = await mountScreen(backend));
    await byTestId('open-datasets').trigger('click');
    await settle();
    expect(backend.callsOf('datasets:stats')).toEqual([{ dataset: 'shapes' }]);
    expect(byTestId('dataset-status-accepted').text()).toBe('Accepted 2 (50%)');
    expect(wrapper.findAll('.stats__segment').map((s) => (s.element as HTMLElement).style.width)).toEqual(['25%', '50%', '25%', '0%']);
    expect((wrapper.findAll('.stats__segment')[1]!.element as HTMLElement).style.background).toBe('var(--accepted)');
    const bins = wrapper.findAll('[data-testid="length-bias-bin"]');
    expect(bins.map((b) => [b.attributes('data-from'), b.attributes('data-count'), b.attributes('style')])).toEqual([
      ['-2', '1', 'height: 50%;'],
      ['0', '1', 'height: 50%;'],
      ['2', '2', 'height: 100%;'],
    ]);
    expect(byTestId('dataset-length-sides').text()).toBe('Chosen longer in 3, shorter in 1, as long in 0.');
    expect(byTestId('dataset-agreement').text()).toBe('Blind review: 3 of 4 picks agree with the label (75%).');
  });
});

describe('export with the list filter', () => {
  it("opens on the list's statuses, split, dataset and tag, and exports exactly that", async () => {
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    const filters = useFiltersStore();
    filters.dataset = 'shapes';
    filters.tag = 'blurry';
    filters.split = 'test';
    filters.toggleStatus('needs-review');
    await settle();
    await byTestId('open-export').trigger('click');
    await settle();
    expect((byTestId('export-status-needs-review').element as HTMLInputElement).checked).toBe(true);
    expect((byTestId('export-status-accepted').element as HTMLInputElement).checked).toBe(false);
    expect((byTestId('export-split').element as HTMLSelectElement).value).toBe('test');
    expect(byTestId('export-list-filter-text').text()).toBe('dataset shapes · tag blurry');
    await byTestId('export-path').setValue('/out/review.jsonl');
    await byTestId('export-run').trigger('click');
    await settle();
    expect(backend.callsOf('data:export')[0]).toMatchObject({
      filter: { dataset: 'shapes', tags: ['blurry'], status: ['needs-review'], split: 'test' },
    });
  });
});
