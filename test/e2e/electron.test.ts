// The desktop app end to end: build with electron-vite, launch the real Electron, each test group
// on a fresh data folder (COMPARO_DATA_DIR), and check the window, the preload's contract, the
// lockdown, the compare flow, File > Import, and the resume offer after a crash.
// Skipped, with a notice, where the Electron binary is not installed (no network at install).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP_NOTICE = 'electron e2e skipped: the Electron binary is not installed (run node node_modules/electron/install.js online)';
const DATASET_FILE = join(ROOT, 'assets/datasets/imdb-reviews-2k.csv');
const COMPARISON_MS = 4 * 60_000;

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
// A real skip: vitest reports these tests as skipped where there is no binary.
const maybe = it.skipIf(!binary);

let built = false;
/** Builds once per file (electron-vite into out/), then launches the app on `dataDir`. */
async function launch(dataDir: string): Promise<{ app: ElectronApplication; page: Page }> {
  if (!built) {
    const { build } = await import('electron-vite');
    await build({ root: ROOT, logLevel: 'warn' });
    built = true;
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'ELECTRON_RENDERER_URL' && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  env.COMPARO_DATA_DIR = dataDir;
  // Seconds-long runs (main/services/presets.ts); main/app/launch-options.ts reads this.
  env.COMPARO_PRESET = 'quick';
  const app = await _electron.launch({ executablePath: binary!, args: [ROOT], cwd: ROOT, env, timeout: 60_000 });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app, page };
}

