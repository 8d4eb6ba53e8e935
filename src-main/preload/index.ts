// The sandboxed preload: exposes exactly the contract (invoke a channel, listen to an event) — never ipcRenderer.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, isChannelName, type EventName, type Result } from '../../src-shared/ipc/contract';
import type { PreloadBridge } from '../../src-shared/ipc/wire';

const bridge: PreloadBridge = {
  invoke(channel, request) {
    if (!isChannelName(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel ${String(channel)}.` } });
    }
    return ipcRenderer.invoke(channel, request) as Promise<Result<unknown>>;
  },
  on(event, listener) {
    if (!EVENT_NAMES.includes(event as EventName)) throw new Error(`Unknown event ${String(event)}.`);
    const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('pivot', bridge);
