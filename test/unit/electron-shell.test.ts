// The desktop shell's decisions, run in plain Node (no Electron binary): the menu template and its
// accelerators, what a command line asks for (preset, files to open), importing a file through the
// contract, the About text, and when the taskbar progress and notifications change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { aboutDetail, lastRunBackend } from '../../main/app/about';
import { isAppUrl } from '../../main/app/app-url';
import { DATASET_FILE_EXTENSIONS, datasetPathsFromArgv, resolvePreset } from '../../main/app/launch-options';
import { buildMenuTemplate } from '../../main/app/menu-template';
import { datasetPageUrl, importDatasetFile, OPEN_DIALOG_FILTERS } from '../../main/app/open-file';
import { startTrainingIndicators } from '../../main/app/training-indicators';
import type { EventName } from '../../shared/contract';
import type { RunSummary } from '../../shared/schemas';

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}
const roles = (template: MenuItemConstructorOptions[]) => items(template).map((i) => i.role).filter(Boolean);
const labels = (template: MenuItemConstructorOptions[]) => template.map((i) => i.label);

describe('menu template', () => {
  const actions = { importDataset: vi.fn(), showAbout: vi.fn() };

  it('has File (Import… Ctrl/Cmd+O, Quit), Edit, View, Window and Help (About) on Windows and Linux', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const template = buildMenuTemplate({ appName: 'Comparo', platform, isDev: false }, actions);
      expect(labels(template)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
      const importItem = items(template).find((i) => i.id === 'import-dataset')!;
      expect(importItem.accelerator).toBe('CmdOrCtrl+O');
      importItem.click!(undefined as never, undefined as never, undefined as never);
      expect(actions.importDataset).toHaveBeenCalledTimes(1);
      expect(roles(template)).toEqual(expect.arrayContaining(['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'zoomIn', 'zoomOut', 'resetZoom', 'togglefullscreen', 'minimize']));
      const about = items(template.at(-1)!.submenu as MenuItemConstructorOptions[]).find((i) => i.id === 'about')!;
      about.click!(undefined as never, undefined as never, undefined as never);
      expect(actions.showAbout).toHaveBeenCalled();
      actions.importDataset.mockClear();
    }
  });

  it('puts About and Quit in the app menu on macOS', () => {
    const template = buildMenuTemplate({ appName: 'Comparo', platform: 'darwin', isDev: false }, actions);
    expect(labels(template)).toEqual(['Comparo', 'File', 'Edit', 'View', 'Window']);
    const appMenu = template[0].submenu as MenuItemConstructorOptions[];
    expect(appMenu[0].id).toBe('about');
    expect(appMenu.at(-1)!.role).toBe('quit');
    expect(roles(template).filter((r) => r === 'quit')).toHaveLength(1);
  });

  it('offers reload and devtools only in development', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const packaged = roles(buildMenuTemplate({ appName: 'Comparo', platform, isDev: false }, actions));
      expect(packaged).not.toContain('reload');
      expect(packaged).not.toContain('forceReload');
      expect(packaged).not.toContain('toggleDevTools');
      const dev = roles(buildMenuTemplate({ appName: 'Comparo', platform, isDev: true }, actions));
      expect(dev).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    }
  });

  it('never assigns one accelerator twice', () => {
    const accelerators = items(buildMenuTemplate({ appName: 'Comparo', platform: 'linux', isDev: true }, actions))
      .map((i) => i.accelerator)
      .filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });
});

