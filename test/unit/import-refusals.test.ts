// Inputs that used to be imported wrongly (silently) and must now be refused with
// file:line:column, or imported correctly: late Latin-1 bytes, folders without train, Hugging Face
// shards, non-finite targets, integers beyond 2^53, labels unseen in train, bad Parquet magic,
// late NUL bytes, non-regular files, and the near-duplicate search's cap. Each runs the real
// DatasetService on a SQLite file; the streamed path is taken by lowering its threshold.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { AppError } from '../../shared/errors';
import { openDatabase } from '../../main/db/connection';
import { DatasetsRepo } from '../../main/db/datasets-repo';
import { DatasetService } from '../../main/services/dataset-service';
import { minHashNear, NEAR_DUPLICATE_COMPARISONS_PER_ROW, type ReportRow } from '../../main/services/import/report';
import { shardOfFileName } from '../../main/services/import/assemble';

const FIXTURES = new URL('../fixtures/import/', import.meta.url).pathname;

let dir: string;
let db: Database.Database;
let service: DatasetService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'comparo-refusals-'));
  db = openDatabase(join(dir, 'data'));
  service = new DatasetService(new DatasetsRepo(db), dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number }).n;
const storedTexts = () => (db.prepare('SELECT text, label FROM dataset_rows ORDER BY dataset_id, idx').all() as Array<{ text: string; label: string }>);
const streamed = () => {
  service.streamThresholdBytes = 0;
  service.streamThresholdRows = 0;
};

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** The AppError an import is refused with (fails the test when it is imported, or throws something else). */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the import to be refused, but it was imported');
}

/** ASCII rows up to `asciiBytes`, then `tail` (raw bytes, one row), as a CSV with a header; tailLine is the tail's line. */
function csvWithLateBytes(asciiBytes: number, tail: Uint8Array): { bytes: Buffer; tailLine: number } {
  const lines = ['text,label'];
  let size = 11;
  let i = 0;
  while (size < asciiBytes) {
    const line = `plain ascii review number ${i},${i % 2 === 0 ? 'pos' : 'neg'}`;
    lines.push(line);
    size += line.length + 1;
    i++;
  }
  return { bytes: Buffer.concat([Buffer.from(lines.join('\n') + '\n'), Buffer.from(tail)]), tailLine: lines.length + 1 };
}

const latin1Row = Buffer.from([...Buffer.from('caf'), 0xe9, ...Buffer.from(' cr'), 0xe8, ...Buffer.from('me,pos\n')]);

describe('1. encodings are read over the whole file, never as U+FFFD', () => {
  it('reads a Latin-1 byte after 64 KiB (in memory) as Windows-1252', async () => {
    const { bytes } = csvWithLateBytes(70 * 1024, latin1Row);
    const d = await service.importPath(write('late-latin1.csv', bytes));
    expect(d.encoding).toBe('windows-1252');
    const texts = storedTexts().map((r) => r.text);
    expect(texts).toContain('café crème');
    expect(texts.join('')).not.toContain('\ufffd');
  });

  it('reads a Latin-1 byte after 1 MiB (streamed) as Windows-1252, CSV and JSON Lines', async () => {
    streamed();
    const { bytes, tailLine } = csvWithLateBytes(1.5 * 1024 * 1024, latin1Row);
    const d = await service.importPath(write('late-latin1-big.csv', bytes));
    expect([d.encoding, d.rows]).toEqual(['windows-1252', tailLine - 1]);
    expect(storedTexts().some((r) => r.text === 'café crème')).toBe(true);
    expect(storedTexts().some((r) => r.text.includes('\ufffd'))).toBe(false);

    const jsonLines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ text: `line ${i} of plain text`, label: i % 2 ? 'a' : 'b' })).join('\n');
    const jsonl = Buffer.concat([Buffer.from(jsonLines + '\n{"text": "na'), Buffer.from([0xef]), Buffer.from('ve", "label": "a"}\n')]);
    const j = await service.importPath(write('late-latin1.jsonl', jsonl));
    expect(j.encoding).toBe('windows-1252');
    expect(storedTexts().some((r) => r.text === 'naïve')).toBe(true);
  });

  it('refuses UTF-8 text followed by a byte that is not UTF-8, at the same line:column on both paths', async () => {
    const start = Buffer.from('text,label\nüber gut,pos\nschlecht,neg\n');
    const { bytes } = csvWithLateBytes(1.2 * 1024 * 1024, latin1Row);
    const mixed = Buffer.concat([start, bytes.subarray(11)]);
    const path = write('mixed.csv', mixed);
    const lineOfBadByte = mixed.subarray(0, mixed.indexOf(0xe9)).toString('latin1').split('\n').length;
    const inMemory = await refusal(service.importPath(path));
    expect(inMemory.location).toEqual({ file: path, line: lineOfBadByte, column: 4 });
    expect(inMemory.message).toMatch(/0xE9 is not valid UTF-8.*mixes encodings/);
    streamed();
    const streamedError = await refusal(service.importPath(path));
    expect(streamedError.location).toEqual(inMemory.location);
    expect(stored()).toBe(0);
  });
});

