// Nothing of an interrupted import stays: real CLI processes stream a generated CSV bigger than the
// streaming threshold into a real SQLite file and are killed (-9) or interrupted (SIGINT, SIGTERM)
// mid-way; the next services opened on the folder, or the CLI itself, remove every row. An import
// that another live process is running is left alone.
import Database from 'better-sqlite3';
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../main/db/connection';
import { DatasetsRepo } from '../../main/db/datasets-repo';
import { openServices } from '../../main/services';
import { STREAM_THRESHOLD_BYTES } from '../../main/services/dataset-service';
import { ImportOwnerFiles } from '../../main/services/import-owners';
import { sweepInterruptedImports } from '../../main/services/cleanup';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import { tempDir } from '../helpers/temp-dir';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
const files = tempDir('comparo-big-csv-');
/** Streams whatever the threshold is now (main/services/dataset-service.ts), with room to be caught mid-way. */
const BIG_BYTES = STREAM_THRESHOLD_BYTES + 16 * 2 ** 20;
let bigCsv = '';

function writeBigCsv(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  writeSync(fd, 'text,label\n');
  let written = 0;
  for (let i = 0; written < bytes; ) {
    let chunk = '';
    for (let k = 0; k < 1000; k++, i++) chunk += `"row ${i} ${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} ${WORDS[(i * 3) % 10]} and filler words for length",${i % 2 ? 'pos' : 'neg'}\n`;
    writeSync(fd, chunk);
    written += chunk.length;
  }
  closeSync(fd);
}

beforeAll(() => {
  bigCsv = join(files.path, 'big.csv');
  writeBigCsv(bigCsv, BIG_BYTES);
});
afterAll(() => files.cleanup());

interface CliImport {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function startImport(dataDir: string): CliImport {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'import', bigCsv, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => stderr, exited };
}

