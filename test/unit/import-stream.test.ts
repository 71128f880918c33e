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
import { EventBus } from '../../main/services/event-bus';
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

function writeJsonl(name: string, rows: number, extra = ''): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(JSON.stringify({ id: i, text: `review ${i}, with "quotes"\nand a second line`, label: ['pos', 'neg', 'Neg '][i % 3] }));
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\r\n')}\r\n\r\n${extra}`);
  return path;
}

describe('streamed JSON Lines import', () => {
  it('streams through importPath above a (lowered) threshold, with the in-memory rows and progress', async () => {
    const path = writeJsonl('big.jsonl', 12_000);
    service.streamThresholdBytes = 1024;
    const progress: number[] = [];
    const d = await service.importPath(path, { onProgress: (p) => progress.push(p.bytes / p.totalBytes) });
    expect(progress.at(-1)).toBe(1); // only the streamed path reports progress
    expect(d.rows).toBe(12_000);
    expect(d.format).toBe('jsonl');
    expect(d.labels).toEqual(['neg', 'pos']);
    const expected = parseDataset('big.jsonl', readFileSync(path)).rows;
    expect(service.preview(d.id, 12_000).rows.map((r) => r.text)).toEqual(expected.map((r) => r.text));
  });

  it('names file:line:column for invalid JSON deep in the file and stores nothing', async () => {
    const path = writeJsonl('bad.jsonl', 3000, '{"text": "ok", "label": pos}\n');
    // 3000 rows, one blank line, then the bad line; "pos" starts at column 25.
    await expect(service.importLargeFile(path)).rejects.toMatchObject({ code: 'bad_input', location: { file: path, line: 3002, column: 25 } });
    expect(stored()).toBe(0);
  });

  it('locates a missing label in a streamed line at its key, and cancels', async () => {
    const path = writeJsonl('missing.jsonl', 2000, '{"text": "ok", "label": null}\n');
    await expect(service.importLargeFile(path)).rejects.toMatchObject({ location: { file: path, line: 2002, column: 25 } });
    const controller = new AbortController();
    const importing = service.importLargeFile(writeJsonl('cancel.jsonl', 5000), { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(importing).rejects.toMatchObject({ message: 'import cancelled' });
    expect(stored()).toBe(0);
  });
});

describe('uploaded text over a few MB (renderer drops)', () => {
  // The threshold is lowered (a few MB in the app): the in-memory checks of MBs take seconds.
  const bigText = () => {
    const lines = ['text,label'];
    for (let i = 0; lines.length < 300; i++) lines.push(`upload review number ${i} with some padding words here,${i % 2 ? 'pos' : 'neg'}`);
    return lines.join('\n');
  };

  it('reports progress by file name up to the whole upload', async () => {
    const events = new EventBus();
    const seen: { path: string; bytes: number; totalBytes: number; rows: number }[] = [];
    events.on((name, payload) => name === 'dataset.importProgress' && seen.push(payload as (typeof seen)[number]));
    const tracked = new DatasetService(new DatasetsRepo(db), dir, events);
    tracked.textProgressBytes = 1000;
    const d = await tracked.importText('upload.csv', bigText());
    expect(seen[0]).toMatchObject({ path: 'upload.csv', bytes: 0 });
    expect(seen.at(-1)).toMatchObject({ path: 'upload.csv', rows: d.rows });
    expect(seen.at(-1)!.bytes).toBe(seen.at(-1)!.totalBytes);
  });

  it('cancels by file name before anything is stored', async () => {
    const events = new EventBus();
    const tracked = new DatasetService(new DatasetsRepo(db), dir, events);
    tracked.textProgressBytes = 1000;
    events.on((name) => name === 'dataset.importProgress' && tracked.cancelImport('upload.csv'));
    await expect(tracked.importText('upload.csv', bigText())).rejects.toMatchObject({ message: 'import cancelled' });
    expect(stored()).toBe(0);
  });
});

describe('chunk decoder', () => {
  it('decodes UTF-8 cut at any byte exactly as one TextDecoder pass, ASCII fast path included', async () => {
    const { ChunkDecoder } = await import('../../main/services/import/chunk-decoder');
    const text = 'plain ascii line\n'.repeat(20) + 'café – naïve 😀 Ünïcödé\n' + 'more ascii\n'.repeat(20) + 'end é';
    const bytes = new TextEncoder().encode(text);
    for (let size = 1; size < 40; size++) {
      const decoder = new ChunkDecoder('utf-8');
      let out = '';
      for (let i = 0; i < bytes.length; i += size) out += decoder.decode(bytes.subarray(i, i + size));
      expect(out + decoder.end()).toBe(text);
    }
  });
});
