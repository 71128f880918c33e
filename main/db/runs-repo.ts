import type Database from 'better-sqlite3';
import { RunConfigSchema, type RunStatus, type RunSummary } from '../../shared/schemas';
import { WorkerInfoSchema, type WorkerInfo } from '../../shared/worker-info';
import { ACTIVE_RUN_STATUSES, TERMINAL_RUN_STATUSES } from '../../shared/vocabulary';

export interface RunRecord {
  id: string;
  dataset_id: string;
  comparison_id: string | null;
  name: string;
  loss: RunSummary['loss'];
  seed: number;
  status: RunStatus;
  backend: string | null;
  config_json: string;
  step: number;
  total_steps: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  owner_pid: number | null;
  owner_started: string | null;
  error: string | null;
  final_metrics_json: string;
  checkpoint_path: string | null;
  checkpoint_step: number | null;
  best_step: number | null;
  data_hash: string;
  worker_json: string | null;
  remote_job_id: string | null;
  remote_queue: string | null;
}

/** Runs with the content hash of the data they trained on (a dataset's rows never change after import). */
export const SELECT_RUNS = 'SELECT runs.*, datasets.content_hash AS data_hash FROM runs JOIN datasets ON datasets.id = runs.dataset_id';

export const TERMINAL_STATUSES = TERMINAL_RUN_STATUSES;
export const ACTIVE_STATUSES = ACTIVE_RUN_STATUSES;

/** The process that schedules a run: pid plus its start time, which a reused pid cannot share (main/services/process-identity.ts). */
export interface RunOwner {
  pid: number;
  started: string | null;
}

export class RunsRepo {
  constructor(private readonly db: Database.Database) {}

