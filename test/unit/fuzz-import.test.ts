// Fuzz: 1,200 malformed files made by a seeded generator (so a failure reproduces), each of which
// must either import with sane rows or be refused with a bad_input error naming file:line:column.
// Anything else (a TypeError, a RangeError, a hang) is a crash and fails the test.
import { describe, expect, it } from 'vitest';
import { parseDatasetAsync } from '../../main/services/import/index';
import { AppError } from '../../shared/errors';
import { mulberry32 } from '../../shared/random';

const FILES = 1200;
const random = mulberry32(5);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (n: number) => Math.floor(random() * n);

const WORDS = ['good', 'bad', 'film', 'plot', '"', ',', '\t', ';', '\n', '\r\n', 'é', '😀', '\\', '{', '}', '[', ']', ':', ' '];
const cell = () => `w${Array.from({ length: int(5) }, () => pick(WORDS)).join('')}`;

function validCsv(rows: number, delimiter = ','): string {
  const lines = ['text,label'.replace(',', delimiter)];
  for (let i = 0; i < rows; i++) lines.push(`"${cell().replace(/"/g, '""')}"${delimiter}${i < 2 ? ['pos', 'neg'][i] : pick(['pos', 'neg', 'neu'])}`);
  return lines.join('\n') + '\n';
}

function validJsonl(rows: number): string {
  return Array.from({ length: rows }, (_, i) => JSON.stringify({ text: cell(), label: i < 2 ? ['a', 'b'][i] : pick(['a', 'b']) })).join('\n') + '\n';
}

/** One way of breaking a file; each returns the file's name and bytes. */
const MUTATIONS: Array<[string, () => [string, Uint8Array]]> = [
  ['truncated quote', () => ['q.csv', utf8(validCsv(5 + int(20)).replace(/"[^"]*$/, '"unterminated'))]],
  ['cut anywhere', () => { const t = validCsv(10 + int(10)); return ['cut.csv', utf8(t.slice(0, int(t.length)))]; }],
  ['binary bytes', () => ['bin.csv', Uint8Array.from({ length: 1 + int(400) }, () => int(256))]],
  ['binary in text', () => { const b = utf8(validCsv(8)); for (let i = 0; i < 3; i++) b[int(b.length)] = int(256); return ['mixed.csv', b]; }],
  ['utf-16 without BOM', () => ['u16.csv', Buffer.from(validCsv(6), 'utf16le')]],
  ['utf-16 odd length', () => { const b = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(validCsv(6), 'utf16le')]); return ['u16odd.tsv', b.subarray(0, b.length - 1)]; }],
  ['invalid utf-8', () => ['bad8.csv', Buffer.concat([utf8('text,label\n'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), utf8(',pos\nok,neg\n')])]],
  ['latin-1', () => ['l1.csv', Buffer.from(validCsv(6).replace(/é/g, 'ü'), 'latin1')]],
  ['ragged rows', () => ['rag.csv', utf8(validCsv(8).split('\n').map((l, i) => (i > 0 && random() < 0.3 ? `${l},extra` : random() < 0.1 ? l.split(',')[0] : l)).join('\n'))]],
  ['huge line', () => ['huge.csv', utf8(`text,label\n"${'x'.repeat(50_000 + int(150_000))}",pos\nshort,neg\n`)]],
  ['empty file', () => [pick(['e.csv', 'e.tsv', 'e.json', 'e.jsonl', 'e.parquet', 'e']), new Uint8Array(0)]],
  ['whitespace only', () => ['ws.csv', utf8(pick([' ', '\n\n', '\r\n\t ', '\ufeff']))]],
  ['one column', () => ['one.csv', utf8(`text\n${Array.from({ length: 5 }, cell).join('\n')}\n`)]],
  ['labels missing', () => ['nolab.csv', utf8(`text,label\n${Array.from({ length: 6 }, () => `word${int(9)},${random() < 0.5 ? '' : 'pos'}`).join('\n')}\n`)]],
  ['label column absent', () => ['nolabcol.jsonl', utf8(Array.from({ length: 5 }, () => JSON.stringify({ text: cell() })).join('\n'))]],
  ['truncated JSON array', () => { const t = JSON.stringify(Array.from({ length: 6 }, () => ({ text: cell(), label: pick(['a', 'b']) }))); return ['arr.json', utf8(t.slice(0, int(t.length)))]; }],
  ['broken JSON Lines', () => ['bro.jsonl', utf8(validJsonl(8).replace(/}\n/, pick(['\n', '}}\n', ',\n', '} x\n'])))]],
  ['JSON wrong shapes', () => ['shape.json', utf8(pick(['[1,2,3]', '{"a":1}', 'null', '"text"', '[[],[]]', '{"data":[{"paragraphs":[]}]}', '[{"text":null,"label":"a"}]', '{"data":[{"paragraphs":[{"qas":[{}]}]}]}']))]],
  ['garbage Parquet', () => ['g.parquet', Buffer.concat([utf8('PAR1'), Uint8Array.from({ length: int(300) }, () => int(256)), utf8('PAR1')])]],
  ['random delimiters', () => ['d.txt', utf8(validCsv(6, pick([';', '|', '\t', ':'])))]],
  ['mixed line endings', () => ['crlf.csv', utf8(validCsv(10).replace(/\n/g, () => pick(['\n', '\r\n', '\r'])))]],
  ['valid control', () => (random() < 0.5 ? ['ok.csv', utf8(validCsv(12))] : ['ok.jsonl', utf8(validJsonl(12))])],
];

