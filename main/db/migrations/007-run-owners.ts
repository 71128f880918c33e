// Migration 7: who owns a run, and how another process asks the owner to act on it. A run is
// owned by the process whose services schedule it (runs.owner_pid, since migration 1); the
// owner's start time (owner_started) tells a live owner from a new process that reuses its pid.
// Cancel / pause / resume from another front-end on the same data folder become rows in
// run_requests that the owner polls and applies (main/services/run-ownership.ts), so no process
// ever changes a run another one is training.
export const migration007 = {
  version: 7,
  name: 'run-owners',
  sql: `
ALTER TABLE runs ADD COLUMN owner_started TEXT;
CREATE TABLE run_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  action TEXT NOT NULL CHECK (action IN ('cancel', 'pause', 'resume')),
  requested_by_pid INTEGER NOT NULL,
  requested_at TEXT NOT NULL
);
CREATE INDEX run_requests_by_run ON run_requests (run_id);
`,
};
