// Migration 3: datasets beyond single-text classification, and a held-out test split.
// dataset_rows.split's CHECK only allowed train/validation and SQLite cannot alter a CHECK, so the
// table is rebuilt: create the new one, copy, drop, rename (the "create new table and copy" way
// SQLite documents; nothing references dataset_rows, so foreign keys need no special handling).
export const migration003 = {
  version: 3,
  name: 'dataset-tasks-test-split',
  sql: `
ALTER TABLE datasets ADD COLUMN task TEXT NOT NULL DEFAULT 'classification';
ALTER TABLE datasets ADD COLUMN text_pair_column TEXT;
ALTER TABLE datasets ADD COLUMN id_column TEXT;
ALTER TABLE datasets ADD COLUMN columns_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE datasets ADD COLUMN test_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE datasets ADD COLUMN encoding TEXT;
-- The validation report, kept so the dataset view can show it again without re-reading the file.
ALTER TABLE datasets ADD COLUMN report_json TEXT;
-- 'importing' while a streamed import writes its rows; only 'ready' datasets are listed or found.
ALTER TABLE datasets ADD COLUMN status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('importing', 'ready'));

CREATE TABLE dataset_rows_new (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  text TEXT NOT NULL,
  text_pair TEXT,
  label TEXT NOT NULL,
  split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
  source_line INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, idx)
) WITHOUT ROWID;
INSERT INTO dataset_rows_new (dataset_id, idx, text, label, split, source_line)
  SELECT dataset_id, idx, text, label, split, source_line FROM dataset_rows;
DROP TABLE dataset_rows;
ALTER TABLE dataset_rows_new RENAME TO dataset_rows;
`,
} as const;
