// Runs on remote workers through BullMQ, with a real redis-server (loopback, random port) and real
// worker processes (main/worker/index.ts): the CLI's --queue hands each run of a comparison to the
// queue, two workers train them in their own trainer processes, and the app's SQLite history ends
// up with the same numbers as the same comparison trained here (same seeds, same backend), each
// run saying which worker trained it. A worker killed with SIGKILL mid-run loses its lease and
// its run continues on the other worker from its last checkpoint; the comparison ends with the
// numbers of one never interrupted, every step stored once. A worker of another release refuses, naming both
// versions.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { DATABASE_FILE } from '../../main/db/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_VERSION } from '../../shared/remote-protocol';
import type { RunSummary } from '../../shared/schemas';
import { redisServerFound, redisSkipNote, startRedis, type RedisServer } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';
import { bySeedAndArm, cliAsync, startWorker, trainedNumbers, waitForRun, type WorkerProcess } from '../helpers/worker-process';

const dir = tempDir('comparo-remote-');
let redis: RedisServer;
const workers: WorkerProcess[] = [];
/** The comparison trained here in the first test, by arm and seed: what every remote variant must reproduce. */
let trainedHere: Record<string, RunSummary> = {};
const COMPARE = ['compare', '--preset', 'quick', '--seeds', '3', '--json'];

beforeAll(async () => {
  if (!redisServerFound) return;
  redis = await startRedis();
}, 30_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
  dir.cleanup();
}, 60_000);

