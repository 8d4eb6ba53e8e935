// The application menu: open a workspace, the usual edit/view roles, and where the documentation lives.
import { Menu, shell, type MenuItemConstructorOptions } from 'electron';

export function buildMenu(actions: { openWorkspace: () => void }): Menu {
  const template: MenuItemConstructorOptions[] = [
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
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { role: 'togglefullscreen' }],
    },
    {
      role: 'help',
      submenu: [{ label: 'The PIVOT study (arXiv 2510.16333)', click: () => void shell.openExternal('https://arxiv.org/abs/2510.16333') }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
