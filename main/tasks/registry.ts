// Every task head, by the trainer task it serves. A new task registers here (and nowhere else in
// main/): the trainer, evaluation, utility and inference look heads up by task.
import type { Task } from '../../shared/schemas';
import { classificationHead } from './classification';
import { multilabelHead } from './multilabel';
import { questionAnsweringHead } from './question-answering';
import { regressionHead } from './regression';
import type { TaskHead } from './task-head';

const HEADS: Readonly<Record<Task, TaskHead>> = {
  classification: classificationHead,
  regression: regressionHead,
  multilabel: multilabelHead,
  qa: questionAnsweringHead,
};

export function taskHead(task: Task): TaskHead {
  return HEADS[task];
}

export const TASK_HEADS: readonly TaskHead[] = Object.values(HEADS);
export type { AnswerWindow, BatchTargets, RowTargets, ScoredExample, ScoreOptions, SpanTarget, TaskEvaluation, TaskHead } from './task-head';
export { disposeRowTargets } from './task-head';
