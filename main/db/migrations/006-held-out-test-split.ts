// Migration 6: numbers measured on the held-out test split. A run's selected checkpoint is scored
// once on test at the end, at the same step as its validation evaluation, so evaluations and
// predictions are keyed by split as well as step, and metric points may be on 'test'. SQLite
// cannot change a primary key or a CHECK in place: each table is rebuilt and its rows copied
// (existing rows are validation). Runs in the migration's one transaction (main/db/migrate.ts).
export const migration006 = {
  version: 6,
  name: 'held-out-test-split',
  sql: `
CREATE TABLE metrics_v6 (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch REAL NOT NULL,
  split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
  name TEXT NOT NULL,
  value REAL NOT NULL
);
INSERT INTO metrics_v6 (run_id, step, epoch, split, name, value) SELECT run_id, step, epoch, split, name, value FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_v6 RENAME TO metrics;
CREATE INDEX metrics_by_run ON metrics(run_id, split, name, step);

CREATE TABLE evaluations_v6 (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL DEFAULT 'validation' CHECK (split IN ('validation', 'test')),
  step INTEGER NOT NULL,
  epoch REAL NOT NULL,
  is_best INTEGER NOT NULL DEFAULT 0,
  per_class_json TEXT NOT NULL DEFAULT '[]',
  confusion_json TEXT NOT NULL DEFAULT '[]',
  training_ms REAL,
  PRIMARY KEY (run_id, split, step)
);
INSERT INTO evaluations_v6 (run_id, split, step, epoch, is_best, per_class_json, confusion_json, training_ms)
  SELECT run_id, 'validation', step, epoch, is_best, per_class_json, confusion_json, training_ms FROM evaluations;
DROP TABLE evaluations;
ALTER TABLE evaluations_v6 RENAME TO evaluations;

CREATE TABLE predictions_v6 (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL DEFAULT 'validation' CHECK (split IN ('validation', 'test')),
  step INTEGER NOT NULL,
  example_index INTEGER NOT NULL,
  predicted REAL NOT NULL,
  gold REAL NOT NULL,
  confidence REAL NOT NULL,
  PRIMARY KEY (run_id, split, step, example_index)
) WITHOUT ROWID;
INSERT INTO predictions_v6 (run_id, split, step, example_index, predicted, gold, confidence)
  SELECT run_id, 'validation', step, example_index, predicted, gold, confidence FROM predictions;
DROP TABLE predictions;
ALTER TABLE predictions_v6 RENAME TO predictions;
`,
} as const;
