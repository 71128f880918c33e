// Who is streaming which dataset in: one small file per import, <dataDir>/importing/<dataset id>.json,
// holding the importer's pid and start time (main/services/process-identity.ts). A start-up sweep
// (main/services/cleanup.ts) removes an 'importing' dataset only when its importer is gone, so an
// import another process on the same data folder is running right now is never touched. A file,
// not a column: it needs no migration and is written before the dataset row exists, so a sweep
// that sees the row always finds the file of a live importer.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportOwners } from '../db/datasets-repo';
import { isOwnerAlive, OWN_PID, OWN_START_TIME } from './process-identity';

interface OwnerRecord {
  pid: number;
  started: string | null;
}

/** Lock files claimed by this process and not yet released: the exact answer for our own pid. */
const claimedHere = new Set<string>();

export class ImportOwnerFiles implements ImportOwners {
  readonly folder: string;

  constructor(dataDir: string) {
    this.folder = join(dataDir, 'importing');
  }

  private file(id: string): string {
    return join(this.folder, `${id}.json`);
  }

  claim(id: string): void {
    mkdirSync(this.folder, { recursive: true });
    const record: OwnerRecord = { pid: OWN_PID, started: OWN_START_TIME };
    writeFileSync(this.file(id), JSON.stringify(record));
    claimedHere.add(this.file(id));
  }

  release(id: string): void {
    claimedHere.delete(this.file(id));
    rmSync(this.file(id), { force: true });
  }

  /** Whether the process that began importing `id` is still running (false: no owner file at all). */
  isAlive(id: string): boolean {
    let record: OwnerRecord;
    try {
      record = JSON.parse(readFileSync(this.file(id), 'utf8')) as OwnerRecord;
    } catch {
      return false;
    }
    if (typeof record.pid !== 'number') return false;
    // Our own pid: another Services of this process may be importing; only our set knows.
    if (record.pid === OWN_PID && record.started === OWN_START_TIME) return claimedHere.has(this.file(id));
    return isOwnerAlive(record.pid, record.started ?? null);
  }

  /** Dataset ids that have an owner file (live or not). */
  ids(): string[] {
    try {
      return readdirSync(this.folder).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    } catch {
      return [];
    }
  }

  /** Ids this process began and has not finished or aborted. */
  claimedByThisProcess(): string[] {
    return this.ids().filter((id) => claimedHere.has(this.file(id)));
  }
}
