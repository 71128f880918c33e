// Turns raw records into (text, label) rows, refusing any row whose text or label is missing,
// empty or not text: a training set must never gain or lose examples without the person knowing.
import { readCell, type RawRecord, type RawTable } from './raw-table';
import type { SourceText } from './source-text';

export interface ParsedRow {
  text: string;
  label: string;
  /** 1-based line on which the row starts in the file. */
  line: number;
}

export function extractRows(source: SourceText, table: RawTable, textColumn: string, labelColumn: string): ParsedRow[] {
  const rows = table.records.map((record): ParsedRow => {
    // Text is kept exactly as written; surrounding spaces on a label are never meaningful, and
    // keeping them would make "positive" and "positive " two classes.
    const text = readRequired(source, record, textColumn, 'text');
    const label = readRequired(source, record, labelColumn, 'label').trim();
    return { text, label, line: record.line };
  });

  const distinctLabels = new Set(rows.map((row) => row.label));
  if (distinctLabels.size < 2) {
    source.failAt(
      table.locateColumn(labelColumn),
      `every row has the same label "${rows[0].label}" in column "${labelColumn}": a classifier needs at least two different labels`,
    );
  }
  return rows;
}

function readRequired(source: SourceText, record: RawRecord, column: string, role: 'text' | 'label'): string {
  const value = record.get(column);
  const cell = readCell(value);
  const where = record.locate(column);
  if (value === undefined) source.failAt(where, `missing ${role}: this row has no "${column}" field`);
  if (cell.kind === 'missing') source.failAt(where, `missing ${role}: "${column}" is null`);
  if (cell.kind === 'unusable') source.failAt(where, `${role} in "${column}" must be a string, number or boolean, found ${cell.found}`);
  if (cell.text.trim() === '') source.failAt(where, `empty ${role} in column "${column}"`);
  return cell.text;
}
