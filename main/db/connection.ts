import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from './migrate';

export const DATABASE_FILE = 'comparo.sqlite';

/**
 * Opens (creating if needed) the history database in `dataDir`. WAL lets the app, the browser
 * mode and the CLI read while one of them writes; busy_timeout makes a second writer wait
 * instead of failing at once.
 */
export function openDatabase(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DATABASE_FILE);
  const db = new Database(file);
  // The wait comes first: switching a new file to WAL and migrating it both need the write lock,
  // which another process opening the same folder may hold for a moment.
  db.pragma('busy_timeout = 5000');
  try {
    whileBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    whileBusy(() => migrate(db, file));
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

const OPEN_BUSY_DEADLINE_MS = 30_000;

/**
 * Runs `step` again while SQLite answers busy, up to OPEN_BUSY_DEADLINE_MS. Some of the lock
 * changes of a brand-new file (the switch to WAL, the first WAL index) can come back busy without
 * waiting on busy_timeout when several processes open it at once; on cores shared with other
 * work the first one's migration can also outlast that timeout. Opening is synchronous, so the
 * pause between tries is a synchronous sleep; it only ever happens at start-up.
 */
function whileBusy<T>(step: () => T): T {
  const deadline = Date.now() + OPEN_BUSY_DEADLINE_MS;
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    try {
      return step();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() + pause > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}
