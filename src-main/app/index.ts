// The desktop app's main process: opens the workspace, the window, the image protocol and the IPC wiring.
// This folder is the only place that imports electron; everything it calls is plain, testable Node.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, Menu } from 'electron';
import { PivotError } from '../../src-shared/errors';
import { announceOtherProcessChanges } from '../ipc/workspace-changes';
import { WorkspaceJobs } from '../ipc/workspace-jobs';
import type { EmitEvent } from '../runs/run-session';
import { Workspace } from '../store/workspace';
import { launchUtilityEngineHost } from './engine-host-utility';
import { handleImageProtocol, registerImageSchemePrivileges } from './image-protocol';
import { registerIpc, sendToWindow } from './ipc';
import { buildMenu } from './menu';
import { readSettings, writeSettings } from './settings';
import { createMainWindow } from './window';

registerImageSchemePrivileges();

/** out/main, where the built preload and renderer sit beside us. */
const here = fileURLToPath(new URL('.', import.meta.url));

let workspace: Workspace | undefined;
/** The engine jobs of the open workspace (runs, studies, exports…), each on an engine host utility process. */
let jobs: WorkspaceJobs | undefined;
let mainWindow: BrowserWindow | undefined;
/** Stops announcing to the window what other processes (the CLI, `pivot serve`) write to the open workspace. */
let stopAnnouncing: (() => void) | undefined;

async function openWorkspace(dir: string): Promise<Workspace> {
  const next = Workspace.open(dir);
  stopAnnouncing?.();
  // A run of the previous workspace is cancelled (checkpoint kept) before its database closes.
  await jobs?.close();
  workspace?.close();
  workspace = next;
  const emit: EmitEvent = (event, payload) => sendToWindow(mainWindow, event, payload);
  jobs = new WorkspaceJobs(next, { launch: launchUtilityEngineHost, emit, recipesDir: join(app.getAppPath(), 'resources', 'recipes') });
  stopAnnouncing = announceOtherProcessChanges(next, emit);
  writeSettings(app.getPath('userData'), { workspace: next.dir });
  return next;
}

function currentWorkspace(): Workspace {
  if (!workspace) throw new PivotError('WORKSPACE_UNAVAILABLE', 'No workspace is open: use File → Open Workspace….');
  return workspace;
}

async function chooseWorkspace(win: BrowserWindow): Promise<void> {
  const r = await dialog.showOpenDialog(win, { title: 'Open or create a workspace folder', properties: ['openDirectory', 'createDirectory'] });
  const dir = r.filePaths[0];
  if (r.canceled || !dir) return;
  try {
    await openWorkspace(dir);
    win.reload();
  } catch (err) {
    dialog.showErrorBox('Cannot open this workspace', PivotError.toData(err).message);
  }
}

void app.whenReady().then(async () => {
  const remembered = readSettings(app.getPath('userData')).workspace;
  try {
    await openWorkspace(remembered ?? join(app.getPath('documents'), 'PIVOT Studio'));
  } catch (err) {
    dialog.showErrorBox('Cannot open the last workspace', `${PivotError.toData(err).message}\nChoose another one with File → Open Workspace….`);
  }
  handleImageProtocol(currentWorkspace);
  const win = createMainWindow(join(here, '../preload'), join(here, '../renderer'), app.isPackaged);
  mainWindow = win;
  registerIpc(win, currentWorkspace, () => jobs);
  Menu.setApplicationMenu(buildMenu({ openWorkspace: () => void chooseWorkspace(win) }, app.isPackaged));
});

app.on('window-all-closed', () => {
  // A run in progress stops at its next step and keeps its checkpoint before the workspace closes.
  stopAnnouncing?.();
  void (jobs?.close() ?? Promise.resolve()).finally(() => {
    workspace?.close();
    app.quit();
  });
});
