// Nothing left behind: what a killed or interrupted import and a run's piling checkpoints leave on
// disk is removed. At start-up: 'importing' datasets whose importer is gone (main/services/
// import-owners.ts), checkpoint temp files of dead writers, periodic checkpoints beyond each run's
// keepCheckpoints. While runs train: old checkpoints pruned right after the new one is recorded.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TERMINAL_RUN_STATUSES } from '../../shared/vocabulary';
import { type DatasetsRepo, nextDeleteBatch } from '../db/datasets-repo';
import type { RunsRepo } from '../db/runs-repo';
import { checkpointBytes, pruneCheckpoints, removeStaleTempFiles } from '../training/checkpoint';
import type { TrainerHandle, TrainerLauncher } from '../training/protocol';
import type { ImportOwnerFiles } from './import-owners';
import { isOwnerAlive } from './process-identity';

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Deletes one 'importing' dataset in transactions of ~50 ms, pausing as long between them: the
 * process stays responsive and another process's writer gets the lock in between.
 */
async function deleteImportingAsync(repo: DatasetsRepo, id: string): Promise<void> {
  let batch = 10_000;
  for (;;) {
    const began = performance.now();
    const more = repo.deleteImportingBatch(id, batch);
    const ms = performance.now() - began;
    if (!more) return;
    batch = nextDeleteBatch(batch, ms);
    await pause(Math.min(Math.max(1, ms), 50));
  }
}

/**
 * Removes datasets left 'importing' by an importer that is no longer running (killed, crashed,
 * power cut), and owner files whose import never got a row. An import running right now, in this
 * process or another on the same data folder, is kept: its owner file names a live process.
 */
export async function sweepInterruptedImports(repo: DatasetsRepo, owners: ImportOwnerFiles): Promise<string[]> {
  const removed: string[] = [];
  for (const id of repo.importingIds()) {
    if (owners.isAlive(id)) continue;
    await deleteImportingAsync(repo, id);
    owners.release(id);
    removed.push(id);
  }
  const importing = new Set(repo.importingIds());
  for (const id of owners.ids()) if (!importing.has(id) && !owners.isAlive(id)) owners.release(id);
  return removed;
}

/** Whether a pid named in a temp file still runs (no start time is recorded there: liveness only). */
const writerAlive = (pid: number) => isOwnerAlive(pid, null);

/**
 * Every run's checkpoint folder: dead writers' temp files go, and finished runs keep only their
 * newest keepCheckpoints periodic checkpoints, best.ckpt and the one the runs table records. Runs
 * still training belong to a live process (orphans were marked interrupted first), which prunes
 * them itself as each checkpoint is recorded.
 */
export function sweepCheckpoints(runs: RunsRepo, checkpointRoot: string): string[] {
  const removed: string[] = [];
  // Every folder, a deleted run's included: a temp file is garbage whoever's it was.
  const entries = existsSync(checkpointRoot) ? readdirSync(checkpointRoot, { withFileTypes: true, encoding: 'utf8' }) : [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    removed.push(...removeStaleTempFiles(join(checkpointRoot, entry.name), writerAlive));
  }
  for (const run of runs.list()) {
    if (!TERMINAL_RUN_STATUSES.includes(run.status)) continue;
    removed.push(...pruneCheckpoints(join(checkpointRoot, run.id), run.config.keepCheckpoints, runs.checkpoint(run.id)));
  }
  return removed;
}

/** Prunes a run's checkpoints to its keepCheckpoints; the file the runs table records now, and newer ones, stay. */
export function pruneRecordedRun(runs: RunsRepo, checkpointRoot: string, runId: string): string[] {
  const run = runs.get(runId);
  if (!run) return [];
  return pruneCheckpoints(join(checkpointRoot, runId), run.config.keepCheckpoints, runs.checkpoint(runId));
}

/**
 * The launcher, with a run's old checkpoints pruned each time the trainer reports a new one (after
 * the run service has handled that message) and when the trainer exits. Only checkpoints older
 * than the one the runs table records are deleted, so the table never points at a deleted file,
 * even when recording the newest is delayed (a busy database: main/db/busy.ts) or a process is
 * killed in between; what a delayed record leaves is pruned at the next checkpoint or start-up.
 */
export function pruningLauncher(launcher: TrainerLauncher, runs: RunsRepo, checkpointRoot: string): TrainerLauncher {
  return (runId) => withPruning(launcher(runId), runs, checkpointRoot, runId);
}

/** The same handle, pruning the run's checkpoints as they are recorded and once the trainer is gone. */
export function withPruning(handle: TrainerHandle, runs: RunsRepo, checkpointRoot: string, runId: string): TrainerHandle {
  const prune = (exited = false) => {
    try {
      pruneRecordedRun(runs, checkpointRoot, runId);
      // A trainer killed mid-write leaves its temp file; once it has exited, the file goes.
      if (exited) removeStaleTempFiles(join(checkpointRoot, runId), writerAlive);
    } catch {
      // Housekeeping (or the database closed at exit): what is not deleted now goes at the next start-up.
    }
  };
  const wrapped: TrainerHandle = {
    get pid() {
      return handle.pid;
    },
    send: (message) => handle.send(message),
    onExit: (listener) =>
      handle.onExit((code, signal) => {
        listener(code, signal);
        prune(true);
      }),
    kill: () => handle.kill(),
    onMessage: (listener) =>
      handle.onMessage((message) => {
        listener(message);
        if ((message as { type?: unknown } | null)?.type === 'checkpoint') prune();
      }),
    ...(handle.remote ? { remote: handle.remote } : {}),
    ...(handle.detach ? { detach: () => handle.detach!() } : {}),
  };
  return wrapped;
}

/** Bytes a run's checkpoints take on disk now (the run service's folder: <dataDir>/checkpoints/<run id>). */
export function runCheckpointBytes(dataDir: string, runId: string): number {
  return checkpointBytes(join(dataDir, 'checkpoints', runId));
}