describe('2. a folder must have a train split', () => {
  for (const only of ['test.csv', 'validation.csv']) {
    it(`refuses a folder holding only ${only}, naming the folder and the file`, async () => {
      write(`only/${only}`, 'text,label\ngood film,pos\nbad film,neg\n');
      const error = await refusal(service.importPath(join(dir, 'only')));
      expect(error.message).toContain(join(dir, 'only'));
      expect(error.message).toContain(only);
      expect(error.message).toMatch(/no train file/);
      expect(stored()).toBe(0);
    });
  }
});

describe('3. Hugging Face shards', () => {
  it('reads train-0000k-of-0000n shards as one split, in shard order, beside other formats', async () => {
    const shard = (from: number) => 'text,label\n' + Array.from({ length: 5 }, (_, i) => `review ${from + i} text,${(from + i) % 2 ? 'pos' : 'neg'}\n`).join('');
    // Written out of order: the shard number, not the directory listing, decides.
    write('sharded/train-00001-of-00002.csv', shard(5));
    write('sharded/train-00000-of-00002.csv', shard(0));
    write('sharded/validation-00000-of-00001.csv', 'text,label\nheld out one,pos\nheld out two,neg\n');
    const d = await service.importPath(join(dir, 'sharded'));
    expect(d.splits).toEqual({ train: 10, validation: 2 });
    const train = storedTexts().map((r) => r.text).filter((t) => t.startsWith('review'));
    expect(train).toEqual(Array.from({ length: 10 }, (_, i) => `review ${i} text`));
  });

  it("reads the Hub's data/ folder of Parquet shards", async () => {
    mkdirSync(join(dir, 'hub/data'), { recursive: true });
    write('hub/README.md', '# a dataset card');
    for (const s of ['train', 'validation', 'test']) copyFileSync(join(FIXTURES, `hf-folder/${s}-00000-of-00001.parquet`), join(dir, `hub/data/${s}-00000-of-00001.parquet`));
    const d = await service.importPath(join(dir, 'hub'));
    expect([d.format, d.fileName, d.splits]).toEqual(['parquet', 'hub', { train: 12, validation: 4, test: 4 }]);
  });

  it('refuses a shard set with a shard missing, and two unsharded files of one split', async () => {
    write('gap/train-00000-of-00003.csv', 'text,label\na one,x\nb two,y\n');
    write('gap/train-00002-of-00003.csv', 'text,label\nc three,x\nd four,y\n');
    expect((await refusal(service.importPath(join(dir, 'gap')))).message).toMatch(/expected shard 1 of 3/);
    write('two/train.csv', 'text,label\na one,x\nb two,y\n');
    write('two/train.jsonl', '{"text":"c three","label":"x"}\n{"text":"d four","label":"y"}\n');
    expect((await refusal(service.importPath(join(dir, 'two')))).message).toMatch(/2 files hold the train split \(train\.csv, train\.jsonl\)/);
    expect(shardOfFileName('data/train-00003-of-00010-4d3d4ec0.parquet')).toEqual({ index: 3, count: 10 });
  });
});

