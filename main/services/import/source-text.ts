// The dataset text after the clean-up every format shares, plus the means to turn a character
// offset into the 1-based line:column a person's editor understands.
import { AppError } from '../../../shared/errors';
import { HtmlTally } from './html';

export interface TextPosition {
  line: number;
  column: number;
}

/** A row left out under "skip bad rows", with the reason, so the person sees every one. */
export interface SkippedRow {
  file: string;
  line: number;
  column: number;
  reason: string;
}

/** How rows are read: what the person chose on the import (shared/dataset-report.ts ImportOptions). */
export interface RowOptions {
  skipBadRows?: boolean;
  stripHtml?: boolean;
}

/**
 * Skipped rows listed one by one, at most: a file of a million bad rows would otherwise keep (and
 * store in its report, and send to the page) a million reasons. The count stays exact.
 */
export const MAX_LISTED_SKIPPED = 1000;

export class SourceText {
  readonly text: string;
  private readonly lineStarts: number[];
  readonly skipBadRows: boolean;
  /** Filled only when skipping (the first MAX_LISTED_SKIPPED): without it the first bad row stops the import. */
  readonly skipped: SkippedRow[] = [];
  /** Every skipped row, listed or not. */
  skippedCount = 0;
  /** HTML markup in the texts: counted always, removed under stripHtml (./html.ts). */
  readonly html: HtmlTally;

  /** Strips a UTF-8 BOM and rewrites CRLF / lone CR as LF, refusing binary content. */
  constructor(
    readonly fileName: string,
    content: string,
    options: RowOptions = {},
  ) {
    this.skipBadRows = options.skipBadRows ?? false;
    this.html = new HtmlTally(fileName, options.stripHtml ?? false);
    // Dropping the BOM before counting columns matches editors, which never show it.
    const withoutBom = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
    // Line breaks become one character, so line numbers match what editors show for any mix of
    // endings, and a quoted CRLF inside a field reaches the model as a plain newline.
    this.text = withoutBom.replace(/\r\n?/g, '\n');
    this.lineStarts = [0];
    for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);

    const nul = this.text.indexOf('\0');
    if (nul !== -1) {
      this.fail(nul, 'file contains NUL bytes: this looks like a binary file (e.g. a spreadsheet), not CSV, TSV or JSON Lines text');
    }
  }

  /** Columns count UTF-16 code units, as JavaScript and the TypeScript compiler do. */
  position(offset: number): TextPosition {
    // Binary search for the last line that starts at or before the offset.
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1 };
  }

  fail(offset: number, message: string): never {
    this.failAt(this.position(offset), message);
  }

  /** A problem confined to one row: recorded and true (drop the row) when skipping, else thrown. */
  reject(position: TextPosition, message: string): true {
    if (!this.skipBadRows) this.failAt(position, message);
    this.skippedCount++;
    if (this.skipped.length < MAX_LISTED_SKIPPED) this.skipped.push({ file: this.fileName, ...position, reason: message });
    return true;
  }

  failAt(position: TextPosition, message: string): never {
    throw new AppError('bad_input', message, { file: this.fileName, ...position });
  }
}
