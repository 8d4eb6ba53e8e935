// Ambient types of the window: Vue single-file components, stylesheets, and the Electron preload bridge.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare module '*.css';

interface Window {
  /** The Electron preload bridge (contextBridge); absent under `pivot serve` in a browser. */
  pivot?: import('../../src-shared/ipc/wire').PreloadBridge;
}
