// The training loop: data preparation, seeded shuffling, optimizer steps, periodic evaluation,
// progress reporting and cooperative pause/cancel. Talks to the outside only through `emit`
// (protocol messages) and a TrainingControl, so it runs the same in a forked process, an
// Electron utility process, a benchmark or a test.
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../shared/schemas';
import { chunk, disposeBatch, type EncodedExample, padBatch } from './batching';
import { accuracy, macroF1 } from './metrics';
import { TransformerClassifier } from './model';
import { dropoutStepSeed } from './nested-dropout';
import type { StepSample, TrainerStartMessage, TrainerToParent } from './protocol';
import { mixSeed, mulberry32, shuffledIndices } from '../../shared/random';
import { WordTokenizer } from './tokenizer';
import { evaluationBatch, type StepOutcome, trainingStep } from './training-step';

const EVAL_BATCH_SIZE = 64;
const WARMUP_FRACTION = 0.1;

/** Pause/cancel requests from the parent, checked by the loop once per step. */
export class TrainingControl {
  private cancelled = false;
  private paused = false;
  private wake: (() => void) | null = null;

  cancel(): void {
    this.cancelled = true;
    this.wake?.();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /**
   * Yields to the event loop (so incoming messages get handled), then blocks while paused.
   * Returns false when the run should stop.
   */
  async checkpoint(emit: (message: TrainerToParent) => void): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.paused && !this.cancelled) {
      emit({ type: 'paused' });
      while (this.paused && !this.cancelled) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
      if (!this.cancelled) emit({ type: 'resumed' });
    }
    return !this.cancelled;
  }
}

export type TrainingOutcome = 'done' | 'cancelled';

export interface TrainingIO {
  emit(message: TrainerToParent): void;
  control: TrainingControl;
}

/** Linear warmup over the first 10% of steps, then linear decay to zero. */
export function learningRateAt(step: number, totalSteps: number, peak: number): number {
  const warmup = Math.max(1, Math.round(totalSteps * WARMUP_FRACTION));
  if (step < warmup) return (peak * (step + 1)) / warmup;
  return (peak * Math.max(0, totalSteps - step)) / Math.max(1, totalSteps - warmup);
}

/** A seeded subset of `count` indices out of `total` (all of them when count is 0 or larger). */
function cappedIndices(total: number, count: number, seed: number): number[] {
  if (count <= 0 || count >= total) return Array.from({ length: total }, (_, i) => i);
  return shuffledIndices(total, mulberry32(mixSeed(seed, 0x5ab))).slice(0, count).sort((a, b) => a - b);
}

async function evaluate(
  model: TransformerClassifier,
  batches: EncodedExample[][],
  numClasses: number,
  control: TrainingControl,
  emit: (message: TrainerToParent) => void,
): Promise<Record<string, number> | null> {
  const losses: number[] = [];
  const predictions: number[] = [];
  const actual: number[] = [];
  for (const examples of batches) {
    const batch = padBatch(examples);
    try {
      const result = evaluationBatch(model, batch);
      losses.push(...result.losses);
      predictions.push(...result.predictions);
      actual.push(...batch.labels);
    } finally {
      disposeBatch(batch);
    }
    if (!(await control.checkpoint(emit))) return null;
  }
  const meanLoss = losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : Number.NaN;
  return { accuracy: accuracy(predictions, actual), macro_f1: macroF1(predictions, actual, numClasses), loss: meanLoss };
}

/** Fails early, with the split named, on data the loss would otherwise silently mis-score. */
function checkSplit(name: string, split: TrainerStartMessage['train'], numClasses: number): void {
  if (split.texts.length !== split.labels.length) {
    throw new Error(`The ${name} split has ${split.texts.length} texts but ${split.labels.length} labels.`);
  }
  const bad = split.labels.findIndex((label) => !Number.isInteger(label) || label < 0 || label >= numClasses);
  if (bad >= 0) {
    throw new Error(`The ${name} split has label ${split.labels[bad]} at row ${bad}; expected 0..${numClasses - 1}.`);
  }
}

