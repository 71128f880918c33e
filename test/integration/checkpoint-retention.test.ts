// A run keeps best.ckpt and its last keepCheckpoints periodic checkpoints, never the file the runs
// table points at less; a trainer killed mid-run resumes from that file to the same result as an
// uninterrupted run; dead writers' temp files go at start-up; disk use is reported. Real SQLite
// file, real trainer processes.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/db/connection';
import { RunsRepo } from '../../main/db/runs-repo';
import { openServices, type Services } from '../../main/services';
import { checkpointBytes, pruneCheckpoints, removeStaleTempFiles } from '../../main/training/checkpoint';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { TrainerHandle, TrainerLauncher } from '../../main/training/protocol';
import { formatBytes } from '../../shared/models';
import type { DatasetSummary, RunDetail, RunSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait-for-events';

const FILLER = ['the', 'movie', 'was', 'a', 'plot', 'actor', 'scene', 'and', 'it', 'film'];

/** 200 rows whose label is given away by one word: learnable in a few steps. */
function sentimentCsv(): string {
  const lines = ['text,label'];
  for (let i = 0; i < 200; i++) {
    const words = Array.from({ length: 6 + (i % 7) }, (_, k) => FILLER[(i * 3 + k * 7) % FILLER.length]);
    words.splice(i % words.length, 0, i % 2 ? ['good', 'great'][i % 3 === 0 ? 0 : 1] : ['bad', 'awful'][i % 3 === 0 ? 0 : 1]);
    lines.push(`${words.join(' ')} ${i},${i % 2 ? 'positive' : 'negative'}`);
  }
  return lines.join('\n') + '\n';
}

// 160 training rows / batch 16 = 10 steps an epoch, 20 in all; a checkpoint every 2 steps.
const CONFIG = {
  epochs: 2, batchSize: 16, maxLength: 32, evalEverySteps: 2, checkpointEverySteps: 2, keepCheckpoints: 2, utilityLevels: 0,
  model: { vocabSize: 200, dim: 16, layers: 1, heads: 2, ffnDim: 32 },
};

const stepFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /^step-\d+\.ckpt$/.test(f))
    .sort((a, b) => Number(a.slice(5, -5)) - Number(b.slice(5, -5)));

describe('checkpoint retention with real trainers', () => {
  const dir = tempDir();
  const handles = new Map<string, TrainerHandle>();
  /** Where each launch of a run resumed from (its start message's resumeFrom), in order. */
  const resumedFrom = new Map<string, Array<string | null>>();
  const launcher: TrainerLauncher = (runId) => {
    const h = forkTrainerLauncher(runId);
    handles.set(runId, h);
    const send = h.send.bind(h);
    h.send = (message) => {
      if (message.type === 'start') resumedFrom.set(runId, [...(resumedFrom.get(runId) ?? []), message.resumeFrom ?? null]);
      send(message);
    };
    return h;
  };
  let services: Services;
  let dataset: DatasetSummary;
  /** The checkpoint the runs table records, read as another process would. */
  const recordedCheckpoint = (id: string) => {
    const db = openDatabase(dir.path);
    try {
      return new RunsRepo(db).checkpoint(id);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    services = openServices({ dataDir: dir.path, launcher, transport: 'cli', preset: 'quick' });
    dataset = value(await services.dispatch('datasets.importText', { fileName: 'sentiment.csv', content: sentimentCsv() }));
  });
  afterAll(async () => {
    await services.close();
    dir.cleanup();
  });

  const detail = async (id: string) => value<RunDetail>(await services.dispatch('runs.get', { id }));
  const finished = (id: string) =>
    until(services, ['run.status'], async () => ['completed', 'failed', 'cancelled', 'interrupted'].includes((await detail(id)).run.status));
  const comparable = (run: RunSummary) => {
    const { ms_per_step: _m, cpu_ms_per_step: _c, elapsed_ms: _e, concurrent_trainers: _t, ...rest } = run.finalMetrics;
    return rest;
  };

  it('keeps best + the last 2, resumes a killed trainer from the recorded one to the same result, and reports the bytes', async () => {
    const straight = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: CONFIG }));
    await finished(straight.id);
    const done = await detail(straight.id);
    expect(done.run.status, done.run.error ?? '').toBe('completed');
    const folder = join(dir.path, 'checkpoints', straight.id);
    expect(stepFiles(folder)).toEqual(['step-18.ckpt', 'step-20.ckpt']);
    expect(existsSync(join(folder, 'best.ckpt'))).toBe(true);
    expect(readdirSync(folder).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(done.run.checkpointStep).toBe(20);
    const bytes = readdirSync(folder).reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
    expect(done.checkpointBytes).toBe(bytes);
    expect(bytes).toBeGreaterThan(0);

    // The same run again, its trainer killed (-9) once a few checkpoints are written.
    const killed = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: CONFIG }));
    await until(services, ['run.progress', 'run.status'], async () => ((await detail(killed.id)).run.checkpointStep ?? 0) >= 8);
    handles.get(killed.id)!.kill();
    await finished(killed.id);
    const interrupted = await detail(killed.id);
    expect(interrupted.run.status).toBe('interrupted');
    const recorded = recordedCheckpoint(killed.id)!;
    expect(existsSync(recorded.path)).toBe(true);
    const killedFolder = join(dir.path, 'checkpoints', killed.id);
    // Pruned as it went: the newest two at most, the recorded one among them or newer ones unrecorded yet.
    expect(stepFiles(killedFolder).length).toBeLessThanOrEqual(3);
    expect(stepFiles(killedFolder)).toContain(`step-${recorded.step}.ckpt`);

    value(await services.dispatch('runs.resume', { id: killed.id }));
    await until(services, ['run.status'], async () => resumedFrom.get(killed.id)?.length === 2);
    expect(resumedFrom.get(killed.id)).toEqual([null, recorded.path]);
    await finished(killed.id);
    const resumed = await detail(killed.id);
    expect(resumed.run.status, resumed.run.error ?? '').toBe('completed');
    expect(comparable(resumed.run)).toEqual(comparable(done.run));
    expect(stepFiles(killedFolder)).toEqual(['step-18.ckpt', 'step-20.ckpt']);
    expect(existsSync(recordedCheckpoint(killed.id)!.path)).toBe(true);
  }, 240_000);

  it('keepCheckpoints 0 keeps every periodic checkpoint', async () => {
    const run = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: { ...CONFIG, epochs: 1, keepCheckpoints: 0 } }));
    await finished(run.id);
    expect(stepFiles(join(dir.path, 'checkpoints', run.id))).toEqual(['step-2.ckpt', 'step-4.ckpt', 'step-6.ckpt', 'step-8.ckpt', 'step-10.ckpt']);
  }, 120_000);
});

