// @vitest-environment happy-dom
// The keyboard of the curation screen, on the whole window over a fake app: a accepts and advances, s swaps,
// u undoes (the last edit, going back to its pair), nothing fires while typing in a field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import { setApi } from '../../src-renderer/src/api';
import { createShortcutHandler, isTypingTarget, keyName, SHORTCUTS } from '../../src-renderer/src/composables/useShortcuts';
import { FakeBackend, manyPairs } from './fake-backend';
import { mountScreen, press, settle } from './mount-screen';

let wrapper: VueWrapper | null = null;

beforeEach(() => {
  localStorage.clear();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setApi(null);
  document.body.innerHTML = '';
});

function text(testid: string): string {
  return wrapper!.get(`[data-testid="${testid}"]`).text();
}

describe('curation shortcuts', () => {
  it('shows the first pair once loaded', async () => {
    const backend = new FakeBackend(manyPairs(5));
    ({ wrapper } = await mountScreen(backend));
    expect(text('pair-question')).toBe('Question 1?');
    expect(text('pair-chosen')).toBe('Chosen answer 1');
    expect(text('pair-rejected')).toBe('Rejected answer 1');
    expect(text('count-pending')).toBe('5');
    expect(text('count-total')).toBe('5');
    expect(text('workspace-path')).toBe('/tmp/workspace');
  });

  it('a: sets the status to accepted through pairs:update, then shows the next pair', async () => {
    const backend = new FakeBackend(manyPairs(5));
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    const event = press('a');
    expect(event.defaultPrevented).toBe(true);
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([{ id: 1, edit: { status: 'accepted' } }]);
    expect(text('pair-question')).toBe('Question 2?');
    expect(pairs.current?.id).toBe(2);
    expect(pairs.currentIndex).toBe(1);
    // The row of pair 1 holds the app's answer (updated in place) and the counters follow.
    expect(pairs.pairAt(0)?.status).toBe('accepted');
    await new Promise((r) => setTimeout(r, 150));
    await settle();
    expect(text('count-accepted')).toBe('1');
    expect(text('count-pending')).toBe('4');
  });

  it('r and n set their statuses; p sets pending without moving; j/k and arrows move', async () => {
    const backend = new FakeBackend(manyPairs(5));
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    press('r');
    await settle();
    press('n');
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([
      { id: 1, edit: { status: 'rejected' } },
      { id: 2, edit: { status: 'needs-review' } },
    ]);
    expect(pairs.current?.id).toBe(3);
    press('k');
    await settle();
    expect(pairs.current?.id).toBe(2);
    press('p');
    await settle();
    expect(backend.callsOf('pairs:update').at(-1)).toEqual({ id: 2, edit: { status: 'pending' } });
    expect(pairs.current?.id).toBe(2);
    press('ArrowDown');
    await settle();
    press('j');
    await settle();
    expect(pairs.current?.id).toBe(4);
    press('ArrowUp');
    await settle();
    expect(pairs.current?.id).toBe(3);
  });

  it('with auto-advance off, a accepts and stays', async () => {
    localStorage.setItem('pivot.autoAdvance', 'false');
    const backend = new FakeBackend(manyPairs(3));
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    expect((wrapper.get('[data-testid="auto-advance"]').element as HTMLInputElement).checked).toBe(false);
    press('a');
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([{ id: 1, edit: { status: 'accepted' } }]);
    expect(pairs.current?.id).toBe(1);
    expect(pairs.current?.status).toBe('accepted');
    expect(wrapper.get('[data-testid="pair-status"]').text()).toBe('Accepted');
  });

  it('s: swaps chosen and rejected through pairs:swap', async () => {
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    press('s');
    await settle();
    expect(backend.callsOf('pairs:swap')).toEqual([{ id: 1 }]);
    expect(text('pair-chosen')).toBe('Rejected answer 1');
    expect(text('pair-rejected')).toBe('Chosen answer 1');
  });

  it('u: undoes the last edit through pairs:undo and goes back to that pair; Ctrl+Z does the same', async () => {
    const backend = new FakeBackend(manyPairs(4));
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    press('a'); // pair 1 accepted, now on pair 2
    await settle();
    press('s'); // pair 2 swapped
    await settle();
    expect(pairs.current?.id).toBe(2);

    press('u');
    await settle();
    expect(backend.callsOf('pairs:undo')).toEqual([{ id: 2 }]);
    expect(text('pair-chosen')).toBe('Chosen answer 2');

    press('z', { ctrlKey: true });
    await settle();
    expect(backend.callsOf('pairs:undo')).toEqual([{ id: 2 }, { id: 1 }]);
    expect(pairs.current?.id).toBe(1);
    expect(pairs.current?.status).toBe('pending');
    expect(text('pair-question')).toBe('Question 1?');
    expect(pairs.pairAt(0)?.status).toBe('pending');

    // Nothing left: the app says so, the window shows it as a toast.
    press('u');
    await settle();
    expect(backend.callsOf('pairs:undo')).toEqual([{ id: 2 }, { id: 1 }, { id: 1 }]);
    expect(wrapper.findAll('[data-testid="toast"]').map((t) => t.text())).toContain('Nothing to undo on pair #1.✕');
  });

  it('does nothing while typing in an input or a textarea', async () => {
    const backend = new FakeBackend(manyPairs(3));
    let pairs;
    ({ wrapper, pairs } = await mountScreen(backend));
    const tagInput = wrapper.get('[data-testid="tag-input"]').element as HTMLInputElement;
    tagInput.focus();
    for (const key of ['a', 's', 'u', 'j', 'r']) {
      const event = press(key, {}, tagInput);
      expect(event.defaultPrevented).toBe(false);
    }
    const search = wrapper.get('[data-testid="filter-text"]').element as HTMLInputElement;
    press('j', {}, search);
    press('z', { ctrlKey: true }, search);
    const note = wrapper.get('[data-testid="note-input"]').element as HTMLTextAreaElement;
    press('a', {}, note);
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([]);
    expect(backend.callsOf('pairs:swap')).toEqual([]);
    expect(backend.callsOf('pairs:undo')).toEqual([]);
    expect(pairs.current?.id).toBe(1);
    // Esc leaves the field; then the keys work again.
    search.focus();
    press('Escape', {}, search);
    expect(document.activeElement).not.toBe(search);
    press('a');
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([{ id: 1, edit: { status: 'accepted' } }]);
  });

  it('t focuses the tag input; Enter there adds the tag through pairs:update', async () => {
    const backend = new FakeBackend(manyPairs(2));
    ({ wrapper } = await mountScreen(backend));
    const event = press('t');
    expect(event.defaultPrevented).toBe(true);
    const input = wrapper.get('[data-testid="tag-input"]');
    expect(document.activeElement).toBe(input.element);
    await input.setValue('blurry');
    await input.trigger('keydown', { key: 'Enter' });
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([{ id: 1, edit: { tags: ['blurry'] } }]);
    expect(wrapper.findAll('[data-testid="tag-chip"]').map((c) => c.attributes('data-tag'))).toEqual(['blurry']);
  });

  it('e edits; Ctrl+Enter saves only the changed fields; Esc cancels', async () => {
    const backend = new FakeBackend(manyPairs(2));
    ({ wrapper } = await mountScreen(backend));
    press('e');
    await settle();
    const question = wrapper.get('[data-testid="edit-question"]');
    expect(document.activeElement).toBe(question.element);
    await question.setValue('  A better question?  ');
    // Keys typed in the editor are text, not shortcuts.
    press('a', {}, question.element);
    await question.trigger('keydown', { key: 'Enter', ctrlKey: true });
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([{ id: 1, edit: { question: 'A better question?' } }]);
    expect(text('pair-question')).toBe('A better question?');
    expect(wrapper.find('[data-testid="edit-question"]').exists()).toBe(false);

    press('e');
    await settle();
    await wrapper.get('[data-testid="edit-chosen"]').setValue('thrown away');
    await wrapper.get('[data-testid="edit-chosen"]').trigger('keydown', { key: 'Escape' });
    await settle();
    expect(wrapper.find('[data-testid="edit-chosen"]').exists()).toBe(false);
    expect(text('pair-chosen')).toBe('Chosen answer 1');
    expect(backend.callsOf('pairs:update')).toHaveLength(1);
  });

  it('Space selects the pair (bulk bar), ? opens the help, Esc closes it and blocks other keys meanwhile', async () => {
    const backend = new FakeBackend(manyPairs(3));
    ({ wrapper } = await mountScreen(backend));
    press(' ');
    await settle();
    expect(text('selection-count')).toBe('1 pair');
    press('?');
    await settle();
    expect(wrapper.find('[data-testid="help-overlay"]').exists()).toBe(true);
    expect(wrapper.findAll('[data-testid="help-shortcut"]')).toHaveLength(SHORTCUTS.length);
    press('a');
    await settle();
    expect(backend.callsOf('pairs:update')).toEqual([]);
    press('Escape');
    await settle();
    expect(wrapper.find('[data-testid="help-overlay"]').exists()).toBe(false);
    press('Escape'); // then Esc clears the selection
    await settle();
    expect(wrapper.find('[data-testid="bulk-bar"]').exists()).toBe(false);
  });
});

