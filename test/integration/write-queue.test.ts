// The WriteQueue (main/db/busy.ts) on a real SQLite file with a second connection holding the
// write lock, and start-up's orphan check telling a live owner from a reused pid.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WriteQueue } from '../../main/db/busy';
import { DATABASE_FILE, openDatabase } from '../../main/db/connection';
import { openServices } from '../../main/services';
import { processStartTime } from '../../main/services/process-identity';
import type { DatasetSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { seedRuns, type SeedRun } from '../helpers/seed-history';
import { scriptedLauncher } from '../helpers/scripted-trainer';
import { tempDir } from '../helpers/temp-dir';
import { pollFor } from '../helpers/wait-for-events';

const dir = tempDir('comparo-write-queue-');
afterAll(() => dir.cleanup());

describe('WriteQueue', () => {
  it('keeps writes that meet a locked database, in order, and stores them once the lock is gone', async () => {
    const folder = join(dir.path, 'queue');
    const db = openDatabase(folder);
    db.exec('CREATE TABLE log (n INTEGER NOT NULL)');
    const other = new Database(join(folder, DATABASE_FILE));
    other.exec('BEGIN IMMEDIATE');
    const errors: string[] = [];
    const after: number[] = [];
    const queue = new WriteQueue(db, { firstRetryMs: 20, maxRetryMs: 100, onError: (e) => errors.push(e.message) });
    for (let n = 1; n <= 5; n++) queue.submit({ label: `row ${n}`, write: () => db.prepare('INSERT INTO log (n) VALUES (?)').run(n), then: () => after.push(n) });
    // Nothing stored and nothing thrown while the other connection holds the lock.
    expect(queue.size).toBe(5);
    expect(after).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(queue.size).toBe(5);
    expect(queue.busyRetries).toBeGreaterThan(1);
    other.exec('COMMIT');
    await pollFor('the queue to drain', () => (queue.size === 0 ? true : undefined), 5000, 20);
    expect((db.prepare('SELECT n FROM log ORDER BY rowid').all() as Array<{ n: number }>).map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(after).toEqual([1, 2, 3, 4, 5]);
    expect(errors).toEqual([]);
    other.close();
    db.close();
  });

  it('drops a write that fails for another reason, reporting it, and goes on with the next', () => {
    const db = openDatabase(join(dir.path, 'failing'));
    db.exec('CREATE TABLE log (n INTEGER NOT NULL)');
    const failures: string[] = [];
    const queue = new WriteQueue(db);
    queue.submit({ label: 'bad', write: () => db.prepare('INSERT INTO log (n) VALUES (NULL)').run(), onError: (e) => failures.push(e.message) });
    queue.submit({ label: 'good', write: () => db.prepare('INSERT INTO log (n) VALUES (7)').run() });
    expect(failures).toEqual([expect.stringMatching(/NOT NULL/)]);
    expect(db.prepare('SELECT n FROM log').all()).toEqual([{ n: 7 }]);
    db.close();
  });
});

describe('start-up: runs whose owner is gone', () => {
  it('interrupts a run whose owner pid now belongs to another process, keeps one whose owner still runs', async () => {
    const folder = join(dir.path, 'owners');
    const setup = openServices({ dataDir: folder, launcher: scriptedLauncher([]), transport: 'cli' });
    const dataset = value<DatasetSummary>(await setup.dispatch('datasets.importEmbedded', {}));
    await setup.close();
    const run = (id: string): SeedRun => ({ id, datasetId: dataset.id, dataHash: dataset.contentHash, loss: 'baseline', seed: 1, accuracy: 0, status: 'running', ownerPid: 1 });
    seedRuns(folder, [run('r-reused'), run('r-owned')]);
    // A live process stands in for both owners: one row has its true start time, the other a
    // start time it never had (what a pid reused by a new process looks like).
    const stand = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = stand.pid!;
      const started = await pollFor('the process start time', () => processStartTime(pid) ?? undefined, 5000, 20);
      const db = openDatabase(folder);
      db.prepare('UPDATE runs SET owner_pid = ?, owner_started = ? WHERE id = ?').run(pid, started, 'r-owned');
      db.prepare('UPDATE runs SET owner_pid = ?, owner_started = ? WHERE id = ?').run(pid, 'linux:1', 'r-reused');
      db.close();
      const services = openServices({ dataDir: folder, launcher: scriptedLauncher([]), transport: 'cli' });
      const status = async (id: string) => ((await services.dispatch('runs.get', { id })) as { value: { run: { status: string } } }).value.run.status;
      expect(await status('r-reused')).toBe('interrupted');
      expect(await status('r-owned')).toBe('running');
      await services.close();
    } finally {
      stand.kill('SIGKILL');
    }
  });
});
