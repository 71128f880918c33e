// Pretraining runs in the history, through the services with a real SQLite file and real
// pretraining processes: a run is a row from its start, with its held-out curve; pause stops it
// with a checkpoint and 'pretraining.resume' continues it under the same id to the bytes of an
// uninterrupted run; the history survives a restart; a row left 'running' by a dead process is
// marked interrupted when the folder is opened again; cancelling a paused run discards it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/db/connection';
import { PretrainingRepo } from '../../main/db/pretraining-repo';
import { openServices, type Services } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { PretrainProgress, PretrainRun } from '../../shared/pretrain-protocol';
import { value } from '../helpers/contract-result';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait-for-events';

const FIXTURE = resolve('test/fixtures/pretrained/bert');
// 30 steps, a held-out evaluation (and checkpoint) every 5: long enough to pause in the middle.
const SETTINGS = { steps: 30, batchSize: 4, sequenceLength: 32, learningRate: 2e-3, evaluateEvery: 5 };

describe('pretraining runs in the history', () => {
  const dir = tempDir('comparo-pretrain-history-');
  let services: Services | undefined;
  afterAll(async () => {
    await services?.close();
    dir.cleanup();
  });

  const open = () => (services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli' }));
  const list = async (s: Services, datasetId?: string) => value<{ runs: PretrainRun[] }>(await s.dispatch('pretraining.list', datasetId ? { datasetId } : {})).runs;
  const progressOf = (s: Services, id: string) => {
    const seen: PretrainProgress[] = [];
    s.onEvent((name, payload) => name === 'pretraining.progress' && (payload as PretrainProgress).id === id && seen.push(payload as PretrainProgress));
    return seen;
  };

  it('pauses a run with a checkpoint, resumes it under the same id, and ends with the bytes of an uninterrupted run', async () => {
    const s = open();
    const dataset = value<{ id: string }>(await s.dispatch('datasets.importEmbedded', { name: 'spam' }));
    const straight = value<{ id: string; folder: string }>(await s.dispatch('pretraining.start', { model: FIXTURE, datasetId: dataset.id, settings: SETTINGS }));
    await until(s, ['pretraining.progress'], async () => (await list(s)).some((r) => r.id === straight.id && r.status === 'completed'), 120_000);

    const started = value<{ id: string; folder: string }>(await s.dispatch('pretraining.start', { model: FIXTURE, datasetId: dataset.id, settings: SETTINGS }));
    const seen = progressOf(s, started.id);
    const [row] = (await list(s, dataset.id)).filter((r) => r.id === started.id);
    expect(row).toMatchObject({ status: 'running', model: FIXTURE, texts: expect.stringContaining('spam'), steps: 30, folder: started.folder, resumable: false });
    await until(s, ['pretraining.progress'], async () => seen.some((p) => p.step >= 10), 120_000);
    value(await s.dispatch('pretraining.pause', { id: started.id }));
    await until(s, ['pretraining.progress'], async () => seen.some((p) => p.status === 'paused'), 60_000);
    const paused = (await list(s, dataset.id)).find((r) => r.id === started.id)!;
    expect(paused).toMatchObject({ status: 'paused', resumable: true });
    expect(paused.step).toBeGreaterThanOrEqual(10);
    expect(paused.step).toBeLessThan(30);
    expect(existsSync(join(started.folder, 'checkpoint', 'state.json'))).toBe(true);

    // Resumed after a restart: the history and the checkpoint are all it needs.
    await s.close();
    const again = open();
    expect((await list(again, dataset.id)).find((r) => r.id === started.id)).toMatchObject({ status: 'paused', resumable: true });
    const resumed = value<{ id: string; folder: string }>(await again.dispatch('pretraining.resume', { id: started.id }));
    expect(resumed).toMatchObject({ id: started.id, folder: started.folder });
    await until(again, ['pretraining.progress'], async () => (await list(again)).some((r) => r.id === started.id && r.status === 'completed'), 120_000);
    const done = (await list(again, dataset.id)).find((r) => r.id === started.id)!;
    const reference = (await list(again, dataset.id)).find((r) => r.id === straight.id)!;
    expect(done).toMatchObject({ status: 'completed', step: 30, resumable: false, finishedAt: expect.any(String) });
    // One curve point per evaluation, none lost or doubled across the pause, equal to the uninterrupted run's.
    expect(done.curve.map(([step]) => step)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(done.curve).toEqual(reference.curve);
    const bytes = (folder: string) => readFileSync(join(folder, 'model.safetensors'));
    expect(bytes(done.folder).equals(bytes(reference.folder))).toBe(true);
    // A finished run cannot be resumed, and says why.
    const refused = await again.dispatch('pretraining.resume', { id: straight.id });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('is completed') });
  }, 360_000);

  it('cancelling a paused run discards its checkpoint and folder', async () => {
    const s = services!;
    const dataset = value<{ id: string }>(await s.dispatch('datasets.importEmbedded', { name: 'spam' }));
    const started = value<{ id: string; folder: string }>(await s.dispatch('pretraining.start', { model: FIXTURE, datasetId: dataset.id, settings: SETTINGS }));
    const seen = progressOf(s, started.id);
    await until(s, ['pretraining.progress'], async () => seen.some((p) => p.step >= 5), 120_000);
    value(await s.dispatch('pretraining.pause', { id: started.id }));
    await until(s, ['pretraining.progress'], async () => seen.some((p) => p.status === 'paused'), 60_000);
    value(await s.dispatch('pretraining.cancel', { id: started.id }));
    expect(existsSync(started.folder)).toBe(false);
    expect((await list(s)).find((r) => r.id === started.id)).toMatchObject({ status: 'cancelled', resumable: false });
  }, 240_000);

  it('marks a run left running by a process that died as interrupted when the folder opens again', async () => {
    await services!.close();
    services = undefined;
    // A real pid that no longer runs: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const db = openDatabase(dir.path);
    new PretrainingRepo(db).insert({ id: 'orphan', datasetId: null, model: FIXTURE, texts: '/tmp/texts.txt', folder: join(dir.path, 'models', 'gone'), steps: 10 }, { pid: Number(dead.stdout), started: 'long ago' });
    db.close();
    const s = open();
    const orphan = (await list(s)).find((r) => r.id === 'orphan');
    // Interrupted, but not resumable: it never wrote a checkpoint.
    expect(orphan).toMatchObject({ status: 'interrupted', resumable: false, error: expect.stringContaining('resume continues it') });
    const refused = await s.dispatch('pretraining.resume', { id: 'orphan' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain('has no checkpoint left in its folder');
  }, 60_000);
});
