// Streaming import of one big CSV/TSV file: the file is read in 1 MiB chunks, decoded, tokenized
// and handed on in batches of rows, so memory stays bounded by the batch (plus a few bytes per
// row kept by the caller), not by the file. Progress is reported per chunk; an AbortSignal cancels.
import { createReadStream, statSync } from 'node:fs';
import { AppError } from '../../../shared/errors';
import type { DatasetTask } from '../../../shared/dataset-report';
import { CsvTokenizer, type StreamRecord } from './csv-stream';
import { detectEncoding } from './decode';
import { chooseColumns, type ColumnChoice, type RequestedColumns } from './detect-columns';
import { sniffDelimiter } from './detect-format';
import { extractRecord, inferTask, type ParsedRow } from './extract-rows';
import { cleanLabel } from './labels';
import type { RawRecord, RawTable } from './raw-table';
import { SourceText } from './source-text';

/** Records looked at before the columns and task are decided (the in-memory path sees them all). */
const SAMPLE_RECORDS = 1000;
const CHUNK_BYTES = 1 << 20;

export interface StreamProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

export interface StreamOptions extends RequestedColumns {
  task?: DatasetTask;
  skipBadRows?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: StreamProgress) => void;
  /** Rows per onRows call. */
  batchSize?: number;
}

export interface StreamResult {
  columns: string[];
  choice: ColumnChoice;
  task: DatasetTask;
  delimiter: string;
  encoding: string;
  rows: number;
  bytes: number;
  skipped: SourceText['skipped'];
}

export async function streamDelimitedFile(path: string, onRows: (rows: ParsedRow[]) => void, options: StreamOptions = {}): Promise<StreamResult> {
  const totalBytes = statSync(path).size;
  const source = new SourceText(path, '', options.skipBadRows);
  if (totalBytes === 0) source.fail(0, 'file is empty');
  const batchSize = options.batchSize ?? 10_000;

  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let encoding = 'utf-8';
  let tokenizer: CsvTokenizer | undefined;
  let delimiter = ',';
  let columns: string[] | undefined;
  let header: StreamRecord | undefined;
  let setup: { choice: ColumnChoice; task: DatasetTask } | undefined;
  const pending: StreamRecord[] = [];
  let batch: ParsedRow[] = [];
  const cleanedLabels = new Map<string, string>();
  let rows = 0;
  let bytes = 0;

  const toRaw = (record: StreamRecord): RawRecord => new StreamRawRecord(record, columns!);

  const handle = (record: StreamRecord) => {
    if (!columns) {
      header = record;
      columns = record.cells.map((c) => c.trim());
      if (columns.length < 2) source.failAt({ line: record.line, column: 1 }, `the first row must be a header naming at least two columns (text and label), found ${columns.length}`);
      return;
    }
    if (record.cells.length !== columns.length) {
      source.reject({ line: record.line, column: 1 }, `row has ${record.cells.length} field(s) but the header has ${columns.length}`);
      return;
    }
    if (!setup) {
      pending.push(record);
      if (pending.length >= SAMPLE_RECORDS) decide();
      return;
    }
    emit(record);
  };

  const decide = () => {
    const table: RawTable = {
      columns: columns!,
      records: pending.map(toRaw),
      columnsPosition: { line: header!.line, column: 1 },
      locateColumn: () => ({ line: header!.line, column: 1 }),
    };
    const choice = chooseColumns(source, table, options);
    setup = { choice, task: options.task ?? inferTask(table, choice, false) };
    for (const record of pending.splice(0)) emit(record);
  };

  let cursor: StreamRawRecord | undefined;
  const emit = (record: StreamRecord) => {
    // One reused record view: extraction reads it synchronously, and a million fresh views is GC work.
    cursor ??= new StreamRawRecord(record, columns!);
    cursor.reset(record);
    const row = extractRecord(source, cursor, setup!.choice, setup!.task);
    if (!row) return;
    if (setup!.task === 'classification' || setup!.task === 'pair_classification') {
      // Labels repeat, so each distinct spelling is cleaned once.
      let clean = cleanedLabels.get(row.label);
      if (clean === undefined) {
        clean = cleanLabel(row.label);
        if (cleanedLabels.size < 10_000) cleanedLabels.set(row.label, clean);
      }
      row.label = clean;
    }
    batch.push(row);
    rows++;
    if (batch.length >= batchSize) flush();
  };

  const flush = () => {
    if (batch.length > 0) onRows(batch);
    batch = [];
  };

  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) throw new AppError('conflict', 'import cancelled');
      bytes += chunk.length;
      let data: Uint8Array = chunk;
      if (!decoder) {
        const detected = detectEncoding(chunk);
        encoding = detected.encoding;
        decoder = new TextDecoder(detected.encoding);
        data = chunk.subarray(detected.bomLength);
      }
      const text = decoder.decode(data, { stream: true });
      if (!tokenizer) {
        if (text.indexOf('\0') !== -1) source.failAt({ line: 1, column: 1 }, 'file contains NUL bytes: this looks like a binary file, not CSV or TSV text');
        delimiter = sniffDelimiter(text.slice(text.search(/\S/)), /\.(tsv|tab)$/i.test(path) ? '\t' : /\.csv$/i.test(path) ? ',' : undefined);
        tokenizer = new CsvTokenizer(path, delimiter);
      }
      for (const record of tokenizer.push(text, false)) handle(record);
      options.onProgress?.({ bytes, totalBytes, rows });
    }
    if (tokenizer) for (const record of tokenizer.push(decoder!.decode(), true)) handle(record);
  } finally {
    stream.destroy();
  }
  if (!columns) source.fail(0, 'file is empty');
  if (!setup) decide();
  flush();
  if (rows === 0) source.failAt({ line: header!.line + 1, column: 1 }, 'file has a header row but no usable data rows');
  options.onProgress?.({ bytes, totalBytes, rows });
  return { columns: columns!, choice: setup!.choice, task: setup!.task, delimiter, encoding, rows, bytes, skipped: source.skipped };
}

/**
 * A class rather than an object of closures: a million records each making fresh closures cost
 * more than the tokenizing (measured with bench/import-speed.ts).
 */
class StreamRawRecord implements RawRecord {
  line: number;
  constructor(
    private record: StreamRecord,
    private readonly columns: string[],
  ) {
    this.line = record.line;
  }

  reset(record: StreamRecord): void {
    this.record = record;
    this.line = record.line;
  }

  get(column: string): unknown {
    const index = this.columns.indexOf(column);
    return index < 0 ? undefined : this.record.cells[index];
  }

  /** Streaming keeps no text to measure columns in; the row's line is exact, the column is its start. */
  locate(): { line: number; column: number } {
    return { line: this.line, column: 1 };
  }
}
