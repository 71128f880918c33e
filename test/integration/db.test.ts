import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../main/db/connection';
import { MetricsRepo } from '../../main/db/metrics-repo';
import { migrate } from '../../main/db/migrate';
import { migrations } from '../../main/db/migrations';
import { RunsRepo } from '../../main/db/runs-repo';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';
import { tempDir } from '../helpers/temp-dir';

const dirs: Array<() => void> = [];
afterEach(() => dirs.splice(0).forEach((c) => c()));
function freshDir(): string {
  const d = tempDir();
  dirs.push(d.cleanup);
  return d.path;
}

function insertDatasetAndRun(db: Database.Database, runId: string, status: string, ownerPid: number | null): void {
  db.prepare(
    `INSERT OR IGNORE INTO datasets (id, name, file_name, format, content_hash, text_column, label_column, labels_json,
       row_count, train_count, validation_count, created_at)
     VALUES ('d-1','n','n.csv','csv','h','text','label','["a","b"]',2,1,1,'2026-01-01')`,
  ).run();
  db.prepare(
    `INSERT INTO runs (id, dataset_id, name, loss, seed, status, config_json, created_at, owner_pid)
     VALUES (?, 'd-1', 'r', 'baseline', 1, ?, ?, '2026-01-01', ?)`,
  ).run(runId, status, JSON.stringify(DEFAULT_RUN_CONFIG), ownerPid);
}

describe('SQLite store', () => {
  it('numbers migrations 1..N without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('creates a real WAL database file at the latest schema version', () => {
    const dir = freshDir();
    const db = openDatabase(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>;
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['comparisons', 'dataset_rows', 'datasets', 'evaluations', 'metrics', 'predictions', 'runs', 'utility']),
    );
    db.close();
    // Reopening an up-to-date database is a no-op, not a re-run of migration 1.
    const again = openDatabase(dir);
    expect(again.pragma('user_version', { simple: true })).toBe(migrations.length);
    again.close();
  });

  it('refuses a database written by a newer Comparo, naming the file', () => {
    const dir = freshDir();
    const raw = new Database(join(dir, DATABASE_FILE));
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(dir)).toThrow(/schema version 999, newer than/);
  });

  it('applies pending migrations in one transaction: a failing one leaves the old version intact', () => {
    const db = new Database(':memory:');
    const broken = [...migrations, { version: migrations.length + 1, name: 'broken', sql: 'CREATE TABLE x (a); SELECT * FROM no_such_table;' }];
    expect(() => migrate(db, ':memory:', broken)).toThrow(/no such table/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'runs'`).get()).toEqual({ n: 0 });
  });

  it('inserts metric batches and reads them back per run in step order', () => {
    const db = openDatabase(freshDir());
    insertDatasetAndRun(db, 'r-1', 'running', process.pid);
    const repo = new MetricsRepo(db);
    const rows = Array.from({ length: 500 }, (_, i) => ({ runId: 'r-1', step: 500 - i, epoch: 1, split: 'train' as const, name: 'loss', value: i }));
    repo.insertMany(rows);
    const back = repo.forRun('r-1');
    expect(back).toHaveLength(500);
    expect(back[0].step).toBe(1);
    expect(back[499].step).toBe(500);
    db.close();
  });

  it('marks runs whose owning process is gone as interrupted, and leaves live owners alone', () => {
    const db = openDatabase(freshDir());
    insertDatasetAndRun(db, 'r-dead', 'running', 999_999);
    insertDatasetAndRun(db, 'r-live', 'running', 42);
    insertDatasetAndRun(db, 'r-done', 'completed', 999_999);
    const repo = new RunsRepo(db);
    const marked = repo.markOrphansInterrupted((pid) => pid === 42);
    expect(marked).toEqual(['r-dead']);
    expect(repo.get('r-dead')?.status).toBe('interrupted');
    expect(repo.get('r-dead')?.error).toMatch(/resume/);
    expect(repo.get('r-live')?.status).toBe('running');
    expect(repo.get('r-done')?.status).toBe('completed');
    db.close();
  });
});
