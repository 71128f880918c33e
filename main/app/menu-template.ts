// The native menu as data. Pure (types only from `electron`) so the accelerators and the dev-only
// items are unit-tested in plain Node; index.ts hands the result to Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  /** File > Import dataset…: the native open-file dialog, then the import (main/app/open-file.ts). */
  importDataset(): void;
  /** Help > About (and the macOS app menu's About): versions and the tfjs backend. */
  showAbout(): void;
}

export interface MenuOptions {
  appName: string;
  platform: NodeJS.Platform;
  /** Not packaged: reload and devtools are for developers; in the app they would only lose state. */
  isDev: boolean;
}

export function buildMenuTemplate(options: MenuOptions, actions: MenuActions): MenuItemConstructorOptions[] {
  const isMac = options.platform === 'darwin';
  // '&' marks the Alt+letter mnemonic on Windows and Linux; macOS menus have none.
  const top = (label: string): string => (isMac ? label : `&${label}`);
  const importItem: MenuItemConstructorOptions = {
    id: 'import-dataset',
    label: 'Import Dataset…',
    accelerator: 'CmdOrCtrl+O',
    click: () => actions.importDataset(),
  };
  const aboutItem: MenuItemConstructorOptions = {
    id: 'about',
    label: `About ${options.appName}`,
    click: () => actions.showAbout(),
  };

  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    // macOS puts About, Hide and Quit in the menu named after the app.
    template.push({
      label: options.appName,
      submenu: [
        aboutItem,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: top('File'),
    submenu: isMac ? [importItem, { type: 'separator' }, { role: 'close' }] : [importItem, { type: 'separator' }, { role: 'quit' }],
  });
  template.push({
    label: top('Edit'),
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  const developer: MenuItemConstructorOptions[] = options.isDev
    ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
    : [];
  template.push({
    label: top('View'),
    submenu: [
      ...developer,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({
    label: top('Window'),
    submenu: isMac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  });
  // macOS already has About in the app menu (and an empty Help menu only shows a search box).
  if (!isMac) template.push({ label: top('Help'), role: 'help', submenu: [aboutItem] });
  return template;
}
