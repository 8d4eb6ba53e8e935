// Messages in the corner: errors from the api (with their message), which stay until dismissed, and confirmations of
// long actions, which go by themselves.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { errorMessage } from '../lib/format';

export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

/** How long a message that is not an error stays; an error stays until dismissed (one read too late is lost). */
const LIFETIME_MS = 4000;

export const useToastsStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let nextId = 1;

  function push(kind: ToastKind, message: string): number {
    const id = nextId++;
    // Only passing messages make room for new ones; no error is pushed out unread.
    const passing = toasts.value.filter((t) => t.kind !== 'error');
    const dropped = new Set(passing.slice(0, Math.max(0, passing.length - 4)).map((t) => t.id));
    toasts.value = [...toasts.value.filter((t) => !dropped.has(t.id)), { id, kind, message }];
    if (kind !== 'error') setTimeout(() => dismiss(id), LIFETIME_MS);
    return id;
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  /** An error from the api or anywhere: its message, prefixed by what the user was doing. */
  function error(err: unknown, doing?: string): void {
    const message = errorMessage(err);
    push('error', doing ? `${doing}: ${message}` : message);
  }

  return {
    toasts,
    errors: computed(() => toasts.value.filter((t) => t.kind === 'error')),
    passing: computed(() => toasts.value.filter((t) => t.kind !== 'error')),
    push,
    dismiss,
    error,
    info: (message: string) => push('info', message),
    success: (message: string) => push('success', message),
  };
});
