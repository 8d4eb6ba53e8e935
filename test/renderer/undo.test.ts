// @vitest-environment happy-dom
// Undo in the curation screen: a bulk action is one step (`pairs:undo-bulk`), every undo says what it undid in a
// toast, and the Undo of a pair's History panel undoes that pair's last edit, not the window's last one.
import type { VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../../src-renderer/src/api';
import { FakeBackend, manyPairs } from './fake-backend';
import { mountScreen, press, settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

function toasts(w: VueWrapper): string[] {
  return w.findAll('[data-testid="toast"]').map((t) => t.text().replace(/✕$/, ''));
}

describe('undo', () => {
  it('undoes a bulk accept of five pairs in one step and says so', async () => {
    const backend = new FakeBackend(manyPairs(6));
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    await pairs.bulk({ ids: [1, 2, 3, 4, 5] }, { kind: 'status', status: 'accepted' });
    await settle();
    expect(backend.pairs.map((p) => p.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted', 'pending']);

    press('u');
    await settle();
    const job = (backend.callsOf('pairs:bulk')[0] as { job: string }).job;
    expect(backend.callsOf('pairs:undo-bulk')).toEqual([{ job }]);
    expect(backend.callsOf('pairs:undo')).toEqual([]);
    expect(backend.pairs.map((p) => p.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'pending']);
    expect(pairs.pairAt(4)?.status).toBe('pending');
    expect(toasts(wrapper)).toContain('Undid: accepted 5 pairs');
  });

  it('names the single edit it undid', async () => {
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    press('s');
    await settle();
    press('u');
    await settle();
    expect(toasts(wrapper)).toContain('Undid: swapped pair #1');
  });

  it("undoes the History panel's own pair, even when another pair was edited last", async () => {
    const backend = new FakeBackend(manyPairs(4));
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    press('a'); // pair 1 accepted, now on pair 2
    await settle();
    press('a'); // pair 2 accepted, now on pair 3
    await settle();
    await pairs.select(0);
    await settle();
    await wrapper.get('[data-testid="undo-button"]').trigger('click');
    await settle();
    expect(backend.callsOf('pairs:undo')).toEqual([{ id: 1 }]);
    expect(backend.pairs.map((p) => p.status)).toEqual(['pending', 'accepted', 'pending', 'pending']);
    expect(toasts(wrapper)).toContain('Undid: accepted pair #1');
    // `u` still undoes the window's last step: pair 2.
    press('u');
    await settle();
    expect(backend.callsOf('pairs:undo')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(toasts(wrapper)).toContain('Undid: accepted pair #2');
  });
});
