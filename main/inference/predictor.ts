// The seam every model kind plugs into: a Predictor turns texts (or text pairs) into outputs.
// The built-in transformer (a run's best checkpoint), a run fine-tuned from a pretrained folder and
// an exported folder with a head all give logits; a raw pretrained folder has no head and gives
// only the final hidden state of its first token (`clsHidden`).
import type { PredictInput, Prediction } from '../../shared/predictor-protocol';
import type { Task } from '../../shared/schemas';
import { outputProbabilities } from '../training/evaluation';

/** A text (or text pair) in, its logits and named outputs out (shared/predictor-protocol.ts). */
export type { PredictInput, Prediction };

export interface Predictor {
  /** What was loaded, for messages: "run r-... (best step 40)" or a folder path. */
  readonly description: string;
  /** False for a raw pretrained encoder: only clsHidden is available. */
  readonly hasHead: boolean;
  readonly task: Task;
  /** Output names in logit order (empty without a head). */
  readonly labelNames: readonly string[];
  /** Approximate memory held (weights), for the cache's budget. */
  readonly bytes: number;
  predict(inputs: readonly PredictInput[]): Prediction[];
  /** Final hidden state of the first token per input (encoders that have one). */
  clsHidden?(inputs: readonly PredictInput[]): number[][];
  dispose(): void;
}

/** Names the outputs the way the evaluation scores them (same softmax / sigmoid / value). */
export function predictionOf(task: Task, labelNames: readonly string[], logits: number[]): Prediction {
  if (task === 'regression') return { logits, label: String(logits[0]), probabilities: {}, value: logits[0] };
  const probabilities = outputProbabilities(task, logits);
  const named = Object.fromEntries(labelNames.map((name, i) => [name, probabilities[i]]));
  if (task === 'multilabel') {
    const on = labelNames.filter((_, i) => probabilities[i] > 0.5);
    return { logits, label: on.join('|'), probabilities: named };
  }
  return { logits, label: labelNames[logits.indexOf(Math.max(...logits))], probabilities: named };
}

/**
 * Items 0..count-1 in batches of similar length (little padding), results back in item order.
 * The order depends on lengths only, so the same texts give the same batches every time.
 */
export function inLengthBatches<T>(count: number, batchSize: number, lengthOf: (index: number) => number, run: (indices: number[]) => T[]): T[] {
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => lengthOf(a) - lengthOf(b) || a - b);
  const out = new Array<T>(count);
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.slice(start, start + batchSize);
    run(indices).forEach((result, j) => (out[indices[j]] = result));
  }
  return out;
}
