// Dataset import: reads a CSV, TSV or JSON Lines file into (text, label) rows, or fails with an
// AppError('bad_input') whose location is the file, line and column of the first problem.
// Pure functions over a string: no file system and no Electron, so every transport can use it.
import { chooseColumns } from './detect-columns';
import { detectFormat, jsonLinesHint, type DatasetFormat } from './detect-format';
import { extractRows, type ParsedRow } from './extract-rows';
import { parseDelimited } from './parse-delimited';
import { parseJsonLines } from './parse-jsonl';
import type { RawTable } from './raw-table';
import { SourceText } from './source-text';

export type { ParsedRow } from './extract-rows';
export type { DatasetFormat } from './detect-format';
export { stratifiedSplit, labelCounts, type SplitName } from './split';

export interface ParsedDataset {
  format: DatasetFormat;
  columns: string[];
  textColumn: string;
  labelColumn: string;
  rows: ParsedRow[];
}

export interface ParseDatasetOptions {
  /** Column to read the text from, instead of detecting it. */
  textColumn?: string;
  /** Column to read the label from, instead of detecting it. */
  labelColumn?: string;
}

/** `fileName` picks the format by extension and names the file in error locations. */
export function parseDataset(fileName: string, content: string, options: ParseDatasetOptions = {}): ParsedDataset {
  const source = new SourceText(fileName, content);
  if (source.text.trim() === '') source.fail(0, 'file is empty');

  const format = detectFormat(source);
  const table: RawTable =
    format === 'jsonl' ? parseJsonLines(source, jsonLinesHint(fileName)) : parseDelimited(source, format === 'csv' ? ',' : '\t');
  const { textColumn, labelColumn } = chooseColumns(source, table, options);
  const rows = extractRows(source, table, textColumn, labelColumn);
  return { format, columns: table.columns, textColumn, labelColumn, rows };
}
