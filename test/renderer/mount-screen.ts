// Mounts the whole window (App.vue) on a FakeBackend, with a fresh Pinia and the real api client over the fake.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { vi } from 'vitest';
import { createApi, setApi } from '../../src-renderer/src/api';
import App from '../../src-renderer/src/App.vue';
import { usePairsStore } from '../../src-renderer/src/stores/pairs';
import type { FakeBackend } from './fake-backend';

export async function mountScreen(backend: FakeBackend): Promise<{ wrapper: VueWrapper; pairs: ReturnType<typeof usePairsStore> }> {
  const pinia = createPinia();
  setActivePinia(pinia);
  setApi(createApi(backend));
  const wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
  await settle();
  return { wrapper, pairs: usePairsStore() };
}

/** Lets pending api calls, their continuations and the resulting renders finish (a screen loaded on demand too). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await flushPromises();
  await vi.dynamicImportSettled();
  for (let i = 0; i < 5; i++) await flushPromises();
}

export function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = window): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}
