// Several processes opening one new data folder at the same moment (CI's parallel CLI imports,
// the app and the CLI started together) must all get a migrated database, none an error.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../main/db/connection';
import { migrations } from '../../main/db/migrations';
import { tempDir } from '../helpers/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function openAt(dataDir: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  // Each child loads first, then waits for the common start time, so the opens really overlap.
  const script = `
    const { openDatabase } = await import('./main/db/connection.ts');
    await new Promise((r) => setTimeout(r, Math.max(0, ${startAt} - Date.now())));
    openDatabase(${JSON.stringify(dataDir)}).close();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

it('six processes opening a new data folder at once all succeed, and the schema is migrated once', async () => {
  for (let round = 0; round < 3; round++) {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const startAt = Date.now() + 6000;
    const results = await Promise.all(Array.from({ length: 6 }, () => openAt(dir.path, startAt)));
    expect(results.map((r) => `${r.code} ${r.stderr.trim().split('\n')[0] ?? ''}`), results.map((r) => r.stderr).join('\n---\n').slice(0, 4000)).toEqual(Array(6).fill('0 '));
    const db = new Database(join(dir.path, DATABASE_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations[migrations.length - 1].version);
    db.close();
  }
}, 90_000);
