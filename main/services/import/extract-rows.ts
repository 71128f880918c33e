// Turns raw records into rows for the inferred task, refusing any row whose text or label is
// missing, empty or not text: a training set must never gain or lose examples without the person
// knowing. Under "skip bad rows" such a row is left out and listed instead.
import { isSingleLabelTask, type DatasetTask } from '../../../shared/tasks';
import type { ColumnChoice } from './detect-columns';
import { normaliseLabels } from './labels';
import { readQaAnswerCell } from './qa-answer-cell';
import { readCell, type RawRecord, type RawTable } from './raw-table';
import type { SourceText, TextPosition } from './source-text';

export type { DatasetTask };

export interface ParsedRow {
  text: string;
  label: string;
  /** 1-based line on which the row starts in the file. */
  line: number;
  /** Second text of a pair (pair classification) or the context (QA). */
  textPair?: string;
  /** QA only: the question's id and its article's title (distractor paragraphs come from the same article). */
  id?: string;
  title?: string;
}

/** The task follows from the columns and the label values; a person may name it instead. */
export function inferTask(table: RawTable, choice: ColumnChoice, squad: boolean): DatasetTask {
  if (squad) return 'qa';
  // Hugging Face's squad / squad_v2 layout by its names, whatever the answers cells hold (a CSV cell is a string).
  if (/^answers?$/i.test(choice.labelColumn.trim()) && choice.textPairColumn !== undefined && /^context$/i.test(choice.textPairColumn.trim())) return 'qa';
  const sample = table.records.length > 5000 ? table.records.slice(0, 5000) : table.records;
  const values = sample.map((r) => r.get(choice.labelColumn)).filter((v) => v !== undefined && v !== null);
  if (values.some((v) => Array.isArray(v))) return 'multilabel';
  // QA exports from Hugging Face keep answers as {text: [...], answer_start: [...]}.
  if (values.some((v) => typeof v === 'object' && v !== null && Array.isArray((v as { text?: unknown }).text))) return 'qa';
  const numbers = values.map(numericValue);
  // Integers are class ids (0/1, 1..5 stars); fractional scores (STS-B's 0.0-5.0) are regression.
  // NaN, Infinity and 1e400 count as numbers here, so that one of them in a score column makes
  // that row an error (extractRecord) instead of turning every distinct score into a class.
  if (numbers.length > 0 && numbers.every((n) => n !== undefined) && numbers.some((n) => Number.isFinite(n) && !Number.isInteger(n))) return 'regression';
  return choice.textPairColumn !== undefined ? 'pair_classification' : 'classification';
}

/**
 * A QA dataset's columns, checked: the context column is required (answers are located in it), and
 * a `title` column, where there is one, names each question's article.
 */
export function withQaColumns(source: SourceText, table: RawTable, choice: ColumnChoice): ColumnChoice {
  if (choice.textPairColumn === undefined) {
    source.failAt(table.columnsPosition, `question answering needs a context column beside the question ("${choice.textColumn}") and the answers ("${choice.labelColumn}"); columns found: ${table.columns.map((c) => `"${c}"`).join(', ')}; name it with the text pair column option`);
  }
  const taken = [choice.textColumn, choice.textPairColumn, choice.labelColumn, choice.idColumn];
  const title = choice.titleColumn ?? table.columns.find((c) => c.trim().toLowerCase() === 'title' && !taken.includes(c));
  return title === undefined ? choice : { ...choice, titleColumn: title };
}

/** A label value read as a number: finite, or NaN / ±Infinity for the spellings of those; undefined when it is not numeric at all. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^[-+]?(nan|inf|infinity)$/i.test(trimmed)) return /nan/i.test(trimmed) ? NaN : trimmed.startsWith('-') ? -Infinity : Infinity;
  // Number() also reads "0x1F" and "" as numbers; only decimal spellings are scores.
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * Integer class ids beside a NaN or an Infinity (a pandas export of missing labels, an overflow)
 * would make "NaN" a class of its own. Refused at the first such value, when the task was inferred;
 * a person who names the task keeps the labels as text.
 */
