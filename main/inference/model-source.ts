// What to load for predictions, resolved in the parent (which has the database) and handed to
// whatever runs the model (the predictor process, or the CLI in-process) as plain data.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { ModelSource } from '../../shared/predictor-protocol';
import type { DatasetSummary, RunConfig, RunSummary, Task } from '../../shared/schemas';
import { trainerTaskOf } from '../../shared/tasks';

/** A run's best checkpoint or a Hugging Face style folder (shared/predictor-protocol.ts). */
export type { ModelSource };

/** Same folder the run service gives each trainer (services/index.ts: <dataDir>/checkpoints/<run id>). */
export function bestCheckpointPath(dataDir: string, runId: string): string {
  return join(dataDir, 'checkpoints', runId, 'best.ckpt');
}

/** The head the engine trained for a dataset's task (pairs are classification over both texts). */
export function trainingTask(dataset: DatasetSummary): Task {
  // A task without a head (qa) never trains a run, so there is no model whose head could differ.
  return trainerTaskOf(dataset.task ?? 'classification') ?? 'classification';
}

export function fileVersion(path: string): string {
  const stat = statSync(path);
  return `${stat.size}:${stat.mtimeMs}`;
}

/** Why a run has no saved model, in words a person can act on. */
function missingModelMessage(run: RunSummary): string {
  const prefix = `Run ${run.id} (${run.name}) has no saved model`;
  switch (run.status) {
    case 'queued':
    case 'running':
    case 'paused':
      return `${prefix} yet: it is ${run.status}, and its first evaluation saves one. Try again after it.`;
    case 'cancelled':
      return `${prefix}: it was cancelled before its first evaluation.`;
    case 'failed':
      return `${prefix}: it failed before its first evaluation${run.error ? ` (${run.error})` : ''}.`;
    case 'interrupted':
      return `${prefix}: it was interrupted before its first evaluation; resume it to train on.`;
    default:
      return `${prefix}: its checkpoint file is missing (was the data folder's checkpoints/${run.id} folder deleted?).`;
  }
}

export function runModelSource(run: RunSummary, dataset: DatasetSummary, dataDir: string): ModelSource {
  const checkpointPath = bestCheckpointPath(dataDir, run.id);
  if (!existsSync(checkpointPath)) throw new AppError('conflict', missingModelMessage(run));
  return {
    kind: 'run',
    runId: run.id,
    checkpointPath,
    version: fileVersion(checkpointPath),
    config: run.config,
    task: trainingTask(dataset),
    labelNames: dataset.labels,
  };
}

export function sourceKey(source: ModelSource): string {
  return source.kind === 'run' ? `run:${source.checkpointPath}:${source.version}` : `folder:${source.path}:${source.version}`;
}
