// The application menu: open a workspace, the usual edit/view roles, and where the documentation lives. Reload and
// DevTools are for development: an installed app leaves them out.
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { openExternalLink } from './external-links';

const PAPER_URL = 'https://arxiv.org/abs/2510.16333';

export function menuTemplate(actions: { openWorkspace: () => void }, packaged: boolean): MenuItemConstructorOptions[] {
  const development: MenuItemConstructorOptions[] = packaged ? [] : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  return [
    {
      label: 'File',
      submenu: [
        { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: actions.openWorkspace },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [...development, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { role: 'togglefullscreen' }],
    },
    {
      role: 'help',
      submenu: [{ label: 'The PIVOT study (arXiv 2510.16333)', click: () => openExternalLink(PAPER_URL) }],
    },
  ];
}

export function buildMenu(actions: { openWorkspace: () => void }, packaged: boolean): Menu {
  return Menu.buildFromTemplate(menuTemplate(actions, packaged));
}
