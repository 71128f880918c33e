import type Database from 'better-sqlite3';
import type { PretrainProgress, PretrainRun, PretrainStatus } from '../../shared/pretrain-protocol';
import type { RunOwner } from './runs-repo';

interface PretrainRecord {
  id: string;
  dataset_id: string | null;
  model: string;
  texts: string;
  folder: string;
  status: PretrainStatus;
  step: number;
  steps: number;
  validation_loss: number | null;
  documents: number | null;
  backend: string | null;
  error: string | null;
  bad_input: number;
  owner_pid: number | null;
  owner_started: string | null;
  created_at: string;
  finished_at: string | null;
}

/** A pretraining run when it starts: the progress fields plus what it read and started from. */
export interface NewPretrainRun {
  id: string;
  datasetId: string | null;
  model: string;
  texts: string;
  folder: string;
  steps: number;
}

/** Pretraining runs and their held-out curves (migration 009). */
export class PretrainingRepo {
  constructor(private readonly db: Database.Database) {}

  insert(run: NewPretrainRun, owner: RunOwner): void {
    this.db
      .prepare(
        `INSERT INTO pretraining_runs (id, dataset_id, model, texts, folder, status, steps, owner_pid, owner_started, created_at)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
      )
      .run(run.id, run.datasetId, run.model, run.texts, run.folder, run.steps, owner.pid, owner.started, new Date().toISOString());
  }

  /** A resumed run is running again, owned by the process that resumed it. */
  reopen(id: string, owner: RunOwner): void {
    this.db
      .prepare("UPDATE pretraining_runs SET status = 'running', error = NULL, bad_input = 0, finished_at = NULL, owner_pid = ?, owner_started = ? WHERE id = ?")
      .run(owner.pid, owner.started, id);
  }

  /** The latest progress; an evaluation (`validationLoss` at `step`) also joins the curve. */
  update(progress: PretrainProgress, evaluation?: { step: number; loss: number }): void {
    const finished = progress.status === 'running' ? null : new Date().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE pretraining_runs SET status = ?, step = ?, validation_loss = ?, documents = ?, backend = ?, error = ?, bad_input = ?, finished_at = ?
           WHERE id = ?`,
        )
        .run(progress.status, progress.step, progress.validationLoss, progress.documents, progress.backend, progress.error, progress.badInput ? 1 : 0, finished, progress.id);
      if (evaluation) this.db.prepare('INSERT OR REPLACE INTO pretraining_evaluations (run_id, step, loss) VALUES (?, ?, ?)').run(progress.id, evaluation.step, evaluation.loss);
    })();
  }

  get(id: string, resumable: (folder: string) => boolean): PretrainRun | undefined {
    const record = this.db.prepare('SELECT * FROM pretraining_runs WHERE id = ?').get(id) as PretrainRecord | undefined;
    return record && this.toRun(record, resumable);
  }

  /** The newest run writing `folder` (a CLI `--resume <folder>` finds its history row by it). */
  byFolder(folder: string): { id: string } | undefined {
    return this.db.prepare('SELECT id FROM pretraining_runs WHERE folder = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(folder) as { id: string } | undefined;
  }

  list(datasetId: string | undefined, resumable: (folder: string) => boolean): PretrainRun[] {
    const records = (
      datasetId === undefined
        ? this.db.prepare('SELECT * FROM pretraining_runs ORDER BY created_at DESC, rowid DESC').all()
        : this.db.prepare('SELECT * FROM pretraining_runs WHERE dataset_id = ? ORDER BY created_at DESC, rowid DESC').all(datasetId)
    ) as PretrainRecord[];
    return records.map((record) => this.toRun(record, resumable));
  }

  /** Rows left 'running' by a process that is gone: 'interrupted' (their checkpoint, if written, resumes them). */
  markOrphansInterrupted(isAlive: (owner: RunOwner) => boolean): string[] {
    const running = this.db.prepare("SELECT id, owner_pid, owner_started FROM pretraining_runs WHERE status = 'running'").all() as Array<{
      id: string;
      owner_pid: number | null;
      owner_started: string | null;
    }>;
    const orphans = running.filter((r) => r.owner_pid === null || !isAlive({ pid: r.owner_pid, started: r.owner_started })).map((r) => r.id);
    const mark = this.db.prepare(
      "UPDATE pretraining_runs SET status = 'interrupted', error = 'Comparo stopped while this pretraining run was unfinished; resume continues it from its last checkpoint.', finished_at = ? WHERE id = ?",
    );
    for (const id of orphans) mark.run(new Date().toISOString(), id);
    return orphans;
  }

  private toRun(r: PretrainRecord, resumable: (folder: string) => boolean): PretrainRun {
    const curve = (this.db.prepare('SELECT step, loss FROM pretraining_evaluations WHERE run_id = ? ORDER BY step').all(r.id) as Array<{ step: number; loss: number }>).map(
      (e): [number, number] => [e.step, e.loss],
    );
    return {
      id: r.id,
      datasetId: r.dataset_id,
      status: r.status,
      step: r.step,
      steps: r.steps,
      validationLoss: r.validation_loss,
      documents: r.documents,
      backend: r.backend,
      folder: r.folder,
      error: r.error,
      badInput: r.bad_input === 1,
      model: r.model,
      texts: r.texts,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      curve,
      resumable: (r.status === 'paused' || r.status === 'interrupted') && resumable(r.folder),
    };
  }
}
