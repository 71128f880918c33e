// Dataset import: reads CSV/TSV (any delimiter), JSON Lines, JSON documents (arrays, SQuAD) and
// Parquet into rows for the inferred task, or fails with an AppError('bad_input') whose location
// is the file, line and column of the first problem. Pure functions over bytes or a string: no
// file system and no Electron, so every transport can use it.
import { chooseColumns, type ColumnChoice, type RequestedColumns } from './detect-columns';
import { detectFormat, isParquet, type DatasetFormat } from './detect-format';
import { decodeBytes, type TextEncodingName } from './decode';
import { extractRows, inferTask, refuseNonFiniteNumericLabels, withQaColumns, type DatasetTask, type ParsedRow } from './extract-rows';
import { isSingleLabelTask } from '../../../shared/tasks';
import { parseDelimited } from './parse-delimited';
import { parseJsonDocument } from './parse-json';
import { parseJsonLines } from './parse-jsonl';
import { parseParquet } from './parse-parquet';
import type { RawTable } from './raw-table';
import { SourceText, type SkippedRow } from './source-text';
import type { HtmlFinding } from './html';

export type { ParsedRow, DatasetTask } from './extract-rows';
export type { DatasetFormat } from './detect-format';
export type { SkippedRow } from './source-text';
export type { HtmlFinding } from './html';
export { stratifiedSplit, labelCounts, type SplitName } from './split';

export interface ParsedDataset {
  format: DatasetFormat;
  columns: string[];
  textColumn: string;
  labelColumn: string;
  textPairColumn?: string;
  idColumn?: string;
  /** QA: the column naming each question's article. */
  titleColumn?: string;
  task: DatasetTask;
  delimiter?: string;
  encoding?: TextEncodingName;
  rows: ParsedRow[];
  /** Rows left out under skipBadRows, each with file:line:column and why (the first MAX_LISTED_SKIPPED); empty otherwise. */
  skipped: SkippedRow[];
  /** How many rows were left out, listed or not; absent when none were. */
  skippedCount?: number;
  /** HTML tags or entities found in the texts (and whether they were stripped); undefined when none. */
  html?: HtmlFinding;
}

export interface ParseDatasetOptions extends RequestedColumns {
  /** Task instead of the inferred one. */
  task?: DatasetTask;
  /** Leave out (and list) rows with a problem of their own instead of refusing the whole file. */
  skipBadRows?: boolean;
  /** Remove HTML tags and decode entities in the texts before they are stored (./html.ts). */
  stripHtml?: boolean;
}

/** `fileName` picks the format by extension and names the file in error locations. */
export function parseDataset(fileName: string, content: string | Uint8Array, options: ParseDatasetOptions = {}): ParsedDataset {
  if (typeof content !== 'string' && isParquet(fileName, content)) {
    new SourceText(fileName, '').fail(0, 'Parquet files are read asynchronously: use parseDatasetAsync');
  }
  const decoded = typeof content === 'string' ? { text: content, encoding: undefined } : decodeBytes(content, fileName);
  const source = new SourceText(fileName, decoded.text, options);
  if (source.text.trim() === '') source.fail(0, 'file is empty');

  const { format, delimiter } = detectFormat(source);
  let table: RawTable;
  let finalFormat: DatasetFormat = format;
  if (format === 'jsonl') table = parseJsonLines(source);
  else if (format === 'json') {
    const document = parseJsonDocument(source);
    table = document.table;
    finalFormat = document.shape;
  } else table = parseDelimited(source, delimiter);
  const parsed = finish(source, table, finalFormat, options);
  if (format === 'csv' || format === 'tsv') parsed.delimiter = delimiter;
  if (decoded.encoding) parsed.encoding = decoded.encoding;
  return parsed;
}

/** Every format, Parquet included (its reader is asynchronous). */
export async function parseDatasetAsync(fileName: string, content: Uint8Array, options: ParseDatasetOptions = {}): Promise<ParsedDataset> {
  if (!isParquet(fileName, content)) return parseDataset(fileName, content, options);
  const source = new SourceText(fileName, '', options);
  if (content.length === 0) source.fail(0, 'file is empty');
  return finish(source, await parseParquet(source, content), 'parquet', options);
}

function finish(source: SourceText, table: RawTable, format: DatasetFormat, options: ParseDatasetOptions): ParsedDataset {
  const squad = format === 'squad';
  const detected: ColumnChoice = squad
    ? { textColumn: 'question', textPairColumn: 'context', labelColumn: 'answers', idColumn: 'id', titleColumn: 'title' }
    : chooseColumns(source, table, options);
  const task = options.task ?? inferTask(table, detected, squad);
  const choice = task === 'qa' ? withQaColumns(source, table, detected) : detected;
  if (options.task === undefined && isSingleLabelTask(task)) refuseNonFiniteNumericLabels(source, table.records, choice.labelColumn);
  const rows = extractRows(source, table, choice, task);
  // Parsing finds some problems before others; the person reads them best in file order.
  const skipped = [...source.skipped].sort((a, b) => a.line - b.line || a.column - b.column);
  const parsed: ParsedDataset = { format, columns: table.columns, ...choice, task, rows, skipped };
  if (source.skippedCount > 0) parsed.skippedCount = source.skippedCount;
  const html = source.html.finding();
  if (html) parsed.html = html;
  return parsed;
}
