// Import as the app runs it, into a real SQLite database: folders with splits, skip-bad-rows,
// all-or-nothing on error, identity by content hash, the validation report, migration 003, and
// the spam embedded dataset.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/db/connection';
import { DatasetsRepo } from '../../main/db/datasets-repo';
import { migrate } from '../../main/db/migrate';
import { migrations } from '../../main/db/migrations';
import { DatasetService } from '../../main/services/dataset-service';
import { buildSpamCsv, SPAM_DATASET_PATH } from '../../scripts/build-spam-dataset';

const FIXTURES = new URL('../fixtures/import/', import.meta.url).pathname;
const ASSETS = new URL('../../assets/datasets/', import.meta.url).pathname;

let dir: string;
let db: Database.Database;
let service: DatasetService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'comparo-import-'));
  db = openDatabase(dir);
  service = new DatasetService(new DatasetsRepo(db), ASSETS);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const rowCount = () => (db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number }).n;

describe('folders', () => {
  it('turns a GLUE folder (train/dev/test TSV) into one dataset with three splits', async () => {
    const d = await service.importPath(join(FIXTURES, 'glue-sst2'));
    expect(d.splits).toEqual({ train: 8, validation: 2, test: 3 });
    expect(d.labels).toEqual(['0', '1']);
    expect(d.fileName).toBe('glue-sst2');
    const splits = service.preview(d.id, 100).rows.map((r) => r.split);
    expect(splits.filter((s) => s === 'test')).toHaveLength(3);
    // The test split is held out of training material entirely.
    const training = service.trainingData(d.id);
    expect(training.train.texts.length + training.validation.texts.length).toBe(10);
  });

  it('reads a Hugging Face folder of Parquet splits', async () => {
    const d = await service.importPath(join(FIXTURES, 'hf-folder'));
    expect([d.format, d.task, d.splits]).toEqual(['parquet', 'classification', { train: 12, validation: 4, test: 4 }]);
  });

  it('accepts a folder sent as files by the renderer, binary ones as base64', async () => {
    const files = ['train', 'validation', 'test'].map((s) => ({
      name: `hf/${s}-00000-of-00001.parquet`,
      content: readFileSync(join(FIXTURES, `hf-folder/${s}-00000-of-00001.parquet`)).toString('base64'),
      encoding: 'base64' as const,
    }));
    const d = await service.importUploaded(files, 'hf');
    expect(d.rows).toBe(20);
    expect(await service.importUploaded(files, 'hf')).toEqual(d); // same content: same dataset
  });

  it('carves validation from train when the folder has only train and test', async () => {
    const train = readFileSync(join(FIXTURES, 'glue-sst2/train.tsv'), 'utf8');
    const test = readFileSync(join(FIXTURES, 'glue-sst2/test.tsv'), 'utf8');
    const d = await service.importUploaded([{ name: 'train.tsv', content: train }, { name: 'test.tsv', content: test }], 'x');
    expect(d.splits).toEqual({ train: 6, validation: 2, test: 3 });
  });
});

describe('skip bad rows, or nothing stored', () => {
  it('without the option, a bad row stops the import and stores nothing', async () => {
    await expect(service.importPath(join(FIXTURES, 'bad-rows.csv'))).rejects.toMatchObject({
      code: 'bad_input',
      location: { file: join(FIXTURES, 'bad-rows.csv'), line: 5, column: 10 },
    });
    expect(service.list()).toEqual([]);
    expect(rowCount()).toBe(0);
  });

  it('with it, imports the good rows and lists every skipped row with its place and reason', async () => {
    const d = await service.importPath(join(FIXTURES, 'bad-rows.csv'), { skipBadRows: true });
    expect(d.rows).toBe(4);
    const report = service.report(d.id)!;
    expect(report.skipped.map((s) => [s.line, s.column, s.reason.slice(0, 20)])).toEqual([
      [4, 1, 'empty text in column'],
      [5, 10, 'row has 3 fields but'],
      [7, 5, 'empty label in colum'],
    ]);
    expect(report.issues.find((i) => i.kind === 'skipped_rows')?.count).toBe(3);
  });
});

