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
    const marked = repo.markOrphansInterrupted((owner) => owner.pid === 42);
    expect(marked).toEqual(['r-dead']);
    expect(repo.get('r-dead')?.status).toBe('interrupted');
    expect(repo.get('r-dead')?.error).toMatch(/resume/);
    expect(repo.get('r-live')?.status).toBe('running');
    expect(repo.get('r-done')?.status).toBe('completed');
    db.close();
  });
});

describe('migration 004: run history', () => {
  it('upgrades a version-3 database in place: existing comparisons become seeded, runs keep their rows', () => {
    const dir = freshDir();
    const raw = new Database(join(dir, DATABASE_FILE));
    migrate(raw, 'v3', migrations.filter((m) => m.version <= 3));
    insertDatasetAndRun(raw, 'r-old', 'completed', null);
    raw.prepare(`INSERT INTO comparisons (id, dataset_id, seeds_json, config_json, status, created_at) VALUES ('c-old', 'd-1', '[1]', ?, 'completed', '2026-01-01')`).run(
      JSON.stringify(DEFAULT_RUN_CONFIG),
    );
    raw.close();
    const db = openDatabase(dir);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(4);
    expect(db.prepare(`SELECT kind, name FROM comparisons WHERE id = 'c-old'`).get()).toEqual({ kind: 'seeded', name: null });
    expect(new RunsRepo(db).get('r-old')?.status).toBe('completed');
    db.close();
  });

  it('finds runs by tag through the tag index, not a scan of runs', () => {
    const db = openDatabase(freshDir());
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT runs.* FROM runs WHERE runs.id IN (SELECT run_id FROM run_tags WHERE tag = ?)`)
      .all('paper') as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/run_tags USING COVERING INDEX run_tags_by_tag \(tag=\?\)/);
    db.close();
  });

  it('cascades a run deletion to its tags, ad-hoc memberships, metrics, evaluations, predictions and utility', () => {
    const db = openDatabase(freshDir());
    insertDatasetAndRun(db, 'r-1', 'completed', null);
    insertDatasetAndRun(db, 'r-2', 'completed', null);
    db.prepare(`INSERT INTO run_tags (run_id, tag) VALUES ('r-1', 'a'), ('r-1', 'b'), ('r-2', 'a')`).run();
    db.prepare(`INSERT INTO comparisons (id, dataset_id, seeds_json, config_json, status, created_at, kind) VALUES ('c-1', 'd-1', '[1]', '{}', 'completed', '2026-01-01', 'adhoc')`).run();
    db.prepare(`INSERT INTO comparison_runs (comparison_id, run_id, arm, seed) VALUES ('c-1', 'r-1', 'baseline', 1), ('c-1', 'r-2', 'comparative', 1)`).run();
    db.prepare(`INSERT INTO metrics (run_id, step, epoch, split, name, value) VALUES ('r-1', 1, 0.1, 'train', 'loss', 0.5)`).run();
    db.prepare(`INSERT INTO evaluations (run_id, step, epoch) VALUES ('r-1', 1, 0.1)`).run();
    db.prepare(`INSERT INTO predictions (run_id, step, example_index, predicted, gold, confidence) VALUES ('r-1', 1, 0, 1, 1, 0.9)`).run();
    db.prepare(`INSERT INTO utility (run_id, kind, k, rate, metrics_json) VALUES ('r-1', 'drop', 0, 0, '{}')`).run();
    db.prepare(`DELETE FROM runs WHERE id = 'r-1'`).run();
    for (const table of ['run_tags', 'comparison_runs', 'metrics', 'evaluations', 'predictions', 'utility']) {
      expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = 'r-1'`).get(), table).toEqual({ n: 0 });
    }
    expect(db.prepare(`SELECT COUNT(*) AS n FROM run_tags WHERE run_id = 'r-2'`).get()).toEqual({ n: 1 });
    // Deleting the comparison removes its memberships, never the runs it borrowed.
    db.prepare(`DELETE FROM comparisons WHERE id = 'c-1'`).run();
    expect(db.prepare(`SELECT COUNT(*) AS n FROM comparison_runs`).get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE id = 'r-2'`).get()).toEqual({ n: 1 });
    db.close();
  });

  it('rejects an arm that is neither baseline nor comparative', () => {
    const db = openDatabase(freshDir());
    insertDatasetAndRun(db, 'r-1', 'completed', null);
    db.prepare(`INSERT INTO comparisons (id, dataset_id, seeds_json, config_json, status, created_at, kind) VALUES ('c-1', 'd-1', '[1]', '{}', 'completed', '2026-01-01', 'adhoc')`).run();
    expect(() => db.prepare(`INSERT INTO comparison_runs (comparison_id, run_id, arm, seed) VALUES ('c-1', 'r-1', 'other', 1)`).run()).toThrow(/CHECK constraint/);
    db.close();
  });
});
