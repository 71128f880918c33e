// runs.export without a folder (what the UI's "Export model" sends): a real tiny trained run
// (real trainer process, real SQLite file) exported into <dataDir>/exports/<runId>-<format>/, from
// the services as a browser page reaches them; a browser page naming a folder itself is refused;
// the desktop app opens the folder in its file manager.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { DatasetSummary, RunDetail, RunSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait-for-events';

const TINY = { epochs: 1, maxTrainExamples: 64, maxLength: 32, utilityLevels: 0, model: { vocabSize: 800, dim: 16, ffnDim: 32 } };


describe('runs.export into the data folder', () => {
  const dir = tempDir();
  let services: Services;
  let run: RunSummary;

  beforeAll(async () => {
    services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'browser', preset: 'quick', maxParallelRuns: 1 });
    const dataset = value<DatasetSummary>(await services.dispatch('datasets.importEmbedded', { name: 'spam' }));
    run = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: TINY }));
    const status = async () => value<RunDetail>(await services.dispatch('runs.get', { id: run.id })).run.status;
    await until(services, ['run.status'], async () => !['queued', 'running'].includes(await status()), 120_000);
    const ended = await status();
    if (ended !== 'completed') throw new Error(`run ${run.id} ended ${ended}`);
  }, 150_000);
  afterAll(async () => {
    await services.close();
    dir.cleanup();
  });

  it('writes a built-in run as TF.js to <dataDir>/exports/<runId>-tfjs/ when no folder is given, from a browser page', async () => {
    const exported = value<{ folder: string; format: string; files: string[] }>(await services.dispatch('runs.export', { runId: run.id, format: 'tfjs' }));
    const expected = join(dir.path, 'exports', `${run.id}-tfjs`);
    expect(exported).toEqual({ folder: expected, format: 'tfjs', files: ['model.json', 'weights.bin'] });
    expect(readdirSync(expected).sort()).toEqual(['model.json', 'weights.bin']);
    // Exporting again rewrites the same folder (it holds only export files) rather than failing.
    expect(value<{ folder: string }>(await services.dispatch('runs.export', { runId: run.id, format: 'tfjs' })).folder).toBe(expected);
  });

  it('refuses a folder chosen by a browser page, and a Hugging Face export of the built-in model', async () => {
    const target = join(dir.path, 'chosen-by-page');
    const refused = await services.dispatch('runs.export', { runId: run.id, format: 'tfjs', folder: target });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/browser page cannot choose the export folder/) } });
    expect(existsSync(target)).toBe(false);
    const hf = await services.dispatch('runs.export', { runId: run.id, format: 'huggingface' });
    expect(hf).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/--format tfjs/) } });
    expect(existsSync(join(dir.path, 'exports', `${run.id}-huggingface`))).toBe(false);
  });

  it('exports into the same default folder from the CLI when --out is left out', () => {
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dir.path, 'export', run.id, '--format', 'tfjs', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(cli.stderr).toBe('');
    expect(JSON.parse(cli.stdout)).toEqual({ folder: join(dir.path, 'exports', `${run.id}-tfjs`), format: 'tfjs', files: ['model.json', 'weights.bin'] });
  });

  it('opens the export in the desktop file manager, and says why not from a browser page or before exporting', async () => {
    const opened: string[] = [];
    const desktop = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'electron', preset: 'quick', openFolder: async (folder) => (opened.push(folder), '') });
    try {
      await desktop.dispatch('runs.export', { runId: run.id, format: 'tfjs' });
      expect(value(await desktop.dispatch('runs.openExport', { runId: run.id, format: 'tfjs' }))).toEqual({ folder: join(dir.path, 'exports', `${run.id}-tfjs`) });
      expect(opened).toEqual([join(dir.path, 'exports', `${run.id}-tfjs`)]);
      // Not exported in that format: nothing opens.
      expect(await desktop.dispatch('runs.openExport', { runId: run.id, format: 'huggingface' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(opened).toHaveLength(1);
    } finally {
      await desktop.close();
    }
    expect(await services.dispatch('runs.openExport', { runId: run.id, format: 'tfjs' })).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/download the export as a \.zip/) } });
  });

  it('still lets the desktop app name a folder', async () => {
    const other = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'electron', preset: 'quick' });
    try {
      const target = join(dir.path, 'chosen-in-app');
      const exported = value<{ folder: string }>(await other.dispatch('runs.export', { runId: run.id, format: 'tfjs', folder: target }));
      expect(exported.folder).toBe(target);
      expect(existsSync(join(target, 'weights.bin'))).toBe(true);
    } finally {
      await other.close();
    }
  });
});
