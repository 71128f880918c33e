// Validation: task metrics, per-class scores, the confusion matrix and per-example predictions
// (so later views can diff runs example by example). Metric math is in shared/metrics.ts.
import type { Task } from '../../shared/schemas';
import {
  accuracy,
  confusionMatrix,
  macroF1,
  matthewsCorrelation,
  meanSquaredError,
  multilabelF1,
  pearson,
  perClassScores,
  spearman,
} from '../../shared/metrics';
import type { SegmentedInput } from './crops';
import type { ClassScores, ExamplePrediction } from './protocol';
import type { StepInput } from './training-step';

export interface EvalExample {
  /** Position in the start message's validation split. */
  index: number;
  input: SegmentedInput;
  label: number;
  multiHot?: number[];
}

export interface EvaluationResult {
  metrics: Record<string, number>;
  perClass?: ClassScores[];
  confusion?: number[][];
  predictions: ExamplePrediction[];
}

/** The metric a task is judged by when config.selectionMetric does not apply to it. */
export function defaultSelectionMetric(task: Task): string {
  return task === 'regression' ? 'pearson' : task === 'multilabel' ? 'micro_f1' : 'accuracy';
}

export function isLowerBetter(metric: string): boolean {
  return metric === 'loss' || metric === 'mse';
}

export function stepInputOf(examples: readonly EvalExample[], ids: (example: EvalExample) => number[] = (e) => e.input.ids): StepInput {
  return {
    inputs: [examples.map(ids)],
    labels: examples.map((e) => e.label),
    multiHot: examples[0]?.multiHot ? examples.map((e) => e.multiHot!) : undefined,
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Probabilities from one example's raw outputs, as the metrics read them: softmax over classes
 * (computed stably), an independent sigmoid per label for multilabel; regression has none.
 */
export function outputProbabilities(task: Task, output: readonly number[]): number[] {
  if (task === 'regression') return [];
  if (task === 'multilabel') return output.map(sigmoid);
  const top = Math.max(...output);
  const exps = output.map((x) => Math.exp(x - top));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * Scores raw outputs (logits; regression: one value) against the examples, in the same order.
 * Multilabel predictions report the top-scoring label (`gold`: the first gold label or -1), a
 * one-number summary for the example list; the metrics use every label at threshold 0.5.
 */
export function scoreOutputs(task: Task, examples: readonly EvalExample[], outputs: readonly number[][], losses: readonly number[], labelNames: readonly string[]): EvaluationResult {
  const loss = losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : Number.NaN;
  if (task === 'regression') {
    const predicted = outputs.map((o) => o[0]);
    const gold = examples.map((e) => e.label);
    return {
      metrics: { pearson: pearson(predicted, gold), spearman: spearman(predicted, gold), mse: meanSquaredError(predicted, gold), loss },
      predictions: examples.map((e, i) => ({ index: e.index, predicted: predicted[i], gold: e.label, confidence: Math.abs(predicted[i] - e.label) })),
    };
  }
  if (task === 'multilabel') {
    const predictedSets = outputs.map((o) => o.flatMap((x, l) => (x > 0 ? [l] : [])));
    const goldSets = examples.map((e) => (e.multiHot ?? []).flatMap((z, l) => (z > 0 ? [l] : [])));
    return {
      metrics: { ...multilabelF1(predictedSets, goldSets, labelNames.length), loss },
      predictions: examples.map((e, i) => {
        const top = outputs[i].indexOf(Math.max(...outputs[i]));
        return { index: e.index, predicted: top, gold: goldSets[i][0] ?? -1, confidence: sigmoid(outputs[i][top]) };
      }),
    };
  }
  const numClasses = labelNames.length;
  const predicted = outputs.map((o) => o.indexOf(Math.max(...o)));
  const gold = examples.map((e) => e.label);
  const confusion = confusionMatrix(predicted, gold, numClasses);
  return {
    metrics: { accuracy: accuracy(predicted, gold), macro_f1: macroF1(predicted, gold, numClasses), mcc: matthewsCorrelation(confusion), loss },
    perClass: perClassScores(confusion).map((score, c) => ({ label: labelNames[c], ...score })),
    confusion,
    predictions: examples.map((e, i) => {
      // Softmax probability of the predicted class, computed stably.
      const top = outputs[i][predicted[i]];
      const sum = outputs[i].reduce((a, x) => a + Math.exp(x - top), 0);
      return { index: e.index, predicted: predicted[i], gold: e.label, confidence: 1 / sum };
    }),
  };
}
