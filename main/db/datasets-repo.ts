import type Database from 'better-sqlite3';
import type { DatasetRow, DatasetSummary } from '../../shared/schemas';

interface DatasetRecord {
  id: string;
  name: string;
  file_name: string;
  format: DatasetSummary['format'];
  content_hash: string;
  text_column: string;
  label_column: string;
  labels_json: string;
  row_count: number;
  train_count: number;
  validation_count: number;
  created_at: string;
}

export interface StoredRow extends DatasetRow {
  sourceLine: number;
}

export class DatasetsRepo {
  constructor(private readonly db: Database.Database) {}

  /** Stores the dataset and all its rows in one transaction: an import is all or nothing. */
  insert(summary: DatasetSummary, rows: StoredRow[]): void {
    const insertDataset = this.db.prepare(
      `INSERT INTO datasets (id, name, file_name, format, content_hash, text_column, label_column, labels_json,
         row_count, train_count, validation_count, created_at)
       VALUES (@id, @name, @fileName, @format, @contentHash, @textColumn, @labelColumn, @labelsJson,
         @rows, @train, @validation, @createdAt)`,
    );
    const insertRow = this.db.prepare(
      'INSERT INTO dataset_rows (dataset_id, idx, text, label, split, source_line) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      insertDataset.run({
        ...summary,
        labelsJson: JSON.stringify(summary.labels),
        train: summary.splits.train,
        validation: summary.splits.validation,
      });
      rows.forEach((r, i) => insertRow.run(summary.id, i, r.text, r.label, r.split, r.sourceLine));
    })();
  }

  get(id: string): DatasetSummary | undefined {
    const rec = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRecord | undefined;
    return rec && this.toSummary(rec);
  }

  findByHash(hash: string): DatasetSummary | undefined {
    const rec = this.db.prepare('SELECT * FROM datasets WHERE content_hash = ? ORDER BY created_at LIMIT 1').get(hash) as
      | DatasetRecord
      | undefined;
    return rec && this.toSummary(rec);
  }

  list(): DatasetSummary[] {
    const recs = this.db.prepare('SELECT * FROM datasets ORDER BY created_at DESC').all() as DatasetRecord[];
    return recs.map((r) => this.toSummary(r));
  }

  rows(id: string, limit = -1): DatasetRow[] {
    return this.db
      .prepare('SELECT text, label, split FROM dataset_rows WHERE dataset_id = ? ORDER BY idx LIMIT ?')
      .all(id, limit) as DatasetRow[];
  }

  private toSummary(rec: DatasetRecord): DatasetSummary {
    const counts = this.db
      .prepare('SELECT label, COUNT(*) AS n FROM dataset_rows WHERE dataset_id = ? GROUP BY label')
      .all(rec.id) as Array<{ label: string; n: number }>;
    return {
      id: rec.id,
      name: rec.name,
      fileName: rec.file_name,
      format: rec.format,
      rows: rec.row_count,
      textColumn: rec.text_column,
      labelColumn: rec.label_column,
      labels: JSON.parse(rec.labels_json) as string[],
      labelCounts: Object.fromEntries(counts.map((c) => [c.label, c.n])),
      splits: { train: rec.train_count, validation: rec.validation_count },
      contentHash: rec.content_hash,
      createdAt: rec.created_at,
    };
  }
}
