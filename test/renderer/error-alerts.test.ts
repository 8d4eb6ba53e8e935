// @vitest-environment happy-dom
// Errors stay until dismissed on every tab (the Training tab's alerts' component, in the corner), while passing
// messages go by themselves: an error read a minute late is still there.
import type { VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../../src-renderer/src/api';
import { useToastsStore } from '../../src-renderer/src/stores/toasts';
import { PivotError } from '../../src-shared/errors';
import { FakeBackend, manyPairs } from './fake-backend';
import { mountScreen, press, settle } from './mount-screen';

let wrapper: VueWrapper | null = null;
beforeEach(() => history.replaceState(null, '', '/'));
afterEach(() => {
  vi.useRealTimers();
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
});

const errors = (w: VueWrapper) => w.findAll('[data-testid="error-alert"]').map((a) => a.get('.alerts__message').text());
const passing = (w: VueWrapper) => w.findAll('[data-testid="toast"] .toast__message').map((t) => t.text());

describe('errors on the Curation and Compare tabs', () => {
  it('stay until dismissed, while passing messages go after 4 s', async () => {
    const backend = new FakeBackend(manyPairs(3));
    backend.overrides.set('pairs:update', () => {
      throw new PivotError('WORKSPACE_UNAVAILABLE', 'The workspace database is locked by another process.');
    });
    backend.overrides.set('reports:list', () => {
      throw new PivotError('FILE_UNREADABLE', '/ws/reports is not readable: check its permissions.');
    });
    ({ wrapper } = await mountScreen(backend));
    vi.useFakeTimers({ toFake: ['setTimeout'] });

    press('a');
    await settle();
    useToastsStore().info('Something passing.');
    await settle();
    expect(errors(wrapper)).toEqual(['Setting the status: The workspace database is locked by another process.']);
    expect(passing(wrapper)).toEqual(['Something passing.']);

    vi.advanceTimersByTime(60_000);
    await settle();
    expect(errors(wrapper)).toEqual(['Setting the status: The workspace database is locked by another process.']);
    expect(passing(wrapper)).toEqual([]);

    await wrapper.get('[data-testid="nav-compare"]').trigger('click');
    await settle();
    vi.advanceTimersByTime(60_000);
    await settle();
    expect(errors(wrapper)).toEqual([
      'Setting the status: The workspace database is locked by another process.',
      'Listing the reports: /ws/reports is not readable: check its permissions.',
    ]);

    await wrapper.findAll('[data-testid="error-alert-dismiss"]')[0]!.trigger('click');
    expect(errors(wrapper)).toEqual(['Listing the reports: /ws/reports is not readable: check its permissions.']);
  });

  it('are never pushed out by passing messages', async () => {
    ({ wrapper } = await mountScreen(new FakeBackend(manyPairs(1))));
    const toasts = useToastsStore();
    toasts.error(new Error('first'), 'Importing');
    for (let i = 1; i <= 8; i++) toasts.success(`done ${i}`);
    await settle();
    expect(errors(wrapper)).toEqual(['Importing: first']);
    expect(passing(wrapper)).toEqual(['done 4', 'done 5', 'done 6', 'done 7', 'done 8']);
  });
});
