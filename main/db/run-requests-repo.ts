import type Database from 'better-sqlite3';

/** What another process may ask a run's owner to do (migration 007). */
export type RunRequestAction = 'cancel' | 'pause' | 'resume';

export interface RunRequest {
  id: number;
  runId: string;
  action: RunRequestAction;
  requestedByPid: number;
}

/** Requests to a run's owner from other processes on the same data folder. */
export class RunRequestsRepo {
  constructor(private readonly db: Database.Database) {}

  add(runId: string, action: RunRequestAction, byPid: number): void {
    this.db
      .prepare('INSERT INTO run_requests (run_id, action, requested_by_pid, requested_at) VALUES (?, ?, ?, ?)')
      .run(runId, action, byPid, new Date().toISOString());
  }

  /** Pending requests for runs owned by `pid`, oldest first. */
  forOwner(pid: number): RunRequest[] {
    return this.db
      .prepare(
        `SELECT r.id, r.run_id AS runId, r.action, r.requested_by_pid AS requestedByPid
         FROM run_requests r JOIN runs ON runs.id = r.run_id WHERE runs.owner_pid = ? ORDER BY r.id`,
      )
      .all(pid) as RunRequest[];
  }

  remove(ids: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM run_requests WHERE id = ?');
    for (const id of ids) del.run(id);
  }
}
