// What to load for predictions, resolved in the parent (which has the database) and handed to
// whatever runs the model (the predictor process, or the CLI in-process) as plain data.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { DatasetSummary, RunConfig, RunSummary, Task } from '../../shared/schemas';

export type ModelSource =
  | {
      kind: 'run';
      runId: string;
      /** The run's best model (main/training/engine.ts writes it at every improving evaluation). */
      checkpointPath: string;
      /** Changes when the file is rewritten, so a cached model is never stale. */
      version: string;
      config: RunConfig;
      task: Task;
      labelNames: string[];
    }
  | {
      /** A pretrained (raw or exported, with a head) Hugging Face style folder. */
      kind: 'folder';
      path: string;
      version: string;
    };

/** Same folder the run service gives each trainer (services/index.ts: <dataDir>/checkpoints/<run id>). */
export function bestCheckpointPath(dataDir: string, runId: string): string {
  return join(dataDir, 'checkpoints', runId, 'best.ckpt');
}

/** The task the engine trained for a dataset's task (pairs are classification over joined texts). */
export function trainingTask(dataset: DatasetSummary): Task {
  const task = dataset.task ?? 'classification';
  return task === 'regression' || task === 'multilabel' ? task : 'classification';
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
