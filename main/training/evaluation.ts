// Scoring a split with the run's task head (main/tasks/): task metrics, per-class scores, the
// confusion matrix and per-example predictions (so later views can diff runs example by example).
import type { Task } from '../../shared/schemas';
import { metricIsLowerBetter } from '../../shared/verdict';
import { type AnswerWindow, type ScoreOptions, type SpanTarget, type TaskEvaluation, taskHead } from '../tasks/registry';
import type { SegmentedInput } from './crops';
import type { StepInput } from './training-step';

export interface EvalExample {
  /** Position in the start message's split (validation or test) it came from. */
  index: number;
  input: SegmentedInput;
  label: number;
  multiHot?: number[];
  /** Question answering: the answer's positions in `input` (the window), and what decoding needs. */
  span?: SpanTarget;
  window?: AnswerWindow;
}

export type EvaluationResult = TaskEvaluation;

/** The metric checkpoints are selected on: the configured one where the task reports it, else the head's default. */
export function selectionMetricFor(task: Task, configured: string, metrics: Record<string, number>): string {
  return metrics[configured] !== undefined ? configured : taskHead(task).defaultSelectionMetric;
}

export const isLowerBetter = metricIsLowerBetter;

export function stepInputOf(examples: readonly EvalExample[], ids: (example: EvalExample) => number[] = (e) => e.input.ids): StepInput {
  return {
    inputs: [examples.map(ids)],
    labels: examples.map((e) => e.label),
    multiHot: examples[0]?.multiHot ? examples.map((e) => e.multiHot!) : undefined,
    spans: examples[0]?.span ? [examples.map((e) => e.span!)] : undefined,
  };
}

/** Probabilities from one example's raw outputs, as the metrics read them (the head's decoding). */
export function outputProbabilities(task: Task, output: readonly number[]): number[] {
  return taskHead(task).probabilities(output);
}

/** Scores raw outputs (logits; regression: one value) against the examples, in the same order. */
export function scoreOutputs(task: Task, examples: readonly EvalExample[], outputs: readonly number[][], losses: readonly number[], labelNames: readonly string[], options?: ScoreOptions): EvaluationResult {
  return taskHead(task).score(examples, outputs, losses, labelNames, options);
}
