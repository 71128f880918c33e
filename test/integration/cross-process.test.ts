// Two front-ends on one data folder, and a third process holding SQLite's write lock: real
// processes throughout (browser-mode servers, the CLI, a node script that locks the database).
// - A lock held 7 s while a run trains (longer than the 5 s busy timeout) delays the trainer's
//   rows; it never crashes the process that owns the run and no row is lost.
// - Cancel / pause / resume sent to the other front-end reach the run's owner; nobody can delete
//   a run another process is training; the owner stays up throughout.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../main/db/connection';
import type { RunSummary } from '../../shared/schemas';
import { BrowserModeServer, ROOT } from '../helpers/browser-mode';
import { tempDir } from '../helpers/temp-dir';
import { pollFor } from '../helpers/wait-for-events';

const dir = tempDir('comparo-cross-process-');
const servers: BrowserModeServer[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.stop()));
  dir.cleanup();
}, 30_000);

/** Long enough to still be training while the other process acts: ~150 steps of the default preset. */
const LONG_RUN = { epochs: 3, evalEverySteps: 25, utilityLevels: 0 };

function readRun(dataDir: string, id: string): { status: string; step: number } | undefined {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT status, step FROM runs WHERE id = ?').get(id) as { status: string; step: number } | undefined;
  } finally {
    db.close();
  }
}

/** A process that takes SQLite's write lock on the folder's database and keeps it for `ms`. */
function holdWriteLock(dataDir: string, ms: number): Promise<{ code: number | null; heldMs: number }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(join(dataDir, DATABASE_FILE))});
    db.pragma('busy_timeout = 30000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare("UPDATE datasets SET name = name").run();
    const t0 = Date.now();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec('COMMIT');
    process.stdout.write('held ' + (Date.now() - t0) + '\\n');
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, heldMs: Number(/held (\d+)/.exec(out)?.[1] ?? NaN) })));
}

describe('a process holding the write lock for 7 s while a run trains', () => {
  it('the CLI that trains waits it out: the run completes, no step lost, exit 0', async () => {
    const dataDir = join(dir.path, 'locked');
    const cli = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'train', '--loss', 'comparative', '--epochs', '3', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(cli);
    let stdout = '';
    let stderr = '';
    cli.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    cli.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
    // Once it trains (a few steps in), lock the database from another process for 7 s.
    const runId = await pollFor('a running run', () => {
      try {
        const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
        const row = db.prepare("SELECT id FROM runs WHERE status = 'running' AND step >= 5").get() as { id: string } | undefined;
        db.close();
        return row?.id;
      } catch {
        return undefined; // the folder or its tables do not exist yet
      }
    }, 120_000);
    const lock = await holdWriteLock(dataDir, 7000);
    expect(lock.code).toBe(0);
    expect(lock.heldMs).toBeGreaterThanOrEqual(7000);
    expect(await exited, stderr.slice(-3000)).toBe(0);
    const detail = JSON.parse(stdout) as { run: RunSummary; metrics: Array<{ step: number; split: string; name: string }> };
    expect(detail.run.id).toBe(runId);
    expect(detail.run.status).toBe('completed');
    // Every step's training loss was stored, including those logged while the lock was held.
    const steps = new Set(detail.metrics.filter((m) => m.split === 'train' && m.name === 'loss').map((m) => m.step));
    expect(steps.size).toBe(detail.run.totalSteps);
    expect(Math.max(...steps)).toBe(detail.run.totalSteps);
  }, 240_000);
});

describe('a big CLI import and another process writing at the same time', () => {
  it("commits in short transactions: the other process's writes never time out", async () => {
    const dataDir = join(dir.path, 'import-lock');
    const file = join(dir.path, 'many-rows.csv');
    // ~400,000 short rows (~12 MB): before, one import transaction held the lock for seconds.
    const lines = ['text,label'];
    for (let i = 0; i < 400_000; i++) lines.push(`review number ${i} was ${i % 3 ? 'fine' : 'awful'} overall,${i % 3 ? 'pos' : 'neg'}`);
    writeFileSync(file, lines.join('\n') + '\n');
    // The folder exists with its schema before the import starts, so the probe can write at once.
    openDatabase(dataDir).close();
    const probe = new Database(join(dataDir, DATABASE_FILE));
    // Each import transaction holds the lock for tens of ms (main/db/datasets-repo.ts); SQLite's
    // polling busy handler can still make a waiter miss a few gaps in a row, so the bound checked
    // here is a writer's wait (1 s), not one hold. Before, one transaction held it for seconds.
    probe.pragma('busy_timeout = 1000');
    probe.exec('CREATE TABLE IF NOT EXISTS probe (t INTEGER)');
    const cli = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'import', file, '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(cli);
    let stderr = '';
    cli.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    let done = false;
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => ((done = true), resolve(code))));
    const failures: string[] = [];
    let writes = 0;
    while (!done) {
      try {
        probe.prepare('INSERT INTO probe (t) VALUES (?)').run(Date.now());
        writes += 1;
      } catch (e) {
        failures.push((e as Error).message);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    probe.close();
    expect(await exited, stderr.slice(-2000)).toBe(0);
    expect(failures).toEqual([]);
    expect(writes).toBeGreaterThan(10);
  }, 180_000);
});

