// The Electron wiring, with electron mocked (its binary cannot be downloaded on these machines).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { workspaceWithPairs } from '../../helpers/workspace';

const handles = new Map<string, (event: unknown, request: unknown) => unknown>();
const created: Array<{ options: Record<string, any>; openHandler?: (d: { url: string }) => unknown }> = [];

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: Record<string, any>;
    constructor(options: Record<string, any>) {
      const record: (typeof created)[number] = { options };
      created.push(record);
      this.webContents = {
        setWindowOpenHandler: (h: (d: { url: string }) => unknown) => (record.openHandler = h),
        on: vi.fn(),
        send: vi.fn(),
        mainFrame: { url: 'file:///app/out/renderer/index.html' },
      };
    }
    once = vi.fn();
    loadFile = vi.fn(async () => undefined);
    loadURL = vi.fn(async () => undefined);
    isDestroyed = () => false;
  }
  return {
    BrowserWindow,
    shell: { openExternal: vi.fn(async () => undefined) },
    dialog: {},
    ipcMain: { handle: (channel: string, fn: (event: unknown, request: unknown) => unknown) => handles.set(channel, fn) },
  };
});

beforeEach(() => {
  handles.clear();
  created.length = 0;
});

describe('the main window', () => {
  it('is sandboxed, context-isolated, without Node, and denies new windows', async () => {
    const { createMainWindow } = await import('../../../src-main/app/window');
    createMainWindow('/p', '/r');
    const prefs = created[0]!.options.webPreferences;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: '/p/index.cjs' });
    expect(created[0]!.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });
});

describe('IPC wiring', () => {
  it('registers every contract channel, answers our window, and refuses any other sender', async () => {
    const { registerIpc } = await import('../../../src-main/app/ipc');
    const { createMainWindow } = await import('../../../src-main/app/window');
    const { contract } = await import('../../../src-shared/ipc/contract');
    const ws = await workspaceWithPairs([{}]);
    const win = createMainWindow('/p', '/r') as unknown as { webContents: { mainFrame: unknown } };
    registerIpc(win as never, () => ws);
    expect([...handles.keys()].sort()).toEqual(Object.keys(contract).sort());

    const ours = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await handles.get('pairs:counts')!(ours, {})).toMatchObject({ ok: true, data: { total: 1 } });

    const stranger = { sender: {}, senderFrame: { url: 'https://evil.example/' } };
    expect(await handles.get('pairs:counts')!(stranger, {})).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'Request from an unknown frame refused.' },
    });
    const subframe = { sender: win.webContents, senderFrame: { url: 'file:///app/out/renderer/index.html' } };
    expect(await handles.get('pairs:counts')!(subframe, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });
});