describe('4. numeric targets are finite', () => {
  const scores = (bad: string) => ['text,score', ...Array.from({ length: 59 }, (_, i) => `sentence number ${i},${(i % 50) / 10 + 0.05}`), `the odd one,${bad}`].join('\n') + '\n';
  for (const bad of ['NaN', '1e400', 'Infinity', '-inf']) {
    it(`refuses ${bad} in a regression column at file:line:column (in memory and streamed)`, async () => {
      const path = write(`scores-${bad}.csv`, scores(bad));
      const error = await refusal(service.importPath(path));
      expect(error.location).toEqual({ file: path, line: 61, column: 13 });
      expect(error.message).toMatch(/must be a finite number/);
      streamed();
      expect((await refusal(service.importPath(path))).location).toMatchObject({ file: path, line: 61 });
      expect(stored()).toBe(0);
    });
  }

  it('refuses NaN among integer class ids, and 1e400 as a JSON number', async () => {
    const ids = write('ids.csv', 'text,label\na film,0\nb film,1\nc film,NaN\nd film,1\n');
    expect((await refusal(service.importPath(ids))).location).toEqual({ file: ids, line: 4, column: 8 });
    const jsonl = write('scores.jsonl', '{"text":"a","score":0.5}\n{"text":"b","score":1.5}\n{"text":"c","score":1e400}\n');
    const error = await refusal(service.importPath(jsonl));
    expect(error.location).toEqual({ file: jsonl, line: 3, column: 21 });
  });
});

describe('5. integer labels beyond 2^53 stay distinct', () => {
  it('keeps 9007199254740992 and 9007199254740993 apart in CSV, JSON Lines and JSON', async () => {
    const rows = ['9007199254740992', '9007199254740993'].flatMap((l, k) => [0, 1, 2].map((i) => ({ text: `text ${k} ${i}`, label: l })));
    const csv = await service.importText('big-ids.csv', 'text,label\n' + rows.map((r) => `${r.text},${r.label}`).join('\n'));
    expect(csv.labels).toEqual(['9007199254740992', '9007199254740993']);
    const jsonl = await service.importText('big-ids.jsonl', rows.map((r) => `{"text":"${r.text}","label":${r.label}}`).join('\n'));
    expect(jsonl.labels).toEqual(['9007199254740992', '9007199254740993']);
    const json = await service.importText('big-ids.json', `[${rows.map((r) => `{"text":"${r.text}","label":${r.label}}`).join(',')}]`);
    expect(json.labels).toEqual(['9007199254740992', '9007199254740993']);
    streamed();
    const big = await service.importPath(write('big-ids-stream.jsonl', rows.map((r) => `{"text":"${r.text}","label":${r.label}}`).join('\n')));
    expect(big.labels).toEqual(['9007199254740992', '9007199254740993']);
    // Safe integers are still one class however they are spelled.
    const small = await service.importText('small.csv', 'text,label\na,01\nb,1.0\nc,+1\nd,2\n');
    expect(small.labels).toEqual(['1', '2']);
  });

  it('keeps an INT64 Parquet label beyond 2^53 exact', async () => {
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'text', data: ['one', 'two', 'three', 'four'], type: 'STRING' },
        { name: 'label', data: [9007199254740992n, 9007199254740993n, 9007199254740992n, 9007199254740993n], type: 'INT64' },
      ],
    } as never);
    const d = await service.importPath(write('big.parquet', Buffer.from(bytes)));
    expect(d.labels).toEqual(['9007199254740992', '9007199254740993']);
  });
});

