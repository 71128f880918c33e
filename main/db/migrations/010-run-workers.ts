// Migration 10: where a run was trained. A run handed to a remote worker (main/remote/) records
// the worker that ran its last attempt (shared/worker-info.ts, as JSON); NULL for runs trained by
// the process that owns them.
export const migration010 = {
  version: 10,
  name: 'run-workers',
  sql: `ALTER TABLE runs ADD COLUMN worker_json TEXT;`,
};