describe('launch options', () => {
  it('reads the preset from --preset, --preset= or COMPARO_PRESET', () => {
    expect(resolvePreset(['electron', '.', '--preset', 'quick'], {})).toBe('quick');
    expect(resolvePreset(['comparo', '--preset=quick'], {})).toBe('quick');
    expect(resolvePreset(['comparo'], { COMPARO_PRESET: 'quick' })).toBe('quick');
    expect(resolvePreset(['comparo', '--preset', 'default'], { COMPARO_PRESET: 'quick' })).toBe('default');
    expect(resolvePreset(['comparo'], {})).toBeUndefined();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(resolvePreset(['comparo', '--preset', 'turbo'], {})).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it("accepts the same file extensions as the renderer's drop zone: one list, in shared/vocabulary.ts", () => {
    // renderer/lib/droppedFiles.ts needs the DOM's types, so its source is read, not imported.
    const source = readFileSync(new URL('../../renderer/lib/droppedFiles.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/import \{ DATASET_FILE_EXTENSIONS, isDatasetFileName \} from '\.\.\/\.\.\/shared\/vocabulary'/);
    expect(source).toMatch(/export const DATASET_EXTENSIONS = DATASET_FILE_EXTENSIONS;/);
    expect(DATASET_FILE_EXTENSIONS).toEqual(expect.arrayContaining(['.json', '.parquet', '.csv', '.jsonl']));
  });

  it('finds dataset files on a command line, skipping the executable, the app folder, switches and option values', () => {
    const cwd = resolve('/home/ana');
    expect(datasetPathsFromArgv(['/opt/Comparo/comparo', 'reviews.csv', '--data-dir', 'x.csv', '/tmp/b.JSONL', '--no-sandbox', '--preset=quick'], cwd)).toEqual([
      resolve(cwd, 'reviews.csv'),
      resolve('/tmp/b.JSONL'),
    ]);
    expect(datasetPathsFromArgv(['/usr/bin/electron', '/work/main', '--inspect=9229'], cwd)).toEqual([]);
    expect(datasetPathsFromArgv(['comparo', 'notes.pdf', 'data.tsv'], cwd)).toEqual([resolve(cwd, 'data.tsv')]);
  });
});

describe('open file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'comparo-open-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("imports the file's text through 'datasets.importText', as the drop zone does", async () => {
    const file = join(dir, 'tiny.csv');
    writeFileSync(file, 'text,label\nhello,pos\n');
    const dispatch = vi.fn(async () => ({ ok: true as const, value: { id: 'd1' } }));
    await expect(importDatasetFile({ dispatch }, file)).resolves.toEqual({ ok: true, value: { id: 'd1' } });
    expect(dispatch).toHaveBeenCalledWith('datasets.importText', { fileName: 'tiny.csv', content: 'text,label\nhello,pos\n' });
  });

  it('answers unreadable paths with an error value and never calls the services', async () => {
    const dispatch = vi.fn();
    expect(await importDatasetFile({ dispatch }, join(dir, 'missing.csv'))).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(await importDatasetFile({ dispatch }, dir)).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it("shows the dataset on the renderer's own route, on the entry page", () => {
    const entry = 'file:///opt/comparo/out/renderer/index.html';
    const url = datasetPageUrl(entry, 'd 1/x');
    expect(isAppUrl(url, entry)).toBe(true);
    // renderer/lib/route.ts's form (#/dataset/<encoded id>); that module needs the DOM, so not imported here.
    expect(new URL(url).hash).toBe('#/dataset/d%201%2Fx');
    // Differs before the '#' from the page showing another dataset: a real load, not a hash change.
    expect(url.split('#')[0]).not.toBe(datasetPageUrl(entry, 'd2').split('#')[0]);
    expect(datasetPageUrl('http://localhost:5173/', 'd1')).toBe('http://localhost:5173/?imported=d1#/dataset/d1');
    expect(OPEN_DIALOG_FILTERS[0].extensions).toEqual(['csv', 'tsv', 'tab', 'txt', 'jsonl', 'ndjson', 'json', 'parquet']);
  });
});

function run(partial: Partial<RunSummary>): RunSummary {
  return { backend: null, createdAt: '2026-01-01T00:00:00Z', startedAt: null, ...partial } as RunSummary;
}

describe('about', () => {
  it("names the last run's backend, or says it is chosen per run", () => {
    expect(lastRunBackend([])).toBeNull();
    const runs = [
      run({ backend: 'wasm', startedAt: '2026-01-02T00:00:00Z' }),
      run({ backend: 'tensorflow', startedAt: '2026-01-03T00:00:00Z' }),
      run({ backend: null, createdAt: '2026-01-04T00:00:00Z' }),
    ];
    expect(lastRunBackend(runs)).toBe('tensorflow');
    const text = aboutDetail({ appName: 'Comparo', appVersion: '0.1.0', versions: { electron: '41.10.0', chrome: '140.0', node: '22.1.0' }, backend: null, dataDir: '/d' });
    expect(text).toContain('Electron 41.10.0');
    expect(text).toContain('Chrome 140.0');
    expect(text).toContain('Node 22.1.0');
    expect(text).toContain('tfjs backend: chosen per run');
    expect(aboutDetail({ appName: 'C', appVersion: '1', versions: {}, backend: 'wasm', dataDir: '/d' })).toContain('tfjs backend: wasm (last run)');
  });
});

describe('training indicators', () => {
  function setup(runs: Record<string, Partial<RunSummary>> = {}, table: unknown[] = []) {
    let emit: (name: EventName, payload: unknown) => void = () => {};
    const off = vi.fn();
    const dispatch = vi.fn(async (channel: string, request: unknown) => {
      const id = (request as { id: string }).id;
      if (channel === 'runs.get') return { ok: true as const, value: { run: { name: id, comparisonId: null, finalMetrics: {}, ...runs[id] }, metrics: [] } };
      return { ok: true as const, value: { table } };
    });
    const services = { dispatch, onEvent: vi.fn((l: typeof emit) => ((emit = l), off)) };
    const sinks = { setProgress: vi.fn(), notify: vi.fn() };
    const stop = startTrainingIndicators(services as never, sinks);
    const status = (runId: string, s: string) => emit('run.status', { runId, status: s, backend: null, error: null });
    const progress = (runId: string, step: number, totalSteps: number) =>
      emit('run.progress', { runId, step, totalSteps, epoch: 0, elapsedMs: 0, etaMs: null, samples: [] });
    return { emit, status, progress, sinks, stop, off, dispatch };
  }
  const flush = () => new Promise((r) => setImmediate(r));

  it('shows steps done over steps known across training runs, paused when all are, and clears at the end', () => {
    const t = setup();
    t.status('a', 'running');
    t.progress('a', 10, 100);
    expect(t.sinks.setProgress).toHaveBeenLastCalledWith(0.1, 'normal');
    t.status('b', 'running');
    t.progress('b', 30, 100);
    expect(t.sinks.setProgress).toHaveBeenLastCalledWith(0.2, 'normal');
    const calls = t.sinks.setProgress.mock.calls.length;
    t.progress('b', 30, 100); // same value: the OS is not asked again
    expect(t.sinks.setProgress.mock.calls.length).toBe(calls);
    t.status('a', 'paused');
    t.status('b', 'paused');
    expect(t.sinks.setProgress).toHaveBeenLastCalledWith(0.2, 'paused');
    t.status('a', 'cancelled');
    t.status('b', 'interrupted');
    expect(t.sinks.setProgress).toHaveBeenLastCalledWith(0, 'none');
    t.progress('b', 40, 100); // a late sample after the end
    expect(t.sinks.setProgress).toHaveBeenLastCalledWith(0, 'none');
    t.stop();
    expect(t.off).toHaveBeenCalled();
  });

  it('notifies when a lone run ends, leaves comparison runs to their comparison, and stays quiet on cancel or interrupt', async () => {
    const t = setup({ solo: { name: 'solo run', finalMetrics: { accuracy: 0.875 } }, part: { comparisonId: 'c1' } }, [{ metric: 'accuracy', meanDifference: 0.021 }]);
    t.status('solo', 'completed');
    t.status('part', 'completed');
    t.status('x', 'cancelled');
    t.status('y', 'interrupted');
    await flush();
    expect(t.sinks.notify).toHaveBeenCalledTimes(1);
    expect(t.sinks.notify).toHaveBeenCalledWith('Run finished', 'solo run · accuracy 87.5%');
    t.emit('comparison.status', { comparisonId: 'c1', status: 'running' });
    t.emit('comparison.status', { comparisonId: 'c1', status: 'completed' });
    await flush();
    expect(t.sinks.notify).toHaveBeenLastCalledWith('Comparison finished', 'Comparative minus baseline accuracy: +2.1 points.');
    t.emit('comparison.status', { comparisonId: 'c2', status: 'failed' });
    await flush();
    expect(t.sinks.notify).toHaveBeenLastCalledWith('Comparison failed', expect.any(String));
    expect(t.sinks.notify).toHaveBeenCalledTimes(3);
  });
});