describe('6. labels only in validation or test', () => {
  it('refuses them, naming the labels and the split', async () => {
    write('unseen/train.csv', 'text,label\na film,pos\nb film,neg\nc film,pos\n');
    write('unseen/test.csv', 'text,label\nd film,pos\ne film,meh\nf film,awful\n');
    const error = await refusal(service.importPath(join(dir, 'unseen')));
    expect(error.message).toMatch(/the test split has label\(s\) that never occur in train: "meh", "awful"/);
    expect(error.location).toEqual({ file: join(dir, 'unseen/test.csv'), line: 3, column: 1 });
    expect(stored()).toBe(0);
  });
});

describe('7. Parquet magic', () => {
  it('refuses a wrong magic at the start, a file cut before its end magic, and PAR1 content under another name', async () => {
    const good = readFileSync(join(FIXTURES, 'hf-export.parquet'));
    const wrongStart = Buffer.from(good);
    wrongStart.write('PAR9', 0);
    expect((await refusal(service.importPath(write('bad-magic.parquet', wrongStart)))).message).toMatch(/does not start with the "PAR1"/);
    expect((await refusal(service.importPath(write('cut.parquet', good.subarray(0, good.length - 3))))).message).toMatch(/cut short/);
    const wrongEnd = Buffer.from(good);
    wrongEnd.write('PAR0', good.length - 4);
    expect((await refusal(service.importPath(write('bad-end.parquet', wrongEnd)))).message).toMatch(/does not end with the "PAR1"/);
    expect((await service.importPath(write('good.parquet', good))).rows).toBe(4);
  });
});

describe('8. NUL bytes are refused on every path', () => {
  it('refuses a NUL after the first MiB of a streamed CSV at its line:column', async () => {
    streamed();
    const { bytes, tailLine } = csvWithLateBytes(1.3 * 1024 * 1024, Buffer.from('bin\0ary,pos\n'));
    const path = write('late-nul.csv', bytes);
    const error = await refusal(service.importPath(path));
    expect(error.location).toEqual({ file: path, line: tailLine, column: 4 });
    expect(error.message).toMatch(/NUL/);
    expect(stored()).toBe(0);
    service.streamThresholdBytes = Number.MAX_SAFE_INTEGER;
    service.streamThresholdRows = Number.MAX_SAFE_INTEGER;
    expect((await refusal(service.importPath(path))).location).toEqual(error.location);
  });

  it('refuses JSON\'s \\u0000 escape in text and in labels, in memory and streamed', async () => {
    const path = write('nul-escape.jsonl', '{"text":"fine","label":"a"}\n{"text":"bin\\u0000ary","label":"b"}\n');
    expect((await refusal(service.importPath(path))).location).toEqual({ file: path, line: 2, column: 9 });
    streamed();
    expect((await refusal(service.importPath(path))).location).toEqual({ file: path, line: 2, column: 9 });
    const label = write('nul-label.json', '[{"text":"fine","label":"a"},{"text":"also fine","label":"b\\u0000"}]');
    expect((await refusal(service.importPath(label))).message).toMatch(/label in "label" contains a NUL/);
  });
});

