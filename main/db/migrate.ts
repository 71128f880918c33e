import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import { migrations as allMigrations, type Migration } from './migrations';

/**
 * Brings the schema to the latest version. All pending migrations run in ONE transaction, so a
 * crash mid-way leaves the previous version intact. A database written by a newer Comparo is
 * refused rather than silently misread.
 */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = allMigrations): number {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new AppError(
      'conflict',
      `${file} has schema version ${current}, newer than this version of Comparo understands (${latest}). ` +
        'Update Comparo, or point --data-dir / COMPARO_DATA_DIR at another folder.',
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return latest;
}
