// Streaming import of one big CSV/TSV file: the file is read in 1 MiB chunks, decoded, tokenized
// and handed on in batches of rows, so memory stays bounded by the batch (plus a few bytes per
// row kept by the caller), not by the file. Progress is reported per chunk; an AbortSignal cancels.
import { createReadStream, statSync } from 'node:fs';
import { AppError } from '../../../shared/errors';
import type { DatasetTask } from '../../../shared/dataset-report';
import { isSingleLabelTask } from '../../../shared/tasks';
import { CsvTokenizer, type StreamRecord } from './csv-stream';
import { JsonLinesSplitter, parseStreamedLine } from './jsonl-stream';
import { locateKeyValue } from './parse-jsonl';
import { ChunkDecoder, DecodeFailure } from './chunk-decoder';
import { detectEncoding, PositionCounter, type TextEncodingName } from './decode';
import { chooseColumns, type ColumnChoice, type RequestedColumns } from './detect-columns';
import { sniffDelimiter } from './detect-format';
import { extractRecord, inferTask, refuseNonFiniteNumericLabels, withQaColumns, type ParsedRow } from './extract-rows';
import { cleanLabel } from './labels';
import type { RawRecord, RawTable } from './raw-table';
import { SourceText } from './source-text';
import type { HtmlFinding } from './html';

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
  stripHtml?: boolean;
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
  skippedCount: number;
  html?: HtmlFinding;
}

/** A record held back while the columns are being decided; JSON Lines records keep their object. */
interface PendingRecord extends StreamRecord {
  object?: Record<string, unknown>;
  lineText?: string;
}

/**
 * Streams a big CSV/TSV or JSON Lines file (by extension: .jsonl/.ndjson) through the same
 * pipeline: sample, decide columns and task, then extract rows batch by batch.
 */
