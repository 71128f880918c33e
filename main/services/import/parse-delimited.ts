// CSV and TSV via papaparse. Papaparse owns the quoting rules; this module only adds what it does
// not report: the line and column of each row and field, and the checks on header and row shape.
import Papa from 'papaparse';
import type { RawRecord, RawTable } from './raw-table';
import type { SourceText } from './source-text';

const QUOTE = '"';

interface ParsedLine {
  cells: string[];
  /** Offsets into the source text: first character of the row, and just past its last field. */
  start: number;
  end: number;
}

/** `minColumns`: 2 for datasets (text and label); files to predict may hold only a text column. */
export function parseDelimited(source: SourceText, delimiter: string, minColumns = 2): RawTable {
  const formatName = delimiter === '\t' ? 'TSV' : 'CSV';
  const rows = readDelimitedRows(source, delimiter);
  if (rows.length === 0) source.fail(0, 'file is empty');

  const [headerRow, ...dataRows] = rows;
  const columns = readHeader(source, headerRow, delimiter, formatName, minColumns);
  if (dataRows.length === 0) {
    source.fail(source.text.length, `${formatName} file has a header row but no data rows`);
  }

  const records: RawRecord[] = [];
  for (const row of dataRows) {
    if (row.cells.length !== columns.length && rejectRagged(source, row, columns, delimiter)) continue;
    let fieldOffsets: number[] | undefined; // worked out only when an error needs a column
    const offsetOf = (column: string): number => {
      const index = columns.indexOf(column);
      if (index < 0) return row.start;
      fieldOffsets ??= locateFields(source.text, row, delimiter);
      return fieldOffsets[index];
    };
    records.push({
      line: source.position(row.start).line,
      get: (column) => {
        const index = columns.indexOf(column);
        return index < 0 ? undefined : row.cells[index];
      },
      locate: (column) => source.position(offsetOf(column)),
    });
  }
  if (records.length === 0) source.fail(source.text.length, `${formatName} file has no usable data rows`);

  const headerOffsets = locateFields(source.text, headerRow, delimiter);
  return {
    columns,
    records,
    columnsPosition: source.position(headerRow.start),
    locateColumn: (column) => source.position(headerOffsets[Math.max(0, columns.indexOf(column))]),
  };
}

/**
 * TSV as GLUE and most tools write it has no quoting at all (a quote is a plain character), so a
 * TSV that fails as quoted text but splits into equal rows on tabs alone is read that way.
 */
function readDelimitedRows(source: SourceText, delimiter: string): ParsedLine[] {
  if (delimiter !== '\t') return readRows(source, delimiter);
  try {
    return readRows(source, delimiter);
  } catch (quotedError) {
    const plain = splitUnquoted(source.text);
    const width = plain[0]?.cells.length ?? 0;
    if (width >= 2 && plain.every((row) => row.cells.length === width)) return plain;
    throw quotedError;
  }
}

function splitUnquoted(text: string): ParsedLine[] {
  const rows: ParsedLine[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (line.trim() !== '') rows.push({ cells: line.split('\t'), start, end });
    start = end + 1;
  }
  return rows;
}

/** Every non-blank row with its place in the text; the first parse error aborts with its location. */
function readRows(source: SourceText, delimiter: string): ParsedLine[] {
  const rows: ParsedLine[] = [];
  let rowStart = 0;
  let firstError: { error: Papa.ParseError; rowStart: number } | undefined;
  Papa.parse<string[]>(source.text, {
    delimiter,
    newline: '\n', // SourceText has already turned every line ending into LF
    quoteChar: QUOTE,
    header: false,
    dynamicTyping: false,
    // Blank lines are skipped here rather than by papaparse, whose 'greedy' mode would also drop
    // rows like "," or a lone tab: real rows with empty fields, which must be reported.
    skipEmptyLines: false,
    step: (result, parser) => {
      const cursor = result.meta.cursor; // just past the row's line break
      if (result.errors.length > 0) {
        firstError = { error: result.errors[0], rowStart };
        parser.abort();
        return;
      }
      const end = source.text[cursor - 1] === '\n' ? cursor - 1 : cursor;
      const blank = result.data.length === 1 && source.text.slice(rowStart, end).trim() === '';
      if (!blank) rows.push({ cells: result.data, start: rowStart, end });
      rowStart = cursor;
    },
  });
  if (firstError) failOnParseError(source, firstError.error, firstError.rowStart, delimiter);
  return rows;
}

