// The trainer's optimizer step, as the engine runs it and the benchmarks time it: gradients of every
// micro-batch (all model copies), averaged (gradient accumulation), divergence checks, global-norm
// clipping, the learning-rate schedule and the AdamW update. HF Trainer's `training_step` seam.
import * as tf from '@tensorflow/tfjs';
import type { RunConfig, Task } from '../../shared/schemas';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { dropoutStepSeed } from '../models/nested-dropout';
import { type AdamW, clipGradients, globalNorm } from './optimizer';
import type { StepSample } from './protocol';
import { type StepInput, type StepOutcome, stepGradients } from './training-step';

export interface StepContext {
  model: SequenceClassifier;
  optimizer: AdamW;
  config: RunConfig;
  task: Task;
  totalSteps: number;
  stepsPerEpoch: number;
}

/** Linear warmup over the first `warmupFraction` of steps, then linear decay to zero. */
export function learningRateAt(step: number, totalSteps: number, peak: number, warmupFraction = 0.1): number {
  const warmup = Math.round(totalSteps * warmupFraction);
  if (step < warmup) return (peak * (step + 1)) / warmup;
  return (peak * Math.max(0, totalSteps - step)) / Math.max(1, totalSteps - warmup);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Optimizer step number `step` (0-based) over `microBatches` (one per accumulated micro-batch, in
 * order). Micro-batch j's dropout masks come from (seed, step * gradAccumulation + j), so a resumed
 * run draws the same masks. Throws on a non-finite loss or gradient norm, with the likely cause.
 */
export function optimizerStep(ctx: StepContext, microBatches: readonly StepInput[], step: number): StepSample {
  const { model, optimizer, config, task } = ctx;
  const outcomes: StepOutcome[] = [];
  // Held in an object: TypeScript does not follow assignments made inside the forEach callback.
  const acc: { summed: tf.Tensor[] | null } = { summed: null };
  try {
    microBatches.forEach((input, j) => {
      const micro = step * config.gradAccumulation + j;
      const { grads, outcome } = stepGradients(model, input, config, task, dropoutStepSeed(config.seed, micro));
      outcomes.push(outcome);
      const previous = acc.summed;
      acc.summed = previous ? grads.map((g, i) => tf.add(previous[i], g)) : grads;
      if (previous) for (const t of [...previous, ...grads]) t.dispose();
    });
    const loss = mean(outcomes.map((o) => o.loss));
    const copyLosses = outcomes[0].copyLosses.map((_, k) => mean(outcomes.map((o) => o.copyLosses[k])));
    if (!Number.isFinite(loss) || !copyLosses.every(Number.isFinite)) {
      throw new Error(`Training diverged at step ${step + 1}: loss is ${loss} (copy losses ${copyLosses.join(', ')}). ${divergenceHint(config)}`);
    }
    // Accumulated micro-batch gradients are averaged: the update matches one larger batch.
    const averaged: tf.Tensor[] = acc.summed!.map((g) => tf.div(g, microBatches.length));
    const gradNorm = globalNorm(averaged);
    if (!Number.isFinite(gradNorm)) {
      averaged.forEach((t) => t.dispose());
      throw new Error(`Training diverged at step ${step + 1}: the gradient norm is ${gradNorm}. ${divergenceHint(config)}`);
    }
    const clipped = clipGradients(averaged, gradNorm, config.clipNorm);
    const lr = learningRateAt(step, ctx.totalSteps, config.learningRate, config.warmupFraction);
    optimizer.apply(clipped, lr);
    for (const t of [...averaged, ...clipped]) t.dispose();
    const cmpLoss = outcomes[0].cmpLoss === null ? null : mean(outcomes.map((o) => o.cmpLoss!));
    return { step: step + 1, epoch: (step + 1) / ctx.stepsPerEpoch, loss, copyLosses, cmpLoss, lr, gradNorm };
  } finally {
    acc.summed?.forEach((t) => t.dispose());
  }
}

/** A tiny temperature divides loss differences into overflow; otherwise the step size is the usual cause. */
function divergenceHint(config: RunConfig): string {
  if (config.loss === 'comparative' && config.temperature < 0.01) return `The temperature ${config.temperature} is very small; try 1 (the paper's value).`;
  return 'Try a lower learning rate.';
}
