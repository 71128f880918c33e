// A stored dataset in the trainer's shape (main/training/protocol.ts LabelledTexts), for the
// dataset's task head (shared/tasks.ts): class indices into the sorted label list
// (classification), the numeric target (regression), or label-index sets (multi-label).
import { AppError } from '../../shared/errors';
import { decodeQaAnswers } from '../../shared/qa-answers';
import type { DatasetRow, DatasetSummary } from '../../shared/schemas';
import { DATASET_TASK_LABELS, trainerTaskOf, type TrainerTask } from '../../shared/tasks';

/** One split in the trainer's shape. */
export interface TrainingSplit {
  texts: string[];
  labels: number[];
  textPairs?: (string | null)[];
  labelSets?: number[][];
  /** Question answering: each question's reference answers in its context (empty lists: unanswerable). */
  answers?: { text: string[]; start: number[] }[];
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
  const qa = task === 'qa';
  // QA travels as a pair too: the question as text, the context as its pair (shared/trainer-protocol.ts).
  const pairs = datasetTask === 'pair_classification' || qa;
  const empty = (): TrainingSplit => ({
    texts: [],
    labels: [],
    ...(pairs ? { textPairs: [] } : {}),
    ...(task === 'multilabel' ? { labelSets: [] } : {}),
    ...(qa ? { answers: [] } : {}),
  });
  const splits = { train: empty(), validation: empty(), test: empty() };
  for (const row of rows) {
    const target = splits[row.split];
    // Pairs travel apart: a pretrained encoder puts [SEP] between them, the built-in model
    // joins them by a line break (main/training/run-model.ts).
    target.texts.push(row.text);
    if (pairs) target.textPairs!.push(row.textPair ?? null);
    if (qa) {
      target.labels.push(0);
      target.answers!.push(qaAnswersOf(dataset, row, target.texts.length - 1));
    } else if (task === 'regression') target.labels.push(Number(row.label));
    else if (task === 'multilabel') {
      // Stored as a sorted JSON array of label names (main/services/import/extract-rows.ts).
      target.labels.push(0);
      target.labelSets!.push((JSON.parse(row.label) as string[]).map((name) => index.get(name)!));
    } else target.labels.push(index.get(row.label)!);
  }
  const { train, validation, test } = splits;
  return { task, labelNames: dataset.labels, train, validation, ...(test.texts.length > 0 ? { test } : {}) };
}

/** A QA row's answers; a legacy label (first answer's text only) is located in its context. */
function qaAnswersOf(dataset: DatasetSummary, row: DatasetRow, indexInSplit: number): { text: string[]; start: number[] } {
  try {
    const { text, answer_start } = decodeQaAnswers(row.label, row.textPair ?? '');
    return { text, start: answer_start };
  } catch (error) {
    // Only labels stored before every answer was kept can fail here; re-importing the file stores them whole.
    throw new AppError('invalid_request', `dataset ${dataset.name}: ${row.split} row ${indexInSplit + 1} (question ${JSON.stringify(row.text.slice(0, 60))}) ${(error as Error).message.replace(/^the answer/, 'has the answer')}; import the file again to store its answers with their positions`);
  }
}
