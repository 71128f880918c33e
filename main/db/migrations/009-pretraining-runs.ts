// Migration 9: pretraining runs in the history. A masked-language-model run (main/services/
// pretrain-service.ts) is a row like a fine-tuning run: what it started from, the dataset whose
// texts it read (NULL for a text file), the model folder it writes, its status and step, its
// owner (as runs.owner_pid / owner_started: a row left 'running' by a process that died becomes
// 'interrupted'), and its held-out loss curve, one row per evaluation.
export const migration009 = {
  version: 9,
  name: 'pretraining-runs',
  sql: `
CREATE TABLE pretraining_runs (
  id TEXT PRIMARY KEY,
  dataset_id TEXT REFERENCES datasets(id) ON DELETE SET NULL,
  model TEXT NOT NULL,
  texts TEXT NOT NULL,
  folder TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted')),
  step INTEGER NOT NULL DEFAULT 0,
  steps INTEGER NOT NULL,
  validation_loss REAL,
  documents INTEGER,
  backend TEXT,
  error TEXT,
  bad_input INTEGER NOT NULL DEFAULT 0,
  owner_pid INTEGER,
  owner_started TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX pretraining_runs_by_dataset ON pretraining_runs (dataset_id);
CREATE INDEX pretraining_runs_by_folder ON pretraining_runs (folder);
CREATE TABLE pretraining_evaluations (
  run_id TEXT NOT NULL REFERENCES pretraining_runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  loss REAL NOT NULL,
  PRIMARY KEY (run_id, step)
);
`,
} as const;
