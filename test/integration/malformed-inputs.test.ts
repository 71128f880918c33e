// Every case of the generated malformed-input corpus (test/helpers/malformed-corpus.ts) imported
// the way the app imports it: DatasetService.importPath on a real SQLite data folder, CSV/TSV/JSON
// Lines also through the streamed path, and a sample through the CLI in child processes. The
// only acceptable outcomes are a clean refusal (an AppError the CLI turns into exit 2 and
// `file:line:column: message`) or a correct import; never a crash, a hang, U+FFFD or NUL stored.
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type AppErrorValue } from '../../shared/errors';
import type { DatasetSummary } from '../../shared/schemas';
import { DATABASE_FILE, openDatabase } from '../../main/db/connection';
import { DatasetsRepo } from '../../main/db/datasets-repo';
import { openServices, type Services } from '../../main/services';
import { DatasetService } from '../../main/services/dataset-service';
import type { TrainerLauncher } from '../../main/training/protocol';
import { malformedCorpus, type CorpusCase } from '../helpers/malformed-corpus';

const corpus = malformedCorpus();
/** A hang shows as this deadline passing, not as the whole suite timing out. */
const PER_INPUT_DEADLINE_MS = 20_000;

/** Imports one path; rows reads back what was stored, straight from the SQLite file. */
interface Importer {
  importPath(path: string): Promise<DatasetSummary>;
  rows(id: string): Array<{ text: string; text_pair: string | null; label: string }>;
}

let root: string;
let services: Services;
let streamedDb: Database.Database;
let reader: Database.Database;
let inMemory: Importer;
let streamed: Importer;
let fifoSupported = true;

const noTraining: TrainerLauncher = () => {
  throw new Error('the corpus test trains nothing');
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'comparo-corpus-'));
  for (const c of corpus) materialize(c, join(root, c.name));
  // In memory: the app's own entry point, the 'datasets.importPath' channel of openServices.
  services = openServices({ dataDir: join(root, '.data'), launcher: noTraining, transport: 'cli' });
  reader = new Database(join(root, '.data', DATABASE_FILE), { readonly: true });
  const readRows = (db: Database.Database) => (id: string) =>
    db.prepare('SELECT text, text_pair, label FROM dataset_rows WHERE dataset_id = ? ORDER BY idx').all(id) as Array<{ text: string; text_pair: string | null; label: string }>;
  inMemory = {
    importPath: async (path) => {
      const result = await services.dispatch('datasets.importPath', { path });
      if (!result.ok) throw new AppError(result.error.code, result.error.message, (result.error as AppErrorValue).location);
      return result.value as DatasetSummary;
    },
    rows: readRows(reader),
  };
  // Streamed: the same service class with its thresholds at zero, so every CSV/TSV/JSONL streams.
  streamedDb = openDatabase(join(root, '.data-streamed'));
  const service = new DatasetService(new DatasetsRepo(streamedDb), root);
  service.streamThresholdBytes = 0;
  service.streamThresholdRows = 0;
  streamed = { importPath: (path) => service.importPath(path), rows: readRows(streamedDb) };
});
afterAll(async () => {
  reader?.close();
  await services?.close();
  streamedDb?.close();
  rmSync(root, { recursive: true, force: true });
});

function materialize(c: CorpusCase, folder: string): void {
  mkdirSync(folder, { recursive: true });
  for (const file of c.files) {
    const path = join(folder, file.path);
    mkdirSync(dirname(path), { recursive: true });
    if ('bytes' in file) writeFileSync(path, file.bytes);
    else if (file.special === 'folder') mkdirSync(path);
    else if (file.special === 'link-dev-zero') symlinkSync('/dev/zero', path);
    else if (file.special === 'link-dev-null') symlinkSync('/dev/null', path);
    else if (file.special === 'dangling-link') symlinkSync(join(folder, 'no-such-file'), path);
    else if (file.special === 'link-loop') symlinkSync(path, path);
    else if (spawnSync('mkfifo', [path]).status !== 0) fifoSupported = false;
  }
}

type Outcome = { kind: 'imported'; summary: DatasetSummary } | { kind: 'refused'; error: AppError };

