// The Electron wiring, with electron mocked (its binary cannot be downloaded on these machines).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { workspaceWithPairs } from '../../helpers/workspace';

const handles = new Map<string, (event: unknown, request: unknown) => unknown>();
interface CreatedWindow {
  options: Record<string, any>;
  openHandler?: (d: { url: string }) => unknown;
  permissionRequest?: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
  permissionCheck?: (contents: unknown, permission: string) => boolean;
  listeners: Map<string, (event: { preventDefault: () => void }) => void>;
  loaded: { file?: string; url?: string };
}
const created: CreatedWindow[] = [];
const openExternal = vi.fn(async (_url: string) => undefined);

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: Record<string, any>;
    constructor(options: Record<string, any>) {
      const record: CreatedWindow = { options, listeners: new Map(), loaded: {} };
      created.push(record);
      this.record = record;
      this.webContents = {
        setWindowOpenHandler: (h: CreatedWindow['openHandler']) => (record.openHandler = h),
        on: (name: string, fn: (event: { preventDefault: () => void }) => void) => record.listeners.set(name, fn),
        send: vi.fn(),
        mainFrame: { url: 'file:///app/out/renderer/index.html' },
        session: {
          setPermissionRequestHandler: (h: CreatedWindow['permissionRequest']) => (record.permissionRequest = h),
          setPermissionCheckHandler: (h: CreatedWindow['permissionCheck']) => (record.permissionCheck = h),
        },
      };
    }
    record: CreatedWindow;
    once = vi.fn();
    loadFile = vi.fn(async (file: string) => void (this.record.loaded.file = file));
    loadURL = vi.fn(async (url: string) => void (this.record.loaded.url = url));
    isDestroyed = () => false;
  }
  return {
    BrowserWindow,
    shell: { openExternal },
    Menu: { buildFromTemplate: (template: unknown) => template },
    dialog: {},
    ipcMain: { handle: (channel: string, fn: (event: unknown, request: unknown) => unknown) => handles.set(channel, fn) },
  };
});

beforeEach(() => {
  handles.clear();
  created.length = 0;
  openExternal.mockClear();
  vi.unstubAllEnvs();
});

describe('the main window', () => {
  it('is sandboxed, context-isolated, without Node, and denies new windows', async () => {
    const { createMainWindow } = await import('../../../src-main/app/window');
    createMainWindow('/p', '/r', false);
    const prefs = created[0]!.options.webPreferences;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: '/p/index.cjs', devTools: true });
    expect(created[0]!.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('opens only allow-listed https links in the browser, and always denies the new window', async () => {
    const { createMainWindow } = await import('../../../src-main/app/window');
    createMainWindow('/p', '/r', true);
    const open = created[0]!.openHandler!;
    for (const url of ['https://evil.example/', 'http://arxiv.org/abs/1', 'file:///etc/passwd', 'javascript:alert(1)', 'https://arxiv.org.evil.example/', 'https://user:pw@arxiv.org/', 'not a url']) {
      expect(open({ url }), url).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
    expect(open({ url: 'https://arxiv.org/abs/2510.16333' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://arxiv.org/abs/2510.16333']]);
  });

  it('denies every permission request and check, and blocks navigation and <webview>', async () => {
    const { createMainWindow } = await import('../../../src-main/app/window');
    createMainWindow('/p', '/r', true);
    const win = created[0]!;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'midi', 'hid', 'openExternal', 'fullscreen', 'a-future-permission']) {
      const answers: boolean[] = [];
      win.permissionRequest!({}, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(win.permissionCheck!({}, permission), permission).toBe(false);
    }
    for (const name of ['will-navigate', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      win.listeners.get(name)!(event);
      expect(event.preventDefault, name).toHaveBeenCalledOnce();
    }
  });

  it('loads ELECTRON_RENDERER_URL in development only: an installed app loads its built page, without DevTools', async () => {
    const { createMainWindow } = await import('../../../src-main/app/window');
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://127.0.0.1:6666/evil');
    createMainWindow('/p', '/r', true);
    expect(created[0]!.loaded).toEqual({ file: '/r/index.html' });
    expect(created[0]!.options.webPreferences.devTools).toBe(false);
    createMainWindow('/p', '/r', false);
    expect(created[1]!.loaded).toEqual({ url: 'http://127.0.0.1:6666/evil' });
  });
});

describe('the application menu', () => {
  /** Every role and label of a menu template, submenus included. */
  function items(template: Array<Record<string, any>>): string[] {
    return template.flatMap((item) => [item.role ?? item.label ?? item.type, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
  }

  it('has Reload and DevTools in development and neither in an installed app', async () => {
    const { menuTemplate } = await import('../../../src-main/app/menu');
    const dev = items(menuTemplate({ openWorkspace: () => undefined }, false) as never);
    const installed = items(menuTemplate({ openWorkspace: () => undefined }, true) as never);
    expect(dev).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(installed).toEqual([
      'File', 'Open Workspace…', 'separator', 'quit', 'editMenu',
      'View', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen',
      'help', 'The PIVOT study (arXiv 2510.16333)',
    ]);
  });
});

describe('IPC wiring', () => {
  it('registers every contract channel, answers our window, and refuses any other sender', async () => {
    const { registerIpc } = await import('../../../src-main/app/ipc');
    const { createMainWindow } = await import('../../../src-main/app/window');
    const { contract } = await import('../../../src-shared/ipc/contract');
    const ws = await workspaceWithPairs([{}]);
    const win = createMainWindow('/p', '/r', true) as unknown as { webContents: { mainFrame: unknown } };
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
