import type Database from 'better-sqlite3';

/**
 * Read-only access to a dataset's texts for the comparison analysis, without loading the whole
 * dataset: a few hundred validation or test texts by position, and an evenly spaced sample of training
 * texts. Positions follow the trainer's view (rows in idx order within a split; a text pair is
 * joined by a line break, as DatasetService.trainingData gives it to the trainer).
 */
export class DatasetTextsRepo {
  constructor(private readonly db: Database.Database) {}

  /** Texts of the validation examples at `positions` (position = index within the validation split). */
  validationTexts(datasetId: string, positions: readonly number[]): Map<number, string> {
    return this.splitTexts(datasetId, 'validation', positions);
  }

  /** Texts of the examples of `split` at `positions` (position = index within that split). */
  splitTexts(datasetId: string, split: 'validation' | 'test', positions: readonly number[]): Map<number, string> {
    const wanted = new Set(positions);
    const out = new Map<number, string>();
    if (wanted.size === 0) return out;
    const last = Math.max(...wanted);
    const rows = this.db
      .prepare('SELECT text, text_pair AS pair FROM dataset_rows WHERE dataset_id = ? AND split = ? ORDER BY idx')
      .iterate(datasetId, split) as IterableIterator<{ text: string; pair: string | null }>;
    let position = 0;
    for (const row of rows) {
      if (wanted.has(position)) out.set(position, joinPair(row));
      // Stop reading once the last wanted position is passed; the iterator's return() ends the statement.
      if (++position > last) break;
    }
    return out;
  }

  /**
   * Question answering: the question, context and stored label (shared/qa-answers.ts) of the
   * examples of `split` at `positions`, kept apart so the Examples view can mark answers in the context.
   */
  splitQaRows(datasetId: string, split: 'validation' | 'test', positions: readonly number[]): Map<number, { question: string; context: string; label: string }> {
    const wanted = new Set(positions);
    const out = new Map<number, { question: string; context: string; label: string }>();
    if (wanted.size === 0) return out;
    const last = Math.max(...wanted);
    const rows = this.db
      .prepare('SELECT text, text_pair AS pair, label FROM dataset_rows WHERE dataset_id = ? AND split = ? ORDER BY idx')
      .iterate(datasetId, split) as IterableIterator<{ text: string; pair: string | null; label: string }>;
    let position = 0;
    for (const row of rows) {
      if (wanted.has(position)) out.set(position, { question: row.text, context: row.pair ?? '', label: row.label });
      if (++position > last) break;
    }
    return out;
  }

  /** At most `limit` training texts, evenly spaced over the split (all of them when it is smaller). */
  trainingSample(datasetId: string, limit: number): string[] {
    const { n } = this.db.prepare("SELECT COUNT(*) AS n FROM dataset_rows WHERE dataset_id = ? AND split = 'train'").get(datasetId) as { n: number };
    const every = Math.max(1, Math.ceil(n / limit));
    const rows = this.db
      .prepare("SELECT text, text_pair AS pair FROM dataset_rows WHERE dataset_id = ? AND split = 'train' ORDER BY idx")
      .iterate(datasetId) as IterableIterator<{ text: string; pair: string | null }>;
    const out: string[] = [];
    let i = 0;
    for (const row of rows) {
      if (i++ % every === 0) out.push(joinPair(row));
    }
    return out;
  }
}

function joinPair(row: { text: string; pair: string | null }): string {
  return row.pair === null ? row.text : `${row.text}\n${row.pair}`;
}
