// A stored dataset in the trainer's shape (main/training/protocol.ts LabelledTexts), for the
// dataset's task head (shared/tasks.ts): class indices into the sorted label list
// (classification), the numeric target (regression), or label-index sets (multi-label).
import { AppError } from '../../shared/errors';
import type { DatasetRow, DatasetSummary } from '../../shared/schemas';
import { DATASET_TASK_LABELS, trainerTaskOf, type TrainerTask } from '../../shared/tasks';

/** One split in the trainer's shape. */
export interface TrainingSplit {
  texts: string[];
  labels: number[];
  textPairs?: (string | null)[];
  labelSets?: number[][];
}

export interface TrainingData {
  task: TrainerTask;
  labelNames: string[];
  train: TrainingSplit;
  validation: TrainingSplit;
  test?: TrainingSplit;
}

/**
 * The test split travels apart: the trainer never trains or selects on it, and scores the
 * selected checkpoint on it once (main/training/trainer-callbacks.ts).
 */
export function toTrainingData(dataset: DatasetSummary, rows: Iterable<DatasetRow>): TrainingData {
  const datasetTask = dataset.task ?? 'classification';
  const task = trainerTaskOf(datasetTask);
  if (task === null) {
    // A run must fail with a reason, not on labels the heads cannot read.
    throw new AppError('invalid_request', `dataset ${dataset.name} is a ${DATASET_TASK_LABELS[datasetTask].toLowerCase()} dataset; Comparo cannot train that task yet`);
  }
  const index = new Map(dataset.labels.map((l, i) => [l, i]));
  const pairs = datasetTask === 'pair_classification';
  const empty = (): TrainingSplit => ({ texts: [], labels: [], ...(pairs ? { textPairs: [] } : {}), ...(task === 'multilabel' ? { labelSets: [] } : {}) });
  const splits = { train: empty(), validation: empty(), test: empty() };
  for (const row of rows) {
    const target = splits[row.split];
    // Pairs travel apart: a pretrained encoder puts [SEP] between them, the built-in model
    // joins them by a line break (main/training/run-model.ts).
    target.texts.push(row.text);
    if (pairs) target.textPairs!.push(row.textPair ?? null);
    if (task === 'regression') target.labels.push(Number(row.label));
    else if (task === 'multilabel') {
      // Stored as a sorted JSON array of label names (main/services/import/extract-rows.ts).
      target.labels.push(0);
      target.labelSets!.push((JSON.parse(row.label) as string[]).map((name) => index.get(name)!));
    } else target.labels.push(index.get(row.label)!);
  }
  const { train, validation, test } = splits;
  return { task, labelNames: dataset.labels, train, validation, ...(test.texts.length > 0 ? { test } : {}) };
}