describe('validation report', () => {
  it('finds exact and near-duplicate leakage between splits, and duplicates within one', async () => {
    const inspection = await service.inspect(
      ['train', 'validation'].map((s) => ({ name: `leak/${s}.csv`, content: readFileSync(join(FIXTURES, `leak/${s}.csv`), 'utf8') })),
    );
    const byKind = Object.fromEntries(inspection.report.issues.map((i) => [i.kind, i]));
    expect(byKind.leakage_exact.count).toBe(1);
    expect(byKind.leakage_exact.locations[0]).toEqual({ file: 'leak/validation.csv', line: 2, column: 1 });
    expect(byKind.leakage_near.count).toBe(1);
    expect(byKind.leakage_near.locations[0].line).toBe(3);
    expect(byKind.duplicates.locations[0]).toEqual({ file: 'leak/train.csv', line: 6, column: 1 });
    expect(service.list()).toEqual([]); // inspecting stores nothing
  });

  // Labels unseen in train are refused outright now (test/unit/import-refusals.test.ts).
  it('reports imbalance, rare classes and texts over the max length', async () => {
    const rows = [...Array.from({ length: 40 }, (_, i) => `${'word '.repeat(i + 1)},big`), 'tiny text here,small', 'another tiny one,small'];
    const train = `text,label\n${rows.join('\n')}\n`;
    const validation = 'text,label\nsome words here,big\nnew small text,small\n';
    const inspection = await service.inspect([{ name: 'train.csv', content: train }, { name: 'validation.csv', content: validation }], { maxLength: 16 });
    const kinds = inspection.report.issues.map((i) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['class_imbalance', 'rare_class', 'too_long']));
    expect(inspection.report.lengths).toMatchObject({ unit: 'words', maxLength: 16, overMaxLength: 24, max: 40 });
    expect(inspection.mapping).toEqual({ textColumn: 'text', labelColumn: 'label' });
  });
});

describe('identity, storage and migration', () => {
  it('finds a re-imported file by content hash, and a different mapping is a different dataset', async () => {
    const path = join(FIXTURES, 'glue-stsb.tsv');
    const first = await service.importPath(path);
    expect(first.task).toBe('regression');
    expect((await service.importPath(path)).id).toBe(first.id);
    const other = await service.importPath(path, { labelColumn: 'old_index' });
    expect(other.id).not.toBe(first.id);
    expect(service.preview(first.id, 1).rows[0]).toMatchObject({ text: 'A plane is taking off.', textPair: 'An air plane is taking off.', label: '5' });
  });

  it('gives the trainer pairs apart (textPairs), regression targets as numbers, and question answering with its answers', async () => {
    const pair = await service.importPath(join(FIXTURES, 'glue-mrpc.tsv'));
    const data = service.trainingData(pair.id);
    for (const split of [data.train, data.validation]) {
      expect(split.textPairs).toHaveLength(split.texts.length);
      expect(split.textPairs!.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
    }
    const regression = await service.importPath(join(FIXTURES, 'glue-stsb.tsv'));
    const targets = service.trainingData(regression.id);
    expect(targets.task).toBe('regression');
    expect([...targets.train.labels, ...targets.validation.labels].every(Number.isFinite)).toBe(true);
    expect([...targets.train.labels, ...targets.validation.labels]).toContain(5);
    const qa = await service.importPath(join(FIXTURES, 'squad.json'));
    const answers = service.trainingData(qa.id);
    expect(answers.task).toBe('qa');
    expect([...answers.train.answers!, ...answers.validation.answers!]).toContainEqual({ text: ['The Normans'], start: [0] });
  });

  it('migration 003 keeps rows stored under schema 2 and allows the test split', () => {
    const old = new Database(':memory:');
    migrate(old, 'mem', migrations.slice(0, 2));
    old.exec(`INSERT INTO datasets VALUES ('d1','n','f.csv','csv','h','text','label','["a","b"]',2,1,1,'2026-01-01');
      INSERT INTO dataset_rows VALUES ('d1',0,'x','a','train',2), ('d1',1,'y','b','validation',3);`);
    migrate(old, 'mem');
    const repo = new DatasetsRepo(old);
    expect(repo.get('d1')).toMatchObject({ task: 'classification', splits: { train: 1, validation: 1 }, labelCounts: { a: 1, b: 1 } });
    expect(repo.rows('d1')).toEqual([{ text: 'x', label: 'a', split: 'train' }, { text: 'y', label: 'b', split: 'validation' }]);
    old.exec("INSERT INTO dataset_rows (dataset_id, idx, text, label, split, source_line) VALUES ('d1', 2, 'z', 'a', 'test', 4)");
    expect(() => old.exec("INSERT INTO dataset_rows (dataset_id, idx, text, label, split, source_line) VALUES ('d1', 3, 'z', 'a', 'holdout', 5)")).toThrow(/CHECK/);
    old.close();
  });
});

describe('spam embedded dataset', () => {
  it('imports as 1,000 spam and 1,000 ham with no mail headers left', async () => {
    const d = await service.importEmbedded('spam');
    expect(d.labelCounts).toEqual({ ham: 1000, spam: 1000 });
    const texts = service.preview(d.id, 1000).rows.map((r) => r.text);
    // No text starts with a mail system's header; replies may still quote one inside the body.
    expect(texts.filter((t) => /^(Return-Path|Received|Message-I[dD]|Delivered-To): /.test(t))).toEqual([]);
  });

  it('is exactly what scripts/build-spam-dataset.ts makes (deterministic and up to date)', () => {
    expect(buildSpamCsv()).toBe(readFileSync(SPAM_DATASET_PATH, 'utf8'));
  }, 60_000);
});
