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
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  try {
    migrate(db, file);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