describe('9. only regular files are read', () => {
  it('refuses a named pipe without blocking, and a link to /dev/zero without reading it', async () => {
    const fifo = join(dir, 'pipe.csv');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status === 0) expect((await refusal(service.importPath(fifo))).message).toMatch(/is a named pipe, not a data file/);
    symlinkSync('/dev/zero', join(dir, 'zero.csv'));
    expect((await refusal(service.importPath(join(dir, 'zero.csv')))).message).toMatch(/is a device, not a data file/);
    mkdirSync(join(dir, 'folder'));
    symlinkSync('/dev/zero', join(dir, 'folder/train.csv'));
    expect((await refusal(service.importPath(join(dir, 'folder')))).message).toMatch(/train\.csv is a device/);
  });

  it('turns a permission error on a folder into exit 2 with a sentence (CLI)', () => {
    const folder = join(dir, 'locked');
    write('locked/train.csv', 'text,label\na,x\nb,y\n');
    chmodSync(folder, 0o000);
    // root reads anything: as root (CI), the CLI runs without the two capabilities that override
    // file modes (util-linux setpriv), so the folder's mode shuts it out while the checkout, which
    // root owns, stays readable (a checkout under a 0700 temp folder is not readable by nobody).
    const cli = ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir, 'cli-data'), 'import', folder];
    const [command, args] = process.getuid?.() === 0 ? ['setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, ...cli]] : [process.execPath, cli];
    const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
    chmodSync(folder, 0o755);
    expect(r.stderr).toMatch(/permission denied \(EACCES\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(2);
  });
});

describe('10. near-duplicate search stops at its cap', () => {
  it('looks at no more than its cap of train rows per held-out row, however many share a band', () => {
    // Templated texts: every train row shares its bands with every other.
    const template = 'the quick brown fox jumps over the lazy dog and then runs away';
    const row = (text: string, split: ReportRow['split'], line: number): ReportRow => ({ text, label: 'x', split, file: 'f.csv', line });
    const train = Array.from({ length: 5000 }, (_, i) => row(`${template} ${i}`, 'train', i + 2));
    // Sharing most word pairs with them (so their bands meet), yet below the Jaccard threshold.
    const heldOut = Array.from({ length: 200 }, (_, i) => row(`${template} extra words go here ${i}`, 'validation', i + 2));
    const stats = { examined: 0 };
    minHashNear(train, heldOut, stats);
    expect(stats.examined).toBeGreaterThan(0);
    expect(stats.examined).toBeLessThanOrEqual(heldOut.length * 4 * (NEAR_DUPLICATE_COMPARISONS_PER_ROW + 1));
  });
});

describe('found by the malformed-input corpus (test/integration/malformed-inputs.test.ts)', () => {
  it("reads Windows-1252's 0x80-0x9F as Excel means them (“smart quotes”, €), not as C1 controls, on both paths", async () => {
    const bytes = Buffer.concat([Buffer.from('text,label\nplain text,neg\n'), Buffer.from([0x93]), Buffer.from('smart'), Buffer.from([0x94, 0x20, 0x80]), Buffer.from('5,pos\n')]);
    const path = write('cp1252.csv', bytes);
    await service.importPath(path);
    streamed();
    await service.importPath(write('cp1252-streamed.csv', Buffer.concat([bytes, Buffer.from('more,neg\n')])));
    const texts = storedTexts().map((r) => r.text);
    expect(texts.filter((t) => t === '“smart” €5')).toHaveLength(2);
  });

  it('refuses a duplicate header name on the streamed path too, at its column', async () => {
    streamed();
    const path = write('dup.csv', 'text,text,label\na,b,x\nc,d,y\n');
    expect((await refusal(service.importPath(path))).location).toEqual({ file: path, line: 1, column: 6 });
  });

  it('refuses a lone surrogate escape (SQLite would store U+FFFD) and invalid UTF-8 inside a Parquet string', async () => {
    const path = write('surrogate.jsonl', '{"text":"fine","label":"a"}\n{"text":"half \\ud800","label":"b"}\n');
    expect((await refusal(service.importPath(path))).message).toMatch(/unpaired surrogate/);
    const plain = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['alpha text', 'beta text'], type: 'STRING' }, { name: 'label', data: ['a', 'b'], type: 'STRING' }], codec: 'UNCOMPRESSED' } as never));
    plain[plain.indexOf('beta text') + 1] = 0xff;
    expect((await refusal(service.importPath(write('bad-string.parquet', plain)))).message).toMatch(/not valid UTF-8/);
  });
});
