// Migration 2: what the complete engine reports. Per evaluation: per-class scores, the confusion
// matrix and every validation example's prediction (so later views can diff runs example by
// example); per run: the latest checkpoint (resume continues from it) and neuronal utility.
export const migration002 = {
  version: 2,
  name: 'evaluations-checkpoints-utility',
  sql: `
ALTER TABLE runs ADD COLUMN checkpoint_path TEXT;
ALTER TABLE runs ADD COLUMN checkpoint_step INTEGER;
ALTER TABLE runs ADD COLUMN best_step INTEGER;

CREATE TABLE evaluations (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch REAL NOT NULL,
  is_best INTEGER NOT NULL DEFAULT 0,
  per_class_json TEXT NOT NULL DEFAULT '[]',
  confusion_json TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (run_id, step)
);

CREATE TABLE predictions (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  example_index INTEGER NOT NULL,
  predicted REAL NOT NULL,
  gold REAL NOT NULL,
  confidence REAL NOT NULL,
  PRIMARY KEY (run_id, step, example_index)
) WITHOUT ROWID;

CREATE TABLE utility (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('drop', 'crop')),
  k INTEGER NOT NULL,
  rate REAL NOT NULL,
  metrics_json TEXT NOT NULL,
  PRIMARY KEY (run_id, kind, k)
);
`,
} as const;