export async function streamDelimitedFile(path: string, onRows: (rows: ParsedRow[]) => void, options: StreamOptions = {}): Promise<StreamResult> {
  const jsonl = /\.(jsonl|ndjson)$/i.test(path);
  const totalBytes = statSync(path).size;
  const source = new SourceText(path, '', options);
  if (totalBytes === 0) source.fail(0, 'file is empty');
  // Small batches die young: 10k-row batches outlived scavenges and were copied (measured ~10% slower).
  const batchSize = options.batchSize ?? 2_000;

  let decoder: ChunkDecoder | undefined;
  let bomLength = 0;
  let tokenizer: CsvTokenizer | undefined;
  let splitter: JsonLinesSplitter | undefined;
  let delimiter = ',';
  let columns: string[] | undefined;
  let header: StreamRecord | undefined;
  let setup: { choice: ColumnChoice; task: DatasetTask } | undefined;
  const pending: PendingRecord[] = [];
  let batch: ParsedRow[] = [];
  const cleanedLabels = new Map<string, string>();
  let rows = 0;
  let bytes = 0;

  const toRaw = (record: PendingRecord): RawRecord => new StreamRawRecord(record, columns!);

  const handle = (cells: string[], line: number) => {
    if (!columns) {
      header = { cells, line };
      columns = cells.map((c) => c.trim());
      if (columns.length < 2) source.failAt({ line, column: 1 }, `the first row must be a header naming at least two columns (text and label), found ${columns.length}`);
      // As on the in-memory path (parse-delimited.ts readHeader): a second column of one name would be unreachable.
      const seen = new Set<string>();
      let column = 1;
      columns.forEach((name, index) => {
        if (seen.has(name)) source.failAt({ line, column }, `duplicate column name "${name}" in the header row`);
        seen.add(name);
        column += cells[index].length + 1;
      });
      return;
    }
    if (cells.length !== columns.length) {
      source.reject({ line, column: 1 }, `row has ${cells.length} field(s) but the header has ${columns.length}`);
      return;
    }
    if (!setup) {
      pending.push({ cells, line });
      if (pending.length >= SAMPLE_RECORDS) decide();
      return;
    }
    emit(cells, line);
  };

  const handleLine = (lineText: string, line: number) => {
    let object: Record<string, unknown>;
    try {
      object = parseStreamedLine(path, lineText, line);
    } catch (error) {
      // Each line stands alone, so under "skip bad rows" a line that is not a JSON object is listed and left out.
      if (!(error instanceof AppError) || !error.location) throw error;
      source.reject(error.location, error.message);
      return;
    }
    if (!setup) {
      pending.push({ cells: [], line, object, lineText });
      if (pending.length >= SAMPLE_RECORDS) decide();
      return;
    }
    emitObject(object, line, lineText);
  };

  const decide = () => {
    if (jsonl) {
      // JSON Lines has no header: the columns are the keys the sampled objects use, in first-seen order.
      if (pending.length === 0) source.fail(0, 'file is empty');
      const keys = new Set<string>();
      for (const record of pending) for (const key of Object.keys(record.object!)) keys.add(key);
      columns = [...keys];
      header = { cells: [], line: pending[0].line };
    }
    const records = pending.map(toRaw);
    const table: RawTable = {
      columns: columns!,
      records,
      columnsPosition: { line: header!.line, column: 1 },
      // As on the in-memory path: a column is pointed at in the first record that has it.
      locateColumn: (column) => (jsonl ? (records.find((r) => r.get(column) !== undefined) ?? records[0]).locate(column) : { line: header!.line, column: 1 }),
    };
    const detected = chooseColumns(source, table, options);
    const task = options.task ?? inferTask(table, detected, false);
    setup = { choice: task === 'qa' ? withQaColumns(source, table, detected) : detected, task };
    // On the sample, as the columns are: later rows of a regression are checked one by one (extractRecord).
    if (options.task === undefined && isSingleLabelTask(setup.task)) refuseNonFiniteNumericLabels(source, records, setup.choice.labelColumn);
    for (const record of pending.splice(0)) {
      if (record.object) emitObject(record.object, record.line, record.lineText!);
      else emit(record.cells, record.line);
    }
  };

  let cursor: StreamRawRecord | undefined;
  const emit = (cells: string[], line: number) => {
    // One reused record view: extraction reads it synchronously, and a million fresh views is GC work.
    cursor ??= new StreamRawRecord({ cells, line }, columns!);
    cursor.reset(cells, line);
    accept(extractRecord(source, cursor, setup!.choice, setup!.task));
  };

  const emitObject = (object: Record<string, unknown>, line: number, lineText: string) => {
    cursor ??= new StreamRawRecord({ cells: [], line }, columns!);
    cursor.resetObject(object, line, lineText);
    accept(extractRecord(source, cursor, setup!.choice, setup!.task));
  };

  const accept = (row: ParsedRow | undefined) => {
    if (!row) return;
    if (isSingleLabelTask(setup!.task)) {
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
      const chunkStart = bytes;
      bytes += chunk.length;
      let data: Uint8Array = chunk;
      if (!decoder) {
        const detected = detectEncoding(chunk);
        bomLength = detected.bomLength;
        decoder = new ChunkDecoder(detected.encoding, detected.declared);
        data = chunk.subarray(detected.bomLength);
      }
      const text = await decodeChunk(path, decoder, data, bomLength);
      // Every chunk, not just the first: a NUL on line 2 000 000 must not reach the database.
      if (text.indexOf('\0') !== -1) {
        const at = await locateByte(path, nulByteOffset(chunk, decoder.encoding, chunkStart), decoder.encoding, bomLength);
        source.failAt(at, NUL_MESSAGE);
      }
      if (jsonl) {
        splitter ??= new JsonLinesSplitter();
        splitter.feed(text, false, handleLine);
      } else if (!tokenizer) {
        delimiter = sniffDelimiter(text.slice(text.search(/\S/)), /\.(tsv|tab)$/i.test(path) ? '\t' : /\.csv$/i.test(path) ? ',' : undefined);
        tokenizer = new CsvTokenizer(path, delimiter);
      }
      tokenizer?.feed(text, false, handle);
      options.onProgress?.({ bytes, totalBytes, rows });
    }
    // Checked again after the last chunk: a file of one chunk must still honour a cancel.
    if (options.signal?.aborted) throw new AppError('conflict', 'import cancelled');
    const rest = decoder ? await decodeChunk(path, decoder, undefined, bomLength) : '';
    if (tokenizer) tokenizer.feed(rest, true, handle);
    if (splitter) splitter.feed(rest, true, handleLine);
  } finally {
    stream.destroy();
  }
  if (!columns && !jsonl) source.fail(0, 'file is empty');
  if (!setup) decide();
  flush();
  if (rows === 0) source.failAt({ line: jsonl ? header!.line : header!.line + 1, column: 1 }, jsonl ? 'no usable rows: every row was skipped (see the list of skipped rows)' : 'file has a header row but no usable data rows');
  options.onProgress?.({ bytes, totalBytes, rows });
  return { columns: columns!, choice: setup!.choice, task: setup!.task, delimiter, encoding: decoder?.encoding ?? 'utf-8', rows, bytes, skipped: inFileOrder(source.skipped), skippedCount: source.skippedCount, html: source.html.finding() };
}