  insert(run: RunSummary, owner: RunOwner): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, dataset_id, comparison_id, name, loss, seed, status, backend, config_json, step, total_steps,
           created_at, owner_pid, owner_started, final_metrics_json)
         VALUES (@id, @datasetId, @comparisonId, @name, @loss, @seed, @status, @backend, @configJson, @step, @totalSteps,
           @createdAt, @ownerPid, @ownerStarted, '{}')`,
      )
      .run({ ...run, configJson: JSON.stringify(run.config), ownerPid: owner.pid, ownerStarted: owner.started });
  }

  owner(id: string): RunOwner | null {
    const r = this.db.prepare('SELECT owner_pid AS pid, owner_started AS started FROM runs WHERE id = ?').get(id) as
      | { pid: number | null; started: string | null }
      | undefined;
    return r && r.pid !== null ? { pid: r.pid, started: r.started } : null;
  }

  get(id: string): RunSummary | undefined {
    const rec = this.db.prepare(`${SELECT_RUNS} WHERE runs.id = ?`).get(id) as RunRecord | undefined;
    return rec && toSummary(rec);
  }

  list(): RunSummary[] {
    return (this.db.prepare(`${SELECT_RUNS} ORDER BY runs.created_at DESC, runs.id`).all() as RunRecord[]).map(toSummary);
  }

  byComparison(comparisonId: string): RunSummary[] {
    return (
      this.db.prepare(`${SELECT_RUNS} WHERE runs.comparison_id = ? ORDER BY runs.seed, runs.loss`).all(comparisonId) as RunRecord[]
    ).map(toSummary);
  }

  setStatus(id: string, status: RunStatus, fields: { error?: string | null; backend?: string; worker?: WorkerInfo } = {}): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `UPDATE runs SET status = @status,
           error = CASE WHEN @hasError THEN @error ELSE error END,
           backend = COALESCE(@backend, backend),
           worker_json = COALESCE(@worker, worker_json),
           started_at = CASE WHEN @status = 'running' AND started_at IS NULL THEN @now ELSE started_at END,
           finished_at = CASE WHEN @terminal THEN @now ELSE finished_at END
         WHERE id = @id`,
      )
      .run({
        id,
        status,
        now,
        hasError: fields.error !== undefined ? 1 : 0,
        error: fields.error ?? null,
        backend: fields.backend ?? null,
        worker: fields.worker ? JSON.stringify(fields.worker) : null,
        terminal: TERMINAL_STATUSES.includes(status) ? 1 : 0,
      });
  }

  setProgress(id: string, step: number, totalSteps: number): void {
    this.db.prepare('UPDATE runs SET step = ?, total_steps = ? WHERE id = ?').run(step, totalSteps, id);
  }

  setFinalMetrics(id: string, metrics: Record<string, number>): void {
    this.db.prepare('UPDATE runs SET final_metrics_json = ? WHERE id = ?').run(JSON.stringify(metrics), id);
  }

  setCheckpoint(id: string, path: string, step: number): void {
    this.db.prepare('UPDATE runs SET checkpoint_path = ?, checkpoint_step = ? WHERE id = ?').run(path, step, id);
  }

  /** The queue job that trains the run now (null: trained by its owner's own trainer). */
  setRemoteJob(id: string, job: { jobId: string; queue: string } | null): void {
    this.db.prepare('UPDATE runs SET remote_job_id = ?, remote_queue = ? WHERE id = ?').run(job?.jobId ?? null, job?.queue ?? null, id);
  }

  /**
   * Runs handed to this queue whose app stopped following them (it closed, crashed or was
   * killed: they are 'interrupted') while their job may still train on a worker.
   */
  remoteInterrupted(queue: string): Array<{ id: string; jobId: string }> {
    return this.db
      .prepare("SELECT id, remote_job_id AS jobId FROM runs WHERE status = 'interrupted' AND remote_job_id IS NOT NULL AND remote_queue = ?")
      .all(queue) as Array<{ id: string; jobId: string }>;
  }

  /** This process follows the run again: it owns it, and it runs. */
  adopt(id: string, owner: RunOwner): void {
    this.db
      .prepare("UPDATE runs SET status = 'running', owner_pid = ?, owner_started = ?, error = NULL, finished_at = NULL WHERE id = ?")
      .run(owner.pid, owner.started, id);
  }

  checkpoint(id: string): { path: string; step: number } | null {
    const r = this.db.prepare('SELECT checkpoint_path AS path, checkpoint_step AS step FROM runs WHERE id = ?').get(id) as
      | { path: string | null; step: number | null }
      | undefined;
    return r?.path && r.step !== null ? { path: r.path, step: r.step } : null;
  }

  /**
   * Re-queues an interrupted or failed run under a new owner. With a checkpoint it continues from
   * there (what was logged after the checkpoint is dropped, it will be logged again); without one
   * it restarts from step 0.
   */
  requeue(id: string, owner: RunOwner, fromCheckpoint: boolean): void {
    this.db.transaction(() => {
      if (!fromCheckpoint) {
        for (const table of ['metrics', 'evaluations', 'predictions', 'utility']) {
          this.db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(id);
        }
        this.db.prepare('UPDATE runs SET checkpoint_path = NULL, checkpoint_step = NULL, best_step = NULL, step = 0 WHERE id = ?').run(id);
      }
      this.db
        .prepare(
          `UPDATE runs SET status = 'queued', owner_pid = ?, owner_started = ?, error = NULL, finished_at = NULL, final_metrics_json = '{}',
             remote_job_id = NULL, remote_queue = NULL
           WHERE id = ?`,
        )
        .run(owner.pid, owner.started, id);
    })();
  }

  /**
   * Marks as interrupted every unfinished run whose owning process is gone (a crash, a kill -9, a
   * power cut): they must never stay "running" forever. Returns the ids marked.
   */
  markOrphansInterrupted(isAlive: (owner: RunOwner) => boolean): string[] {
    const active = this.db
      .prepare(`SELECT id, owner_pid, owner_started FROM runs WHERE status IN (${ACTIVE_STATUSES.map(() => '?').join(', ')})`)
      .all(...ACTIVE_STATUSES) as Array<{ id: string; owner_pid: number | null; owner_started: string | null }>;
    const orphans = active.filter((r) => r.owner_pid === null || !isAlive({ pid: r.owner_pid, started: r.owner_started })).map((r) => r.id);
    for (const id of orphans) this.setStatus(id, 'interrupted', { error: 'Comparo stopped while this run was unfinished; resume to run it again.' });
    return orphans;
  }
}

export function toSummary(rec: RunRecord): RunSummary {
  return {
    id: rec.id,
    datasetId: rec.dataset_id,
    comparisonId: rec.comparison_id,
    name: rec.name,
    loss: rec.loss,
    seed: rec.seed,
    status: rec.status,
    backend: rec.backend,
    config: RunConfigSchema.parse(JSON.parse(rec.config_json)),
    step: rec.step,
    totalSteps: rec.total_steps,
    createdAt: rec.created_at,
    startedAt: rec.started_at,
    finishedAt: rec.finished_at,
    error: rec.error,
    checkpointStep: rec.checkpoint_step,
    bestStep: rec.best_step,
    dataHash: rec.data_hash,
    finalMetrics: JSON.parse(rec.final_metrics_json) as Record<string, number>,
    ...workerOf(rec.worker_json),
  };
}

/** The stored worker, when the row has one that still parses (a damaged value is left out, not thrown). */
function workerOf(json: string | null): { worker?: WorkerInfo } {
  if (json === null) return {};
  try {
    const parsed = WorkerInfoSchema.safeParse(JSON.parse(json));
    return parsed.success ? { worker: parsed.data } : {};
  } catch {
    return {};
  }
}
