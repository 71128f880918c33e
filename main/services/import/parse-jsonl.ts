// JSON Lines: one JSON object per line, each parsed by JSON.parse so the rules are the standard's.
// Lines holding only whitespace are not records and are skipped; anything else must be an object.
import { AppError } from '../../../shared/errors';
import { parseJsonExact } from './json-integers';
import type { RawRecord, RawTable } from './raw-table';
import type { SourceText, TextPosition } from './source-text';

export function parseJsonLines(source: SourceText, hint = ''): RawTable {
  const columns: string[] = [];
  const knownColumns = new Set<string>();
  const records: RawRecord[] = [];
  let firstRecordStart: TextPosition | undefined;

  let lineStart = 0;
  for (const lineText of source.text.split('\n')) {
    const offset = lineStart;
    lineStart += lineText.length + 1;
    if (lineText.trim() === '') continue;

    const value = parseSkippableLine(source, lineText, offset, hint);
    if (value === SKIPPED) continue;
    const valueStart = offset + (lineText.length - lineText.trimStart().length);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      if (source.reject(source.position(valueStart), `each line must be a JSON object like {"text": ..., "label": ...}, found ${found}${hint}`)) continue;
    }
    const object = value as Record<string, unknown>;
    firstRecordStart ??= source.position(valueStart);
    for (const key of Object.keys(object)) {
      if (!knownColumns.has(key)) {
        knownColumns.add(key);
        columns.push(key);
      }
    }
    records.push({
      line: source.position(offset).line,
      get: (column) => (Object.hasOwn(object, column) ? object[column] : undefined),
      locate: (column) => source.position(Object.hasOwn(object, column) ? locateKeyValue(lineText, column, offset) ?? valueStart : valueStart),
    });
  }

  if (records.length === 0 || !firstRecordStart) source.fail(0, 'file is empty');
  return {
    columns,
    records,
    columnsPosition: firstRecordStart,
    locateColumn: (column): TextPosition => (records.find((record) => record.get(column) !== undefined) ?? records[0]).locate(column),
  };
}

const SKIPPED = Symbol('skipped line');

/** One line's value; under "skip bad rows" a line that is not JSON is listed and SKIPPED (each line stands alone). */
function parseSkippableLine(source: SourceText, lineText: string, offset: number, hint: string): unknown {
  if (!source.skipBadRows) return parseJsonLine(source, lineText, offset, hint);
  try {
    return parseJsonLine(source, lineText, offset, hint);
  } catch (error) {
    if (!(error instanceof AppError) || !error.location) throw error;
    source.reject(error.location, error.message);
    return SKIPPED;
  }
}

export function parseJsonLine(source: SourceText, lineText: string, lineOffset: number, hint: string): unknown {
  try {
    return parseJsonExact(lineText);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = errorPosition(lineText, message);
    // V8's message may quote the whole line back and ends with its own position: both are
    // replaced by our file:line:column, so keep only the description.
    const description = message
      .replace(/, .*is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/ at position \d+.*$/s, '');
    source.fail(lineOffset + position, `invalid JSON: ${description}${hint}`);
  }
}

/**
 * Offset within the line where JSON.parse gave up. V8 states "at position N" for most errors but
 * not for "Unexpected token"; then the position is found as the shortest prefix of the line that
 * cannot start any valid JSON (a viable prefix only fails for running out of input).
 */
function errorPosition(lineText: string, message: string): number {
  const stated = /at position (\d+)/.exec(message);
  if (stated) return Math.min(Number(stated[1]), lineText.length);
  if (/Unexpected end of JSON input/.test(message)) return lineText.length;
  let viable = 0; // prefix length known to be viable
  let failing = lineText.length; // prefix length known to fail for a reason other than its end
  while (failing - viable > 1) {
    const middle = (viable + failing) >> 1;
    if (isViablePrefix(lineText.slice(0, middle))) viable = middle;
    else failing = middle;
  }
  return failing - 1;
}

function isViablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/Unexpected end of JSON input/.test(message)) return true;
    const stated = /at position (\d+)/.exec(message);
    return stated !== null && Number(stated[1]) >= prefix.length;
  }
}

/**
 * Where the value of a top-level key starts in the raw line, found by searching for the key as JSON
 * spells it. A best effort for pointing at a field: a nested object reusing the key name can
 * mislead it, in which case the error still names the right line.
 */
export function locateKeyValue(lineText: string, key: string, lineOffset: number): number | undefined {
  const pattern = new RegExp(`(?<!\\\\)${escapeRegExp(JSON.stringify(key))}\\s*:\\s*`, 'g');
  let last: RegExpExecArray | undefined;
  for (let match = pattern.exec(lineText); match !== null; match = pattern.exec(lineText)) last = match;
  // JSON.parse keeps the last duplicate key, so the last match is the value that was read.
  return last ? lineOffset + last.index + last[0].length : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
