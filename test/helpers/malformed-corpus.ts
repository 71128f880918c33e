// A generated corpus of malformed dataset inputs, for test/integration/malformed-inputs.test.ts:
// every format the importer reads (CSV, TSV, other delimiters, JSON Lines, JSON, Parquet), folders
// of splits and shards, encodings, NUL bytes, non-finite targets, huge integers, ragged rows,
// quotes, BOMs and special files. Deterministic (no randomness): a failure names one case, and
// rerunning reproduces it. Each case says what a correct importer must do with it.
import { parquetWriteBuffer } from 'hyparquet-writer';

/** A file of the case: bytes, or something that is not a regular file. */
export type CorpusFile =
  | { path: string; bytes: Buffer }
  | { path: string; special: 'fifo' | 'link-dev-zero' | 'link-dev-null' | 'dangling-link' | 'link-loop' | 'folder' };

export interface CorpusCase {
  /** Unique; also the case's folder name on disk. */
  name: string;
  /** Relative path (inside the case folder) that is imported: a file or a folder. */
  entry: string;
  files: CorpusFile[];
  /** refused: must be an AppError; imported: must import; either: both are right, a crash or hang is not. */
  expect: 'refused' | 'imported' | 'either';
  /** A refusal must carry file:line:column. */
  located?: boolean;
  /** A refusal must point exactly here (an unterminated quote: where the field opened, not the end of the file). */
  refusedAt?: { line: number; column: number };
  /** Also run it through the streamed path (CSV/TSV/JSON Lines files). */
  streamable?: boolean;
  /** On import: exactly these labels (sorted). */
  labels?: string[];
  /** On import: this text must be among the stored texts (decoding checks). */
  containsText?: string;
  /** The in-memory and streamed paths may answer differently (both answers must still be clean). */
  pathsMayDisagree?: boolean;
}

const enc = (text: string) => Buffer.from(text, 'utf8');
const cat = (...parts: Array<Buffer | string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? enc(p) : Array.isArray(p) ? Buffer.from(p) : p)));

/** `n` ordinary data rows with two classes. */
function rows(n: number, d: string, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `review number ${from + i} reads fine${d}${(from + i) % 2 === 0 ? 'pos' : 'neg'}`);
}

function table(d: string, body: string[], eol = '\n'): string {
  return [`text${d}label`, ...body].join(eol) + eol;
}

function utf16(text: string, littleEndian: boolean, bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const bytes = littleEndian ? le : Buffer.from(le).swap16();
  return bom ? cat(littleEndian ? [0xff, 0xfe] : [0xfe, 0xff], bytes) : bytes;
}

const DELIMITED: Array<{ tag: string; d: string; ext: string }> = [
  { tag: 'csv', d: ',', ext: 'csv' },
  { tag: 'tsv', d: '\t', ext: 'tsv' },
  { tag: 'semicolon', d: ';', ext: 'csv' },
  { tag: 'pipe', d: '|', ext: 'txt' },
];

const NON_FINITE = ['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-inf', '1e400', '-1e999', '1E309'];
const INVALID_UTF8: Array<[string, number[]]> = [
  ['lone-continuation', [0x80]],
  ['overlong', [0xc0, 0xaf]],
  ['surrogate', [0xed, 0xa0, 0x80]],
  ['f5-lead', [0xf5, 0x80, 0x80, 0x80]],
  ['cut-sequence', [0xe2, 0x82]],
  ['fe', [0xfe]],
  ['ff', [0xff]],
];

function delimitedCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  for (const { tag, d, ext } of DELIMITED) {
    const file = `data.${ext}`;
    const add = (name: string, bytes: Buffer | string, expect: CorpusCase['expect'], extra: Partial<CorpusCase> = {}) =>
      out.push({ name: `${tag}-${name}`, entry: file, files: [{ path: file, bytes: typeof bytes === 'string' ? enc(bytes) : bytes }], expect, streamable: true, ...extra });
    const good = rows(12, d);

    add('empty', '', 'refused');
    add('whitespace-only', '  \n\n \t\n', 'refused');
    add('header-only', `text${d}label\n`, 'refused', { located: true });
    add('header-only-no-newline', `text${d}label`, 'refused', { located: true });
    add('header-and-blank-lines', `text${d}label\n\n\n  \n`, 'refused', { located: true });
    add('one-column', 'text\na\nb\nc\n', 'refused', { located: true });
    add('all-same-label', table(d, rows(6, d).map((r) => r.replace(/(pos|neg)$/, 'pos'))), 'refused', { located: true });
    add('good-control', table(d, good), 'imported', { labels: ['neg', 'pos'] });
    for (const k of [1, 5, 11]) {
      const at = (fn: (row: string) => string) => table(d, good.map((r, i) => (i === k - 1 ? fn(r) : r)));
      add(`ragged-short-row${k}`, at((r) => r.split(d)[0]), 'refused', { located: true });
      add(`ragged-long-row${k}`, at((r) => `${r}${d}extra${d}more`), 'refused', { located: true });
      // TSV as GLUE writes it has no quoting: in memory a quote that breaks quoted reading is read
      // as a plain character (parse-delimited.ts); the streamed tokenizer refuses it instead.
      const tsvQuotes: Partial<CorpusCase> = d === '\t' ? { pathsMayDisagree: true } : {};
      // Header on line 1, so row k is line k + 1; the opening quote is its first character.
      add(`unterminated-quote-row${k}`, at((r) => `"${r}`), d === '\t' ? 'either' : 'refused', { located: true, refusedAt: { line: k + 1, column: 1 }, ...tsvQuotes });
      // A quote further down ends the runaway field with junk after it: still the opening line is reported.
      const closedLater = table(d, good.map((r, i) => (i === k - 1 ? `"${r}` : i === k + 1 ? `she said "hi" there${d}pos` : r)));
      add(`unterminated-quote-closed-later-row${k}`, closedLater, d === '\t' ? 'either' : 'refused', { located: true, refusedAt: { line: k + 1, column: 1 }, ...tsvQuotes });
      add(`junk-after-quote-row${k}`, at((r) => `"quoted"junk${d}pos`), d === '\t' ? 'either' : 'refused', { located: true, ...tsvQuotes });
      add(`quote-inside-field-row${k}`, at((r) => `ab"cd${d}pos`), 'either');
      add(`empty-text-row${k}`, at((r) => `${d}pos`), 'refused', { located: true });
      add(`empty-label-row${k}`, at((r) => `${r.split(d)[0]}${d}`), 'refused', { located: true });
      add(`nul-row${k}`, at((r) => `bin\0ary${d}pos`), 'refused', { located: true });
      add(`nul-label-row${k}`, at((r) => `${r.split(d)[0]}${d}p\0s`), 'refused', { located: true });
      add(`latin1-row${k}`, cat(table(d, good.slice(0, k - 1)), [0x63, 0x61, 0x66, 0xe9], `${d}pos\n`, good.slice(k).join('\n') + '\n'), 'imported', { containsText: 'café' });
    }
    add('duplicate-header', `text${d}text${d}label\n` + rows(6, d).map((r) => `x${d}${r}`).join('\n') + '\n', 'either');
    add('empty-header-names', `${d}\n` + rows(6, d).join('\n') + '\n', 'either');
    add('trailing-delimiter', table(d, good.map((r) => r + d)), 'either');
    add('utf8-bom', cat([0xef, 0xbb, 0xbf], table(d, good)), 'imported', { labels: ['neg', 'pos'] });
    add('double-bom', cat([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], table(d, good)), 'either');
    add('bom-crlf', cat([0xef, 0xbb, 0xbf], table(d, good, '\r\n')), 'imported', { labels: ['neg', 'pos'] });
    add('cr-only', table(d, good, '\r'), 'imported', { labels: ['neg', 'pos'] });
    add('mixed-endings', `text${d}label\r\n` + good.map((r, i) => r + ['\n', '\r\n', '\r'][i % 3]).join(''), 'imported', { labels: ['neg', 'pos'] });
    add('utf16le-bom', utf16(table(d, [...good, `naïve café${d}pos`]), true, true), 'imported', { containsText: 'naïve café' });
    add('utf16be-bom', utf16(table(d, [...good, `naïve café${d}pos`]), false, true), 'imported', { containsText: 'naïve café' });
    add('utf16le-no-bom', utf16(table(d, good), true, false), 'imported', { labels: ['neg', 'pos'] });
    add('utf16le-odd-byte', cat(utf16(table(d, good), true, true), [0x41]), 'refused', { located: true });
    add('utf16le-lone-surrogate', cat(utf16(table(d, good), true, true), [0x00, 0xd8, 0x41, 0x00]), 'refused', { located: true });
    add('nul-in-header', `te\0xt${d}label\n${good.join('\n')}\n`, 'refused', { located: true });
    add('nul-at-end', `${table(d, good)}\0`, 'refused', { located: true });
    add('windows-1252-quotes', cat(table(d, good), [0x93], 'smart', [0x94], `${d}pos\n`), 'imported', { containsText: '“smart”' });
    add('long-field', table(d, [...good, `${'word '.repeat(200_000)}${d}pos`]), 'imported');
    add('many-columns', Array.from({ length: 300 }, (_, i) => `c${i}`).join(d) + '\n' + Array.from({ length: 4 }, (_, r) => Array.from({ length: 300 }, (_, i) => `v${r}${i}`).join(d)).join('\n') + '\n', 'either');
    add('quoted-crlf-inside', table(d, [...good, `"line one\r\nline two"${d}pos`]), 'imported');
    add('numbers-only', `a${d}b\n1${d}2\n3${d}4\n5${d}6\n`, 'either');
    // Encodings decided over the whole file: a Latin-1 byte after the 64 KiB sample.
    const many = rows(3000, d);
    add('latin1-after-64k', cat(table(d, many), [0x63, 0x61, 0x66, 0xe9], `${d}pos\n`), 'imported', { containsText: 'café' });
    add('nul-after-64k', cat(table(d, many), `bin\0ary${d}pos\n`), 'refused', { located: true });
    add('mixed-utf8-then-latin1', cat(table(d, [`über${d}pos`, ...many]), [0x63, 0x61, 0x66, 0xe9], `${d}neg\n`), 'refused', { located: true });
    add('bom-then-latin1', cat([0xef, 0xbb, 0xbf], table(d, good), [0x63, 0x61, 0x66, 0xe9], `${d}neg\n`), 'refused', { located: true });
    for (const [bad, bytes] of INVALID_UTF8) {
      add(`invalid-utf8-${bad}-after-utf8`, cat(table(d, [`über${d}pos`, ...good]), 'x', bytes, `y${d}neg\n`), 'refused', { located: true });
      // Pure ASCII before it: read as Windows-1252, never U+FFFD.
      add(`invalid-utf8-${bad}-in-ascii`, cat(table(d, good), 'x', bytes, `y${d}neg\n`), 'either');
    }
    for (const token of NON_FINITE) {
      const scores = Array.from({ length: 20 }, (_, i) => `sentence ${i} here${d}${(i % 9) / 2 + 0.25}`);
      add(`regression-${token}`, `text${d}score\n${[...scores, `the odd one${d}${token}`, ...scores.slice(0, 3).map((s) => 'again ' + s)].join('\n')}\n`, 'refused', { located: true });
      add(`class-ids-${token}`, `text${d}label\n${[...rows(8, d).map((r, i) => r.replace(/(pos|neg)$/, String(i % 3))), `odd row${d}${token}`].join('\n')}\n`, 'refused', { located: true });
    }
    for (const [a, b] of [
      ['9007199254740992', '9007199254740993'],
      ['100000000000000000000', '100000000000000000001'],
      ['-9007199254740993', '-9007199254740992'],
    ]) {
      add(`huge-integers-${a}`, table(d, [0, 1, 2, 3, 4, 5].map((i) => `text ${i}${d}${i % 2 ? b : a}`)), 'imported', { labels: [a, b].sort() });
    }
  }
  return out;
}

function jsonlCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const add = (name: string, bytes: Buffer | string, expect: CorpusCase['expect'], extra: Partial<CorpusCase> = {}, ext = 'jsonl') =>
    out.push({ name: `jsonl-${name}${ext === 'jsonl' ? '' : `-${ext}`}`, entry: `data.${ext}`, files: [{ path: `data.${ext}`, bytes: typeof bytes === 'string' ? enc(bytes) : bytes }], expect, streamable: ext !== 'json', ...extra });
  const line = (i: number) => JSON.stringify({ text: `example number ${i} text`, label: i % 2 ? 'pos' : 'neg' });
  const good = Array.from({ length: 12 }, (_, i) => line(i));
  for (const ext of ['jsonl', 'ndjson']) {
    add('empty', '', 'refused', {}, ext);
    add('blank-lines', '\n\n  \n', 'refused', {}, ext);
    add('good-control', good.join('\n') + '\n', 'imported', { labels: ['neg', 'pos'] }, ext);
    for (const k of [1, 6, 12]) {
      const at = (replacement: string) => good.map((l, i) => (i === k - 1 ? replacement : l)).join('\n') + '\n';
      add(`invalid-json-line${k}`, at('{"text": "broken", "label": '), 'refused', { located: true }, ext);
      add(`trailing-comma-line${k}`, at('{"text": "x y", "label": "pos",}'), 'refused', { located: true }, ext);
      add(`array-line${k}`, at('["x", "pos"]'), 'refused', { located: true }, ext);
      add(`number-line${k}`, at('42'), 'refused', { located: true }, ext);
      add(`null-line${k}`, at('null'), 'refused', { located: true }, ext);
      add(`missing-text-line${k}`, at('{"label": "pos"}'), 'refused', { located: true }, ext);
      add(`null-label-line${k}`, at('{"text": "x y z", "label": null}'), 'refused', { located: true }, ext);
      add(`object-label-line${k}`, at('{"text": "x y z", "label": {"a": 1}}'), 'refused', { located: true }, ext);
      add(`nul-escape-text-line${k}`, at('{"text": "bin\\u0000ary", "label": "pos"}'), 'refused', { located: true }, ext);
      add(`nul-escape-label-line${k}`, at('{"text": "fine text", "label": "p\\u0000s"}'), 'refused', { located: true }, ext);
      add(`lone-surrogate-line${k}`, at('{"text": "half \\ud800 pair", "label": "pos"}'), 'refused', { located: true }, ext);
      add(`raw-nul-line${k}`, at('{"text": "bin\u0000ary", "label": "pos"}'), 'refused', { located: true }, ext);
      add(`garbage-after-object-line${k}`, at('{"text": "x y", "label": "pos"} trailing'), 'refused', { located: true }, ext);
    }
    for (const token of ['1e400', '-1e400', '"NaN"', '"Infinity"', '"1e999"']) {
      const scores = Array.from({ length: 10 }, (_, i) => JSON.stringify({ text: `sentence ${i}`, score: i / 4 + 0.1 }));
      add(`regression-${token.replace(/"/g, '')}`, [...scores, `{"text": "odd one", "score": ${token}}`].join('\n') + '\n', 'refused', { located: true }, ext);
    }
  }
  add('huge-integer-labels', [0, 1, 2, 3].map((i) => `{"text": "text ${i}", "label": ${i % 2 ? '9007199254740993' : '9007199254740992'}}`).join('\n'), 'imported', { labels: ['9007199254740992', '9007199254740993'] });
  add('huge-integer-string-labels', [0, 1, 2, 3].map((i) => `{"text": "text ${i}", "label": "${i % 2 ? '9007199254740993' : '9007199254740992'}"}`).join('\n'), 'imported', { labels: ['9007199254740992', '9007199254740993'] });
  add('utf8-bom', cat([0xef, 0xbb, 0xbf], good.join('\n')), 'imported', { labels: ['neg', 'pos'] });
  add('crlf', good.join('\r\n') + '\r\n', 'imported', { labels: ['neg', 'pos'] });
  add('utf16le-bom', utf16(good.join('\n') + '\n{"text": "naïve", "label": "pos"}\n', true, true), 'imported', { containsText: 'naïve' });
  add('latin1-late', cat(Array.from({ length: 2000 }, (_, i) => line(i)).join('\n'), '\n{"text": "caf', [0xe9], '", "label": "pos"}\n'), 'imported', { containsText: 'café' });
  add('mixed-encodings', cat('{"text": "über", "label": "neg"}\n', Array.from({ length: 2000 }, (_, i) => line(i)).join('\n'), '\n{"text": "caf', [0xe9], '", "label": "pos"}\n'), 'refused', { located: true });
  add('deep-nesting', good.join('\n') + '\n' + '{"text": ' + '['.repeat(20_000) + ']'.repeat(20_000) + ', "label": "pos"}\n', 'refused', { located: true });
  add('multilabel-mixed', '{"text": "a b", "label": ["x", "y"]}\n{"text": "c d", "label": "x"}\n', 'either');
  add('multilabel-empty-entry', '{"text": "a b", "label": ["x", ""]}\n{"text": "c d", "label": ["y"]}\n', 'either');
  return out;
}

function jsonCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const add = (name: string, text: string | Buffer, expect: CorpusCase['expect'], extra: Partial<CorpusCase> = {}) =>
    out.push({ name: `json-${name}`, entry: 'data.json', files: [{ path: 'data.json', bytes: typeof text === 'string' ? enc(text) : text }], expect, ...extra });
  const record = (i: number) => ({ text: `record ${i} text`, label: i % 2 ? 'pos' : 'neg' });
  const good = JSON.stringify(Array.from({ length: 10 }, (_, i) => record(i)), null, 2);
  add('good-control', good, 'imported', { labels: ['neg', 'pos'] });
  add('empty', '', 'refused');
  add('empty-array', '[]', 'refused');
  add('empty-object', '{}', 'refused');
  add('array-of-numbers', '[1, 2, 3]', 'refused');
  add('array-of-nulls', '[null, null]', 'refused');
  add('array-of-strings', '["a", "b"]', 'refused');
  add('string-document', '"just a string"', 'refused');
  add('number-document', '42', 'refused');
  add('two-record-arrays', JSON.stringify({ a: [record(0), record(1)], b: [record(2), record(3)] }), 'refused');
  add('no-record-array', JSON.stringify({ data: 5, rows: 'x' }), 'refused');
  for (const cut of [1, 10, 50, 100, 200]) add(`truncated-at-${cut}`, good.slice(0, cut), 'refused', { located: true });
  add('trailing-garbage', good + '\n{"extra": true}', 'refused', { located: true });
  add('nan-literal', '[{"text": "a b", "label": NaN}, {"text": "c d", "label": 1}]', 'refused', { located: true });
  add('regression-1e400', JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ text: `t ${i}`, score: i / 2 + 0.1 }))).replace(/]$/, ', {"text": "odd", "score": 1e400}]'), 'refused', { located: true });
  add('regression-string-nan', JSON.stringify([...Array.from({ length: 6 }, (_, i) => ({ text: `t ${i}`, score: i / 2 + 0.1 })), { text: 'odd', score: 'NaN' }]), 'refused', { located: true });
  add('nul-escape', JSON.stringify([record(0), { text: 'bin\u0000ary', label: 'pos' }, record(2)]), 'refused', { located: true });
  add('lone-surrogate', '[{"text": "a b", "label": "x"}, {"text": "half \\udc00", "label": "y"}]', 'refused', { located: true });
  add('raw-nul', `[{"text": "a\u0000b", "label": "x"}, {"text": "c d", "label": "y"}]`, 'refused', { located: true });
  add('huge-integers', '[' + [0, 1, 2, 3].map((i) => `{"text": "t ${i}", "label": ${i % 2 ? '100000000000000000001' : '100000000000000000000'}}`).join(',') + ']', 'imported', { labels: ['100000000000000000000', '100000000000000000001'] });
  add('huge-integer-leading-zero', '[{"text": "t", "label": 0012345678901234567}]', 'refused', { located: true });
  add('deep-nesting', '['.repeat(50_000) + ']'.repeat(50_000), 'refused');
  add('wrapped-records', JSON.stringify({ data: Array.from({ length: 6 }, (_, i) => record(i)) }), 'imported', { labels: ['neg', 'pos'] });
  add('records-missing-text', JSON.stringify([record(0), { label: 'pos' }, record(2)]), 'refused', { located: true });
  add('object-label', JSON.stringify([record(0), { text: 'x y', label: { a: 1 } }, record(2)]), 'refused', { located: true });
  add('utf8-bom', cat([0xef, 0xbb, 0xbf], good), 'imported', { labels: ['neg', 'pos'] });
  add('utf16be-bom', utf16(good, false, true), 'imported', { labels: ['neg', 'pos'] });
  add('squad-no-qas', JSON.stringify({ data: [{ title: 't', paragraphs: [{ context: 'some context' }] }] }), 'refused');
  add('squad-empty-answers', JSON.stringify({ data: [{ title: 't', paragraphs: [{ context: 'ctx here', qas: [{ id: '1', question: 'q?', answers: [] }, { id: '2', question: 'r?', answers: [{ text: 'here', answer_start: 4 }] }] }] }] }), 'either');
  add('squad-missing-context', JSON.stringify({ data: [{ title: 't', paragraphs: [{ qas: [{ id: '1', question: 'q?', answers: [{ text: 'x', answer_start: 0 }] }] }] }] }), 'either');
  add('json-lines-in-json', Array.from({ length: 6 }, (_, i) => JSON.stringify(record(i))).join('\n'), 'imported', { labels: ['neg', 'pos'] });
  return out;
}

