// Every import format, on real files in test/fixtures/import: delimiters, encodings, JSON
// documents, GLUE TSV, SQuAD, Hugging Face exports (JSON Lines, Parquet), task inference and
// label normalisation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDataset, parseDatasetAsync } from '../../main/services/import/index';
import { normaliseLabels } from '../../main/services/import/labels';
import { AppError, formatError } from '../../shared/errors';

const FIXTURES = new URL('../fixtures/import/', import.meta.url);
const bytes = (name: string) => readFileSync(new URL(name, FIXTURES));
const parse = (name: string, options = {}) => parseDataset(name, bytes(name), options);

describe('delimited text', () => {
  it('detects ";" in a .csv (European Excel) and keeps quoted semicolons', () => {
    const d = parse('semicolon.csv');
    expect(d.delimiter).toBe(';');
    expect(d.rows.map((r) => r.text)).toEqual(['Bon film; vraiment', 'Nul', 'Pas mal']);
  });

  it('detects "|" and finds the id column without taking it for text or label', () => {
    const d = parse('pipe.txt');
    expect([d.delimiter, d.textColumn, d.labelColumn, d.idColumn]).toEqual(['|', 'text', 'label', 'id']);
  });

  it('reads GLUE TSV with unbalanced quotes as unquoted text (MRPC: a sentence pair)', () => {
    const d = parse('glue-mrpc.tsv');
    expect(d.task).toBe('pair_classification');
    expect([d.textColumn, d.textPairColumn, d.labelColumn, d.idColumn]).toEqual(['#1 String', '#2 String', 'Quality', '#1 ID']);
    expect(d.rows[0].text).toContain('" the witness "');
    expect(d.rows).toHaveLength(3);
  });

  it('infers regression from fractional scores (GLUE STS-B)', () => {
    const d = parse('glue-stsb.tsv');
    expect(d.task).toBe('regression');
    expect(d.rows.map((r) => r.label)).toEqual(['5', '3.8', '3.8']);
    expect(d.rows[0].textPair).toBe('An air plane is taking off.');
  });
});

describe('encodings', () => {
  const expected = ['Café au lait was lovely — très bon', 'The naïve plot fell apart', 'Smörgåsbord of delights', 'Déjà vu, and not the good kind'];

  it('reads UTF-16 LE with a BOM (Excel "Unicode Text")', () => {
    const d = parse('utf16le-bom.tsv');
    expect(d.encoding).toBe('utf-16le');
    expect(d.rows.map((r) => r.text)).toEqual(expected);
  });

  it('reads UTF-16 BE without a BOM', () => {
    const d = parse('utf16be-nobom.csv');
    expect(d.encoding).toBe('utf-16be');
    expect(d.rows.map((r) => r.text)).toEqual(expected);
  });

  it('reads Latin-1 / Windows-1252 when the bytes are not UTF-8', () => {
    const d = parse('latin1.csv');
    expect(d.encoding).toBe('windows-1252');
    expect(d.rows[0].text).toBe('Café au lait was lovely - très bon');
  });
});

describe('JSON', () => {
  it('reads a JSON array of records, pointing at each record line', () => {
    const d = parse('reviews-array.json');
    expect(d.format).toBe('json');
    expect(d.rows.map((r) => [r.text, r.label, r.line])).toEqual([
      ['Loved it', 'pos', 2],
      ['Hated it', 'neg', 3],
      ['Fine', '1', 4],
    ]);
  });

  it('reads a Hugging Face to_json export (JSON Lines in a .json file)', () => {
    const d = parse('hf-export.json');
    expect(d.format).toBe('jsonl');
    expect(d.rows).toHaveLength(3);
  });

  it('reads SQuAD (v2, with an unanswerable question) as question answering', () => {
    const d = parse('squad.json');
    expect([d.format, d.task, d.textColumn, d.textPairColumn, d.labelColumn]).toEqual(['squad', 'qa', 'question', 'context', 'answers']);
    // Every reference answer with its start (shared/qa-answers.ts); unanswerable: empty lists.
    expect(d.rows.map((r) => JSON.parse(r.label))).toEqual([
      { text: ['Normandy', 'Normandy.'], answer_start: [82, 82] },
      { text: ['The Normans'], answer_start: [0] },
      { text: [], answer_start: [] },
    ]);
    expect(d.rows[0].textPair).toContain('Normandy');
  });

  it('infers multi-label from list labels and stores each set sorted', () => {
    const d = parse('multilabel.jsonl');
    expect(d.task).toBe('multilabel');
    expect(d.rows[0].label).toBe('["billing","urgent"]');
  });

  it('locates an element that is not an object inside a JSON array', () => {
    const error = catchError(() => parseDataset('x.json', '[\n {"text": "a", "label": "p"},\n 42\n]'));
    expect(formatError(error.toValue())).toMatch(/^x\.json:3:2: each element must be a JSON object/);
  });
});

describe('Parquet', () => {
  it('reads a Hugging Face to_parquet export (snappy), integer labels as class ids', async () => {
    const d = await parseDatasetAsync('hf-export.parquet', bytes('hf-export.parquet'));
    expect([d.format, d.task, d.textColumn, d.labelColumn]).toEqual(['parquet', 'classification', 'text', 'label']);
    expect(d.rows.map((r) => r.label)).toEqual(['1', '0', '1', '0']);
    expect(d.rows[0].text).toBe('Café au lait was lovely — très bon');
  });

  it('refuses a corrupt Parquet file with a located error', async () => {
    const broken = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(20, 7)]);
    await expect(parseDatasetAsync('broken.parquet', broken)).rejects.toMatchObject({ code: 'bad_input', location: { file: 'broken.parquet', line: 1, column: 1 } });
  });
});

describe('mapping and labels', () => {
  it('takes overrides for text, pair and label, and "" to drop a detected pair', () => {
    const d = parse('glue-stsb.tsv', { textColumn: 'sentence2', labelColumn: 'old_index', textPairColumn: '' });
    expect([d.textColumn, d.textPairColumn, d.labelColumn, d.task]).toEqual(['sentence2', undefined, 'old_index', 'classification']);
  });

  it('normalises label spellings: spaces, "1.0", and case variants to the commonest spelling', () => {
    expect(normaliseLabels([' Positive', 'positive', 'positive ', 'NEGATIVE', 'negative  ', 'negative', '1.0', '1'])).toEqual([
      'positive', 'positive', 'positive', 'negative', 'negative', 'negative', '1', '1',
    ]);
  });
});

function catchError(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an error');
}
