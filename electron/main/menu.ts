// The application menu: the usual roles, plus opening tarballs.
import { Menu, app, shell, type MenuItemConstructorOptions } from 'electron';

export function installMenu(onOpenArchives: () => void): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [{ label: 'Push Image Tarball…', accelerator: 'CmdOrCtrl+O', click: onOpenArchives }, { type: 'separator' }, isMac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools', visible: !app.isPackaged }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Stevedore on GitHub', click: () => void shell.openExternal('https://github.com/stevedore-app/stevedore') }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