describe('Electron app: window and lockdown', () => {
  const data = tempDir('comparo-e2e-electron-');
  let app: ElectronApplication | undefined;
  let page: Page;

  beforeAll(async () => {
    if (binary) ({ app, page } = await launch(data.path));
  });
  afterAll(async () => {
    await app?.close();
    data.cleanup();
  });

  maybe('opens one window titled Comparo, with the native menu', async () => {
    expect(await page.title()).toBe('Comparo');
    expect(app!.windows()).toHaveLength(1);
    const importItem = await app!.evaluate(({ Menu }) => {
      const item = Menu.getApplicationMenu()?.getMenuItemById('import-dataset');
      return item ? { label: item.label, accelerator: item.accelerator } : null;
    });
    expect(importItem).toEqual({ label: 'Import Dataset…', accelerator: 'CmdOrCtrl+O' });
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

  maybe('runs the page sandboxed and isolated, follows the OS theme, and refuses to navigate away', async () => {
    const prefs = await app!.evaluate(({ BrowserWindow, nativeTheme }) => {
      // Undocumented but stable (Electron's own specs use it): the preferences the page runs with.
      const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as {
        getLastWebPreferences(): { sandbox?: boolean; contextIsolation?: boolean; nodeIntegration?: boolean } | null;
      };
      const p = contents.getLastWebPreferences();
      return { sandbox: p?.sandbox, contextIsolation: p?.contextIsolation, nodeIntegration: p?.nodeIntegration, theme: nativeTheme.themeSource };
    });
    expect(prefs).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false, theme: 'system' });
    const before = page.url();
    await page.evaluate(() => {
      (globalThis as Record<string, any>).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    const opened = await page.evaluate(() => (globalThis as Record<string, any>).open('https://example.com/') === null);
    expect(opened).toBe(true);
    expect(app!.windows()).toHaveLength(1);
  });
});

describe('Electron app: File > Import', () => {
  const data = tempDir('comparo-e2e-electron-import-');
  let app: ElectronApplication | undefined;
  afterAll(async () => {
    await app?.close();
    data.cleanup();
  });

  maybe('File > Import Dataset… reads the chosen file in main and shows the imported dataset', async () => {
    let page: Page;
    ({ app, page } = await launch(data.path));
    // The native dialog cannot be driven; replace it with one that "chooses" the embedded file.
    await app!.evaluate(({ dialog }, file) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as typeof dialog.showOpenDialog;
    }, DATASET_FILE);
    await app!.evaluate(({ Menu, BrowserWindow }) => {
      Menu.getApplicationMenu()?.getMenuItemById('import-dataset')?.click(undefined, BrowserWindow.getAllWindows()[0]);
    });
    await page.locator('[data-testid=dataset-preview]').waitFor({ timeout: 60_000 });
    expect(page.url()).toMatch(/#\/dataset\//);
    expect(Number((await page.locator('[data-testid=dataset-rows]').innerText()).replace(/\D/g, ''))).toBeGreaterThan(0);
  });
});

describe('Electron app: import, compare, see the table', () => {
  const data = tempDir('comparo-e2e-electron-compare-');
  let app: ElectronApplication | undefined;
  afterAll(async () => {
    await app?.close();
    data.cleanup();
  });

  maybe(
    'imports the embedded dataset, runs a quick comparison and shows the table',
    async () => {
      let page: Page;
      ({ app, page } = await launch(data.path));
      await page.click('[data-testid=use-sample]');
      await page.locator('[data-testid=dataset-preview]').waitFor({ timeout: 60_000 });
      await page.click('[data-testid=finetune-compare]');
      await page.locator('[data-testid=run-row]').first().waitFor({ timeout: 30_000 });
      const table = page.locator('[data-testid=comparison-table]');
      await table.waitFor({ timeout: COMPARISON_MS });
      expect(await page.locator('[data-testid=comparison-status]').innerText()).toBe('completed');
      const statuses = await page.locator('[data-testid=run-row]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
      expect(new Set(statuses)).toEqual(new Set(['completed']));
      // Trainers ran as named utility processes, and the run says which tfjs backend it used.
      const runs = await page.evaluate(async () => (globalThis as Record<string, any>).comparo.invoke('runs.list', {}));
      expect(runs.ok).toBe(true);
      for (const run of runs.value as { backend: string | null }[]) expect(run.backend).toMatch(/^(tensorflow-gpu|tensorflow|wasm|cpu)$/);
    },
    COMPARISON_MS + 120_000,
  );
});

describe('Electron app: runs cut short by a crash are offered for resume', () => {
  const data = tempDir('comparo-e2e-electron-resume-');
  let app: ElectronApplication | undefined;
  afterAll(async () => {
    await app?.close().catch(() => {});
    data.cleanup();
  });

  maybe(
    'marks the run interrupted at the next start and resumes it from the banner',
    async () => {
      let page: Page;
      ({ app, page } = await launch(data.path));
      // A run long enough (50 epochs) to be certainly still training when the app is killed.
      const runId = await page.evaluate(async () => {
        const api = (globalThis as Record<string, any>).comparo;
        const dataset = await api.invoke('datasets.importEmbedded', {});
        const run = await api.invoke('runs.start', { datasetId: dataset.value.id, config: { epochs: 50 } });
        return run.value.id as string;
      });
      const status = () => page.evaluate(async (id) => (await (globalThis as Record<string, any>).comparo.invoke('runs.get', { id })).value.run.status as string, runId);
      await expect.poll(status, { timeout: 60_000 }).toBe('running');
      // A crash, not a quit: no before-quit, so nothing is marked by the closing app itself.
      const main = app.process();
      const gone = new Promise((resolve) => main.once('exit', resolve));
      main.kill('SIGKILL');
      await gone;
      app = undefined;

      ({ app, page } = await launch(data.path));
      const banner = page.locator('[data-testid=interrupted-runs]');
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.locator(`li[data-run-id="${runId}"]`).count()).toBe(1);
      expect(await status()).toBe('interrupted');
      await banner.locator('[data-testid=resume-run]').first().click();
      await expect.poll(status, { timeout: 60_000 }).toMatch(/^(running|completed)$/);
      await banner.waitFor({ state: 'detached', timeout: 10_000 });
    },
    4 * 60_000,
  );
});