/** Resolves once the CLI has stored rows of the import (its progress line), within a deadline. */
async function rowsBeingWritten(cli: CliImport, dataDir: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (cli.child.exitCode !== null) throw new Error(`the import ended before it could be interrupted: ${cli.stderr()}`);
    if (/importing .*: \d+% · [1-9]\d* rows/.test(cli.stderr()) && counts(dataDir).rows > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no import progress before the deadline: ${cli.stderr()}`);
}

/** What the database holds, read with a separate connection as any other process would. */
function counts(dataDir: string): { importing: string[]; ready: number; rows: number } {
  if (!existsSync(join(dataDir, DATABASE_FILE))) return { importing: [], ready: 0, rows: 0 };
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    const importing = (db.prepare("SELECT id FROM datasets WHERE status = 'importing'").all() as Array<{ id: string }>).map((r) => r.id);
    const ready = (db.prepare("SELECT COUNT(*) AS n FROM datasets WHERE status = 'ready'").get() as { n: number }).n;
    const rows = (db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number }).n;
    return { importing, ready, rows };
  } catch {
    // Tables not created yet (the CLI is still migrating).
    return { importing: [], ready: 0, rows: 0 };
  } finally {
    db.close();
  }
}

const ownerFiles = (dataDir: string) => (existsSync(join(dataDir, 'importing')) ? readdirSync(join(dataDir, 'importing')) : []);

async function openAndClose(dataDir: string): Promise<void> {
  const services = openServices({ dataDir, launcher: forkTrainerLauncher, transport: 'cli' });
  await services.close();
}

describe('an interrupted import leaves nothing behind', () => {
  it('kill -9 mid-way: the rows stay hidden until the next start-up, which deletes them all', async () => {
    const dir = tempDir();
    try {
      const cli = startImport(dir.path);
      await rowsBeingWritten(cli, dir.path);
      cli.child.kill('SIGKILL');
      expect((await cli.exited).signal).toBe('SIGKILL');
      const left = counts(dir.path);
      expect(left.importing).toHaveLength(1);
      expect(left.rows).toBeGreaterThan(0);
      expect(ownerFiles(dir.path)).toEqual([`${left.importing[0]}.json`]);

      await openAndClose(dir.path);
      expect(counts(dir.path)).toEqual({ importing: [], ready: 0, rows: 0 });
      expect(ownerFiles(dir.path)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s mid-way: the CLI cancels the import, deletes its rows and exits %i', async (signal, code) => {
    const dir = tempDir();
    try {
      const cli = startImport(dir.path);
      await rowsBeingWritten(cli, dir.path);
      cli.child.kill(signal);
      expect((await cli.exited).code).toBe(code);
      expect(counts(dir.path)).toEqual({ importing: [], ready: 0, rows: 0 });
      expect(ownerFiles(dir.path)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  }, 120_000);

  it('services.close() (what browser mode and the app call on quit) cancels an import in flight and deletes its rows', async () => {
    const dir = tempDir();
    try {
      const services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli' });
      let rows = 0;
      const off = services.onEvent((name, payload) => {
        if (name === 'dataset.importProgress') rows = (payload as { rows: number }).rows;
      });
      const importing = services.dispatch('datasets.importPath', { path: bigCsv });
      const deadline = Date.now() + 60_000;
      while (rows === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(counts(dir.path).rows).toBeGreaterThan(0);
      off();
      await services.close();
      expect(await importing).toMatchObject({ ok: false, error: { message: expect.stringMatching(/import cancelled/) } });
      expect(counts(dir.path)).toEqual({ importing: [], ready: 0, rows: 0 });
      expect(ownerFiles(dir.path)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  }, 120_000);

  it("a start-up sweep leaves another live process's import alone, and that import completes", async () => {
    const dir = tempDir();
    try {
      const cli = startImport(dir.path);
      await rowsBeingWritten(cli, dir.path);
      const [id] = counts(dir.path).importing;
      expect(id).toBeDefined();

      await openAndClose(dir.path);
      // Still importing when our sweep was over: the sweep saw a live importer and kept its rows.
      expect(cli.child.exitCode).toBeNull();
      const during = counts(dir.path);
      expect(during.importing.length + during.ready).toBe(1);
      expect(during.rows).toBeGreaterThan(0);

      expect((await cli.exited).code, cli.stderr()).toBe(0);
      const after = counts(dir.path);
      expect(after.importing).toEqual([]);
      expect(after.ready).toBe(1);
      expect(after.rows).toBeGreaterThan(100_000);
      expect(ownerFiles(dir.path)).toEqual([]);
    } finally {
      dir.cleanup();
    }
  }, 120_000);
});

describe('start-up sweep of importing datasets', () => {
  function importingDataset(repo: DatasetsRepo, id: string, rows: number): void {
    repo.begin({
      id, name: id, fileName: `${id}.csv`, format: 'csv', rows: 0, textColumn: 'text', labelColumn: 'label', labels: [], labelCounts: {},
      splits: { train: 0, validation: 0 }, contentHash: `hash-${id}`, createdAt: new Date().toISOString(),
    });
    repo.appendRows(id, 0, Array.from({ length: rows }, (_, i) => ({ text: `text ${i}`, label: i % 2 ? 'a' : 'b', split: 'train' as const, sourceLine: i + 2 })));
  }

  it('tells a dead importer (a pid that exited, or no owner file) from one alive in this process', async () => {
    const dir = tempDir();
    const db = openDatabase(dir.path);
    try {
      const owners = new ImportOwnerFiles(dir.path);
      const repo = new DatasetsRepo(db, owners);
      // Begun by "another process" (another repo), whose owner records are then made dead below.
      const other = new DatasetsRepo(db, owners);
      importingDataset(repo, 'd-live', 50);
      importingDataset(other, 'd-dead', 30_000);
      importingDataset(other, 'd-ownerless', 20);
      // A process that has exited owns d-dead; d-ownerless lost its owner file.
      const gone = spawn(process.execPath, ['-e', '0']);
      await new Promise((resolve) => gone.once('exit', resolve));
      writeFileSync(join(owners.folder, 'd-dead.json'), JSON.stringify({ pid: gone.pid, started: null }));
      owners.release('d-ownerless');
      mkdirSync(owners.folder, { recursive: true });
      writeFileSync(join(owners.folder, 'd-never-began.json'), JSON.stringify({ pid: gone.pid, started: null }));

      const removed = await sweepInterruptedImports(repo, owners);
      expect(removed.sort()).toEqual(['d-dead', 'd-ownerless']);
      expect(repo.importingIds()).toEqual(['d-live']);
      const left = db.prepare('SELECT dataset_id AS id, COUNT(*) AS n FROM dataset_rows GROUP BY dataset_id').all();
      expect(left).toEqual([{ id: 'd-live', n: 50 }]);
      expect(owners.ids()).toEqual(['d-live']);

      // Closing: this process's own in-flight import goes too, and later writes to it are refused.
      expect(repo.stopImports()).toEqual(['d-live']);
      expect(repo.importingIds()).toEqual([]);
      expect(owners.ids()).toEqual([]);
      expect(() => repo.appendRows('d-live', 50, [{ text: 'late', label: 'a', split: 'train', sourceLine: 60 }])).toThrow(/import cancelled/);
    } finally {
      db.close();
      dir.cleanup();
    }
  });

  it('deletes in bounded transactions: one batch removes at most its limit, the dataset row only once empty', () => {
    const dir = tempDir();
    const db = openDatabase(dir.path);
    try {
      const repo = new DatasetsRepo(db);
      importingDataset(repo, 'd-big', 2500);
      const rowsOf = () => (db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number }).n;
      expect(repo.deleteImportingBatch('d-big', 1000)).toBe(true);
      expect(rowsOf()).toBe(1500);
      expect(repo.importingIds()).toEqual(['d-big']);
      expect(repo.deleteImportingBatch('d-big', 1000)).toBe(true);
      expect(repo.deleteImportingBatch('d-big', 1000)).toBe(false);
      expect(rowsOf()).toBe(0);
      expect(repo.importingIds()).toEqual([]);
      // A ready dataset is never touched by the importing delete.
      repo.insert({ ...repoSummary('d-ready') }, [{ text: 'kept', label: 'a', split: 'train', sourceLine: 2 }]);
      expect(repo.deleteImportingBatch('d-ready', 1000)).toBe(false);
      expect(rowsOf()).toBe(1);
    } finally {
      db.close();
      dir.cleanup();
    }
  });
});

function repoSummary(id: string) {
  return {
    id, name: id, fileName: `${id}.csv`, format: 'csv' as const, rows: 1, textColumn: 'text', labelColumn: 'label', labels: ['a'], labelCounts: { a: 1 },
    splits: { train: 1, validation: 0 }, contentHash: `hash-${id}`, createdAt: new Date().toISOString(),
  };
}
