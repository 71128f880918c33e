import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { ValidationReport } from '../../shared/dataset-report';
import type { DatasetRow, DatasetSummary } from '../../shared/schemas';

/** Blocks this thread for `ms` (a synchronous delete loop's pause; Atomics.wait is allowed on Node's main thread). */
function pauseSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

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

/**
 * Records who is streaming a dataset in (main/services/import-owners.ts): claimed before the
 * 'importing' row exists, released once it is ready or gone, so a start-up sweep can tell a dead
 * importer's rows from those of an import running right now in another process.
 */
export interface ImportOwners {
  claim(id: string): void;
  release(id: string): void;
}

/** Rows deleted per transaction start here and adapt so one transaction holds the write lock ~50 ms (well under 250 ms). */
const FIRST_DELETE_BATCH = 10_000;
const DELETE_BATCH_MS = 50;

/** The next batch size after one of `rows` rows took `ms`: aims at DELETE_BATCH_MS per transaction. */
export function nextDeleteBatch(rows: number, ms: number): number {
  if (ms < DELETE_BATCH_MS / 2) return Math.min(rows * 2, 500_000);
  if (ms > DELETE_BATCH_MS * 2) return Math.max(Math.floor(rows / 2), 500);
  return rows;
}

/** Gives up the write lock for as long as the last transaction held it (at most 50 ms), so other processes' writers get in between. */
const yieldLock = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(Math.max(1, ms), DELETE_BATCH_MS)));

export class DatasetsRepo {
  /** Streamed imports this repo began and has not finished or aborted. */
  private readonly importing = new Set<string>();
  /** Set by stopImports(): every further write of an in-flight import throws, so it aborts. */
  private stopped = false;

  constructor(
    private readonly db: Database.Database,
    private readonly owners?: ImportOwners,
  ) {}

  private checkNotStopped(): void {
    if (this.stopped) throw new AppError('conflict', 'import cancelled: Comparo is closing');
  }

  /** Stores the dataset and all its rows in one transaction: an import is all or nothing. */
  insert(summary: DatasetSummary, rows: StoredRow[], report?: ValidationReport): void {
    this.db.transaction(() => {
      this.insertDataset(summary, 'ready', report);
      this.appendRows(summary.id, 0, rows);
    })();
  }

  /**
   * Streamed imports write rows batch by batch under an 'importing' dataset that nothing lists;
   * finish() makes it visible, abort() removes every trace (rows first, in short transactions:
   * deleting the dataset row first would cascade over every row in one long transaction).
   */
  begin(summary: DatasetSummary): void {
    this.checkNotStopped();
    // The owner is on record before the row is: a sweep that sees the row also sees its owner.
    this.owners?.claim(summary.id);
    try {
      this.insertDataset(summary, 'importing');
    } catch (e) {
      this.owners?.release(summary.id);
      throw e;
    }
    this.importing.add(summary.id);
  }

  appendRows(id: string, firstIdx: number, rows: StoredRow[]): void {
    this.checkNotStopped();
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
    this.checkNotStopped();
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
    this.importing.delete(summary.id);
    this.owners?.release(summary.id);
  }

  /** Streamed imports store every row as train first; the split is known only at the end. */
  /**
   * Moves the rows `indices` (stored as train) to `split`: 5,000 rows per statement, each its own
   * short transaction with a pause as long after it, not one transaction for all (at millions of
   * rows that held the write lock for seconds and other processes' writes timed out). The dataset
   * is still 'importing', so nobody reads a half-moved split.
   */
  async setSplit(id: string, split: 'validation' | 'test', indices: number[]): Promise<void> {
    const update = this.db.prepare('UPDATE dataset_rows SET split = ? WHERE dataset_id = ? AND idx IN (SELECT value FROM json_each(?))');
    for (let i = 0; i < indices.length; i += 5000) {
      this.checkNotStopped();
      const began = performance.now();
      update.run(split, id, JSON.stringify(indices.slice(i, i + 5000)));
      await yieldLock(performance.now() - began);
    }
  }

  /** Rewrites one label spelling, 20,000 row positions per transaction, pausing in between like setSplit. */
  async renameLabel(id: string, from: string, to: string): Promise<void> {
    const update = this.db.prepare('UPDATE dataset_rows SET label = ? WHERE dataset_id = ? AND label = ? AND idx >= ? AND idx < ?');
    const last = (this.db.prepare('SELECT MAX(idx) AS m FROM dataset_rows WHERE dataset_id = ?').get(id) as { m: number | null }).m ?? -1;
    for (let start = 0; start <= last; start += 20_000) {
      this.checkNotStopped();
      const began = performance.now();
      update.run(to, id, from, start, start + 20_000);
      await yieldLock(performance.now() - began);
    }
  }

  /** Removes a failed or cancelled import's rows and dataset, in short transactions (deleteImporting). */
  abort(id: string): void {
    // Closed under us (Comparo is exiting): stopImports() deleted it already, or the next start-up sweep will.
    if (this.db.open) this.deleteImporting(id);
    this.importing.delete(id);
    this.owners?.release(id);
  }

  /** Ids of every dataset still 'importing' (this process's and others'). */
  importingIds(): string[] {
    return (this.db.prepare("SELECT id FROM datasets WHERE status = 'importing' ORDER BY id").all() as Array<{ id: string }>).map((r) => r.id);
  }

  /**
   * Deletes up to `limit` rows of the 'importing' dataset `id` in one transaction, and the dataset
   * row once none are left (returns false then, or when `id` is not importing at all). Checks the
   * status inside the transaction, so a dataset that became ready meanwhile is never touched.
   */
  deleteImportingBatch(id: string, limit: number): boolean {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT status FROM datasets WHERE id = ?').get(id) as { status: string } | undefined;
      if (row?.status !== 'importing') return false;
      // dataset_rows is WITHOUT ROWID: its key (dataset_id, idx) picks the batch.
      this.db.prepare('DELETE FROM dataset_rows WHERE dataset_id = ? AND idx IN (SELECT idx FROM dataset_rows WHERE dataset_id = ? ORDER BY idx LIMIT ?)').run(id, id, limit);
      const more = this.db.prepare('SELECT 1 FROM dataset_rows WHERE dataset_id = ? LIMIT 1').get(id) !== undefined;
      if (!more) this.db.prepare("DELETE FROM datasets WHERE id = ? AND status = 'importing'").run(id);
      return more;
    })();
  }

  /**
   * Every row of the 'importing' dataset `id`, then the dataset, in transactions of ~50 ms with a
   * pause as long between them (synchronous: it runs when an import fails or Comparo closes).
   */
  deleteImporting(id: string): void {
    let batch = FIRST_DELETE_BATCH;
    for (;;) {
      const began = performance.now();
      const more = this.deleteImportingBatch(id, batch);
      const ms = performance.now() - began;
      if (!more) return;
      batch = nextDeleteBatch(batch, ms);
      pauseSync(Math.min(ms, DELETE_BATCH_MS));
    }
  }

  /**
   * Closing: this process's in-flight imports are deleted and any later write to them is refused
   * ("import cancelled"), so a stream still running cannot re-create rows. Returns their ids.
   */
  stopImports(): string[] {
    this.stopped = true;
    const ids = [...this.importing];
    for (const id of ids) {
      try {
        this.deleteImporting(id);
      } finally {
        this.importing.delete(id);
        this.owners?.release(id);
      }
    }
    return ids;
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