export async function runTraining(start: TrainerStartMessage, io: TrainingIO): Promise<TrainingOutcome> {
  const { config, labelNames, progressIntervalMs } = start;
  const { emit, control } = io;
  const numClasses = labelNames.length;
  checkSplit('training', start.train, numClasses);
  checkSplit('validation', start.validation, numClasses);
  const trainIndices = cappedIndices(start.train.texts.length, config.maxTrainExamples, config.seed);
  if (trainIndices.length === 0) throw new Error('The training split is empty: nothing to train on.');

  const tokenizer = WordTokenizer.fit(trainIndices.map((i) => start.train.texts[i]), config.model.vocabSize);
  const encode = (texts: string[], labels: number[], indices: number[]): EncodedExample[] =>
    indices.map((i) => ({ ids: tokenizer.encode(texts[i], config.maxLength), label: labels[i] }));
  const train = encode(start.train.texts, start.train.labels, trainIndices);
  const validation = encode(
    start.validation.texts,
    start.validation.labels,
    start.validation.texts.map((_, i) => i),
  );
  // Validation sorted by length so each batch pads little; the order does not affect metrics.
  const validationBatches = chunk([...validation].sort((a, b) => a.ids.length - b.ids.length), EVAL_BATCH_SIZE);

  const stepsPerEpoch = Math.ceil(train.length / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const model = new TransformerClassifier(
    { ...config.model, maxLength: config.maxLength, numClasses },
    mixSeed(config.seed, 0x1417),
  );
  const optimizer = tf.train.adam(config.learningRate);
  // AdamOptimizer reads `learningRate` on every applyGradients; tfjs has no public setter.
  const schedule = optimizer as unknown as { learningRate: number };
  const shuffle = mulberry32(mixSeed(config.seed, 0x5f1));

  const startedAt = Date.now();
  let trainingMs = 0;
  let lastProgressAt = -Infinity;
  let pending: StepSample[] = [];
  let step = 0;
  let lastMetrics: Record<string, number> | null = null;

  const flushProgress = () => {
    if (pending.length === 0) return;
    const msPerStep = trainingMs / Math.max(1, step);
    emit({
      type: 'progress',
      step,
      totalSteps,
      epoch: step / stepsPerEpoch,
      elapsedMs: Date.now() - startedAt,
      etaMs: step > 0 ? Math.round(msPerStep * (totalSteps - step)) : null,
      samples: pending,
    });
    pending = [];
    lastProgressAt = Date.now();
  };
  const stop = (): TrainingOutcome => {
    flushProgress(); // samples already taken are never dropped
    emit({ type: 'cancelled' });
    return 'cancelled';
  };
  const runEvaluation = async (): Promise<boolean> => {
    if (validationBatches.length === 0) return true; // nothing to measure on
    flushProgress();
    const metrics = await evaluate(model, validationBatches, numClasses, control, emit);
    if (!metrics) return false;
    lastMetrics = metrics;
    emit({ type: 'eval', step, epoch: step / stepsPerEpoch, metrics });
    return true;
  };

  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const order = shuffledIndices(train.length, shuffle);
      for (const indices of chunk(order, config.batchSize)) {
        schedule.learningRate = learningRateAt(step, totalSteps, config.learningRate);
        const batch = padBatch(indices.map((i) => train[i]));
        const began = performance.now();
        let outcome: StepOutcome;
        try {
          outcome = trainingStep(model, optimizer, batch, config, dropoutStepSeed(config.seed, step));
        } finally {
          disposeBatch(batch);
        }
        trainingMs += performance.now() - began;
        step++;
        if (!Number.isFinite(outcome.loss) || !outcome.copyLosses.every(Number.isFinite)) {
          throw new Error(
            `Training diverged at step ${step}: loss is ${outcome.loss} (copy losses ${outcome.copyLosses.join(', ')}). ` +
              'Try a lower learning rate.',
          );
        }
        pending.push({ step, epoch: step / stepsPerEpoch, ...outcome });
        if (Date.now() - lastProgressAt >= progressIntervalMs) flushProgress();
        if (!(await control.checkpoint(emit))) return stop();
        const epochEnds = step % stepsPerEpoch === 0;
        if (config.evalEverySteps > 0 && step % config.evalEverySteps === 0 && !epochEnds) {
          if (!(await runEvaluation())) return stop();
        }
      }
      if (!(await runEvaluation())) return stop();
    }
    flushProgress();
    const msPerStep = trainingMs / Math.max(1, step);
    const finalMetrics: Record<string, number> = { ...(lastMetrics ?? {}), ms_per_step: msPerStep, steps: step };
    emit({ type: 'done', metrics: finalMetrics, elapsedMs: Date.now() - startedAt, msPerStep });
    return 'done';
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
