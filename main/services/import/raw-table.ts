// What every format parser hands on: named columns and records whose values are still raw
// (CSV cells are strings; JSON Lines values can be anything JSON holds), each able to say where
// one of its values sits in the file so later checks can point at it.
import type { TextPosition } from './source-text';

export interface RawRecord {
  /** 1-based line on which the record starts (a quoted field may carry it over several lines). */
  line: number;
  /** The value in that column, or undefined when the record does not have the column at all. */
  get(column: string): unknown;
  /** Where the value of that column starts, or the start of the record when it has none. */
  locate(column: string): TextPosition;
}

export interface RawTable {
  columns: string[];
  records: RawRecord[];
  /** Where the table's column names come from: the header row, or the first JSON object. */
  columnsPosition: TextPosition;
  /** Where a whole column is best pointed at (its header cell, or its first value). */
  locateColumn(column: string): TextPosition;
}

export type CellReading = { kind: 'missing' } | { kind: 'text'; text: string } | { kind: 'unusable'; found: string };

/** Reads a raw value as text: numbers and booleans become their JSON spelling, structures are refused. */
export function readCell(value: unknown): CellReading {
  if (value === undefined || value === null) return { kind: 'missing' };
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'number' || typeof value === 'boolean') return { kind: 'text', text: String(value) };
  return { kind: 'unusable', found: Array.isArray(value) ? 'an array' : `a ${typeof value === 'object' ? 'JSON object' : typeof value}` };
}
