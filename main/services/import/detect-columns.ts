// Which column holds the text and which the label: a name people commonly use wins; otherwise the
// data decides (text is long prose, labels repeat). A person can always name the columns instead.
import { readCell, type RawTable } from './raw-table';
import type { SourceText } from './source-text';

/** In order of preference when a file has several of them. */
const TEXT_COLUMN_NAMES = ['text', 'sentence', 'review', 'content', 'body', 'message', 'document', 'comment', 'tweet', 'utterance', 'question', 't'];
const LABEL_COLUMN_NAMES = ['label', 'labels', 'sentiment', 'polarity', 'class', 'category', 'intent', 'target', 'y', 's'];
/** A column with more distinct values than this is an identifier or free text, not a class label. */
const MAX_LABEL_VALUES = 100;

export interface ColumnChoice {
  textColumn: string;
  labelColumn: string;
}

export function chooseColumns(source: SourceText, table: RawTable, requested: { textColumn?: string; labelColumn?: string }): ColumnChoice {
  const failHere: (message: string, advice?: string) => never = (message, advice) =>
    source.failAt(table.columnsPosition, `${message}; columns found: ${listColumns(table.columns)}${advice ? `; ${advice}` : ''}`);

  const requestedText = requested.textColumn === undefined ? undefined : findRequested(table.columns, requested.textColumn);
  const requestedLabel = requested.labelColumn === undefined ? undefined : findRequested(table.columns, requested.labelColumn);
  if (requested.textColumn !== undefined && requestedText === undefined) failHere(`no column named "${requested.textColumn}" for the text`);
  if (requested.labelColumn !== undefined && requestedLabel === undefined) failHere(`no column named "${requested.labelColumn}" for the label`);

  const namedText = requestedText ?? findByName(table.columns, TEXT_COLUMN_NAMES, [requestedLabel]);
  const namedLabel = requestedLabel ?? findByName(table.columns, LABEL_COLUMN_NAMES, [namedText]);

  const textColumn = namedText ?? longestTextColumn(table, namedLabel);
  if (textColumn === undefined) failHere('could not tell which column holds the text', 'choose one with the text column option');
  const labelColumn = namedLabel ?? fewestValuesColumn(table, textColumn);
  if (labelColumn === undefined) {
    failHere(`could not tell which column holds the label (a column other than "${textColumn}" with 2 to ${MAX_LABEL_VALUES} distinct values)`, 'choose one with the label column option');
  }
  if (textColumn === labelColumn) failHere(`the text and the label cannot both come from column "${textColumn}"`);
  return { textColumn, labelColumn };
}

function listColumns(columns: string[]): string {
  return columns.length === 0 ? '(none)' : columns.map((c) => `"${c}"`).join(', ');
}

/** Exact name first; then ignoring case and surrounding spaces, if that picks out one column. */
function findRequested(columns: string[], wanted: string): string | undefined {
  if (columns.includes(wanted)) return wanted;
  const loose = columns.filter((column) => sameName(column, wanted));
  return loose.length === 1 ? loose[0] : undefined;
}

function findByName(columns: string[], preferredNames: string[], taken: Array<string | undefined>): string | undefined {
  for (const name of preferredNames) {
    const match = columns.find((column) => sameName(column, name) && !taken.includes(column));
    if (match !== undefined) return match;
  }
  return undefined;
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Columns whose every value can be read as text (structures such as nested objects cannot). */
function scalarColumns(table: RawTable, exclude: string | undefined): Array<{ column: string; values: string[] }> {
  const usable: Array<{ column: string; values: string[] }> = [];
  for (const column of table.columns) {
    if (column === exclude) continue;
    const values: string[] = [];
    let scalar = true;
    for (const record of table.records) {
      const cell = readCell(record.get(column));
      if (cell.kind === 'unusable') scalar = false;
      else if (cell.kind === 'text' && cell.text.trim() !== '') values.push(cell.text);
    }
    if (scalar && values.length > 0) usable.push({ column, values });
  }
  return usable;
}

function longestTextColumn(table: RawTable, exclude: string | undefined): string | undefined {
  let best: { column: string; averageLength: number } | undefined;
  for (const { column, values } of scalarColumns(table, exclude)) {
    const averageLength = values.reduce((sum, value) => sum + value.length, 0) / values.length;
    if (!best || averageLength > best.averageLength) best = { column, averageLength };
  }
  return best?.column;
}

function fewestValuesColumn(table: RawTable, exclude: string): string | undefined {
  let best: { column: string; distinct: number } | undefined;
  for (const { column, values } of scalarColumns(table, exclude)) {
    const distinct = new Set(values.map((value) => value.trim())).size;
    if (distinct < 2 || distinct > MAX_LABEL_VALUES) continue;
    if (!best || distinct < best.distinct) best = { column, distinct };
  }
  return best?.column;
}
