// The main window: hardened webPreferences, the contract preload, remembered size and position.
import { BrowserWindow, dialog, screen } from 'electron';
import { WEB_PREFERENCES } from './window-options';
import { MIN_HEIGHT, MIN_WIDTH, loadWindowState, saveWindowState, windowStateFile } from './window-state';

export interface MainWindowOptions {
  /** What app-url.ts's appEntryUrl gave: the dev server or the built index.html as a file: URL. */
  entryUrl: string;
  /** The built preload (CommonJS, as sandboxed preloads must be). */
  preloadPath: string;
  dataDir: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const stateFile = windowStateFile(options.dataDir);
  const state = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    title: 'Comparo',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: options.preloadPath },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => saveWindowState(stateFile, win.getNormalBounds(), win.isMaximized()));
  // A crashed page leaves a blank window. Offer a reload rather than reloading by itself: a page
  // that crashes on load (out of memory on a huge preview) would otherwise crash again in a loop.
  win.webContents.on('render-process-gone', (_event, details) => {
    console.error(`comparo: the window's page is gone (${details.reason}, exit code ${details.exitCode})`);
    if (details.reason === 'clean-exit' || win.isDestroyed()) return;
    void dialog
      .showMessageBox(win, { type: 'error', message: 'The Comparo window stopped working.', detail: `Reason: ${details.reason}. Training runs are not affected.`, buttons: ['Reload', 'Close'] })
      .then(({ response }) => {
        if (win.isDestroyed()) return;
        if (response === 0) win.reload();
        else win.close();
      });
  });
  win.loadURL(options.entryUrl).catch((error: unknown) => {
    console.error(`comparo: could not load ${options.entryUrl}: ${String(error)}`);
    if (!win.isDestroyed()) win.show(); // show Chromium's error page rather than nothing
  });
  return win;
}