function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

describe('fuzzed dataset files', () => {
  it(`${FILES} malformed files: each imports sanely or gets a located error, none crashes`, async () => {
    const outcomes: Record<string, { imported: number; refused: number }> = {};
    for (let i = 0; i < FILES; i++) {
      const [kind, make] = MUTATIONS[i % MUTATIONS.length];
      const [name, bytes] = make();
      const file = `${i}-${name}`;
      const tally = (outcomes[kind] ??= { imported: 0, refused: 0 });
      try {
        const parsed = await parseDatasetAsync(file, bytes, { skipBadRows: random() < 0.3 });
        tally.imported++;
        expect(parsed.rows.length, `${kind}: ${file}`).toBeGreaterThan(0);
        for (const row of parsed.rows) {
          expect(row.text.trim(), `${kind}: ${file} line ${row.line}`).not.toBe('');
          expect(row.line).toBeGreaterThanOrEqual(1);
        }
        for (const skipped of parsed.skipped) expect(skipped.line).toBeGreaterThanOrEqual(1);
      } catch (error) {
        if (!(error instanceof AppError)) throw new Error(`crash on ${kind} (${file}): ${(error as Error).stack}`);
        tally.refused++;
        expect(error.code, `${kind}: ${file}: ${error.message}`).toBe('bad_input');
        expect(error.location?.file).toBe(file);
        expect(error.location?.line).toBeGreaterThanOrEqual(1);
        expect(error.location?.column).toBeGreaterThanOrEqual(1);
      }
    }
    // Each kind was exercised, and the valid controls all imported.
    expect(Object.keys(outcomes)).toHaveLength(MUTATIONS.length);
    expect(outcomes['valid control'].refused).toBe(0);
    expect(outcomes['binary bytes'].imported).toBeLessThan(outcomes['binary bytes'].refused);
  }, 120_000);
});

describe('streaming tokenizer agrees with the in-memory parser', () => {
  it('gives the same rows and lines for 300 random CSVs fed in random chunk sizes', async () => {
    const { CsvTokenizer } = await import('../../main/services/import/csv-stream');
    const { parseDataset } = await import('../../main/services/import/index');
    for (let f = 0; f < 300; f++) {
      const text = validCsv(3 + int(15)).replace(/\n/g, () => pick(['\n', '\r\n', '\n', '\r']));
      const expected = parseDataset('x.csv', text).rows.map((r) => [r.text, r.label, r.line]);
      const tokenizer = new CsvTokenizer('x.csv', ',');
      const records = [];
      const size = 1 + int(40);
      for (let i = 0; i < text.length; i += size) records.push(...tokenizer.push(text.slice(i, i + size), false));
      records.push(...tokenizer.push('', true));
      expect(records.slice(1).map((r) => [r.cells[0], r.cells[1], r.line]), JSON.stringify(text)).toEqual(expected);
    }
  });
});
