// A task is a head over the encoder's pooled output, in the manner of Hugging Face's
// `*ForSequenceClassification` heads: how wide the output row is, what the targets are, the
// per-example loss the comparative objective consumes as a [B, 1 + C] table (docs/method.md#objective),
// how outputs decode into predictions, and how a split is scored. The trainer, the evaluation, the
// neuronal-utility sweep and inference all go through this interface; adding a task is one file
// here plus its registration in registry.ts (and its view in the renderer).
import type * as tf from '@tensorflow/tfjs';
import type { ClassScores, PredictionRow, SelectionMetric, Task } from '../../shared/schemas';

/**
 * Question answering: one window's answer as token positions of its (possibly cropped) input, and
 * where the context lies in it. The "no answer" label is position 0 for both ([CLS] / <s>).
 */
export interface SpanTarget {
  start: number;
  end: number;
  /** Context tokens are [contextStart, contextStop): the only positions, with 0, an answer may take. */
  contextStart: number;
  contextStop: number;
}

/** What decoding a window's logits back to text needs (question answering). */
export interface AnswerWindow {
  /** The question's id within the split, shared by all its windows. */
  id: string;
  /** The whole context the window was cut from. */
  context: string;
  /** Reference answer texts ([] = unanswerable). */
  answers: readonly string[];
  /** Per token of the full (uncropped) window: its span in the context, null outside it. */
  offsets: readonly (readonly [number, number] | null)[];
}

/** The targets of a batch of examples, as plain numbers. */
export interface BatchTargets {
  /** Classification: class id; regression: the target value; multilabel: unused (0). */
  labels: readonly number[];
  /** Multilabel: 0/1 per label per example. */
  multiHot?: readonly (readonly number[])[];
  /** Question answering: spans[crop][example], crop 0 the full input (crops move the answer). */
  spans?: readonly (readonly SpanTarget[])[];
}

/** Per-row target tensors, already repeated once per model copy to match stacked logits. */
export interface RowTargets {
  /** Classification: int32 class ids [rows]; regression: float targets [rows]. */
  labels?: tf.Tensor1D;
  /** Multilabel: 0/1 float [rows, numLabels]. */
  multiHot?: tf.Tensor2D;
  /** Question answering, int32 [rows] each: answer start and end, context start and stop. */
  spanStart?: tf.Tensor1D;
  spanEnd?: tf.Tensor1D;
  contextStart?: tf.Tensor1D;
  contextStop?: tf.Tensor1D;
}

/** Disposes whichever target tensors a head made. */
export function disposeRowTargets(targets: RowTargets): void {
  for (const t of [targets.labels, targets.multiHot, targets.spanStart, targets.spanEnd, targets.contextStart, targets.contextStop]) t?.dispose();
}

/** One scored example, in the order the caller gives them. */
export interface ScoredExample {
  /** Position in the split being scored. */
  index: number;
  label: number;
  multiHot?: readonly number[];
  /** Question answering: the window this output row is, `index` being its question's row. */
  window?: AnswerWindow;
}

/** What scoring may carry from one split to another. */
export interface ScoreOptions {
  /**
   * Question answering with unanswerable questions: the no-answer probability above which a
   * question is answered "". Absent: chosen on the split being scored (validation); the held-out
   * test split gets the one validation chose, so its score is not tuned on itself.
   */
  noAnswerThreshold?: number;
  /** Question answering: the longest answer in tokens (default 30, run_qa's). */
  maxAnswerLength?: number;
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
  /** Question answering: each question's reference answers. */
  answers?: readonly unknown[];
}

export interface TaskHead {
  readonly task: Task;
  /**
   * 'sequence': one output row per input, read from the pooled / first token (the
   * `*ForSequenceClassification` heads). 'tokens': `outputWidth` outputs per token, laid out as
   * [rows, outputWidth * T], output channel major (all start logits, then all end logits), as
   * `*ForQuestionAnswering`'s qa_outputs.
   */
  readonly reads: 'sequence' | 'tokens';
  /** Width of the model's output row for a dataset with `numLabels` label names. */
  outputWidth(numLabels: number): number;
  /** The metric checkpoints are selected on when the run's configured one does not apply. */
  readonly defaultSelectionMetric: SelectionMetric;
  /** Metrics the comparison table shows for this task, in order (timing and utility rows are added by the table). */
  readonly tableMetrics: readonly string[];
  /** Throws, naming the split and row, on targets the loss would silently mis-score. */
  checkTargets(splitName: string, split: SplitTargets, numLabels: number): void;
  /** Targets of one batch as tensors at crop level `crop` (default 0), repeated `copies` times (copy-major, like stacked logits). */
  rowTargets(batch: BatchTargets, copies: number, crop?: number): RowTargets;
  /** Task loss per row of outputs [rows, width]: [rows]. */
  perExampleLoss(outputs: tf.Tensor2D, targets: RowTargets): tf.Tensor1D;
  /**
   * A loss made of parts the comparative objective ranks separately and averages (question
   * answering: the start and the end losses, as the reference's CmpQA); perExampleLoss is their
   * mean. Absent: one part, perExampleLoss.
   */
  perExampleLossParts?(outputs: tf.Tensor2D, targets: RowTargets): tf.Tensor1D[];
  /** Probabilities of one example's outputs as the metrics read them (none for regression). */
  probabilities(output: readonly number[]): number[];
  /** Scores outputs against examples in the same order; `losses` are the per-example task losses. */
  score(examples: readonly ScoredExample[], outputs: readonly (readonly number[])[], losses: readonly number[], labelNames: readonly string[], options?: ScoreOptions): TaskEvaluation;
}

export const meanOf = (values: readonly number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);

/** rows repeated `copies` times, copy-major. */
export const repeatRows = <T>(rows: readonly T[], copies: number): T[] => Array.from({ length: copies }, () => rows).flat() as T[];