const NUL_MESSAGE = 'file contains NUL bytes: this looks like a binary file (e.g. a spreadsheet), not CSV, TSV or JSON Lines text';

/** One chunk (or, without one, the decoder's end), with an undecodable byte turned into file:line:column. */
async function decodeChunk(path: string, decoder: ChunkDecoder, data: Uint8Array | undefined, bomLength: number): Promise<string> {
  try {
    return data === undefined ? decoder.end() : decoder.decode(data);
  } catch (error) {
    if (!(error instanceof DecodeFailure)) throw error;
    // The bytes before a failure are valid in the encoding read so far (UTF-8 for a mixed file).
    const at = await locateByte(path, bomLength + error.offset, decoder.encoding, bomLength);
    throw new AppError('bad_input', error.message, { file: path, ...at });
  }
}

/** File offset of the first NUL character in a chunk that decoded to text holding one. */
function nulByteOffset(chunk: Uint8Array, encoding: TextEncodingName, chunkStart: number): number {
  if (encoding === 'utf-8' || encoding === 'windows-1252') return chunkStart + Math.max(0, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).indexOf(0));
  // UTF-16: a NUL is a zero code unit, two zero bytes on an even file offset.
  for (let i = chunkStart % 2; i + 1 < chunk.length; i += 2) if (chunk[i] === 0 && chunk[i + 1] === 0) return chunkStart + i;
  return chunkStart;
}

/**
 * Line:column of a byte, found by reading the file again up to it. Only errors take this path,
 * so the hot loop keeps no line count of its own.
 */
async function locateByte(path: string, offset: number, encoding: TextEncodingName, bomLength: number): Promise<{ line: number; column: number }> {
  const counter = new PositionCounter();
  if (offset > bomLength) {
    const decoder = new TextDecoder(encoding);
    const stream = createReadStream(path, { start: bomLength, end: offset - 1, highWaterMark: CHUNK_BYTES });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) counter.add(decoder.decode(chunk, { stream: true }));
    } finally {
      stream.destroy();
    }
    counter.add(decoder.decode());
  }
  return counter.position();
}

/**
 * A class rather than an object of closures: a million records each making fresh closures cost
 * more than the tokenizing (measured with bench/import-speed.ts).
 */
class StreamRawRecord implements RawRecord {
  line: number;
  private cells: string[];
  private object: Record<string, unknown> | undefined;
  private lineText = '';

  constructor(
    record: PendingRecord,
    private readonly columns: string[],
  ) {
    this.line = record.line;
    this.cells = record.cells;
    this.object = record.object;
    this.lineText = record.lineText ?? '';
  }

  reset(cells: string[], line: number): void {
    this.cells = cells;
    this.line = line;
    this.object = undefined;
  }

  resetObject(object: Record<string, unknown>, line: number, lineText: string): void {
    this.object = object;
    this.line = line;
    this.lineText = lineText;
  }

  get(column: string): unknown {
    if (this.object) return Object.hasOwn(this.object, column) ? this.object[column] : undefined;
    const index = this.columns.indexOf(column);
    return index < 0 ? undefined : this.cells[index];
  }

  /** Streaming keeps no text to measure columns in; the row's line is exact, the column is its start. */
  locate(column: string): { line: number; column: number } {
    // A JSON line is still at hand, so the value's own column can be found (only on errors).
    if (this.object) return { line: this.line, column: (locateKeyValue(this.lineText, column, 0) ?? this.lineText.length - this.lineText.trimStart().length) + 1 };
    return { line: this.line, column: 1 };
  }
}

/** Ragged rows are found while the columns are still being decided, empty fields after: the person reads them best in file order. */
function inFileOrder(skipped: SourceText['skipped']): SourceText['skipped'] {
  return [...skipped].sort((a, b) => a.line - b.line || a.column - b.column);
}
