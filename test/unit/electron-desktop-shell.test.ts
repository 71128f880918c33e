// main/app/desktop-shell.ts and main/app/index.ts against a stand-in `electron` module (no binary):
// the menu is installed, File > Import goes dialog -> file -> 'datasets.importText' -> the dataset's
// page, errors reach a dialog, the taskbar bar and notifications follow the services' events, and
// the main entry takes the single-instance lock, passes the preset, imports files from a second
// launch, and closes the services before quitting.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  class Notification {
    static isSupported = vi.fn(() => true);
    static shown: Array<{ title: string; body: string }> = [];
    private handlers = new Map<string, () => void>();
    constructor(private readonly options: { title: string; body: string }) {}
    on(name: string, handler: () => void) {
      this.handlers.set(name, handler);
      return this;
    }
    show() {
      Notification.shown.push(this.options);
    }
  }
  const appHandlers = new Map<string, (...args: unknown[]) => void>();
  return {
    appHandlers,
    Notification,
    app: {
      getName: () => 'Comparo',
      getVersion: () => '0.1.0',
      on: vi.fn((name: string, handler: (...args: unknown[]) => void) => appHandlers.set(name, handler)),
      setPath: vi.fn(),
      enableSandbox: vi.fn(),
      requestSingleInstanceLock: vi.fn(() => true),
      quit: vi.fn(),
      exit: vi.fn(),
      whenReady: vi.fn(() => Promise.resolve()),
      isPackaged: false,
      getAppPath: () => '/opt/comparo',
    },
    dialog: { showOpenDialog: vi.fn(), showMessageBox: vi.fn(async () => ({ response: 0 })), showErrorBox: vi.fn() },
    Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
    nativeTheme: { themeSource: 'light' },
    // A constructor (window.ts does `new BrowserWindow`) that hands back the test's fake window.
    BrowserWindow: Object.assign(
      vi.fn(function (this: unknown, _options: unknown) {
        return (globalThis as { nextFakeWindow?: unknown }).nextFakeWindow;
      }),
      { getAllWindows: vi.fn(() => []) },
    ),
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), webRequest: { onHeadersReceived: vi.fn() } } },
    shell: { openExternal: vi.fn() },
    utilityProcess: { fork: vi.fn() },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
});
vi.mock('electron', () => electron);

import { installDesktopShell } from '../../main/app/desktop-shell';
import { createMainWindow } from '../../main/app/window';
import { WEB_PREFERENCES } from '../../main/app/window-options';

class FakeWindow extends EventEmitter {
  focused = false;
  minimized = false;
  webContents = Object.assign(new EventEmitter(), { isLoading: () => false, isDestroyed: () => false, send: vi.fn(), getURL: () => this.url, reload: vi.fn() });
  url = ENTRY;
  loadURL = vi.fn(async (url: string) => {
    this.url = url;
  });
  setProgressBar = vi.fn();
  isDestroyed = () => false;
  isFocused = () => this.focused;
  isMinimized = () => this.minimized;
  restore = vi.fn();
  maximize = vi.fn();
  reload = vi.fn();
  close = vi.fn();
  isMaximized = () => false;
  getNormalBounds = () => ({ x: 30, y: 40, width: 1000, height: 700 });
  show = vi.fn();
  focus = vi.fn();
  hide = vi.fn();
}

