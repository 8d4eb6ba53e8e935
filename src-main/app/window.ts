// The main window: sandboxed, context-isolated, no Node in the page, no web permissions, links opened in the browser
// only to the sites of the allow-list, and in an installed app no DevTools and no page but the built one.
import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import { openExternalLink } from './external-links';
import { devRendererUrl, isPermissionGranted } from './window-policy';

export function createMainWindow(preloadDir: string, rendererDir: string, packaged: boolean): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'PIVOT Studio',
    webPreferences: {
      preload: join(preloadDir, 'index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      devTools: !packaged,
    },
  });
  win.once('ready-to-show', () => win.show());
  const session = win.webContents.session;
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionGranted(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternalLink(url);
    return { action: 'deny' };
  });
  // The window only ever shows the app's own page, and embeds no <webview>.
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  const devUrl = devRendererUrl(process.env, packaged);
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(rendererDir, 'index.html'));
  return win;
}
