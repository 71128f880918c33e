// Which column holds the text and which the label: a name people commonly use wins; otherwise the
// data decides (text is long prose, labels repeat). A person can always name the columns instead.
import { readCell, type RawTable } from './raw-table';
import type { SourceText } from './source-text';

/** In order of preference when a file has several of them. */
const TEXT_COLUMN_NAMES = ['text', 'sentence', 'review', 'content', 'body', 'message', 'document', 'comment', 'tweet', 'utterance', 'question', 't'];
const LABEL_COLUMN_NAMES = ['label', 'labels', 'gold_label', 'sentiment', 'polarity', 'class', 'category', 'intent', 'target', 'score', 'quality', 'is_duplicate', 'answers', 'answer', 'y', 's'];
/** Two-text datasets as GLUE, SNLI, SQuAD and friends name them: [first text, second text]. */
const PAIR_COLUMN_NAMES: Array<[string, string]> = [
  ['sentence1', 'sentence2'],
  ['premise', 'hypothesis'],
  ['question1', 'question2'],
  ['text_a', 'text_b'],
  ['text1', 'text2'],
  ['#1 String', '#2 String'],
  ['question', 'sentence'],
  ['question', 'context'],
  ['query', 'passage'],
];
/** Identifiers: never the text or the label, even though they look like either. */
const ID_COLUMN_NAMES = ['id', 'idx', 'index', 'guid', 'uid', 'pairID', '#1 ID', 'Unnamed: 0'];
/** A column with more distinct values than this is an identifier or free text, not a class label. */
const MAX_LABEL_VALUES = 100;

export interface ColumnChoice {
  textColumn: string;
  labelColumn: string;
  textPairColumn?: string;
  idColumn?: string;
  /** QA only: the article a question's paragraph belongs to (SQuAD's data[].title, Hugging Face's `title`). */
  titleColumn?: string;
}

export interface RequestedColumns {
  textColumn?: string;
  labelColumn?: string;
  /** '' means "no second text" even where one is detected. */
  textPairColumn?: string;
}

export function chooseColumns(source: SourceText, table: RawTable, requested: RequestedColumns): ColumnChoice {
  const failHere: (message: string, advice?: string) => never = (message, advice) =>
    source.failAt(table.columnsPosition, `${message}; columns found: ${listColumns(table.columns)}${advice ? `; ${advice}` : ''}`);

  const requestedText = requested.textColumn === undefined ? undefined : findRequested(table.columns, requested.textColumn);
  const requestedLabel = requested.labelColumn === undefined ? undefined : findRequested(table.columns, requested.labelColumn);
  if (requested.textColumn !== undefined && requestedText === undefined) failHere(`no column named "${requested.textColumn}" for the text`);
  if (requested.labelColumn !== undefined && requestedLabel === undefined) failHere(`no column named "${requested.labelColumn}" for the label`);

  const requestedPair = requested.textPairColumn ? findRequested(table.columns, requested.textPairColumn) : undefined;
  if (requested.textPairColumn && requestedPair === undefined) failHere(`no column named "${requested.textPairColumn}" for the second text`);
  const pair = requested.textPairColumn === '' || requestedText !== undefined ? undefined : findPair(table.columns, [requestedLabel]);
  const idColumn = findByName(table.columns, ID_COLUMN_NAMES, [requestedText, requestedLabel, requestedPair]);

  const namedText = requestedText ?? pair?.[0] ?? findByName(table.columns, TEXT_COLUMN_NAMES, [requestedLabel, idColumn]);
  const namedLabel = requestedLabel ?? findByName(table.columns, LABEL_COLUMN_NAMES, [namedText, idColumn, pair?.[1]]);
  const textPairColumn = requestedPair ?? pair?.[1];

  const textColumn = namedText ?? longestTextColumn(table, [namedLabel, idColumn]);
  if (textColumn === undefined) failHere('could not tell which column holds the text', 'choose one with the text column option');
  const labelColumn = namedLabel ?? fewestValuesColumn(table, [textColumn, idColumn, textPairColumn]);
  if (labelColumn === undefined) {
    failHere(`could not tell which column holds the label (a column other than "${textColumn}" with 2 to ${MAX_LABEL_VALUES} distinct values)`, 'choose one with the label column option');
  }
  if (textColumn === labelColumn) failHere(`the text and the label cannot both come from column "${textColumn}"`);
  if (textPairColumn === labelColumn || textPairColumn === textColumn) failHere(`column "${textPairColumn}" cannot be both the second text and the ${textPairColumn === labelColumn ? 'label' : 'text'}`);
  const choice: ColumnChoice = { textColumn, labelColumn };
  if (textPairColumn !== undefined) choice.textPairColumn = textPairColumn;
  if (idColumn !== undefined && idColumn !== textColumn && idColumn !== labelColumn && idColumn !== textPairColumn) choice.idColumn = idColumn;
  return choice;
}

function findPair(columns: string[], taken: Array<string | undefined>): [string, string] | undefined {
  for (const [first, second] of PAIR_COLUMN_NAMES) {
    const a = columns.find((c) => sameName(c, first) && !taken.includes(c));
    const b = columns.find((c) => sameName(c, second) && !taken.includes(c));
    if (a !== undefined && b !== undefined) return [a, b];
  }
  return undefined;
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
function scalarColumns(table: RawTable, exclude: Array<string | undefined>): Array<{ column: string; values: string[] }> {
  const usable: Array<{ column: string; values: string[] }> = [];
  // A sample decides: scanning a million rows per candidate column would dominate the import.
  const records = table.records.length > 5000 ? table.records.slice(0, 5000) : table.records;
  for (const column of table.columns) {
    if (exclude.includes(column)) continue;
    const values: string[] = [];
    let scalar = true;
    for (const record of records) {
      const cell = readCell(record.get(column));
      if (cell.kind === 'unusable') scalar = false;
      else if (cell.kind === 'text' && cell.text.trim() !== '') values.push(cell.text);
    }
    if (scalar && values.length > 0) usable.push({ column, values });
  }
  return usable;
}

function longestTextColumn(table: RawTable, exclude: Array<string | undefined>): string | undefined {
  let best: { column: string; averageLength: number } | undefined;
  for (const { column, values } of scalarColumns(table, exclude)) {
    const averageLength = values.reduce((sum, value) => sum + value.length, 0) / values.length;
    if (!best || averageLength > best.averageLength) best = { column, averageLength };
  }
  return best?.column;
}

function fewestValuesColumn(table: RawTable, exclude: Array<string | undefined>): string | undefined {
  let best: { column: string; distinct: number } | undefined;
  for (const { column, values } of scalarColumns(table, exclude)) {
    const distinct = new Set(values.map((value) => value.trim())).size;
    if (distinct < 2 || distinct > MAX_LABEL_VALUES) continue;
    if (!best || distinct < best.distinct) best = { column, distinct };
  }
  return best?.column;
}
