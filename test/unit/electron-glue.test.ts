// The Electron glue's own logic, run in plain Node against a stand-in `electron` module (the
// binary is not needed): what the preload exposes and sends, which IPC senders reach services,
// which navigations, windows and permissions are refused, and how the trainer launcher maps a
// utility process onto TrainerHandle. Electron's real behaviour is the e2e test's job.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  return {
    exposed,
    contextBridge: { exposeInMainWorld: vi.fn((key: string, value: unknown) => void (exposed[key] = value)) },
    ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    shell: { openExternal: vi.fn(async () => undefined) },
    app: { on: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn() },
      },
    },
    utilityProcess: { fork: vi.fn() },
  };
});
vi.mock('electron', () => electron);

import type { Api } from '../../shared/contract';
import { isTrustedSender, bridgeIpc } from '../../main/app/ipc-bridge';
import { hardenWebContents, installSecurity } from '../../main/app/security';
import { createUtilityTrainerLauncher, TRAINER_SERVICE_NAME, watchTrainerCrashes } from '../../main/app/utility-launcher';
import { CONTENT_SECURITY_POLICY, IPC_EVENT, IPC_INVOKE } from '../../main/app/window-options';
import { DEFAULT_WINDOW_STATE, loadWindowState, parseWindowState, saveWindowState } from '../../main/app/window-state';

const ENTRY = 'file:///opt/comparo/out/renderer/index.html';

beforeEach(() => {
  vi.restoreAllMocks();
  vi.clearAllMocks();
});

describe('preload', () => {
  it("exposes the contract as window.comparo and relays it over the app's two IPC channels", async () => {
    await import('../../main/preload/index');
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(electron.exposed)).toEqual(['comparo']);
    const api = electron.exposed.comparo as Api;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);

    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [] });
    await expect(api.invoke('runs.list', {})).resolves.toEqual({ ok: true, value: [] });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_INVOKE, 'runs.list', {});

    const unknown = await api.invoke('fs.readFile' as never, {} as never);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
  });

  it('delivers only the subscribed event, without the IPC event object, until unsubscribed', async () => {
    await import('../../main/preload/index');
    const api = electron.exposed.comparo as Api;
    const seen: unknown[] = [];
    const off = api.on('run.status', (payload) => seen.push(payload));
    expect(electron.ipcRenderer.on).toHaveBeenCalledWith(IPC_EVENT, expect.any(Function));
    const forward = electron.ipcRenderer.on.mock.calls[0][1] as (...args: unknown[]) => void;
    const ipcEvent = { sender: 'secret' };
    forward(ipcEvent, 'run.progress', { runId: 'a' });
    forward(ipcEvent, 'run.status', { runId: 'b' });
    expect(seen).toEqual([{ runId: 'b' }]);
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENT, forward);
  });
});

function frame(url: string, parent: unknown = null): { url: string; parent: unknown } {
  return { url, parent };
}

describe('IPC bridge', () => {
  it('trusts only the top frame of the app page', () => {
    expect(isTrustedSender({ senderFrame: frame(ENTRY) } as never, ENTRY)).toBe(true);
    expect(isTrustedSender({ senderFrame: frame(`${ENTRY}#/runs`) } as never, ENTRY)).toBe(true);
    expect(isTrustedSender({ senderFrame: frame('https://evil.example/') } as never, ENTRY)).toBe(false);
    expect(isTrustedSender({ senderFrame: frame(ENTRY, frame(ENTRY)) } as never, ENTRY)).toBe(false);
    expect(isTrustedSender({ senderFrame: null } as never, ENTRY)).toBe(false);
  });

  it('relays trusted calls to services.dispatch, refuses others, pushes events to the window', async () => {
    const dispatch = vi.fn(async () => ({ ok: true as const, value: 'done' }));
    let emit: (name: 'run.status', payload: unknown) => void = () => {};
    const unsubscribe = vi.fn();
    const services = {
      dispatch,
      onEvent: vi.fn((listener: typeof emit) => {
        emit = listener;
        return unsubscribe;
      }),
    };
    const send = vi.fn();
    const win = { isDestroyed: () => false, webContents: { isDestroyed: () => false, send } };
    const dispose = bridgeIpc(services as never, () => win as never, ENTRY);

    expect(electron.ipcMain.handle).toHaveBeenCalledWith(IPC_INVOKE, expect.any(Function));
    const handler = electron.ipcMain.handle.mock.calls[0][1] as (...args: unknown[]) => Promise<unknown>;
    await expect(handler({ senderFrame: frame(ENTRY) }, 'runs.list', {})).resolves.toEqual({ ok: true, value: 'done' });
    expect(dispatch).toHaveBeenCalledWith('runs.list', {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await handler({ senderFrame: frame('https://evil.example/') }, 'runs.list', {})).toMatchObject({ ok: false });
    expect(await handler({ senderFrame: null }, 'runs.list', {})).toMatchObject({ ok: false });
    expect(await handler({ senderFrame: frame(ENTRY) }, 42, {})).toMatchObject({ ok: false });
    expect(dispatch).toHaveBeenCalledTimes(1);

    emit('run.status', { runId: 'r1' });
    expect(send).toHaveBeenCalledWith(IPC_EVENT, 'run.status', { runId: 'r1' });

    dispose();
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_INVOKE);
    expect(unsubscribe).toHaveBeenCalled();
  });
});

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
}