async function importCase(importer: Importer, c: CorpusCase): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${c.name}: no answer within ${PER_INPUT_DEADLINE_MS} ms (a hang)`)), PER_INPUT_DEADLINE_MS);
  });
  try {
    const summary = await Promise.race([importer.importPath(join(root, c.name, c.entry)), deadline]);
    return { kind: 'imported', summary };
  } catch (error) {
    // Anything but an AppError is a crash: the CLI would exit 1 with a stack.
    if (!(error instanceof AppError)) throw new Error(`${c.name}: crashed with ${(error as Error).stack ?? String(error)}`);
    return { kind: 'refused', error };
  } finally {
    clearTimeout(timer);
  }
}

function hasReplacementBytes(c: CorpusCase): boolean {
  return c.files.some((f) => 'bytes' in f && f.bytes.includes(Buffer.from([0xef, 0xbf, 0xbd])));
}

function checkOutcome(importer: Importer, c: CorpusCase, outcome: Outcome, path: string): void {
  if (outcome.kind === 'refused') {
    const { error } = outcome;
    expect(c.expect, `${path}: refused (${error.message}) but must import`).not.toBe('imported');
    expect(error.message.trim().length, `${path}: empty message`).toBeGreaterThan(0);
    // The codes the CLI maps to exit 2 (main/cli/index.ts).
    expect(['bad_input', 'not_found', 'invalid_request'], `${path}: ${error.code}: ${error.message}`).toContain(error.code);
    if (c.located) expect(error.location, `${path}: refusal without file:line:column: ${error.message}`).toBeDefined();
    if (c.refusedAt) expect({ line: error.location?.line, column: error.location?.column }, `${path}: ${error.message}`).toEqual(c.refusedAt);
    if (error.location) {
      expect(error.location.line, `${path}: line`).toBeGreaterThanOrEqual(1);
      expect(error.location.column, `${path}: column`).toBeGreaterThanOrEqual(1);
      expect(error.location.file.length).toBeGreaterThan(0);
    }
    return;
  }
  const { summary } = outcome;
  expect(c.expect, `${path}: imported (${summary.rows} rows, labels ${summary.labels.join('|')}) but must be refused`).not.toBe('refused');
  expect(summary.rows).toBeGreaterThan(0);
  const stored = importer.rows(summary.id);
  expect(stored.length).toBe(summary.rows);
  const allowReplacement = hasReplacementBytes(c);
  for (const row of stored) {
    for (const value of [row.text, row.label, row.text_pair ?? '']) {
      expect(value.includes('\0'), `${path}: NUL stored in ${JSON.stringify(value.slice(0, 80))}`).toBe(false);
      if (!allowReplacement) expect(value.includes('\ufffd'), `${path}: U+FFFD stored in ${JSON.stringify(value.slice(0, 80))}`).toBe(false);
    }
  }
  if (summary.task === 'regression') for (const row of stored) expect(Number.isFinite(Number(row.label)), `${path}: non-finite target ${row.label}`).toBe(true);
  if (c.labels) expect(summary.labels, path).toEqual(c.labels);
  if (c.containsText) expect(stored.some((r) => r.text.includes(c.containsText!)), `${path}: no stored text contains ${c.containsText}`).toBe(true);
}

describe('malformed-input corpus', () => {
  it('has at least 500 inputs across every format and folders', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(500);
    const families = new Set(corpus.map((c) => c.name.split('-')[0]));
    expect([...families].sort()).toEqual(['csv', 'folder', 'json', 'jsonl', 'parquet', 'pipe', 'semicolon', 'special', 'tsv']);
  });

  it('imports each input correctly or refuses it cleanly, in memory and streamed, the two paths agreeing', async () => {
    let checked = 0;
    // Every problem of the corpus at once: one failing case must not hide the next.
    const problems: string[] = [];
    const collect = (check: () => void) => {
      try {
        check();
      } catch (error) {
        problems.push((error as Error).message.split('\n')[0]);
      }
    };
    for (const c of corpus) {
      if (!fifoSupported && c.files.some((f) => 'special' in f && f.special === 'fifo')) continue;
      const outcome = await importCase(inMemory, c).catch((crash: Error) => void problems.push(crash.message.split('\n')[0]));
      if (outcome) collect(() => checkOutcome(inMemory, c, outcome, c.name));
      checked++;
      if (!c.streamable) continue;
      const other = await importCase(streamed, c).catch((crash: Error) => void problems.push(`${crash.message.split('\n')[0]} (streamed)`));
      checked++;
      if (!outcome || !other) continue;
      collect(() => checkOutcome(streamed, c, other, `${c.name} (streamed)`));
      if (!c.pathsMayDisagree) collect(() => expect(other.kind, `${c.name}: in memory ${summarize(outcome)}, streamed ${summarize(other)}`).toBe(outcome.kind));
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(500);
  }, 150_000);
});

function summarize(o: Outcome): string {
  return o.kind === 'imported' ? `imported ${o.summary.rows} rows` : `refused ${o.error.location ? `${o.error.location.line}:${o.error.location.column} ` : ''}${o.error.message}`;
}

describe('malformed-input corpus through the CLI', () => {
  // A sample: spawning the CLI costs about a second per input.
  const sample = pickCliSample(corpus, 20);

  it('exits 0 on a correct import and 2 with file:line:column: message on a refusal, never 1 or a stack', async () => {
    const dataDir = join(root, '.cli-data');
    const results = await inParallel(sample, 3, (c) => runCli(['--data-dir', dataDir, 'import', join(root, c.name, c.entry), '--json']));
    sample.forEach((c, i) => {
      const r = results[i];
      const what = `${c.name}: exit ${r.code}, stderr ${r.stderr.slice(0, 300)}`;
      expect(r.stderr, what).not.toMatch(/\n\s+at /);
      if (c.expect === 'imported') expect(r.code, what).toBe(0);
      else if (c.expect === 'refused') expect(r.code, what).toBe(2);
      else expect([0, 2], what).toContain(r.code);
      if (r.code === 2 && c.located) expect(r.stderr, what).toMatch(/^.+:\d+:\d+: /);
    });
  }, 120_000);
});

function pickCliSample(all: CorpusCase[], size: number): CorpusCase[] {
  const located = all.filter((c) => c.expect === 'refused' && c.located);
  const others = all.filter((c) => !(c.expect === 'refused' && c.located));
  const every = (list: CorpusCase[], n: number) => list.filter((_, i) => i % Math.max(1, Math.floor(list.length / n)) === 0).slice(0, n);
  const special = all.filter((c) => ['special-fifo', 'special-link-dev-zero', 'folder-csv-only-test', 'folder-train-is-a-fifo'].includes(c.name));
  return [...special, ...every(located, size - special.length - 4), ...every(others, 4)];
}

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

async function inParallel<T, R>(items: T[], width: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await run(items[i]);
      }
    }),
  );
  return results;
}