function failOnParseError(source: SourceText, error: Papa.ParseError, rowStart: number, delimiter: string): never {
  // For quote errors papaparse's index is the character just after the field's opening quote.
  const afterOpeningQuote = error.index ?? rowStart + 1;
  if (error.code === 'MissingQuotes') {
    source.fail(afterOpeningQuote - 1, 'unterminated quoted field opened here: this opening quote has no closing quote, so the rest of the file would be read as one field');
  }
  if (error.code === 'InvalidQuotes') {
    const hint = delimiter === '\t' ? ' (in TSV, a field that starts with a quote is read as a quoted field)' : '';
    const stray = strayQuoteOffset(source.text, afterOpeningQuote);
    const opened = source.position(afterOpeningQuote - 1);
    const ended = source.position(stray);
    // A quoted field that ran over line breaks into a quote further down almost always lacks its
    // closing quote where it opened: that line is the one to fix, so it is the one reported.
    if (ended.line > opened.line) source.failAt(opened, unterminatedAcrossLines(ended));
    source.failAt(ended, `malformed quoted field: this quote ends the quoted field but is not followed by a delimiter or the end of the line; quote the whole field and double any quotes inside it ("")${hint}`);
  }
  source.fail(rowStart, `cannot parse row: ${error.message}`);
}

/** The message for a quoted field opened at one line and ended by a stray quote on a later one. */
export function unterminatedAcrossLines(ended: { line: number; column: number }): string {
  return `unterminated quoted field opened here: it runs over the following lines up to the quote at line ${ended.line} column ${ended.column}, which is not followed by a delimiter or the end of the line; a closing quote is probably missing on this line`;
}

/** The first quote after an opening quote that is not one of a doubled (escaped) pair. */
function strayQuoteOffset(text: string, afterOpeningQuote: number): number {
  let offset = text.indexOf(QUOTE, afterOpeningQuote);
  while (offset !== -1 && text[offset + 1] === QUOTE) offset = text.indexOf(QUOTE, offset + 2);
  return offset === -1 ? afterOpeningQuote - 1 : offset;
}

function readHeader(source: SourceText, header: ParsedLine, delimiter: string, formatName: string, minColumns: number): string[] {
  const names = header.cells.map((name) => name.trim());
  const offsets = locateFields(source.text, header, delimiter);
  if (names.length < minColumns) {
    source.fail(header.start, `the first row must be a header naming at least two columns (text and label), found ${names.length === 1 ? `only "${names[0]}"` : 'none'}; is this really ${formatName}?`);
  }
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (seen.has(name)) source.fail(offsets[index], `duplicate column name "${name}" in the header row`);
    seen.add(name);
  });
  return names;
}

function rejectRagged(source: SourceText, row: ParsedLine, columns: string[], delimiter: string): true {
  const found = row.cells.length;
  const expected = `${columns.length} (${columns.map((c) => `"${c}"`).join(', ')})`;
  const quoteHint = `; fields that contain ${delimiter === '\t' ? 'tabs' : delimiter === ',' ? 'commas' : `"${delimiter}"`} must be quoted`;
  if (found > columns.length) {
    const extra = locateFields(source.text, row, delimiter)[columns.length];
    return source.reject(source.position(extra), `row has ${found} fields but the header has ${expected}: unexpected extra field here${quoteHint}`);
  }
  return source.reject(source.position(row.end), `row has ${found} field${found === 1 ? '' : 's'} but the header has ${expected}: the row ends here`);
}

/**
 * Start offset of each field of a row, rebuilt from the values papaparse returned: an unquoted
 * field spans its value; a quoted one spans its value with inner quotes doubled, plus the quotes
 * and any spaces papaparse tolerates before the next delimiter.
 */
function locateFields(text: string, row: ParsedLine, delimiter: string): number[] {
  const offsets: number[] = [];
  let cursor = row.start;
  for (const value of row.cells) {
    offsets.push(cursor);
    if (text[cursor] === QUOTE) {
      const closingQuote = cursor + 1 + value.length + countQuotes(value);
      const nextDelimiter = text.indexOf(delimiter, closingQuote + 1);
      cursor = nextDelimiter === -1 || nextDelimiter > row.end ? row.end : nextDelimiter;
    } else {
      cursor += value.length;
    }
    if (text[cursor] === delimiter) cursor += 1;
  }
  return offsets;
}

function countQuotes(value: string): number {
  let count = 0;
  for (const char of value) if (char === QUOTE) count++;
  return count;
}