function navigationEvent(url: string): { url: string; preventDefault: ReturnType<typeof vi.fn> } {
  return { url, preventDefault: vi.fn() };
}

describe('security', () => {
  it('blocks navigation and redirects away from the app page, webviews and new windows', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const contents = new FakeContents();
    hardenWebContents(contents as never, ENTRY);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = navigationEvent('https://evil.example/');
      contents.emit(name, away);
      expect(away.preventDefault).toHaveBeenCalled();
      const lookalike = navigationEvent(`${ENTRY}.html`);
      contents.emit(name, lookalike);
      expect(lookalike.preventDefault).toHaveBeenCalled();
      const home = navigationEvent(`${ENTRY}#/datasets`);
      contents.emit(name, home);
      expect(home.preventDefault).not.toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();

    expect(contents.openHandler?.({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://github.com/');
    expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('hardens every new webContents, denies permissions, and sets the CSP header on app pages only', () => {
    installSecurity('http://localhost:5173/', CONTENT_SECURITY_POLICY);
    expect(electron.app.on).toHaveBeenCalledWith('web-contents-created', expect.any(Function));
    const created = electron.app.on.mock.calls[0][1] as (event: unknown, contents: FakeContents) => void;
    const contents = new FakeContents();
    created({}, contents);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.openHandler).not.toBeNull();

    const ses = electron.session.defaultSession;
    const request = ses.setPermissionRequestHandler.mock.calls[0][0] as (...args: unknown[]) => void;
    const callback = vi.fn();
    request({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    const check = ses.setPermissionCheckHandler.mock.calls[0][0] as (...args: unknown[]) => boolean;
    expect(check({}, 'clipboard-read', 'http://localhost:5173', {})).toBe(false);

    const onHeaders = ses.webRequest.onHeadersReceived.mock.calls[0][0] as (details: unknown, cb: (r: unknown) => void) => void;
    const reply = vi.fn();
    onHeaders({ url: 'http://localhost:5173/', responseHeaders: { 'content-security-policy': ['x'], 'Content-Type': ['text/html'] } }, reply);
    expect(reply).toHaveBeenCalledWith({ responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    onHeaders({ url: 'https://elsewhere.example/', responseHeaders: {} }, reply);
    expect(reply).toHaveBeenLastCalledWith({});
  });
});

class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = 4242;
  stdout = new PassThrough();
  stderr = new PassThrough();
  postMessage = vi.fn();
  kill = vi.fn(() => true);
}

describe('utility trainer launcher', () => {
  it('forks the trainer entry as a named utility process and maps it onto TrainerHandle', async () => {
    const child = new FakeUtilityProcess();
    electron.utilityProcess.fork.mockReturnValueOnce(child);
    const handle = createUtilityTrainerLauncher('/opt/comparo/out/main/trainer.js')('run-1');
    expect(electron.utilityProcess.fork).toHaveBeenCalledWith('/opt/comparo/out/main/trainer.js', [], {
      serviceName: TRAINER_SERVICE_NAME,
      stdio: 'pipe',
    });
    expect(handle.pid).toBe(4242);

    handle.send({ type: 'pause' });
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'pause' });
    const messages: unknown[] = [];
    handle.onMessage((m) => messages.push(m));
    child.emit('message', { type: 'ready', backend: 'cpu' });
    expect(messages).toEqual([{ type: 'ready', backend: 'cpu' }]);

    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    child.stdout.write('epoch 1\nepoch 2\n');
    await new Promise((r) => setImmediate(r));
    write.mockRestore();
    expect(written).toEqual(['[trainer run-1] epoch 1\n', '[trainer run-1] epoch 2\n']);

    handle.kill();
    expect(child.kill).toHaveBeenCalled();
    const exits: unknown[] = [];
    handle.onExit((code, signal) => exits.push([code, signal]));
    child.emit('exit', 0);
    handle.onExit((code, signal) => exits.push(['late', code, signal])); // registered after exit: still told
    expect(exits).toEqual([[0, null], ['late', 0, null]]);
    handle.send({ type: 'cancel' }); // after exit: dropped, not thrown
    expect(child.postMessage).toHaveBeenCalledTimes(1);
  });

  it('logs trainer crashes reported by app child-process-gone', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    watchTrainerCrashes();
    const gone = electron.app.on.mock.calls.find((c) => c[0] === 'child-process-gone')?.[1] as (e: unknown, d: unknown) => void;
    gone({}, { type: 'GPU', reason: 'crashed', exitCode: 1 });
    gone({}, { type: 'Utility', reason: 'oom', exitCode: 9, name: TRAINER_SERVICE_NAME });
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('oom');
    error.mockRestore();
  });
});

describe('window state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'comparo-window-state-'));
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips bounds and falls back to defaults for missing or broken files', () => {
    const file = join(dir, 'window-state.json');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
    saveWindowState(file, { x: 100, y: 50, width: 1000, height: 700 }, true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(file, screen)).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
    writeFileSync(file, '{not json');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('drops a position on no display and sizes out of range', () => {
    expect(parseWindowState({ x: 5000, y: 5000, width: 1000, height: 700, maximized: false }, screen)).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    });
    expect(parseWindowState({ width: 10, height: 1e9, maximized: 'yes' }, screen)).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState(null, screen)).toEqual(DEFAULT_WINDOW_STATE);
  });
});