export function refuseNonFiniteNumericLabels(source: SourceText, records: RawRecord[], column: string): void {
  let bad: RawRecord | undefined;
  for (const record of records) {
    const value = record.get(column);
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) continue;
    const n = numericValue(value);
    if (n === undefined) return; // not a numeric column: labels are names
    if (!Number.isFinite(n)) bad ??= record;
  }
  if (bad) {
    const value = bad.get(column);
    source.failAt(bad.locate(column), `label column "${column}" holds numbers, and this one is not finite (${typeof value === 'string' ? value.trim() : String(value)}): numeric labels must be finite numbers; fix the row, or name the task (--task classification) to read the labels as text`);
  }
}

export function extractRows(source: SourceText, table: RawTable, choice: ColumnChoice, task: DatasetTask = 'classification'): ParsedRow[] {
  const { textColumn, labelColumn, textPairColumn } = choice;
  const rows: ParsedRow[] = [];
  for (const record of table.records) {
    const row = extractRecord(source, record, choice, task);
    if (row) rows.push(row);
  }
  if (rows.length === 0) source.fail(0, 'no usable rows: every row was skipped (see the list of skipped rows)');

  if (isSingleLabelTask(task)) {
    const normalised = normaliseLabels(rows.map((row) => row.label));
    rows.forEach((row, i) => (row.label = normalised[i]));
  }
  if (task !== 'qa') {
    const distinct = new Set(rows.map((row) => row.label));
    if (distinct.size < 2) {
      source.failAt(
        table.locateColumn(labelColumn),
        `every row has the same label "${rows[0].label}" in column "${labelColumn}": a ${task === 'regression' ? 'regression needs at least two different values' : 'classifier needs at least two different labels'}`,
      );
    }
  }
  return rows;
}

/** One record as a row, or undefined when it was skipped (a problem without skipBadRows throws). */
export function extractRecord(source: SourceText, record: RawRecord, choice: ColumnChoice, task: DatasetTask): ParsedRow | undefined {
  const { textColumn, labelColumn, textPairColumn } = choice;
  if (task === 'qa') return extractQaRecord(source, record, choice);
  // Text is kept exactly as written (unless the person asked to strip HTML); labels are normalised (per dataset, by the caller).
  const text = readText(source, record, textColumn, 'text');
  if (text === undefined) return undefined;
  let textPair: string | undefined;
  if (textPairColumn !== undefined) {
    textPair = readText(source, record, textPairColumn, 'second text');
    if (textPair === undefined) return undefined;
  }
  const label = readLabel(source, record, labelColumn, task);
  if (label === undefined) return undefined;
  return textPair === undefined ? { text, label, line: record.line } : { text, label, line: record.line, textPair };
}

/** A question with its context and every reference answer (./qa-answer-cell.ts), plus its id and title. */
function extractQaRecord(source: SourceText, record: RawRecord, choice: ColumnChoice): ParsedRow | undefined {
  const text = readText(source, record, choice.textColumn, 'question');
  if (text === undefined || choice.textPairColumn === undefined) return undefined;
  const context = readText(source, record, choice.textPairColumn, 'context');
  if (context === undefined) return undefined;
  const label = readQaAnswerCell(source, record, choice.labelColumn, context);
  if (label === undefined) return undefined;
  const row: ParsedRow = { text, label, line: record.line, textPair: context };
  const id = choice.idColumn === undefined ? undefined : readCell(record.get(choice.idColumn));
  if (id?.kind === 'text' && id.text !== '') row.id = id.text;
  const title = choice.titleColumn === undefined ? undefined : readCell(record.get(choice.titleColumn));
  if (title?.kind === 'text' && title.text !== '') row.title = title.text;
  return row;
}