function parquetBytes(columns: Array<{ name: string; data: unknown[]; type: string }>, codec: 'SNAPPY' | 'UNCOMPRESSED' = 'SNAPPY'): Buffer {
  return Buffer.from(parquetWriteBuffer({ columnData: columns, codec } as never));
}

function parquetCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const add = (name: string, bytes: Buffer, expect: CorpusCase['expect'], extra: Partial<CorpusCase> = {}, file = 'data.parquet') =>
    out.push({ name: `parquet-${name}`, entry: file, files: [{ path: file, bytes }], expect, ...extra });
  const texts = Array.from({ length: 12 }, (_, i) => `parquet row ${i} text`);
  const good = parquetBytes([
    { name: 'text', data: texts, type: 'STRING' },
    { name: 'label', data: texts.map((_, i) => BigInt(i % 2)), type: 'INT64' },
  ]);
  add('good-control', good, 'imported', { labels: ['0', '1'] });
  add('empty', Buffer.alloc(0), 'refused');
  add('only-magic', enc('PAR1'), 'refused');
  add('magic-twice', enc('PAR1PAR1'), 'refused');
  add('magic-and-zero-footer', cat('PAR1', [0, 0, 0, 0], 'PAR1'), 'refused');
  for (const [name, magic] of [['PAR0', 'PAR0'], ['par1', 'par1'], ['zeros', '\0\0\0\0'], ['PARE', 'PARE']] as const) {
    const start = Buffer.from(good);
    start.write(magic, 0, 'latin1');
    add(`bad-start-magic-${name}`, start, 'refused');
    const end = Buffer.from(good);
    end.write(magic, good.length - 4, 'latin1');
    add(`bad-end-magic-${name}`, end, 'refused');
  }
  const n = good.length;
  for (const cut of [1, 3, 4, 7, 8, 11, 12, 16, 32, n >> 2, n >> 1, n - 40, n - 20, n - 9, n - 8, n - 5, n - 4, n - 1]) add(`truncated-to-${cut}`, good.subarray(0, cut), 'refused');
  // The footer length (4 bytes before the end magic) pointing anywhere but at the footer.
  for (const [name, length] of [['zero', 0], ['huge', 0x7fffffff], ['file-size', n], ['one', 1], ['minus-one', 0xffffffff]] as const) {
    const b = Buffer.from(good);
    b.writeUInt32LE(length, n - 8);
    add(`footer-length-${name}`, b, 'refused');
  }
  // Damage inside the footer (Thrift metadata) and inside the data pages: refused or read, never a crash.
  const footerLength = good.readUInt32LE(n - 8);
  for (let k = 0; k < 16; k++) {
    const b = Buffer.from(good);
    const at = n - 8 - footerLength + Math.floor((k * footerLength) / 16);
    b[at] ^= 0xff;
    add(`footer-flip-${k}`, b, 'either');
  }
  for (let k = 0; k < 8; k++) {
    const b = Buffer.from(good);
    const at = 4 + Math.floor((k * (n - 12 - footerLength)) / 8);
    b[at] ^= 0x5a;
    add(`data-flip-${k}`, b, 'either');
  }
  const plain = parquetBytes([
    { name: 'text', data: ['alpha text one', 'beta text two', 'gamma text three'], type: 'STRING' },
    { name: 'label', data: ['a', 'b', 'a'], type: 'STRING' },
  ], 'UNCOMPRESSED');
  const invalid = Buffer.from(plain);
  invalid[invalid.indexOf('beta text two') + 2] = 0xff;
  add('invalid-utf8-string', invalid, 'refused');
  const nul = Buffer.from(plain);
  nul[nul.indexOf('gamma text three') + 5] = 0;
  add('nul-in-string', nul, 'refused');
  const scores = Array.from({ length: 10 }, (_, i) => i / 3 + 0.1);
  for (const [name, bad] of [['nan', NaN], ['inf', Infinity], ['neg-inf', -Infinity]] as const) {
    add(`regression-${name}`, parquetBytes([
      { name: 'text', data: scores.map((_, i) => `sentence ${i}`), type: 'STRING' },
      { name: 'score', data: scores.map((s, i) => (i === 7 ? bad : s)), type: 'DOUBLE' },
    ]), 'refused', { located: true });
  }
  add('huge-int64-labels', parquetBytes([
    { name: 'text', data: ['a one', 'b two', 'c three', 'd four'], type: 'STRING' },
    { name: 'label', data: [9007199254740992n, 9007199254740993n, 9007199254740992n, 9007199254740993n], type: 'INT64' },
  ]), 'imported', { labels: ['9007199254740992', '9007199254740993'] });
  add('empty-text', parquetBytes([
    { name: 'text', data: ['a one', '', 'c three'], type: 'STRING' },
    { name: 'label', data: ['x', 'y', 'x'], type: 'STRING' },
  ]), 'refused', { located: true });
  add('null-label', parquetBytes([
    { name: 'text', data: ['a one', 'b two', 'c three'], type: 'STRING' },
    { name: 'label', data: ['x', null, 'y'], type: 'STRING' },
  ]), 'refused', { located: true });
  add('one-row', parquetBytes([
    { name: 'text', data: ['a one'], type: 'STRING' },
    { name: 'label', data: ['x'], type: 'STRING' },
  ]), 'refused', { located: true });
  add('parquet-named-csv', good, 'imported', { labels: ['0', '1'] }, 'data.csv');
  add('csv-named-parquet', enc(table(',', rows(6, ','))), 'refused', {}, 'data.parquet');
  return out;
}

