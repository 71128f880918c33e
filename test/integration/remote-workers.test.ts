// Runs on remote workers through BullMQ, with a real redis-server (loopback, random port) and real
// worker processes (main/worker/index.ts): the CLI's --queue hands each run of a comparison to the
// queue, two workers train them in their own trainer processes, and the app's SQLite history ends
// up with the same numbers as the same comparison trained here (same seeds, same backend), each
// run saying which worker trained it. A worker of another release refuses, naming both versions.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_VERSION } from '../../shared/remote-protocol';
import type { RunSummary } from '../../shared/schemas';
import { redisServerFound, redisSkipNote, startRedis, type RedisServer } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';
import { cliAsync, startWorker, type WorkerProcess } from '../helpers/worker-process';

const dir = tempDir('comparo-remote-');
let redis: RedisServer;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  if (!redisServerFound) return;
  redis = await startRedis();
}, 30_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
  dir.cleanup();
}, 60_000);

/** What training decides (metrics), without how long it took or how crowded the machine was. */
function trainedNumbers(run: RunSummary): Record<string, number> {
  const timing = new Set(['ms_per_step', 'cpu_ms_per_step', 'elapsed_ms', 'concurrent_trainers']);
  return Object.fromEntries(Object.entries(run.finalMetrics).filter(([name]) => !timing.has(name)));
}

const bySeedAndArm = (runs: RunSummary[]) => Object.fromEntries(runs.map((r) => [`${r.loss}/${r.seed}`, r]));

describe.skipIf(!redisServerFound)(`remote workers (BullMQ on a real redis-server)${redisSkipNote}`, () => {
  it('trains a 3-seed comparison on 2 workers to the same metrics as here, each run recording its worker', async () => {
    workers.push(await startWorker(redis.url(0)), await startWorker(redis.url(0)));
    const args = ['compare', '--preset', 'quick', '--seeds', '3', '--json'];
    const [here, remote] = await Promise.all([
      cliAsync(join(dir.path, 'here'), args),
      cliAsync(join(dir.path, 'remote'), [...args, '--queue', redis.url(0)]),
    ]);
    expect(here.code, here.stderr.slice(-3000)).toBe(0);
    expect(remote.code, remote.stderr.slice(-3000) + workers.map((w) => w.output()).join('\n')).toBe(0);
    const local = bySeedAndArm(JSON.parse(here.stdout).runs);
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
  }, 600_000);

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
