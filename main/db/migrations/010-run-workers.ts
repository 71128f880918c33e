// Migration 10: runs trained on remote workers (main/remote/). A run handed to the queue records
// its BullMQ job and the queue (its URL without password), so a Comparo restarted while workers
// train can follow the job again (main/services/run-service.ts adopt), and the worker that ran its
// last attempt (shared/worker-info.ts, as JSON). All NULL for runs trained by the process that
// owns them.
export const migration010 = {
  version: 10,
  name: 'run-workers',
  sql: `
ALTER TABLE runs ADD COLUMN worker_json TEXT;
ALTER TABLE runs ADD COLUMN remote_job_id TEXT;
ALTER TABLE runs ADD COLUMN remote_queue TEXT;
`,
};