function folderCases(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const csv = (from: number, labels = ['pos', 'neg']) => enc(table(',', Array.from({ length: 6 }, (_, i) => `folder row ${from + i} text,${labels[i % labels.length]}`)));
  const jsonl = (from: number, labels = ['pos', 'neg']) => enc(Array.from({ length: 6 }, (_, i) => JSON.stringify({ text: `folder row ${from + i} text`, label: labels[i % labels.length] })).join('\n') + '\n');
  const parquet = (from: number, labels = ['pos', 'neg']) => parquetBytes([
    { name: 'text', data: Array.from({ length: 6 }, (_, i) => `folder row ${from + i} text`), type: 'STRING' },
    { name: 'label', data: Array.from({ length: 6 }, (_, i) => labels[i % labels.length]), type: 'STRING' },
  ]);
  const formats = [
    { ext: 'csv', make: csv },
    { ext: 'jsonl', make: jsonl },
    { ext: 'parquet', make: parquet },
  ];
  const add = (name: string, files: CorpusFile[], expect: CorpusCase['expect'], extra: Partial<CorpusCase> = {}) => out.push({ name: `folder-${name}`, entry: 'ds', files: files.map((f) => ({ ...f, path: `ds/${f.path}` })), expect, ...extra });
  for (const { ext, make } of formats) {
    const f = (path: string, from = 0, labels?: string[]) => ({ path, bytes: make(from, labels) });
    add(`${ext}-good-splits`, [f(`train.${ext}`), f(`validation.${ext}`, 10), f(`test.${ext}`, 20)], 'imported', { labels: ['neg', 'pos'] });
    add(`${ext}-only-test`, [f(`test.${ext}`)], 'refused');
    add(`${ext}-only-validation`, [f(`validation.${ext}`)], 'refused');
    add(`${ext}-only-dev`, [f(`dev.${ext}`)], 'refused');
    add(`${ext}-test-and-validation`, [f(`test.${ext}`), f(`validation.${ext}`, 10)], 'refused');
    add(`${ext}-good-shards`, [f(`train-00000-of-00003.${ext}`), f(`train-00001-of-00003.${ext}`, 10), f(`train-00002-of-00003.${ext}`, 20), f(`validation-00000-of-00001.${ext}`, 30)], 'imported', { labels: ['neg', 'pos'] });
    add(`${ext}-shard-gap`, [f(`train-00000-of-00003.${ext}`), f(`train-00002-of-00003.${ext}`, 10)], 'refused');
    add(`${ext}-shard-missing-first`, [f(`train-00001-of-00002.${ext}`), f(`validation.${ext}`, 10)], 'refused');
    add(`${ext}-shard-missing-last`, [f(`train-00000-of-00002.${ext}`), f(`train-00001-of-00003.${ext}`, 10)], 'refused');
    add(`${ext}-shard-index-too-big`, [f(`train-00000-of-00002.${ext}`), f(`train-00002-of-00002.${ext}`, 10)], 'refused');
    add(`${ext}-shards-incomplete`, [f(`train-00000-of-00004.${ext}`), f(`train-00001-of-00004.${ext}`, 10)], 'refused');
    add(`${ext}-unsharded-twice`, [f(`train.${ext}`), f(`training.${ext}`, 10)], 'refused');
    add(`${ext}-shard-and-plain`, [f(`train.${ext}`), f(`train-00000-of-00001.${ext}`, 10)], 'refused');
    add(`${ext}-unseen-label-validation`, [f(`train.${ext}`), f(`validation.${ext}`, 10, ['pos', 'meh'])], 'refused', { located: true });
    add(`${ext}-unseen-label-test`, [f(`train.${ext}`), f(`test.${ext}`, 10, ['awful', 'neg'])], 'refused', { located: true });
    add(`${ext}-hub-data-folder`, [{ path: 'README.md', bytes: enc('# card') }, f(`data/train-00000-of-00001.${ext}`), f(`data/test-00000-of-00001.${ext}`, 10)], 'imported', { labels: ['neg', 'pos'] });
    add(`${ext}-hub-data-folder-no-train`, [{ path: 'README.md', bytes: enc('# card') }, f(`data/test-00000-of-00001.${ext}`, 10)], 'refused');
  }
  add('empty', [{ path: '.keep-not-data', bytes: enc('') }], 'refused');
  add('readme-only', [{ path: 'README.md', bytes: enc('# nothing here') }], 'refused');
  add('unnamed-split-files', [{ path: 'reviews.csv', bytes: csv(0) }, { path: 'more.csv', bytes: csv(10) }], 'refused');
  add('layout-mismatch', [{ path: 'train.csv', bytes: csv(0) }, { path: 'test.csv', bytes: enc('sentence,score\na b,0.5\nc d,1.5\ne f,2.5\n') }], 'refused');
  add('broken-shard-line', [{ path: 'train-00000-of-00002.csv', bytes: csv(0) }, { path: 'train-00001-of-00002.csv', bytes: enc('text,label\nfine row,pos\n"unterminated,neg\n') }], 'refused', { located: true, refusedAt: { line: 3, column: 1 } });
  add('nul-in-validation', [{ path: 'train.csv', bytes: csv(0) }, { path: 'validation.csv', bytes: enc('text,label\nbin\0ary,pos\nok,neg\n') }], 'refused', { located: true });
  add('train-is-a-folder', [{ path: 'train.csv', special: 'folder' }, { path: 'test.csv', bytes: csv(0) }], 'refused');
  add('train-is-a-fifo', [{ path: 'train.csv', special: 'fifo' }], 'refused');
  add('train-links-dev-zero', [{ path: 'train.csv', special: 'link-dev-zero' }], 'refused');
  add('train-dangling-link', [{ path: 'train.csv', special: 'dangling-link' }], 'refused');
  add('mixed-format-shards', [{ path: 'train-00000-of-00002.csv', bytes: csv(0) }, { path: 'train-00001-of-00002.jsonl', bytes: jsonl(10) }], 'imported', { labels: ['neg', 'pos'] });
  return out;
}

function specialCases(): CorpusCase[] {
  const one = (name: string, special: Extract<CorpusFile, { special: string }>['special']): CorpusCase => ({ name: `special-${name}`, entry: 'data.csv', files: [{ path: 'data.csv', special }], expect: 'refused' });
  return [
    one('fifo', 'fifo'),
    one('link-dev-zero', 'link-dev-zero'),
    one('link-dev-null', 'link-dev-null'),
    one('dangling-link', 'dangling-link'),
    one('link-loop', 'link-loop'),
    one('folder-named-csv', 'folder'),
    { name: 'special-missing-path', entry: 'nothing-here.csv', files: [], expect: 'refused' },
  ];
}

/** Every case, names unique. */
export function malformedCorpus(): CorpusCase[] {
  const all = [...delimitedCases(), ...jsonlCases(), ...jsonCases(), ...parquetCases(), ...folderCases(), ...specialCases()];
  const names = new Set<string>();
  for (const c of all) {
    if (names.has(c.name)) throw new Error(`duplicate corpus case ${c.name}`);
    names.add(c.name);
  }
  return all;
}
