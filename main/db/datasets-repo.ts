import type Database from 'better-sqlite3';
import type { ValidationReport } from '../../shared/dataset-report';
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
  task: NonNullable<DatasetSummary['task']>;
  text_pair_column: string | null;
  id_column: string | null;
  columns_json: string;
  test_count: number;
  encoding: string | null;
  report_json: string | null;
}

export interface StoredRow extends DatasetRow {
  sourceLine: number;
}

export class DatasetsRepo {
  constructor(private readonly db: Database.Database) {}

  /** Stores the dataset and all its rows in one transaction: an import is all or nothing. */
  insert(summary: DatasetSummary, rows: StoredRow[], report?: ValidationReport): void {
    this.db.transaction(() => {
      this.insertDataset(summary, 'ready', report);
      this.appendRows(summary.id, 0, rows);
    })();
  }

  /**
   * Streamed imports write rows batch by batch under an 'importing' dataset that nothing lists;
   * finish() makes it visible, abort() removes every trace (rows go with it by ON DELETE CASCADE).
   */
  begin(summary: DatasetSummary): void {
    this.insertDataset(summary, 'importing');
  }

  appendRows(id: string, firstIdx: number, rows: StoredRow[]): void {
    // Many rows per INSERT: at a million rows the per-statement overhead, not SQLite, dominates.
    const PER_STATEMENT = 64;
    const columns = '(dataset_id, idx, text, text_pair, label, split, source_line)';
    const many = this.db.prepare(`INSERT INTO dataset_rows ${columns} VALUES ${Array(PER_STATEMENT).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
    const one = this.db.prepare(`INSERT INTO dataset_rows ${columns} VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const values = (r: StoredRow, i: number) => [id, firstIdx + i, r.text, r.textPair ?? null, r.label, r.split, r.sourceLine];
    this.db.transaction(() => {
      let i = 0;
      for (; i + PER_STATEMENT <= rows.length; i += PER_STATEMENT) {
        const params: unknown[] = [];
        for (let k = i; k < i + PER_STATEMENT; k++) params.push(...values(rows[k], k));
        many.run(params);
      }
      for (; i < rows.length; i++) one.run(values(rows[i], i));
    })();
  }

  finish(summary: DatasetSummary, report?: ValidationReport): void {
    this.db
      .prepare(
        `UPDATE datasets SET status = 'ready', labels_json = ?, row_count = ?, train_count = ?, validation_count = ?, test_count = ?,
           report_json = ?, task = ?, text_column = ?, label_column = ?, text_pair_column = ?, columns_json = ? WHERE id = ?`,
      )
      .run(
        JSON.stringify(summary.labels), summary.rows, summary.splits.train, summary.splits.validation, summary.splits.test ?? 0,
        report ? JSON.stringify(report) : null, summary.task ?? 'classification', summary.textColumn, summary.labelColumn,
        summary.mapping?.textPairColumn ?? null, JSON.stringify(summary.columns ?? []), summary.id,
      );
  }

  /** Streamed imports store every row as train first; the split is known only at the end. */
  /** Moves the rows `indices` (stored as train) to `split`. */
  setSplit(id: string, split: 'validation' | 'test', indices: number[]): void {
    // Row ranges in one statement each: 200,000 single-row UPDATEs took seconds.
    const update = this.db.prepare('UPDATE dataset_rows SET split = ? WHERE dataset_id = ? AND idx IN (SELECT value FROM json_each(?))');
    this.db.transaction(() => {
      for (let i = 0; i < indices.length; i += 5000) update.run(split, id, JSON.stringify(indices.slice(i, i + 5000)));
    })();
  }

  renameLabel(id: string, from: string, to: string): void {
    this.db.prepare('UPDATE dataset_rows SET label = ? WHERE dataset_id = ? AND label = ?').run(to, id, from);
  }

  abort(id: string): void {
    this.db.prepare('DELETE FROM dataset_rows WHERE dataset_id = ?').run(id);
    this.db.prepare("DELETE FROM datasets WHERE id = ? AND status = 'importing'").run(id);
  }

  private insertDataset(summary: DatasetSummary, status: 'importing' | 'ready', report?: ValidationReport): void {
    this.db
      .prepare(
        `INSERT INTO datasets (id, name, file_name, format, content_hash, text_column, label_column, labels_json,
           row_count, train_count, validation_count, created_at, task, text_pair_column, id_column, columns_json,
           test_count, encoding, report_json, status)
         VALUES (@id, @name, @fileName, @format, @contentHash, @textColumn, @labelColumn, @labelsJson,
           @rows, @train, @validation, @createdAt, @task, @textPairColumn, @idColumn, @columnsJson,
           @test, @encoding, @reportJson, @status)`,
      )
      .run({
        ...summary,
        labelsJson: JSON.stringify(summary.labels),
        train: summary.splits.train,
        validation: summary.splits.validation,
        test: summary.splits.test ?? 0,
        task: summary.task ?? 'classification',
        textPairColumn: summary.mapping?.textPairColumn ?? null,
        idColumn: summary.mapping?.idColumn ?? null,
        columnsJson: JSON.stringify(summary.columns ?? []),
        encoding: summary.encoding ?? null,
        reportJson: report ? JSON.stringify(report) : null,
        status,
      });
  }

  get(id: string): DatasetSummary | undefined {
    const rec = this.db.prepare("SELECT * FROM datasets WHERE id = ? AND status = 'ready'").get(id) as DatasetRecord | undefined;
    return rec && this.toSummary(rec);
  }

  report(id: string): ValidationReport | undefined {
    const rec = this.db.prepare('SELECT report_json FROM datasets WHERE id = ?').get(id) as { report_json: string | null } | undefined;
    return rec?.report_json ? (JSON.parse(rec.report_json) as ValidationReport) : undefined;
  }

  findByHash(hash: string): DatasetSummary | undefined {
    const rec = this.db
      .prepare("SELECT * FROM datasets WHERE content_hash = ? AND status = 'ready' ORDER BY created_at LIMIT 1")
      .get(hash) as DatasetRecord | undefined;
    return rec && this.toSummary(rec);
  }

  list(): DatasetSummary[] {
    const recs = this.db.prepare("SELECT * FROM datasets WHERE status = 'ready' ORDER BY created_at DESC").all() as DatasetRecord[];
    return recs.map((r) => this.toSummary(r));
  }

  rows(id: string, limit = -1): DatasetRow[] {
    const rows = this.db
      .prepare('SELECT text, text_pair AS textPair, label, split FROM dataset_rows WHERE dataset_id = ? ORDER BY idx LIMIT ?')
      .all(id, limit) as Array<DatasetRow & { textPair: string | null }>;
    // Single-text datasets keep the row shape they always had (no textPair key at all).
    for (const row of rows) if (row.textPair === null) delete (row as { textPair?: string | null }).textPair;
    return rows as DatasetRow[];
  }

  private toSummary(rec: DatasetRecord): DatasetSummary {
    // A multi-label row stores its label set as a JSON array and counts once per label.
    const countSql =
      rec.task === 'multilabel'
        ? 'SELECT j.value AS label, COUNT(*) AS n FROM dataset_rows, json_each(dataset_rows.label) AS j WHERE dataset_id = ? GROUP BY j.value'
        : 'SELECT label, COUNT(*) AS n FROM dataset_rows WHERE dataset_id = ? GROUP BY label';
    const counts = this.db.prepare(countSql).all(rec.id) as Array<{ label: string; n: number }>;
    const mapping: NonNullable<DatasetSummary['mapping']> = { textColumn: rec.text_column, labelColumn: rec.label_column };
    if (rec.text_pair_column !== null) mapping.textPairColumn = rec.text_pair_column;
    if (rec.id_column !== null) mapping.idColumn = rec.id_column;
    const summary: DatasetSummary = {
      id: rec.id,
      name: rec.name,
      fileName: rec.file_name,
      format: rec.format,
      rows: rec.row_count,
      textColumn: rec.text_column,
      labelColumn: rec.label_column,
      labels: JSON.parse(rec.labels_json) as string[],
      // Regression targets and QA answers are not classes: counting them would list every value.
      labelCounts: rec.task === 'regression' || rec.task === 'qa' ? {} : Object.fromEntries(counts.map((c) => [c.label, c.n])),
      splits: rec.test_count > 0 ? { train: rec.train_count, validation: rec.validation_count, test: rec.test_count } : { train: rec.train_count, validation: rec.validation_count },
      contentHash: rec.content_hash,
      createdAt: rec.created_at,
      task: rec.task,
      columns: JSON.parse(rec.columns_json) as string[],
      mapping,
    };
    if (rec.encoding !== null) summary.encoding = rec.encoding;
    return summary;
  }
}
