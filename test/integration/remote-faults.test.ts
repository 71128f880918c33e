// Faults of the queue placement with real parts (a redis-server with its append-only file, worker
// processes, the CLI): Redis restarted mid-run, and the run finishes with the numbers of a run
// that never saw the outage; the app closed with Ctrl-C leaves the run training and follows it
// again when opened; pause and resume in the app pause and resume the trainer there; a run
// cancelled in the app (from another process, as the desktop app's button or `npm run cli --
// cancel` does) stops its trainer on the worker, and the worker takes the next run.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../shared/schemas';
import { redisServerFound, redisSkipNote, startRedis, type RedisServer } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';
import { cliAsync, startWorker, trainedNumbers, waitForRun, type WorkerProcess } from '../helpers/worker-process';

const dir = tempDir('comparo-remote-faults-');
let redis: RedisServer;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  if (!redisServerFound) return;
  redis = await startRedis({ persist: true });
}, 30_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
  dir.cleanup();
}, 60_000);

type Detail = { run: RunSummary; metrics: Array<{ step: number; split: string; name: string; value: number }> };

/** The trainer processes a worker has now (its child processes). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

async function until(condition: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!redisServerFound)(`queue faults (real redis-server and workers)${redisSkipNote}`, () => {
  it('finishes a run across a Redis restart with the numbers of a run that saw none', async () => {
    workers.push(await startWorker(redis.url(0), ['--lease-seconds', '20']));
    const args = ['train', '--preset', 'quick', '--loss', 'comparative', '--seed', '9', '--epochs', '12', '--json'];
    const remoteDir = join(dir.path, 'restart');
    const here = cliAsync(join(dir.path, 'restart-here'), args);
    const remote = cliAsync(remoteDir, [...args, '--queue', redis.url(0)]);
    const seen = await waitForRun(remoteDir, (run) => run.worker_json !== null && (run.checkpoint_step ?? 0) > 0, remote);
    expect(seen.step).toBeLessThan(seen.total_steps);
    await redis.restart();
    const [a, b] = await Promise.all([here, remote]);
    expect(a.code, a.stderr.slice(-2000)).toBe(0);
    expect(b.code, b.stderr.slice(-2000) + workers[0].output()).toBe(0);
    const local = JSON.parse(a.stdout) as Detail;
    const queued = JSON.parse(b.stdout) as Detail;
    expect(queued.run.status).toBe('completed');
    expect(trainedNumbers(queued.run)).toEqual(trainedNumbers(local.run));
    const losses = queued.metrics.filter((m) => m.split === 'train' && m.name === 'loss');
    expect(losses.map((m) => m.step)).toEqual(Array.from({ length: queued.run.totalSteps }, (_, i) => i + 1));
  }, 300_000);

  it('leaves the run training on its worker when the app is closed (Ctrl-C), and follows it to the end when opened again', async () => {
    const worker = await startWorker(redis.url(5));
    workers.push(worker);
    const appDir = join(dir.path, 'closed');
    const args = ['train', '--preset', 'quick', '--loss', 'baseline', '--seed', '4', '--epochs', '12', '--json'];
    const first = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', appDir, ...args, '--queue', redis.url(5)], { stdio: ['ignore', 'ignore', 'pipe'] });
    const firstExit = new Promise<number | null>((resolve) => first.once('exit', (code) => resolve(code)));
    const running = await waitForRun(appDir, (run) => run.status === 'running' && run.step > 0);
    first.kill('SIGINT');
    expect(await firstExit).toBe(130);
    // Still training over there while nobody follows it.
    expect(childrenOf(worker.child.pid!)).toHaveLength(1);
    const again = await cliAsync(appDir, ['attach', '--queue', redis.url(5), '--json']);
    expect(again.code, again.stderr.slice(-2000)).toBe(0);
    const [run] = (JSON.parse(again.stdout) as { runs: RunSummary[] }).runs;
    expect(run.id).toBe(running.id);
    expect(run.status).toBe('completed');
    const here = await cliAsync(join(dir.path, 'closed-here'), args);
    expect(trainedNumbers(run)).toEqual(trainedNumbers((JSON.parse(here.stdout) as Detail).run));
  }, 300_000);

  it('pauses and resumes the trainer on the worker from the app', async () => {
    const worker = await startWorker(redis.url(6));
    workers.push(worker);
    const appDir = join(dir.path, 'pause');
    const long = cliAsync(appDir, ['train', '--preset', 'quick', '--loss', 'baseline', '--epochs', '100', '--json', '--queue', redis.url(6)]);
    const running = await waitForRun(appDir, (run) => run.status === 'running' && run.step > 0, long);
    const paused = await cliAsync(appDir, ['pause', running.id, '--json']);
    expect(paused.code, paused.stderr).toBe(0);
    const atPause = await waitForRun(appDir, (run) => run.status === 'paused', long);
    // Paused, not gone: the trainer waits on the worker and trains no step.
    expect(childrenOf(worker.child.pid!)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await waitForRun(appDir, () => true, long)).step).toBe(atPause.step);
    const resumed = await cliAsync(appDir, ['resume', running.id, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    await waitForRun(appDir, (run) => run.status === 'running' && run.step > atPause.step, long);
    expect((await cliAsync(appDir, ['cancel', running.id, '--json'])).code).toBe(0);
    expect((JSON.parse((await long).stdout) as Detail).run.status).toBe('cancelled');
  }, 300_000);

  it('stops the trainer on the worker when the run is cancelled in the app, and the worker takes the next run', async () => {
    const worker = await startWorker(redis.url(3));
    workers.push(worker);
    const appDir = join(dir.path, 'cancel');
    const long = cliAsync(appDir, ['train', '--preset', 'quick', '--loss', 'baseline', '--epochs', '100', '--json', '--queue', redis.url(3)]);
    const running = await waitForRun(appDir, (run) => run.status === 'running' && run.step > 0, long);
    expect(childrenOf(worker.child.pid!)).toHaveLength(1);
    // Another process asks, as the app's Cancel button would from a second window.
    const cancel = await cliAsync(appDir, ['cancel', running.id, '--json']);
    expect(cancel.code, cancel.stderr).toBe(0);
    const ended = await long;
    expect(ended.code).toBe(1);
    expect((JSON.parse(ended.stdout) as Detail).run.status).toBe('cancelled');
    await until(() => childrenOf(worker.child.pid!).length === 0, 'the trainer on the worker exits');
    const next = await cliAsync(join(dir.path, 'after-cancel'), ['train', '--preset', 'quick', '--loss', 'baseline', '--json', '--queue', redis.url(3)], 120_000);
    expect(next.code, next.stderr.slice(-2000)).toBe(0);
    expect((JSON.parse(next.stdout) as Detail).run.worker?.id).toBe(worker.id);
  }, 300_000);
});