describe('the CLI', () => {
  it('train --keep-checkpoints 1 keeps best + the last one, and show reports the bytes on disk', () => {
    const dir = tempDir();
    try {
      const csv = join(dir.path, 'sentiment.csv');
      writeFileSync(csv, sentimentCsv());
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'data'), '--preset', 'quick', ...args], { encoding: 'utf8', timeout: 120_000 });
      const trained = cli('train', '--dataset', csv, '--loss', 'baseline', '--epochs', '3', '--batch-size', '16', '--keep-checkpoints', '1', '--json');
      expect(trained.status, trained.stderr).toBe(0);
      const run = (JSON.parse(trained.stdout) as RunDetail).run;
      expect(run.config.keepCheckpoints).toBe(1);
      const folder = join(dir.path, 'data', 'checkpoints', run.id);
      expect(readdirSync(folder).sort()).toEqual(['best.ckpt', 'step-30.ckpt']);
      const bytes = readdirSync(folder).reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
      const shown = cli('show', run.id);
      expect(shown.status, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(`checkpoints on disk: ${formatBytes(bytes)} (${bytes} bytes; best + last 1 kept)`);
      expect((JSON.parse(cli('show', run.id, '--json').stdout) as RunDetail).checkpointBytes).toBe(bytes);
      const bad = cli('train', '--dataset', csv, '--loss', 'baseline', '--keep-checkpoints=-1');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/keepCheckpoints/);
    } finally {
      dir.cleanup();
    }
  }, 180_000);
});

describe('start-up sweep of checkpoint folders', () => {
  it("removes dead writers' temp files in every folder and keeps a live writer's", async () => {
    const dir = tempDir();
    try {
      const gone = spawn(process.execPath, ['-e', '0']);
      await new Promise((resolve) => gone.once('exit', resolve));
      const folder = join(dir.path, 'checkpoints', 'r-deleted-run');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `step-4.ckpt.tmp-${gone.pid}`), 'half a checkpoint');
      writeFileSync(join(folder, `best.ckpt.tmp-${process.pid}`), 'being written right now');
      const services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli' });
      await services.close();
      expect(readdirSync(folder)).toEqual([`best.ckpt.tmp-${process.pid}`]);
    } finally {
      dir.cleanup();
    }
  });

  it('pruneCheckpoints: newest N stay, and nothing at or after the recorded step goes', () => {
    const dir = tempDir();
    try {
      for (const name of ['best.ckpt', 'step-2.ckpt', 'step-4.ckpt', 'step-6.ckpt', 'step-8.ckpt', 'step-10.ckpt']) writeFileSync(join(dir.path, name), name);
      // The runs table still records step 4 (its newer records are delayed): 6, 8 and 10 are kept.
      expect(pruneCheckpoints(dir.path, 2, { path: join(dir.path, 'step-4.ckpt'), step: 4 }).map((p) => p.slice(dir.path.length + 1))).toEqual(['step-2.ckpt']);
      expect(pruneCheckpoints(dir.path, 2, { path: join(dir.path, 'step-10.ckpt'), step: 10 }).map((p) => p.slice(dir.path.length + 1)).sort()).toEqual(['step-4.ckpt', 'step-6.ckpt']);
      expect(readdirSync(dir.path).sort()).toEqual(['best.ckpt', 'step-10.ckpt', 'step-8.ckpt']);
      expect(pruneCheckpoints(dir.path, 1, null)).toEqual([]);
      expect(removeStaleTempFiles(dir.path, () => false)).toEqual([]);
      expect(checkpointBytes(dir.path)).toBe('best.ckpt'.length + 'step-10.ckpt'.length + 'step-8.ckpt'.length);
      expect(checkpointBytes(join(dir.path, 'none'))).toBe(0);
    } finally {
      dir.cleanup();
    }
  });
});
