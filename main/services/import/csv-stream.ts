// A streaming CSV/TSV tokenizer for files too big to hold as one string. Papaparse reads the
// in-memory path; here rows must flow chunk by chunk with exact line:column for every error and
// a tight inner loop (the import target is >= 100 MB/s), so it is a small RFC 4180 state machine
// over char codes. Rules match the in-memory path: "" escapes a quote inside a quoted field, CRLF
// and lone CR count as one line break, blank lines are skipped.
import { AppError } from '../../../shared/errors';
import { unterminatedAcrossLines } from './parse-delimited';

export interface StreamRecord {
  cells: string[];
  /** 1-based line where the record starts. */
  line: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

function indexOrEnd(s: string, char: string, from: number): number {
  const at = s.indexOf(char, from);
  return at === -1 ? s.length : at;
}

export class CsvTokenizer {
  private readonly delimiter: number;
  private readonly delimiterChar: string;
  private buffer = '';
  /** Line number of buffer[0], and whether buffer[0] is just after a CR (so a LF there is no new line). */
  private bufferLine = 1;
  private afterCr = false;
  /** Field count of the last record, to size the next one's array. */
  private width = 0;

  constructor(
    private readonly fileName: string,
    delimiter: string,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
    this.delimiterChar = delimiter[0];
  }

  /**
   * Adds text and returns the complete records in it; a record cut by the chunk's end waits for
   * the next chunk (or for `final`, where an open quote is an error).
   */
  push(text: string, final: boolean): StreamRecord[] {
    const out: StreamRecord[] = [];
    this.feed(text, final, (cells, line) => out.push({ cells, line }));
    return out;
  }

  /**
   * As push, but each record goes straight to `onRecord` (the cells array is the record's own):
   * at a million rows an array of record objects per chunk is measurable GC work.
   */
  feed(text: string, final: boolean, onRecord: (cells: string[], line: number) => void): void {
    const s = this.buffer.length === 0 ? text : this.buffer + text;
    const n = s.length;
    const d = this.delimiter;
    let i = 0;
    let line = this.bufferLine;
    let lineStart = 0; // offset of the current line's first char, for columns
    let afterCr = this.afterCr;
    let recordStart = 0;
    let recordLine = line;
    let recordLineStart = 0;
    let recordAfterCr = afterCr;
    // Sized like the previous record: a pushed-to empty array reserves 17 slots, ~150 wasted bytes a row.
    let cells: string[] = new Array<string>(this.width);
    let count = 0;
    const hasCr = s.indexOf('\r') !== -1;
    let nextDelimiter = -1;
    let nextLf = -1;
    let nextCr = -1;
    outer: while (i < n) {
      // Start of a field.
      let c = s.charCodeAt(i);
      if (afterCr && c === LF && count === 0 && i === recordStart) {
        // The LF of a CRLF whose CR ended the previous record.
        i++;
        afterCr = false;
        recordStart = i;
        recordLineStart = lineStart = i;
        continue;
      }
      afterCr = false;
      if (c === QUOTE) {
        const fieldStartLine = line;
        const fieldStartCol = i - lineStart + 1;
        let value = '';
        let escaped = false;
        let j = i + 1;
        for (;;) {
          const q = s.indexOf('"', j);
          if (q === -1) {
            if (!final) break outer; // wait for more text
            throw this.error(fieldStartLine, fieldStartCol, 'unterminated quoted field opened here: this opening quote has no closing quote, so the rest of the file would be read as one field');
          }
          // Count the line breaks inside the quoted part, for later positions. The next-break
          // offsets are cached across fields: searching afresh from every quote rescanned the
          // rest of the line once per quote.
          if (nextLf < j) nextLf = indexOrEnd(s, '\n', j);
          for (; nextLf < q; nextLf = indexOrEnd(s, '\n', nextLf + 1)) {
            if (!(nextLf > 0 && s.charCodeAt(nextLf - 1) === CR)) line++;
            lineStart = nextLf + 1;
          }
          if (hasCr) {
            if (nextCr < j) nextCr = indexOrEnd(s, '\r', j);
            for (; nextCr < q; nextCr = indexOrEnd(s, '\r', nextCr + 1)) {
              line++;
              if (nextCr + 1 > lineStart) lineStart = nextCr + 1;
            }
          }
          if (q + 1 >= n && !final) break outer; // cannot tell "" from " yet
          if (s.charCodeAt(q + 1) === QUOTE) {
            escaped = true;
            j = q + 2;
            continue;
          }
          // One slice and one native replace: joining the pieces between escapes built rope
          // strings that were flattened again later. Inside the quotes every quote is a "" pair,
          // so a left-to-right replace undoes exactly the escapes.
          value = s.slice(i + 1, q);
          if (escaped) value = value.replaceAll('""', '"');
          i = q + 1;
          break;
        }
        c = i < n ? s.charCodeAt(i) : -1;
        if (c !== d && c !== LF && c !== CR && c !== -1) {
          // Opened on an earlier line: the missing closing quote is there (see parse-delimited.ts).
          if (line > fieldStartLine) throw this.error(fieldStartLine, fieldStartCol, unterminatedAcrossLines({ line, column: i - lineStart }));
          throw this.error(line, i - lineStart, 'malformed quoted field: this quote ends the quoted field but is not followed by a delimiter or the end of the line; quote the whole field and double any quotes inside it ("")');
        }
        // Inside quotes CRLF stays a single newline, as on the in-memory path.
        cells[count++] = !hasCr || value.indexOf('\r') === -1 ? value : value.replace(/\r\n?/g, '\n');
      } else {
        // Unquoted field: up to the next delimiter or line break, found with cached indexOf.
        if (nextDelimiter < i) nextDelimiter = indexOrEnd(s, this.delimiterChar, i);
        if (nextLf < i) nextLf = indexOrEnd(s, '\n', i);
        if (hasCr && nextCr < i) nextCr = indexOrEnd(s, '\r', i);
        const j = Math.min(nextDelimiter, nextLf, hasCr ? nextCr : n);
        if (j >= n && !final) break;
        cells[count++] = s.slice(i, j);
        i = j;
        c = i < n ? s.charCodeAt(i) : -1;
      }
      if (c === d) {
        i++;
        if (i >= n && !final) break;
        if (i >= n) cells[count++] = '';
        continue;
      }
      // End of record: a line break or the end of the text.
      if (count !== cells.length) cells.length = count;
      if (!(count === 1 && cells[0].trim() === '')) onRecord(cells, recordLine);
      this.width = count;
      cells = new Array<string>(count);
      count = 0;
      if (c === CR || c === LF) {
        afterCr = c === CR;
        i++;
        line++;
        lineStart = i;
      }
      recordStart = i;
      recordLine = line;
      recordLineStart = lineStart;
      recordAfterCr = afterCr;
    }
    // Keep the unfinished record for the next chunk.
    this.buffer = s.slice(recordStart);
    this.bufferLine = recordLine;
    this.afterCr = recordAfterCr;
    void recordLineStart;
  }

  private error(line: number, column: number, message: string): AppError {
    return new AppError('bad_input', message, { file: this.fileName, line, column });
  }
}
