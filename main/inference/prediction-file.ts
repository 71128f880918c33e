// Files to predict: CSV/TSV/JSON Lines/JSON read by the dataset import's own parsers (same
// formats, same file:line:column errors), with a text column and an optional second text; and the
// CSV that comes back: every input column, then the prediction and one probability per label.
import Papa from 'papaparse';
import type { PreferredColumns } from '../../shared/predictor-protocol';
import { detectFormat } from '../services/import/detect-format';
import { parseDelimited } from '../services/import/parse-delimited';
import { parseJsonDocument } from '../services/import/parse-json';
import { parseJsonLines } from '../services/import/parse-jsonl';
import { readCell, type RawRecord, type RawTable } from '../services/import/raw-table';
import { SourceText } from '../services/import/source-text';
import type { PredictInput, Prediction } from './predictor';

export interface InputTable {
  columns: string[];
  records: RawRecord[];
  inputs: PredictInput[];
  textColumn: string;
  textPairColumn?: string;
}

/** The training dataset's own column names, tried after "text" / "text_pair" (shared/predictor-protocol.ts). */
export type { PreferredColumns };

function parseTable(source: SourceText): RawTable {
  const { format, delimiter } = detectFormat(source);
  if (format === 'jsonl') return parseJsonLines(source, ' (one {"text": ...} object per line)');
  if (format === 'json') return parseJsonDocument(source).table;
  return parseDelimited(source, delimiter, 1);
}

const findColumn = (columns: string[], names: Array<string | undefined>) => {
  for (const name of names) {
    if (name === undefined) continue;
    const match = columns.find((c) => c.trim().toLowerCase() === name.trim().toLowerCase());
    if (match !== undefined) return match;
  }
  return undefined;
};

/** Reads the inputs; `fileName` names the file in errors (as the person knows it). */
export function readInputTable(fileName: string, content: string, preferred: PreferredColumns = {}): InputTable {
  const source: SourceText = new SourceText(fileName, content);
  if (source.text.trim() === '') source.fail(0, 'file is empty');
  const table = parseTable(source);
  const { columns } = table;
  const textColumn = findColumn(columns, ['text', preferred.textColumn, 'sentence1', 'premise', 'question']) ?? (columns.length === 1 ? columns[0] : undefined);
  if (textColumn === undefined) {
    const found = columns.map((c) => `"${c}"`).join(', ') || '(none)';
    source.failAt(table.columnsPosition, `no "text" column to predict from; columns found: ${found}`);
  }
  const pairNames = ['text_pair', preferred.textPairColumn, 'sentence2', 'hypothesis', 'context'];
  const textPairColumn = findColumn(columns.filter((c) => c !== textColumn), pairNames);
  const readText = (record: RawRecord, column: string, what: string, optional: boolean): string | undefined => {
    const cell = readCell(record.get(column));
    if (cell.kind === 'text') return cell.text;
    if (cell.kind === 'missing' && optional) return undefined;
    source.failAt(record.locate(column), cell.kind === 'missing' ? `this row has no ${what} ("${column}")` : `the ${what} ("${column}") must be text, found ${cell.found}`);
  };
  const inputs = table.records.map((record): PredictInput => {
    const text = readText(record, textColumn, 'text', false)!;
    const textPair = textPairColumn === undefined ? undefined : readText(record, textPairColumn, 'second text', true);
    return textPair === undefined ? { text } : { text, textPair };
  });
  return { columns, records: table.records, inputs, textColumn, ...(textPairColumn === undefined ? {} : { textPairColumn }) };
}

/** Column names for the outputs, never clashing with an input column. */
function outputColumns(inputColumns: string[], labelNames: readonly string[], regression: boolean): { label: string; probability: string[] } {
  const taken = new Set(inputColumns);
  const free = (name: string) => {
    let candidate = name;
    for (let i = 2; taken.has(candidate); i++) candidate = `${name}_${i}`;
    taken.add(candidate);
    return candidate;
  };
  return { label: free(regression ? 'predicted_value' : 'predicted_label'), probability: regression ? [] : labelNames.map((l) => free(`p_${l}`)) };
}

const cellText = (value: unknown): string => {
  const cell = readCell(value);
  return cell.kind === 'text' ? cell.text : cell.kind === 'missing' ? '' : JSON.stringify(value);
};

export function predictionsCsv(table: InputTable, predictions: readonly Prediction[], labelNames: readonly string[], regression: boolean): string {
  const names = outputColumns(table.columns, labelNames, regression);
  const rows = table.records.map((record, i) => {
    const p = predictions[i];
    return [
      ...table.columns.map((c) => cellText(record.get(c))),
      p.value !== undefined ? String(p.value) : p.label,
      ...labelNames.map((l) => (regression ? '' : String(p.probabilities[l] ?? ''))).slice(0, names.probability.length),
    ];
  });
  return Papa.unparse({ fields: [...table.columns, names.label, ...names.probability], data: rows }, { newline: '\n' }) + '\n';
}
