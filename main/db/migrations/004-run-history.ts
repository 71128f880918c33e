// Migration 4: the history becomes editable. Runs already have a display name (runs.name); this
// adds tags, comparison names, and ad-hoc comparisons made from existing runs.
// - run_tags is a table, not a JSON column, so "runs tagged X" is an index lookup (run_tags_by_tag)
//   instead of a scan that parses every run's JSON.
// - comparison_runs lists the runs of an ad-hoc comparison with the arm each one is in and the
//   seed it pairs on. Seeded comparisons keep finding their runs through runs.comparison_id, so
//   nothing shipped changes meaning. Both tables cascade: deleting a run or a comparison never
//   leaves rows pointing at nothing.
export const migration004 = {
  version: 4,
  name: 'run-history',
  sql: `
CREATE TABLE run_tags (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
CREATE INDEX run_tags_by_tag ON run_tags(tag, run_id);

ALTER TABLE comparisons ADD COLUMN name TEXT;
-- 'seeded': N seeds x both arms started together; 'adhoc': chosen from the history afterwards.
ALTER TABLE comparisons ADD COLUMN kind TEXT NOT NULL DEFAULT 'seeded' CHECK (kind IN ('seeded', 'adhoc'));

CREATE TABLE comparison_runs (
  comparison_id TEXT NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  arm TEXT NOT NULL CHECK (arm IN ('baseline', 'comparative')),
  seed INTEGER NOT NULL,
  PRIMARY KEY (comparison_id, run_id)
) WITHOUT ROWID;
CREATE INDEX comparison_runs_by_run ON comparison_runs(run_id);
-- The history list filters by dataset; runs had no index on it.
CREATE INDEX runs_by_dataset ON runs(dataset_id);
`,
} as const;
