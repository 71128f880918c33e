// The streamed import of big CSV/TSV files: same rows as the in-memory path, progress, cancel,
// and nothing left stored after an error or a cancel.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/db/connection';
import { DatasetsRepo } from '../../main/db/datasets-repo';
import { DatasetService } from '../../main/services/dataset-service';
import { parseDataset } from '../../main/services/import/index';

let dir: string;
let db: Database.Database;
let service: DatasetService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'comparo-stream-'));
  db = openDatabase(join(dir, 'data'));
  service = new DatasetService(new DatasetsRepo(db), dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeCsv(name: string, rows: number, extra = ''): string {
  const lines = ['id,text,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i},"review ${i}, with ""quotes""\r\nand a second line",${['pos', 'neg', 'Neg '][i % 3]}`);
  const path = join(dir, name);
  writeFileSync(path, `\ufeff${lines.join('\r\n')}\r\n${extra}`);
  return path;
}

const stored = () => (db.prepare('SELECT COUNT(*) AS n FROM dataset_rows').get() as { n: number }).n;

describe('streamed import', () => {
  it('stores the same rows as the in-memory parser, with progress up to the whole file', async () => {
    const path = writeCsv('big.csv', 5000);
    const progress: number[] = [];
    const d = await service.importLargeFile(path, { onProgress: (p) => progress.push(p.bytes / p.totalBytes) });
    expect(d.rows).toBe(5000);
    expect(d.labels).toEqual(['neg', 'pos']); // 'Neg ' trimmed and merged into the commoner spelling, as in memory
    expect(d.splits.train + d.splits.validation).toBe(5000);
    expect(progress.at(-1)).toBe(1);
    const rows = service.preview(d.id, 5000).rows;
    const expected = parseDataset('big.csv', readFileSync(path)).rows;
    expect(rows.map((r) => r.text)).toEqual(expected.map((r) => r.text));
    expect(service.report(d.id)?.issues.some((i) => i.kind === 'leakage_exact')).toBe(false);
    expect((await service.importLargeFile(path)).id).toBe(d.id); // found again by content hash
  });

  it('stores nothing when a row deep in the file is bad, and names its line', async () => {
    const path = writeCsv('bad.csv', 3000, '"never closed,pos\r\n');
    await expect(service.importLargeFile(path)).rejects.toMatchObject({ code: 'bad_input', location: { file: path, line: 6002, column: 1 } });
    expect(stored()).toBe(0);
    expect(service.list()).toEqual([]);
  });

  it('cancels: the import stops and leaves nothing behind', async () => {
    const path = writeCsv('cancel.csv', 40_000);
    const controller = new AbortController();
    const importing = service.importLargeFile(path, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(importing).rejects.toMatchObject({ message: 'import cancelled' });
    expect(stored()).toBe(0);
    expect(service.list()).toEqual([]);
  });
});