describe('the shortcut table', () => {
  it('names keys', () => {
    const k = (key: string, mods: Partial<KeyboardEvent> = {}) =>
      keyName({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });
    expect(k('a')).toBe('a');
    expect(k(' ')).toBe('Space');
    expect(k('Z', { ctrlKey: true })).toBe('Ctrl+z');
    expect(k('z', { metaKey: true })).toBe('Ctrl+z');
    expect(k('Z', { ctrlKey: true, shiftKey: true })).toBeNull();
    expect(k('a', { altKey: true })).toBeNull();
  });

  it('knows which targets are typing targets', () => {
    const input = document.createElement('input');
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true);
    expect(isTypingTarget(document.createElement('select'))).toBe(true);
    expect(isTypingTarget(checkbox)).toBe(false);
    expect(isTypingTarget(document.createElement('button'))).toBe(false);
    expect(isTypingTarget(document.body)).toBe(false);
  });

  it('does not repeat status keys held down, but repeats navigation', () => {
    const seen: string[] = [];
    const handle = createShortcutHandler({ accept: () => seen.push('accept'), next: () => seen.push('next') });
    handle(new KeyboardEvent('keydown', { key: 'a', repeat: true }));
    handle(new KeyboardEvent('keydown', { key: 'j', repeat: true }));
    handle(new KeyboardEvent('keydown', { key: 'a' }));
    expect(seen).toEqual(['next', 'accept']);
  });
});
