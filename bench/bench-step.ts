// One timed training step as the engine runs it (gradients of all copies, global norm, clipping,
// AdamW), on full-length random sequences: shared by bench/step-time.ts and
// bench/ablation-passes.ts.
import * as tf from '@tensorflow/tfjs';
import { TransformerClassifier } from '../main/training/model';
import { dropoutStepSeed } from '../main/training/nested-dropout';
import { AdamW, clipGradients, globalNorm } from '../main/training/optimizer';
import { stepGradients, type StepInput } from '../main/training/training-step';
import { mulberry32 } from '../shared/random';
import { DEFAULT_MODEL, DEFAULT_RUN_CONFIG, type RunConfig } from '../shared/schemas';

export const BATCH_SIZE = 32;
export const SEQ_LENGTH = 128;
export const WARMUP_STEPS = 3;

export interface LossTiming {
  msPerStep: number; // median
  minMs: number;
  maxMs: number;
  steps: number;
}

export function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Median ms per optimizer step for `patch` over the default config and model. */
export function timeSteps(patch: Partial<RunConfig>, timedSteps: number): LossTiming {
  const config: RunConfig = { ...DEFAULT_RUN_CONFIG, maxLength: SEQ_LENGTH, model: DEFAULT_MODEL, ...patch };
  const model = new TransformerClassifier({ ...DEFAULT_MODEL, maxLength: SEQ_LENGTH, numClasses: 2 }, 1);
  const optimizer = new AdamW(model.variables, { weightDecay: config.weightDecay });
  const next = mulberry32(7);
  // Full-length sequences: the worst case for attention, and what long IMDB reviews look like.
  const full = Array.from({ length: BATCH_SIZE }, () =>
    Array.from({ length: SEQ_LENGTH }, () => 2 + Math.floor(next() * (DEFAULT_MODEL.vocabSize - 2))),
  );
  // Crops keep a nested prefix-free subset: here every crop keeps 3/4 of the previous one.
  const inputs = [full];
  for (let c = 0; c < config.crops; c++) inputs.push(inputs[c].map((ids) => ids.filter((_, i) => i % 4 !== 3)));
  const input: StepInput = { inputs, labels: full.map((_, i) => i % 2) };
  const durations: number[] = [];
  for (let step = 0; step < WARMUP_STEPS + timedSteps; step++) {
    const began = performance.now();
    const { grads } = stepGradients(model, input, config, 'classification', dropoutStepSeed(1, step));
    const norm = globalNorm(grads);
    const clipped = clipGradients(grads, norm, config.clipNorm);
    optimizer.apply(clipped, config.learningRate);
    for (const t of [...grads, ...clipped]) t.dispose();
    if (step >= WARMUP_STEPS) durations.push(performance.now() - began);
  }
  model.dispose();
  optimizer.dispose();
  if (tf.memory().numTensors > 1000) throw new Error('bench leaks tensors');
  return { msPerStep: median(durations), minMs: Math.min(...durations), maxMs: Math.max(...durations), steps: durations.length };
}
