import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import { migrations as allMigrations, type Migration } from './migrations';

/**
 * Brings the schema to the latest version. All pending migrations run in ONE transaction, so a
 * crash mid-way leaves the previous version intact. A database written by a newer Comparo is
 * refused rather than silently misread.
 *
 * The transaction is IMMEDIATE and reads the version again inside it: two processes opening a new
 * data folder at once (two CLI imports, the app and the CLI) would otherwise both see version 0
 * and the second would fail creating tables the first just made.
 */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = allMigrations): number {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const before = checkVersion(db, file, latest);
  if (before === latest) return latest;
  return db
    .transaction(() => {
      const current = checkVersion(db, file, latest);
      for (const m of migrations.filter((m) => m.version > current)) {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }
      return latest;
    })
    .immediate();
}

function checkVersion(db: Database.Database, file: string, latest: number): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new AppError(
      'conflict',
      `${file} has schema version ${current}, newer than this version of Comparo understands (${latest}). ` +
        'Update Comparo, or point --data-dir / COMPARO_DATA_DIR at another folder.',
    );
  }
  return current;
}
