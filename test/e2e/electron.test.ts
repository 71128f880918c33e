// The desktop app end to end: build with electron-vite, launch the real Electron on a fresh data
// folder (COMPARO_DATA_DIR), and check the window, the preload's contract and the lockdown.
// Skipped, with a notice, where the Electron binary is not installed (no network at install).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP_NOTICE = 'SKIPPED electron e2e: Electron binary not installed (run node node_modules/electron/install.js online)';

/** The Electron executable, found the way node_modules/electron/index.js finds it, or null. */
function electronBinary(): string | null {
  const packageDir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relativePath = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const binary = join(distDir, relativePath);
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
if (!binary) console.log(SKIP_NOTICE);
const maybe = binary ? it : it.skip;

describe('Electron app', () => {
  const data = tempDir('comparo-e2e-electron-');
  let app: ElectronApplication | undefined;
  let page: Page;

  beforeAll(async () => {
    if (!binary) return;
    const { build } = await import('electron-vite');
    await build({ root: ROOT, logLevel: 'warn' });
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (value !== undefined && key !== 'ELECTRON_RENDERER_URL' && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
    }
    env.COMPARO_DATA_DIR = data.path;
    app = await _electron.launch({ executablePath: binary, args: [ROOT], cwd: ROOT, env, timeout: 60_000 });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    data.cleanup();
  });

  maybe('opens one window titled Comparo', async () => {
    expect(await page.title()).toBe('Comparo');
    expect(app!.windows()).toHaveLength(1);
  });

  maybe('exposes the contract as window.comparo and nothing of Node', async () => {
    const globals = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      const api = g.comparo as Record<string, unknown> | undefined;
      return {
        comparo: typeof api,
        keys: api ? Object.keys(api).sort() : [],
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
        ipcRenderer: typeof g.ipcRenderer,
      };
    });
    expect(globals).toEqual({ comparo: 'object', keys: ['invoke', 'on'], require: 'undefined', process: 'undefined', module: 'undefined', ipcRenderer: 'undefined' });
  });

  maybe('reaches the services over IPC, on the data folder it was given', async () => {
    const info = await page.evaluate(async () => {
      const api = (globalThis as Record<string, any>).comparo;
      return api.invoke('app.info', {});
    });
    expect(info).toMatchObject({ ok: true, value: { name: 'Comparo', transport: 'electron', dataDir: data.path } });
    const unknown = await page.evaluate(async () => (globalThis as Record<string, any>).comparo.invoke('nope', {}));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  maybe('runs the page sandboxed and isolated, and refuses to navigate away', async () => {
    const prefs = await app!.evaluate(({ BrowserWindow }) => {
      // Undocumented but stable (Electron's own specs use it): the preferences the page runs with.
      const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as {
        getLastWebPreferences(): { sandbox?: boolean; contextIsolation?: boolean; nodeIntegration?: boolean } | null;
      };
      const p = contents.getLastWebPreferences();
      return { sandbox: p?.sandbox, contextIsolation: p?.contextIsolation, nodeIntegration: p?.nodeIntegration };
    });
    expect(prefs).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as Record<string, any>).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
  });
});