/** A required text, counted for HTML markup and stripped of it when asked. */
function readText(source: SourceText, record: RawRecord, column: string, role: string): string | undefined {
  const raw = readRequired(source, record, column, role);
  // Inline fast path: most texts hold neither '<' nor '&'; a call per text made a streamed 1M-row parse ~15% slower.
  if (raw === undefined || (raw.indexOf('<') === -1 && raw.indexOf('&') === -1)) return raw;
  const text = source.html.review(raw, record, column);
  if (text !== '') return text;
  return reject(source, record.locate(column), `${role} in "${column}" is empty once its HTML tags are removed (--strip-html)`);
}

function readLabel(source: SourceText, record: RawRecord, column: string, task: DatasetTask): string | undefined {
  const value = record.get(column);
  // Located only when needed (no closure either): per-row allocations are measurable at 1M rows.
  if (task === 'multilabel') {
    if (!Array.isArray(value)) return reject(source, record.locate(column), `multi-label rows need a list of labels in "${column}", found ${describe(value)}`);
    const labels = value.map((v) => readCell(v)).filter((c) => c.kind === 'text').map((c) => c.text.trim());
    if (labels.length !== value.length || labels.some((l) => l === '')) return reject(source, record.locate(column), `every label in the list in "${column}" must be a non-empty string or number`);
    // Sorted and de-duplicated, so ["b","a"] and ["a","b","a"] are the same label set.
    return JSON.stringify([...new Set(labels)].sort());
  }
  const label = readRequired(source, record, column, 'label');
  if (label === undefined) return undefined;
  if (task === 'regression') {
    const number = Number(label.trim());
    if (!Number.isFinite(number)) return reject(source, record.locate(column), `regression target in "${column}" must be a finite number, found "${label}"`);
    return String(number);
  }
  return label;
}

function readRequired(source: SourceText, record: RawRecord, column: string, role: string): string | undefined {
  const value = record.get(column);
  // Fast path for the common case (a non-blank string): no allocation, which counts at 1M rows.
  if (typeof value === 'string' && value.length > 0 && value.charCodeAt(0) > 32 && value.charCodeAt(value.length - 1) > 32) {
    // Raw NUL bytes are refused with the file's text; this catches JSON's "\u0000" and Parquet strings.
    if (value.indexOf('\0') === -1 && isWellFormed(value)) return value;
    return reject(source, record.locate(column), notText(value, role, column));
  }
  const cell = readCell(value);
  const where = record.locate(column);
  if (value === undefined) return reject(source, where, `missing ${role}: this row has no "${column}" field`);
  if (cell.kind === 'missing') return reject(source, where, `missing ${role}: "${column}" is null`);
  if (cell.kind === 'unusable') return reject(source, where, `${role} in "${column}" must be a string, number or boolean, found ${cell.found}`);
  if (cell.text.trim() === '') return reject(source, where, `empty ${role} in column "${column}"`);
  if (cell.text.indexOf('\0') !== -1 || !isWellFormed(cell.text)) return reject(source, where, notText(cell.text, role, column));
  return cell.text;
}

/** JSON's "\ud800" escape makes a lone surrogate, which SQLite's UTF-8 would store as U+FFFD. */
function isWellFormed(text: string): boolean {
  // String.prototype.isWellFormed (Node 20) is native; ES2023's lib does not declare it yet.
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function notText(text: string, role: string, column: string): string {
  if (text.indexOf('\0') !== -1) return `${role} in "${column}" contains a NUL character (\\u0000): not text a model can read`;
  return `${role} in "${column}" contains an unpaired surrogate (a "\\ud800"-style escape without its pair): not valid Unicode text`;
}

function reject(source: SourceText, where: TextPosition, message: string): undefined {
  source.reject(where, message);
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a JSON object' : `a ${typeof value} (${JSON.stringify(value)})`;
}