const ENTRY = 'file:///opt/comparo/out/renderer/index.html';
const dir = mkdtempSync(join(tmpdir(), 'comparo-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeServices() {
  let emit: (name: string, payload: unknown) => void = () => {};
  const services = {
    dataDir: dir,
    dispatch: vi.fn(async (channel: string, request: any) => {
      if (channel === 'datasets.importText') {
        return request.content.startsWith('text,label') ? { ok: true, value: { id: `d-${request.fileName}` } } : { ok: false, error: { code: 'bad_input', message: 'no label column' } };
      }
      if (channel === 'runs.list') return { ok: true, value: [{ backend: 'wasm', createdAt: '2026-01-01', startedAt: '2026-01-01' }] };
      if (channel === 'runs.get') return { ok: true, value: { run: { name: 'solo', comparisonId: null, finalMetrics: {} } } };
      return { ok: false, error: { code: 'not_found', message: channel } };
    }),
    onEvent: vi.fn((listener: typeof emit) => {
      emit = listener;
      return () => {};
    }),
    close: vi.fn(async () => undefined),
  };
  return { services, emit: (name: string, payload: unknown) => emit(name, payload) };
}

beforeEach(() => {
  vi.clearAllMocks();
  electron.Notification.shown = [];
});

describe('desktop shell', () => {
  it('installs the menu; File > Import reads the chosen files, imports them and shows the last one', async () => {
    const { services } = fakeServices();
    const win = new FakeWindow();
    installDesktopShell({ services: services as never, getWindow: () => win as never, entryUrl: ENTRY, dataDir: dir, isDev: false });
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    const template = electron.Menu.buildFromTemplate.mock.calls[0][0] as Array<{ submenu: Array<{ id?: string; click?: () => void }> }>;
    const importItem = template.flatMap((m) => m.submenu).find((i) => i.id === 'import-dataset')!;

    writeFileSync(join(dir, 'good.csv'), 'text,label\nfine,pos\n');
    writeFileSync(join(dir, 'bad.csv'), 'just text\n');
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [join(dir, 'good.csv'), join(dir, 'bad.csv')] });
    importItem.click!();
    await vi.waitFor(() => expect(win.loadURL).toHaveBeenCalled());
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledWith(win, expect.objectContaining({ properties: ['openFile', 'multiSelections'] }));
    expect(services.dispatch).toHaveBeenCalledWith('datasets.importText', { fileName: 'good.csv', content: 'text,label\nfine,pos\n' });
    expect(electron.dialog.showMessageBox).toHaveBeenCalledWith(win, expect.objectContaining({ type: 'error', detail: 'no label column' }));
    expect(win.loadURL).toHaveBeenCalledWith(`${ENTRY}?imported=d-good.csv#/dataset/d-good.csv`);

    // The same file again, while its page is open: reloaded, since an identical URL would not load.
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [join(dir, 'good.csv')] });
    importItem.click!();
    await vi.waitFor(() => expect(win.webContents.reload).toHaveBeenCalled());
    expect(win.loadURL).toHaveBeenCalledTimes(1);

    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    importItem.click!();
    await new Promise((r) => setImmediate(r));
    expect(win.loadURL).toHaveBeenCalledTimes(1);
  });

  it('shows an About box with the versions and the last run backend', async () => {
    const { services } = fakeServices();
    const win = new FakeWindow();
    installDesktopShell({ services: services as never, getWindow: () => win as never, entryUrl: ENTRY, dataDir: dir, isDev: false });
    const template = electron.Menu.buildFromTemplate.mock.calls[0][0] as Array<{ submenu: Array<{ id?: string; click?: () => void }> }>;
    template.flatMap((m) => m.submenu).find((i) => i.id === 'about')!.click!();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalled());
    const box = (electron.dialog.showMessageBox.mock.calls[0] as unknown[])[1] as { message: string; detail: string };
    expect(box.message).toBe('Comparo 0.1.0');
    expect(box.detail).toContain(`Node ${process.versions.node}`);
    expect(box.detail).toContain('tfjs backend: wasm (last run)');
  });

  it('drives the taskbar bar and notifies only while the window is not focused', async () => {
    const { services, emit } = fakeServices();
    const win = new FakeWindow();
    const shell = installDesktopShell({ services: services as never, getWindow: () => win as never, entryUrl: ENTRY, dataDir: dir, isDev: false });
    emit('run.status', { runId: 'r', status: 'running', backend: 'wasm', error: null });
    emit('run.progress', { runId: 'r', step: 5, totalSteps: 10, epoch: 0, elapsedMs: 0, etaMs: null, samples: [] });
    expect(win.setProgressBar).toHaveBeenLastCalledWith(0.5, { mode: 'normal' });
    win.focused = true;
    emit('run.status', { runId: 'r', status: 'completed', backend: 'wasm', error: null });
    expect(win.setProgressBar).toHaveBeenLastCalledWith(-1, { mode: 'none' });
    await new Promise((r) => setImmediate(r));
    expect(electron.Notification.shown).toEqual([]);
    win.focused = false;
    emit('run.status', { runId: 'r2', status: 'completed', backend: 'wasm', error: null });
    await vi.waitFor(() => expect(electron.Notification.shown).toEqual([{ title: 'Run finished', body: 'solo' }]));
    shell.dispose();
    expect(electron.Menu.setApplicationMenu).toHaveBeenLastCalledWith(null);
  });
});

