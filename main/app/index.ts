// Electron main entry: one instance per data folder, services opened once, one window relaying the
// contract over IPC, trainers in utility processes, services closed before the app quits.
import { join } from 'node:path';
import { app, BrowserWindow, dialog, nativeTheme, shell as electronShell } from 'electron';
import { resolveDataDir } from '../services/data-dir';
import { openServices, type Services } from '../services/index';
import { appEntryUrl } from './app-url';
import { installDesktopShell, type DesktopShell } from './desktop-shell';
import { datasetPathsFromArgv, resolvePreset } from './launch-options';
import { bridgeIpc } from './ipc-bridge';
import { installSecurity } from './security';
import { createUtilityTrainerLauncher, watchTrainerCrashes } from './utility-launcher';
import { createMainWindow } from './window';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './window-options';

/** out/main: the built index.js, trainer.js and, beside it, out/preload and out/renderer. */
const here = import.meta.dirname;
/** How long quitting waits for services.close() (cancel, wait, kill trainers; close SQLite). */
const CLOSE_TIMEOUT_MS = 15_000;

const dataDir = resolveDataDir({ argv: process.argv, env: process.env });
const preset = resolvePreset(process.argv, process.env);
// Chromium's own storage goes with the history, and the single-instance lock (kept in userData) is
// per data folder: two windows never write one database, separate --data-dir folders can coexist.
app.setPath('userData', dataDir);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  const entryUrl = appEntryUrl({ devServerUrl, indexHtmlPath: join(here, '../renderer/index.html') });
  const preloadPath = join(here, '../preload/index.cjs');
  let services: Services | null = null;
  let win: BrowserWindow | null = null;
  let disposeIpc = (): void => {};
  let shell: DesktopShell | null = null;
  // Files to import once the services and the window exist: from this launch's command line, or
  // from macOS 'open-file' (Finder, dock), which can fire before 'ready'.
  const pendingFiles = datasetPathsFromArgv(process.argv, process.cwd());
  let closing = false;
  let closed = false;

  const openWindow = (): void => {
    win = createMainWindow({ entryUrl, preloadPath, dataDir });
    win.on('closed', () => {
      win = null;
    });
  };

  watchTrainerCrashes();
  const openFiles = (paths: string[]): void => {
    if (paths.length === 0) return;
    if (!shell) pendingFiles.push(...paths);
    else void shell.openFiles(paths);
  };
  // `comparo data.csv` while Comparo runs: this (first) instance shows itself and imports the file.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    // macOS keeps running with no window; a second launch means "show me Comparo".
    if (!win && services) openWindow();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
    openFiles(datasetPathsFromArgv(argv, workingDirectory));
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFiles([path]);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (services && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('before-quit', (event) => {
    if (closed || !services) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    // Trainers may take a moment to stop: look gone now, finish the bookkeeping behind the scenes.
    for (const window of BrowserWindow.getAllWindows()) window.hide();
    shell?.dispose();
    shell = null;
    disposeIpc();
    const current = services;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        console.error(`comparo: services did not close within ${CLOSE_TIMEOUT_MS} ms; quitting anyway`);
        resolve();
      }, CLOSE_TIMEOUT_MS);
    });
    Promise.race([current.close(), timeout])
      .catch((error: unknown) => console.error(`comparo: closing services failed: ${String(error)}`))
      .finally(() => {
        clearTimeout(timer);
        closed = true;
        app.quit();
      });
  });

  app
    .whenReady()
    .then(() => {
      installSecurity(entryUrl, devServerUrl ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
      // Chromium follows the OS light/dark setting; the renderer's CSS uses prefers-color-scheme.
      nativeTheme.themeSource = 'system';
      // Opening the database marks runs left running by a previous crash 'interrupted'; the
      // renderer's banner (InterruptedRunsBanner) offers them for resume through 'runs.resume'.
      services = openServices({
        dataDir,
        // electron-builder.yml copies assets/datasets to <resources>/datasets.
        assetsDir: app.isPackaged ? join(process.resourcesPath, 'datasets') : join(app.getAppPath(), 'assets', 'datasets'),
        launcher: createUtilityTrainerLauncher(join(here, 'trainer.js')),
        // Forked with child_process (Electron runs it as plain Node): predictions never run in main.
        predictorEntry: join(here, 'predictor.js'),
        // Forked the same way: pretraining never runs in main either.
        pretrainerEntry: join(here, 'pretrainer.js'),
        shippedModelsDir: app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'assets', 'models'),
        transport: 'electron',
        preset,
        openFolder: (folder) => electronShell.openPath(folder),
      });
      disposeIpc = bridgeIpc(services, () => win, entryUrl);
      openWindow();
      shell = installDesktopShell({ services, getWindow: () => win, entryUrl, dataDir, isDev: !app.isPackaged });
      openFiles(pendingFiles.splice(0));
    })
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`comparo: startup failed: ${message}`);
      dialog.showErrorBox('Comparo could not start', `${message}\n\nData folder: ${dataDir}`);
      app.exit(1);
    });
}
