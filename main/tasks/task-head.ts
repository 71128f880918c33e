// A task is a head over the encoder's pooled output, in the manner of Hugging Face's
// `*ForSequenceClassification` heads: how wide the output row is, what the targets are, the
// per-example loss the comparative objective consumes as a [B, 1 + C] table (docs/method.md#objective),
// how outputs decode into predictions, and how a split is scored. The trainer, the evaluation, the
// neuronal-utility sweep and inference all go through this interface; adding a task is one file
// here plus its registration in registry.ts (and its view in the renderer).
import type * as tf from '@tensorflow/tfjs';
import type { ClassScores, PredictionRow, SelectionMetric, Task } from '../../shared/schemas';

/** The targets of a batch of examples, as plain numbers. */
export interface BatchTargets {
  /** Classification: class id; regression: the target value; multilabel: unused (0). */
  labels: readonly number[];
  /** Multilabel: 0/1 per label per example. */
  multiHot?: readonly (readonly number[])[];
}

/** Per-row target tensors, already repeated once per model copy to match stacked logits. */
export interface RowTargets {
  /** Classification: int32 class ids [rows]; regression: float targets [rows]. */
  labels?: tf.Tensor1D;
  /** Multilabel: 0/1 float [rows, numLabels]. */
  multiHot?: tf.Tensor2D;
}

/** One scored example, in the order the caller gives them. */
export interface ScoredExample {
  /** Position in the split being scored. */
  index: number;
  label: number;
  multiHot?: readonly number[];
}

/** A split scored by a head: the numbers every view reads. */
export interface TaskEvaluation {
  metrics: Record<string, number>;
  /** Per class (classification) or per label (multilabel); absent for regression. */
  perClass?: ClassScores[];
  /** confusion[gold][predicted] (classification only). */
  confusion?: number[][];
  predictions: PredictionRow[];
}

/** What a split of the trainer's start message carries for a head to check. */
export interface SplitTargets {
  labels: readonly number[];
  labelSets?: readonly (readonly number[])[];
}

export interface TaskHead {
  readonly task: Task;
  /** Width of the model's output row for a dataset with `numLabels` label names. */
  outputWidth(numLabels: number): number;
  /** The metric checkpoints are selected on when the run's configured one does not apply. */
  readonly defaultSelectionMetric: SelectionMetric;
  /** Metrics the comparison table shows for this task, in order (timing and utility rows are added by the table). */
  readonly tableMetrics: readonly string[];
  /** Throws, naming the split and row, on targets the loss would silently mis-score. */
  checkTargets(splitName: string, split: SplitTargets, numLabels: number): void;
  /** Targets of one batch as tensors, repeated `copies` times (copy-major, like stacked logits). */
  rowTargets(batch: BatchTargets, copies: number): RowTargets;
  /** Task loss per row of outputs [rows, width]: [rows]. */
  perExampleLoss(outputs: tf.Tensor2D, targets: RowTargets): tf.Tensor1D;
  /** Probabilities of one example's outputs as the metrics read them (none for regression). */
  probabilities(output: readonly number[]): number[];
  /** Scores outputs against examples in the same order; `losses` are the per-example task losses. */
  score(examples: readonly ScoredExample[], outputs: readonly (readonly number[])[], losses: readonly number[], labelNames: readonly string[]): TaskEvaluation;
}

export const meanOf = (values: readonly number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);

/** rows repeated `copies` times, copy-major. */
export const repeatRows = <T>(rows: readonly T[], copies: number): T[] => Array.from({ length: copies }, () => rows).flat() as T[];
