// Migration 5 (evaluations.training_ms) on a real SQLite file: an older database upgrades in
// place, its evaluations keep their rows with no time, and new evaluations store theirs.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../main/db/connection';
import { EvaluationsRepo } from '../../main/db/evaluations-repo';
import { migrate } from '../../main/db/migrate';
import { migrations } from '../../main/db/migrations';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';
import { tempDir } from '../helpers/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

it('upgrades a version-4 database: old evaluations get a NULL training time, new ones store it', () => {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  const raw = new Database(join(dir.path, DATABASE_FILE));
  migrate(raw, 'v4', migrations.filter((m) => m.version <= 4));
  raw.prepare(
    `INSERT INTO datasets (id, name, file_name, format, content_hash, text_column, label_column, labels_json, row_count, train_count, validation_count, created_at)
     VALUES ('d-1','n','n.csv','csv','h','text','label','["a","b"]',2,1,1,'2026-01-01')`,
  ).run();
  raw.prepare(`INSERT INTO runs (id, dataset_id, name, loss, seed, status, config_json, created_at) VALUES ('r-1', 'd-1', 'r', 'baseline', 1, 'completed', ?, '2026-01-01')`).run(
    JSON.stringify(DEFAULT_RUN_CONFIG),
  );
  raw.prepare(`INSERT INTO evaluations (run_id, step, epoch) VALUES ('r-1', 5, 0.5)`).run();
  raw.close();

  const db = openDatabase(dir.path);
  expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(5);
  const repo = new EvaluationsRepo(db);
  repo.insertEvaluation('r-1', { step: 10, epoch: 1, trainingMs: 1234.5 });
  expect(repo.trainingTimes('r-1')).toEqual([
    { step: 5, trainingMs: null },
    { step: 10, trainingMs: 1234.5 },
  ]);
  db.close();
});
