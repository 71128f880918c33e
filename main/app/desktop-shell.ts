// The desktop conveniences around the one window: the native menu, File > Import (native dialog,
// also used for files passed on a command line or opened from Finder), the About box, and the
// taskbar progress and notifications. The decisions are in pure modules (menu-template.ts,
// open-file.ts, about.ts, training-indicators.ts); this file only hands them to Electron.
import { app, dialog, Menu, Notification, type BrowserWindow } from 'electron';
import { formatError } from '../../shared/errors';
import type { RunSummary } from '../../shared/schemas';
import type { Services } from '../services/index';
import { aboutDetail, lastRunBackend } from './about';
import { buildMenuTemplate } from './menu-template';
import { datasetPageUrl, importDatasetFile, OPEN_DIALOG_FILTERS } from './open-file';
import { startTrainingIndicators } from './training-indicators';

export interface DesktopShellOptions {
  services: Services;
  getWindow(): BrowserWindow | null;
  /** The app page (app-url.ts); an imported dataset is shown by loading its route on it. */
  entryUrl: string;
  dataDir: string;
  isDev: boolean;
}

export interface DesktopShell {
  /** Imports the files in order and shows the last one imported; errors are shown in a dialog. */
  openFiles(paths: readonly string[]): Promise<void>;
  /** Unsubscribes from the services' events (before they close). */
  dispose(): void;
}

function liveWindow(getWindow: () => BrowserWindow | null): BrowserWindow | null {
  const win = getWindow();
  return win && !win.isDestroyed() ? win : null;
}

export function installDesktopShell(options: DesktopShellOptions): DesktopShell {
  const { services, getWindow } = options;
  // Notifications are dropped (and their click handlers with them) once garbage collected.
  const notifications = new Set<Notification>();

  const focusWindow = (): void => {
    const win = liveWindow(getWindow);
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const openFiles = async (paths: readonly string[]): Promise<void> => {
    let lastImported: string | null = null;
    for (const path of paths) {
      const result = await importDatasetFile(services, path);
      if (result.ok) {
        lastImported = result.value.id;
        continue;
      }
      const win = liveWindow(getWindow);
      const box = { type: 'error' as const, title: 'Import failed', message: `Could not import ${path}`, detail: formatError(result.error) };
      await (win ? dialog.showMessageBox(win, box) : dialog.showMessageBox(box));
    }
    const win = liveWindow(getWindow);
    if (!lastImported || !win) return;
    // The renderer learns of the new dataset by being (re)loaded on its page: its views and the
    // history list all load from the services on mount, and the contract has no "imported" event.
    // loadURL from main is not a renderer navigation, so security.ts's will-navigate guard is not involved.
    if (win.webContents.isLoading()) await new Promise<void>((resolve) => win.webContents.once('did-stop-loading', () => resolve()));
    if (win.isDestroyed()) return;
    const target = datasetPageUrl(options.entryUrl, lastImported);
    // The same file imported again while its page is open: same URL, so reload it instead.
    if (win.webContents.getURL() === target) win.webContents.reload();
    else {
      await win.loadURL(target).catch((error: unknown) => {
        console.error(`comparo: could not show the imported dataset: ${String(error)}`);
      });
    }
    focusWindow();
  };

  const importDataset = async (): Promise<void> => {
    const win = liveWindow(getWindow);
    const request = { title: 'Import a dataset', properties: ['openFile' as const, 'multiSelections' as const], filters: OPEN_DIALOG_FILTERS };
    const chosen = await (win ? dialog.showOpenDialog(win, request) : dialog.showOpenDialog(request));
    if (!chosen.canceled) await openFiles(chosen.filePaths);
  };

  const showAbout = async (): Promise<void> => {
    const runs = await services.dispatch('runs.list', {});
    const detail = aboutDetail({
      appName: app.getName(),
      appVersion: app.getVersion(),
      versions: process.versions,
      backend: runs.ok ? lastRunBackend(runs.value as RunSummary[]) : null,
      dataDir: options.dataDir,
    });
    const box = { type: 'info' as const, title: `About ${app.getName()}`, message: `${app.getName()} ${app.getVersion()}`, detail, buttons: ['OK'] };
    const win = liveWindow(getWindow);
    await (win ? dialog.showMessageBox(win, box) : dialog.showMessageBox(box));
  };

  const report = (what: string) => (error: unknown) => console.error(`comparo: ${what} failed: ${String(error)}`);
  const template = buildMenuTemplate(
    { appName: app.getName(), platform: process.platform, isDev: options.isDev },
    { importDataset: () => void importDataset().catch(report('import')), showAbout: () => void showAbout().catch(report('about')) },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));

  const stopIndicators = startTrainingIndicators(services, {
    setProgress(fraction, mode) {
      // -1 removes the bar; `mode` is honoured on Windows, elsewhere a paused bar just stays still.
      liveWindow(getWindow)?.setProgressBar(mode === 'none' ? -1 : fraction, { mode });
    },
    notify(title, body) {
      // While the window has focus its own views already show the result.
      if (!Notification.isSupported() || liveWindow(getWindow)?.isFocused()) return;
      const notification = new Notification({ title, body });
      notifications.add(notification);
      notification.on('click', focusWindow);
      notification.on('close', () => notifications.delete(notification));
      notification.show();
    },
  });

  return {
    openFiles,
    dispose() {
      stopIndicators();
      liveWindow(getWindow)?.setProgressBar(-1);
      Menu.setApplicationMenu(null);
    },
  };
}
