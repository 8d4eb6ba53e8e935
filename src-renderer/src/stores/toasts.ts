// Short messages in the corner: errors from the api (with their message), and confirmations of long actions.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { errorMessage } from '../lib/format';

export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

const LIFETIME_MS: Record<ToastKind, number> = { error: 8000, info: 4000, success: 4000 };

export const useToastsStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let nextId = 1;

  function push(kind: ToastKind, message: string): number {
    const id = nextId++;
    toasts.value = [...toasts.value.slice(-4), { id, kind, message }];
    setTimeout(() => dismiss(id), LIFETIME_MS[kind]);
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
    push,
    dismiss,
    error,
    info: (message: string) => push('info', message),
    success: (message: string) => push('success', message),
  };
});
