// The keyboard of the curation screen: one table (also what the help overlay lists) and a window keydown listener.
// Shortcuts do nothing while the user types in a field (Escape excepted), and ignore Alt combinations.
import { onBeforeUnmount, onMounted } from 'vue';

export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'accept'
  | 'reject'
  | 'needsReview'
  | 'pending'
  | 'swap'
  | 'edit'
  | 'focusTags'
  | 'undo'
  | 'toggleSelect'
  | 'preferA'
  | 'preferB'
  | 'search'
  | 'help'
  | 'escape';

export interface Shortcut {
  action: ShortcutAction;
  /** Normalised keys (see `keyName`): `j`, `ArrowDown`, `Ctrl+z`, `Space`, `?`. */
  keys: string[];
  /** How the help overlay shows the keys. */
  display: string[];
  label: string;
  /** Whether holding the key repeats it (navigation only: holding `a` must not accept a run of pairs). */
  repeat?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'next', keys: ['j', 'ArrowDown'], display: ['j', '↓'], label: 'Next pair', repeat: true },
  { action: 'previous', keys: ['k', 'ArrowUp'], display: ['k', '↑'], label: 'Previous pair', repeat: true },
  { action: 'accept', keys: ['a'], display: ['a'], label: 'Accept (then next, if auto-advance is on)' },
  { action: 'reject', keys: ['r'], display: ['r'], label: 'Reject (then next, if auto-advance is on)' },
  { action: 'needsReview', keys: ['n'], display: ['n'], label: 'Needs review (then next, if auto-advance is on)' },
  { action: 'pending', keys: ['p'], display: ['p'], label: 'Back to pending' },
  { action: 'swap', keys: ['s'], display: ['s'], label: 'Swap chosen ↔ rejected' },
  { action: 'edit', keys: ['e'], display: ['e'], label: 'Edit question and answers (Ctrl+Enter saves, Esc cancels)' },
  { action: 'focusTags', keys: ['t'], display: ['t'], label: 'Add a tag' },
  { action: 'undo', keys: ['u', 'Ctrl+z'], display: ['u', 'Ctrl+Z'], label: 'Undo the last edit' },
  { action: 'toggleSelect', keys: ['Space', 'x'], display: ['Space', 'x'], label: 'Select / unselect the pair' },
  { action: 'preferA', keys: ['1'], display: ['1'], label: 'Blind review: prefer answer A' },
  { action: 'preferB', keys: ['2'], display: ['2'], label: 'Blind review: prefer answer B' },
  { action: 'search', keys: ['/'], display: ['/'], label: 'Search the text' },
  { action: 'help', keys: ['?'], display: ['?'], label: 'Show / hide this help' },
  { action: 'escape', keys: ['Escape'], display: ['Esc'], label: 'Close the overlay, leave a field, clear the selection' },
];

const BY_KEY = new Map<string, Shortcut>();
for (const s of SHORTCUTS) for (const key of s.keys) BY_KEY.set(key, s);

type KeyLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/** A key event as the table names it, or null for combinations no shortcut uses. */
export function keyName(event: KeyLike): string | null {
  if (event.altKey) return null;
  const key = event.key === ' ' ? 'Space' : event.key;
  // Ctrl+Shift+Z is redo elsewhere: not a shortcut here.
  if (event.ctrlKey || event.metaKey) return key.length === 1 && !event.shiftKey ? `Ctrl+${key.toLowerCase()}` : null;
  return key;
}

export function shortcutFor(event: KeyLike): Shortcut | null {
  const name = keyName(event);
  return name === null ? null : (BY_KEY.get(name) ?? null);
}

const TEXT_INPUT_TYPES = new Set([
  'text',
  'search',
  'number',
  'email',
  'url',
  'password',
  'tel',
  'date',
  'datetime-local',
  'month',
  'time',
  'week',
]);

/** Whether keys typed at this target are text (an input, textarea, select or editable element). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return TEXT_INPUT_TYPES.has(((el as HTMLInputElement).type || 'text').toLowerCase());
  return el.isContentEditable === true || el.getAttribute?.('contenteditable') === 'true';
}

export type ShortcutHandlers = Partial<Record<ShortcutAction, (event: KeyboardEvent) => void>>;

export interface ShortcutOptions {
  /** Whether an action may run now (e.g. only Escape while a dialog is open). Default: all. */
  allow?: (action: ShortcutAction) => boolean;
  /** Where to listen (default: window). */
  target?: () => Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/** The keydown handler itself (exported for tests and for listeners outside a component). */
export function createShortcutHandler(handlers: ShortcutHandlers, options: ShortcutOptions = {}) {
  return (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.isComposing) return;
    const shortcut = shortcutFor(event);
    if (!shortcut) return;
    const { action } = shortcut;
    if (action !== 'escape' && isTypingTarget(event.target)) return;
    if (event.repeat && !shortcut.repeat) return;
    if (options.allow && !options.allow(action)) return;
    const handler = handlers[action];
    if (!handler) return;
    event.preventDefault();
    handler(event);
  };
}

/** Listens to the keyboard while the calling component is mounted. */
export function useShortcuts(handlers: ShortcutHandlers, options: ShortcutOptions = {}): void {
  const onKeyDown = createShortcutHandler(handlers, options);
  const target = () => (options.target ? options.target() : window);
  onMounted(() => target().addEventListener('keydown', onKeyDown as EventListener));
  onBeforeUnmount(() => target().removeEventListener('keydown', onKeyDown as EventListener));
}
