// The one vocabulary of tasks. A dataset's task is what the import found (or a person chose) and
// what the views show; the trainer's task is the head it builds over the encoder (main/tasks/).
// They differ on purpose: a text pair trains as a classification head whose input is the pair.
// Pure zod (test/unit/layering.test.ts).
import { z } from 'zod';

export const DatasetTaskSchema = z.enum(['classification', 'pair_classification', 'regression', 'multilabel', 'qa']);
export type DatasetTask = z.infer<typeof DatasetTaskSchema>;

/** The heads the trainer can build (the registry in main/tasks/registry.ts has one per value). */
export const TrainerTaskSchema = z.enum(['classification', 'regression', 'multilabel', 'qa']);
export type TrainerTask = z.infer<typeof TrainerTaskSchema>;

const TRAINER_TASK_OF: Readonly<Record<DatasetTask, TrainerTask | null>> = {
  classification: 'classification',
  pair_classification: 'classification',
  regression: 'regression',
  multilabel: 'multilabel',
  qa: 'qa',
};

/** The head a dataset of this task trains; null where none exists yet. */
export function trainerTaskOf(task: DatasetTask): TrainerTask | null {
  return TRAINER_TASK_OF[task];
}

/** Dataset tasks whose rows carry one class name each (labels are counted, stratified, normalised). */
export function isSingleLabelTask(task: DatasetTask): task is 'classification' | 'pair_classification' {
  return task === 'classification' || task === 'pair_classification';
}

/** Names a person reads in the import panel and the dataset views. */
export const DATASET_TASK_LABELS: Readonly<Record<DatasetTask, string>> = {
  classification: 'Classification',
  pair_classification: 'Sentence-pair classification',
  regression: 'Regression',
  multilabel: 'Multi-label',
  qa: 'Question answering',
};

export const TRAINER_TASK_LABELS: Readonly<Record<TrainerTask, string>> = {
  classification: 'Classification',
  regression: 'Regression',
  multilabel: 'Multi-label',
  qa: 'Question answering',
};
