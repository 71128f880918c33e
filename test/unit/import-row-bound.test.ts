// The in-memory reader is bounded by rows, not only bytes: a small file of many rows streams
// (by path, and as an upload's text, spilled to a temporary file), what can only be read whole is
// refused with a location past its row limit, and errors of a spilled upload name the upload.
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/db/connection';
import { DatasetsRepo } from '../../main/db/datasets-repo';
import { DatasetService, MAX_IN_MEMORY_ROWS } from '../../main/services/dataset-service';
import { EventBus } from '../../main/services/event-bus';

let dir: string;
let db: Database.Database;
let events: EventBus;
let service: DatasetService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'comparo-row-bound-'));
  db = openDatabase(join(dir, 'data'));
  events = new EventBus();
  service = new DatasetService(new DatasetsRepo(db), dir, events);
  service.streamThresholdRows = 500;
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const csv = (rows: number) => `text,label\n${Array.from({ length: rows }, (_, i) => `review ${i},${i % 2 ? 'pos' : 'neg'}`).join('\n')}\n`;
/** Only the streamed reader says it skipped the near-duplicate search (main/services/import/stream-store.ts). */
const streamed = (id: string) => service.report(id)?.issues.some((i) => i.kind === 'leakage_near' && /streamed/.test(i.message)) ?? false;
const spills = () => readdirSync(tmpdir()).filter((f) => f.startsWith('comparo-import-'));

describe('imports bounded by rows', () => {
  it('streams a small file of many rows by path, and reads a file of few rows whole', async () => {
    writeFileSync(join(dir, 'many.csv'), csv(2000));
    writeFileSync(join(dir, 'few.csv'), csv(100));
    const many = await service.importPath(join(dir, 'many.csv'));
    const few = await service.importPath(join(dir, 'few.csv'));
    expect(many.rows).toBe(2000);
    expect(streamed(many.id)).toBe(true);
    expect(few.rows).toBe(100);
    expect(streamed(few.id)).toBe(false);
  });

  it('streams an upload of many rows through a temporary file, keyed by its name, and removes the file', async () => {
    const before = spills();
    const progress: string[] = [];
    events.on((name, payload) => {
      if (name === 'dataset.importProgress') progress.push((payload as { path: string }).path);
    });
    const d = await service.importText('reviews.csv', csv(2000));
    expect(d).toMatchObject({ rows: 2000, name: 'reviews', fileName: 'reviews.csv' });
    expect(streamed(d.id)).toBe(true);
    expect(new Set(progress)).toEqual(new Set(['reviews.csv']));
    expect(spills()).toEqual(before);
    // The same text is the same dataset, whichever reader stored it.
    expect((await service.importText('reviews.csv', csv(2000))).id).toBe(d.id);
  });

  it('names the upload, not the temporary file, in a streamed error', async () => {
    const bad = `${csv(1500)}"never closed,pos\n`;
    await expect(service.importText('bad.csv', bad)).rejects.toMatchObject({ code: 'bad_input', location: { file: 'bad.csv', line: 1502 } });
  });

  it('refuses, with a location, a file only the in-memory reader takes once it has too many rows', async () => {
    const rows = Array.from({ length: MAX_IN_MEMORY_ROWS + 1 }, (_, i) => ({ text: `t${i}`, label: i % 2 ? 'a' : 'b' }));
    writeFileSync(join(dir, 'huge.json'), JSON.stringify(rows));
    await expect(service.importPath(join(dir, 'huge.json'))).rejects.toMatchObject({
      code: 'bad_input',
      message: expect.stringMatching(/CSV, TSV or JSON Lines/),
      location: { file: join(dir, 'huge.json'), line: 1, column: 1 },
    });
    // Multi-label cannot stream: a big CSV is refused too rather than read whole.
    const multi = `text,labels\n${Array.from({ length: MAX_IN_MEMORY_ROWS + 1 }, (_, i) => `t${i},a|b`).join('\n')}\n`;
    await expect(service.importText('multi.csv', multi, { task: 'multilabel' })).rejects.toMatchObject({ code: 'bad_input', location: { file: 'multi.csv' } });
  });
});