describe('main window', () => {
  it('restores the saved bounds with the hardened preferences, saves them on close, offers a reload after a crash', async () => {
    const stateDir = mkdtempSync(join(dir, 'state-'));
    writeFileSync(join(stateDir, 'window-state.json'), JSON.stringify({ x: 10, y: 20, width: 900, height: 600, maximized: true }));
    const fake = new FakeWindow();
    (globalThis as { nextFakeWindow?: unknown }).nextFakeWindow = fake;
    const win = createMainWindow({ entryUrl: ENTRY, preloadPath: '/opt/comparo/out/preload/index.cjs', dataDir: stateDir });
    expect(win).toBe(fake);
    expect(electron.BrowserWindow).toHaveBeenCalledWith(
      expect.objectContaining({ x: 10, y: 20, width: 900, height: 600, show: false, webPreferences: { ...WEB_PREFERENCES, preload: '/opt/comparo/out/preload/index.cjs' } }),
    );
    expect(fake.maximize).toHaveBeenCalled();
    expect(fake.loadURL).toHaveBeenCalledWith(ENTRY);

    fake.emit('close');
    expect(JSON.parse(readFileSync(join(stateDir, 'window-state.json'), 'utf8'))).toEqual({ x: 30, y: 40, width: 1000, height: 700, maximized: false });

    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    fake.webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
    fake.webContents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 9 });
    await vi.waitFor(() => expect(fake.reload).toHaveBeenCalled());
    expect(electron.dialog.showMessageBox).toHaveBeenCalledWith(fake, expect.objectContaining({ buttons: ['Reload', 'Close'] }));
    error.mockRestore();
  });
});

describe('main entry (main/app/index.ts)', () => {
  it('locks the data folder, opens services with the preset, imports files from a second launch, closes services before quitting', async () => {
    const { services } = fakeServices();
    const openServices = vi.fn(() => services);
    vi.doMock('../../main/services/index', () => ({ openServices }));
    const win = new FakeWindow();
    vi.doMock('../../main/app/window', () => ({ createMainWindow: vi.fn(() => win) }));
    const argv = process.argv;
    process.argv = ['/opt/Comparo/comparo', '--data-dir', dir, '--preset', 'quick'];
    try {
      await import('../../main/app/index');
    } finally {
      process.argv = argv;
    }
    await vi.waitFor(() => expect(openServices).toHaveBeenCalled());
    expect(electron.app.setPath).toHaveBeenCalledWith('userData', dir);
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(openServices).toHaveBeenCalledWith(expect.objectContaining({ dataDir: dir, preset: 'quick', transport: 'electron' }));
    expect(electron.nativeTheme.themeSource).toBe('system');

    writeFileSync(join(dir, 'second.csv'), 'text,label\nok,neg\n');
    win.minimized = true;
    electron.appHandlers.get('second-instance')!({}, ['/opt/Comparo/comparo', 'second.csv', '--no-sandbox'], dir);
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    await vi.waitFor(() => expect(win.loadURL).toHaveBeenCalledWith(expect.stringMatching(/#\/dataset\/d-second\.csv$/)));

    const quitEvent = { preventDefault: vi.fn() };
    electron.appHandlers.get('before-quit')!(quitEvent);
    expect(quitEvent.preventDefault).toHaveBeenCalled();
    expect(services.close).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    const again = { preventDefault: vi.fn() };
    electron.appHandlers.get('before-quit')!(again); // the quit that follows the close goes through
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});
