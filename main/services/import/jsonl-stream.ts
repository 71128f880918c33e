// Line splitting and per-line parsing for streamed JSON Lines. The in-memory path (parse-jsonl.ts)
// holds the whole text to place errors; here only the line at hand exists, so a parse error is
// placed within that line and shifted to its line number in the file.
import { AppError } from '../../../shared/errors';
import { parseJsonExact } from './json-integers';
import { parseJsonLine } from './parse-jsonl';
import { SourceText } from './source-text';

export class JsonLinesSplitter {
  private buffer = '';
  private line = 1;

  /** Calls onLine for each complete non-blank line (without its CR/LF); the last partial line waits for more text or `final`. */
  feed(text: string, final: boolean, onLine: (lineText: string, line: number) => void): void {
    const s = this.buffer.length === 0 ? text : this.buffer + text;
    let start = 0;
    let line = this.line;
    for (let end = s.indexOf('\n'); end !== -1; end = s.indexOf('\n', start)) {
      emit(s, start, end, line, onLine);
      line++;
      start = end + 1;
    }
    if (final) {
      emit(s, start, s.length, line, onLine);
      this.buffer = '';
    } else this.buffer = s.slice(start);
    this.line = line;
  }
}

function emit(s: string, start: number, end: number, line: number, onLine: (lineText: string, line: number) => void): void {
  // CRLF files: the CR is whitespace to JSON anyway, but it is not part of the line's text.
  if (end > start && s.charCodeAt(end - 1) === 13) end--;
  // Blank lines are not records, as on the in-memory path; a cheap first-char test avoids trim() per line.
  if (end === start || (s.charCodeAt(start) <= 32 && s.slice(start, end).trim() === '')) return;
  onLine(s.slice(start, end), line);
}

/** Parses one line to an object, or throws an AppError located at file:line:column. */
export function parseStreamedLine(fileName: string, lineText: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonExact(lineText);
  } catch {
    // Rare path: reuse the in-memory parser's error placement on this one line, then shift it.
    try {
      parseJsonLine(new SourceText(fileName, lineText), lineText, 0, '');
    } catch (error) {
      throw shift(error, line);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    const column = lineText.length - lineText.trimStart().length + 1;
    throw new AppError('bad_input', `each line must be a JSON object like {"text": ..., "label": ...}, found ${found}`, { file: fileName, line, column });
  }
  return value as Record<string, unknown>;
}

function shift(error: unknown, line: number): unknown {
  if (!(error instanceof AppError) || !error.location) return error;
  return new AppError('bad_input', error.message, { ...error.location, line: line + error.location.line - 1 });
}
