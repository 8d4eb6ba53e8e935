// Wires the contract to ipcMain: every request is checked for its sender (our own window) and validated by dispatch.
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { contract, type ChannelName, type EventName, type Events, type PickPurpose } from '../../src-shared/ipc/contract';
import { PivotError } from '../../src-shared/errors';
import { dispatch } from '../ipc/dispatch';
import type { HandlerContext } from '../ipc/handlers';
import type { WorkspaceJobs } from '../ipc/workspace-jobs';
import type { Workspace } from '../store/workspace';

/** Pushes an event to the window, unless it is gone. */
export function sendToWindow<E extends EventName>(win: BrowserWindow | undefined, event: E, payload: Events[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(event, payload);
}

export function registerIpc(win: BrowserWindow, workspace: () => Workspace, jobs?: () => WorkspaceJobs | undefined): void {
  const emit = <E extends EventName>(event: E, payload: Events[E]): void => sendToWindow(win, event, payload);
  const pickFile = async (purpose: PickPurpose): Promise<string | null> => {
    if (purpose === 'export-encoder') {
      // A folder, new or empty: the export writes several files into it.
      const r = await dialog.showOpenDialog(win, { title: 'Export the encoder into', properties: ['openDirectory', 'createDirectory', 'promptToCreate'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    }
    if (purpose === 'model-folder') {
      // An existing Hugging Face folder (config.json, safetensors): it is read, never made.
      const r = await dialog.showOpenDialog(win, { title: 'Choose the model folder', properties: ['openDirectory'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    }
    const filters = [{ name: 'Preference pairs', extensions: ['jsonl', 'json'] }];
    if (purpose === 'import') {
      const r = await dialog.showOpenDialog(win, { properties: ['openFile'], filters });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    }
    const r = await dialog.showSaveDialog(win, { defaultPath: 'pairs.jsonl', filters });
    return r.canceled ? null : (r.filePath ?? null);
  };
  for (const channel of Object.keys(contract) as ChannelName[]) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, request: unknown) => {
      if (!fromOurWindow(event, win)) {
        return { ok: false, error: new PivotError('UNAUTHORIZED', 'Request from an unknown frame refused.').toJSON() };
      }
      const open = jobs?.();
      const ctx: HandlerContext = { workspace: workspace(), emit, pickFile, ...(open ? { jobs: open } : {}) };
      return dispatch(channel, request, ctx);
    });
  }
}

/** Only the main frame of our window, showing our own page, may call the contract. */
function fromOurWindow(event: IpcMainInvokeEvent, win: BrowserWindow): boolean {
  const frame = event.senderFrame;
  if (event.sender !== win.webContents || !frame || frame !== win.webContents.mainFrame) return false;
  const url = new URL(frame.url);
  return url.protocol === 'file:' || url.origin === process.env.ELECTRON_RENDERER_URL?.replace(/\/$/, '');
}