describe.skipIf(!redisServerFound)(`remote workers (BullMQ on a real redis-server)${redisSkipNote}`, () => {
  it('trains a 3-seed comparison on 2 workers to the same metrics as here, each run recording its worker', async () => {
    workers.push(await startWorker(redis.url(0)), await startWorker(redis.url(0)));
    const [here, remote] = await Promise.all([
      cliAsync(join(dir.path, 'here'), COMPARE),
      cliAsync(join(dir.path, 'remote'), [...COMPARE, '--queue', redis.url(0)]),
    ]);
    expect(here.code, here.stderr.slice(-3000)).toBe(0);
    expect(remote.code, remote.stderr.slice(-3000) + workers.map((w) => w.output()).join('\n')).toBe(0);
    const local = bySeedAndArm(JSON.parse(here.stdout).runs);
    trainedHere = local;
    const queued = bySeedAndArm(JSON.parse(remote.stdout).runs);
    expect(Object.keys(queued).sort()).toEqual(Object.keys(local).sort());
    expect(Object.keys(local)).toHaveLength(6);
    for (const key of Object.keys(local)) {
      expect(queued[key].status).toBe('completed');
      expect(queued[key].backend).toBe(local[key].backend);
      expect(trainedNumbers(queued[key]), key).toEqual(trainedNumbers(local[key]));
      expect(local[key].worker).toBeUndefined();
      expect(workers.map((w) => w.id)).toContain(queued[key].worker?.id);
      expect(queued[key].worker).toMatchObject({ codeVersion: CODE_VERSION, backend: local[key].backend });
    }
    // The two workers shared the comparison.
    expect(new Set(Object.values(queued).map((r) => r.worker?.id)).size).toBe(2);
    // Every checkpoint is in the app's folder now; Redis keeps only the dataset, once, for the next runs.
    const client = new Redis(redis.url(0));
    try {
      const manifests = (await client.keys('comparo:artefact:*')).filter((k) => /^comparo:artefact:[0-9a-f]{64}$/.test(k));
      const names = await Promise.all(manifests.map(async (k) => JSON.parse((await client.get(k))!).name));
      expect(names).toEqual(['data.json']);
    } finally {
      client.disconnect();
    }
  }, 600_000);

  it('completes a comparison after a worker is killed mid-run: the run continues on the other worker from its last checkpoint, every step stored once', async () => {
    // Database 2 and a short lease: the survivor takes the job over within seconds.
    const pair = [await startWorker(redis.url(2), ['--lease-seconds', '2']), await startWorker(redis.url(2), ['--lease-seconds', '2'])];
    workers.push(...pair);
    const args = ['compare', '--preset', 'quick', '--seeds', '1', '--epochs', '12', '--json'];
    const localDir = join(dir.path, 'uninterrupted');
    const remoteDir = join(dir.path, 'killed');
    const [here, remote] = [cliAsync(localDir, args), cliAsync(remoteDir, [...args, '--queue', redis.url(2)])];
    // Killed once a checkpoint of its run has reached the app, well before the end.
    const seen = await waitForRun(remoteDir, (run) => run.worker_json !== null && (run.checkpoint_step ?? 0) > 0, remote);
    expect(seen.step).toBeLessThan(seen.total_steps);
    const victim = pair.find((w) => w.id === JSON.parse(seen.worker_json!).id)!;
    await victim.kill();
    const survivor = pair.find((w) => w !== victim)!;
    const [local, resumed] = await Promise.all([here, remote]);
    expect(local.code, local.stderr.slice(-2000)).toBe(0);
    expect(resumed.code, resumed.stderr.slice(-2000) + survivor.output()).toBe(0);
    const a = JSON.parse(local.stdout) as { comparison: { status: string }; runs: RunSummary[] };
    const b = JSON.parse(resumed.stdout) as typeof a;
    expect(b.comparison.status).toBe('completed');
    const ours = bySeedAndArm(a.runs);
    const theirs = bySeedAndArm(b.runs);
    expect(Object.keys(theirs).sort()).toEqual(Object.keys(ours).sort());
    expect(b.runs.find((r) => r.id === seen.id)?.worker?.id).toBe(survivor.id);
    const losses = (dataDir: string, runId: string) => {
      const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
      try {
        return db.prepare("SELECT step, value FROM metrics WHERE run_id = ? AND split = 'train' AND name = 'loss' ORDER BY step, rowid").all(runId) as Array<{ step: number; value: number }>;
      } finally {
        db.close();
      }
    };
    for (const key of Object.keys(ours)) {
      expect(theirs[key].status, key).toBe('completed');
      expect(trainedNumbers(theirs[key]), key).toEqual(trainedNumbers(ours[key]));
      // Every step's training loss once, the steps trained twice (after the checkpoint) included.
      const remoteLosses = losses(remoteDir, theirs[key].id);
      expect(remoteLosses.map((m) => m.step), key).toEqual(Array.from({ length: theirs[key].totalSteps }, (_, i) => i + 1));
      expect(remoteLosses, key).toEqual(losses(localDir, ours[key].id));
    }
  }, 400_000);

  it('catches up after the app is killed mid-sweep and started again: every run completes with the same numbers, every step stored once', async () => {
    expect(Object.keys(trainedHere)).toHaveLength(6);
    workers.push(await startWorker(redis.url(4)), await startWorker(redis.url(4)));
    const appDir = join(dir.path, 'app-killed');
    const app = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', appDir, ...COMPARE, '--queue', redis.url(4)], { stdio: 'ignore' });
    const appExited = new Promise<void>((resolve) => app.once('exit', () => resolve()));
    // Killed once the first run has finished and others have not.
    const midway = () => {
      const file = join(appDir, DATABASE_FILE);
      if (!existsSync(file)) return false;
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const statuses = (db.prepare('SELECT status FROM runs').all() as Array<{ status: string }>).map((r) => r.status);
        return statuses.length === 6 && statuses.includes('completed') && statuses.some((s) => s === 'running' || s === 'queued');
      } catch {
        return false;
      } finally {
        db.close();
      }
    };
    const deadline = Date.now() + 120_000;
    while (!midway()) {
      if (Date.now() > deadline) throw new Error('the sweep never got midway');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    app.kill('SIGKILL');
    await appExited;
    const again = await cliAsync(appDir, ['attach', '--queue', redis.url(4), '--json']);
    expect(again.code, again.stderr.slice(-3000)).toBe(0);
    const reported = JSON.parse(again.stdout) as { runs: RunSummary[]; comparisons: Array<{ comparison: { status: string }; runs: RunSummary[] }> };
    expect(reported.runs.length).toBeGreaterThan(0);
    expect(reported.comparisons).toHaveLength(1);
    expect(reported.comparisons[0].comparison.status).toBe('completed');
    const caughtUp = bySeedAndArm(reported.comparisons[0].runs);
    for (const key of Object.keys(trainedHere)) {
      expect(caughtUp[key].status, key).toBe('completed');
      expect(trainedNumbers(caughtUp[key]), key).toEqual(trainedNumbers(trainedHere[key]));
    }
    const db = new Database(join(appDir, DATABASE_FILE), { readonly: true });
    try {
      const twice = db.prepare("SELECT run_id, step FROM metrics WHERE split = 'train' AND name = 'loss' GROUP BY run_id, step HAVING COUNT(*) > 1").all();
      expect(twice).toEqual([]);
      for (const run of Object.values(caughtUp)) {
        const { n } = db.prepare("SELECT COUNT(*) AS n FROM metrics WHERE run_id = ? AND split = 'train' AND name = 'loss'").get(run.id) as { n: number };
        expect(n, run.id).toBe(run.totalSteps);
      }
    } finally {
      db.close();
    }
  }, 400_000);

  it('refuses a job on a worker of another release, the run failing with both versions named', async () => {
    // Its own database number, so the workers above never see this job.
    const old = await startWorker(redis.url(1), [], { COMPARO_WORKER_CLAIMS_VERSION: '0.0.9/r1' });
    workers.push(old);
    const r = await cliAsync(join(dir.path, 'refused'), ['train', '--preset', 'quick', '--loss', 'baseline', '--json', '--queue', redis.url(1)], 120_000);
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    const run: RunSummary = JSON.parse(r.stdout).run;
    expect(run.status).toBe('failed');
    expect(run.error).toContain('0.0.9/r1');
    expect(run.error).toContain(CODE_VERSION);
  }, 180_000);
});
