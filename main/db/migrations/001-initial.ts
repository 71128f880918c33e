// Migration 1: the first schema. Never edit a shipped migration; add 002-... instead.
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  file_name TEXT NOT NULL,
  format TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  text_column TEXT NOT NULL,
  label_column TEXT NOT NULL,
  labels_json TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  train_count INTEGER NOT NULL,
  validation_count INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX datasets_by_hash ON datasets(content_hash);

CREATE TABLE dataset_rows (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  text TEXT NOT NULL,
  label TEXT NOT NULL,
  split TEXT NOT NULL CHECK (split IN ('train', 'validation')),
  source_line INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, idx)
) WITHOUT ROWID;

CREATE TABLE comparisons (
  id TEXT PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES datasets(id),
  seeds_json TEXT NOT NULL,
  config_json TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT
);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES datasets(id),
  comparison_id TEXT REFERENCES comparisons(id),
  name TEXT NOT NULL,
  loss TEXT NOT NULL CHECK (loss IN ('baseline', 'comparative')),
  seed INTEGER NOT NULL,
  status TEXT NOT NULL,
  backend TEXT,
  config_json TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  -- pid of the process whose services own (schedule) the run: a run whose owner is gone is interrupted
  owner_pid INTEGER,
  error TEXT,
  final_metrics_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_by_comparison ON runs(comparison_id);
CREATE INDEX runs_by_status ON runs(status);

CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch REAL NOT NULL,
  split TEXT NOT NULL CHECK (split IN ('train', 'validation')),
  name TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX metrics_by_run ON metrics(run_id, split, name, step);
`,
} as const;