describe('two browser-mode servers on one data folder', () => {
  it('cancel, pause and resume from the other front-end reach the owner; delete is refused while it trains', async () => {
    const dataDir = join(dir.path, 'shared');
    const a = await BrowserModeServer.start({ dataDir, preset: 'default' });
    servers.push(a);
    const b = await BrowserModeServer.start({ dataDir, preset: 'default' });
    servers.push(b);
    const dataset = await a.invoke<{ id: string }>('datasets.importEmbedded', {});
    const first = await a.invoke<RunSummary>('runs.start', { datasetId: dataset.id, config: { ...LONG_RUN, loss: 'baseline' } });
    await pollFor('the run to train', () => ((readRun(dataDir, first.id)?.step ?? 0) >= 3 ? true : undefined), 120_000);

    // Pause from B: A's trainer pauses (the status comes from A, which owns the run).
    expect((await b.invoke<RunSummary>('runs.pause', { id: first.id })).status).toBe('running');
    await pollFor('paused', () => (readRun(dataDir, first.id)?.status === 'paused' ? true : undefined), 30_000);
    const pausedAt = readRun(dataDir, first.id)!.step;
    // Delete from B while A holds the run: refused, the run and A unharmed.
    const refused = await b.post('runs.delete', { ids: [first.id] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/trained by Comparo process \d+\): it is paused/) } });
    expect(readRun(dataDir, first.id)?.status).toBe('paused');
    // Resume from B, then it trains on from where it paused.
    await b.invoke('runs.resume', { id: first.id });
    await pollFor('training again', () => {
      const run = readRun(dataDir, first.id);
      return run?.status === 'running' && run.step > pausedAt ? true : undefined;
    }, 30_000);
    // Cancel from B: B does not write the status itself; A stops its trainer and records it.
    expect((await b.invoke<RunSummary>('runs.cancel', { id: first.id })).status).toBe('running');
    await pollFor('cancelled by the owner', () => (readRun(dataDir, first.id)?.status === 'cancelled' ? true : undefined), 30_000);
    const stepAtCancel = readRun(dataDir, first.id)!.step;
    expect(stepAtCancel).toBeLessThan((await a.invoke<{ run: RunSummary }>('runs.get', { id: first.id })).run.totalSteps);

    // A is up and schedules the next run; B can now delete the finished one, and A does not notice.
    expect((await a.invoke<{ name: string }>('app.info', {})).name).toBe('Comparo');
    const second = await a.invoke<RunSummary>('runs.start', { datasetId: dataset.id, config: { epochs: 1, maxTrainExamples: 128, utilityLevels: 0, loss: 'baseline' } });
    expect((await b.post('runs.delete', { ids: [first.id] })).ok).toBe(true);
    await pollFor('the second run to finish', () => (readRun(dataDir, second.id)?.status === 'completed' ? true : undefined), 120_000);
    expect((await a.invoke<{ name: string }>('app.info', {})).name).toBe('Comparo');
    expect(a.log).not.toMatch(/FOREIGN KEY|SQLITE_BUSY|Uncaught/);
  }, 300_000);
});

describe('the CLI: cancel, pause and resume', () => {
  it('pauses, resumes and cancels a run the browser mode trains, exit 0 each; --help lists the exit codes', async () => {
    const dataDir = join(dir.path, 'cli-control');
    const owner = await BrowserModeServer.start({ dataDir, preset: 'default' });
    servers.push(owner);
    const dataset = await owner.invoke<{ id: string }>('datasets.importEmbedded', {});
    const run = await owner.invoke<RunSummary>('runs.start', { datasetId: dataset.id, config: { ...LONG_RUN, loss: 'baseline' } });
    await pollFor('the run to train', () => ((readRun(dataDir, run.id)?.step ?? 0) >= 3 ? true : undefined), 120_000);
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const paused = cli('pause', run.id);
    expect(paused.status, paused.stderr).toBe(0);
    expect(paused.stdout).toContain(`Run ${run.id} is paused.`);
    expect(readRun(dataDir, run.id)?.status).toBe('paused');
    const resumed = cli('resume', run.id);
    expect(resumed.status, resumed.stderr).toBe(0);
    const cancelled = cli('cancel', run.id, '--json');
    expect(cancelled.status, cancelled.stderr).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ id: run.id, status: 'cancelled' });
    // Cancelling it again is refused: exit 3, with the reason.
    const again = cli('cancel', run.id);
    expect(again.status).toBe(3);
    expect(again.stderr).toMatch(/already cancelled/);
    const help = cli('--help');
    expect(help.stdout).toMatch(/Exit codes: 0 done/);
    expect(help.stdout).toMatch(/resume <run-id>/);
  }, 240_000);

  it('resume retrains an interrupted run in the foreground to completion', async () => {
    const dataDir = join(dir.path, 'cli-resume');
    const train = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'train', '--loss', 'baseline', '--epochs', '2', '--json'], { cwd: ROOT, stdio: 'ignore' });
    children.push(train);
    const runId = await pollFor('a run with a checkpoint', () => {
      try {
        const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
        const row = db.prepare("SELECT id FROM runs WHERE status = 'running' AND checkpoint_step IS NOT NULL").get() as { id: string } | undefined;
        db.close();
        return row?.id;
      } catch {
        return undefined;
      }
    }, 120_000);
    train.kill('SIGKILL');
    await new Promise((resolve) => train.once('exit', resolve));
    const resumed = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'resume', runId, '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(resumed.status, resumed.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ run: { id: runId, status: 'completed' } });
  }, 300_000);
});
