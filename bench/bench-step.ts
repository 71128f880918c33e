// One timed training step: the trainer's own step function (main/training/trainer-step.ts), on
// full-length random sequences: shared by bench/step-time.ts and
// bench/ablation-passes.ts.
import * as tf from '@tensorflow/tfjs';
import { PretrainedEncoderClassifier } from '../main/models/pretrained-classifier';
import { parseHfConfig } from '../main/pretrained/hf-config';
import type { NamedTensor } from '../main/pretrained/safetensors';
import { encoderSpecs } from '../main/pretrained/weight-names';
import type { SequenceClassifier } from '../main/models/sequence-classifier';
import { TransformerClassifier } from '../main/models/builtin-classifier';
import { AdamW } from '../main/training/optimizer';
import { optimizerStep } from '../main/training/trainer-step';
import type { StepInput } from '../main/training/training-step';
import { mixSeed, mulberry32, normalArray } from '../shared/random';
import { DEFAULT_MODEL, DEFAULT_RUN_CONFIG, type ModelConfig, type RunConfig } from '../shared/schemas';

export const BATCH_SIZE = 32;
export const SEQ_LENGTH = 128;
export const WARMUP_STEPS = 3;

/** BERT-tiny's dimensions (google/bert_uncased_L-2_H-128_A-2). */
const BERT_TINY: ModelConfig = { vocabSize: 30522, dim: 128, layers: 2, heads: 2, ffnDim: 512 };

export interface BenchModel {
  model: ModelConfig;
  architecture: string;
  build(): SequenceClassifier;
}

/** 4A's faithful BERT (main/pretrained) at BERT-tiny's config, N(0, 0.02) weights (speed only). */
function pretrainedBertTiny(): SequenceClassifier {
  const config = parseHfConfig({
    model_type: 'bert', vocab_size: BERT_TINY.vocabSize, hidden_size: BERT_TINY.dim, num_hidden_layers: BERT_TINY.layers,
    num_attention_heads: BERT_TINY.heads, intermediate_size: BERT_TINY.ffnDim, max_position_embeddings: 512,
  }, 'bench/bench-step.ts');
  const weights = new Map<string, NamedTensor>();
  encoderSpecs(config).forEach((spec, i) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = spec.name.endsWith('LayerNorm.weight') ? new Float32Array(size).fill(1) : normalArray(size, 0.02, mixSeed(1, i));
    weights.set(spec.name, { shape: [...spec.shape], data });
  });
  return new PretrainedEncoderClassifier(config, weights, { outputs: 2, seed: 1 });
}

/** The models the bench times (bench/pytorch_step.py has the same names). */
export const BENCH_MODELS: Record<string, BenchModel> = {
  'bert-tiny': {
    model: BERT_TINY,
    architecture: 'TransformerClassifier (main/models/builtin-classifier.ts): token + position embeddings, post-LN, quick GELU, masked mean pooling',
    build: () => new TransformerClassifier({ ...BERT_TINY, maxLength: SEQ_LENGTH, numClasses: 2 }, 1),
  },
  'bert-tiny-hf': {
    model: BERT_TINY,
    architecture: 'PretrainedEncoderClassifier (main/models, BERT): + token types, LN eps 1e-12, erf GELU, [CLS] tanh pooler',
    build: pretrainedBertTiny,
  },
  default: {
    model: DEFAULT_MODEL,
    architecture: 'TransformerClassifier (main/models/builtin-classifier.ts), the built-in default model',
    build: () => new TransformerClassifier({ ...DEFAULT_MODEL, maxLength: SEQ_LENGTH, numClasses: 2 }, 1),
  },
};

export interface LossTiming {
  msPerStep: number; // median
  /** Median CPU time (user + system, all threads) per step: less at the mercy of neighbours. */
  cpuMsPerStep: number;
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

/**
 * Times the trainer's own optimizer step (main/training/trainer-step.ts: all copies forward +
 * backward, global-norm clip, schedule, AdamW) of `model` on one fixed batch, after `warmup`
 * untimed steps, then disposes the model. CPU ms per step is this process's CPU time: steadier
 * than wall time on a shared machine. Shared by every step bench.
 */
export function timeOptimizerSteps(model: SequenceClassifier, input: StepInput, config: RunConfig, warmup: number, timedSteps: number): LossTiming {
  const optimizer = new AdamW(model.variables, { weightDecay: config.weightDecay });
  const total = warmup + timedSteps;
  const context = { model, optimizer, config: { ...config, gradAccumulation: 1 }, task: 'classification' as const, totalSteps: total, stepsPerEpoch: total };
  const durations: number[] = [];
  const cpuDurations: number[] = [];
  for (let step = 0; step < total; step++) {
    const began = performance.now();
    const cpuBegan = process.cpuUsage();
    optimizerStep(context, [input], step);
    if (step >= warmup) {
      durations.push(performance.now() - began);
      const cpu = process.cpuUsage(cpuBegan);
      cpuDurations.push((cpu.user + cpu.system) / 1000);
    }
  }
  model.dispose();
  optimizer.dispose();
  return { msPerStep: median(durations), cpuMsPerStep: median(cpuDurations), minMs: Math.min(...durations), maxMs: Math.max(...durations), steps: durations.length };
}

/** Median ms per optimizer step for `patch` over the default config, for one of BENCH_MODELS. */
export function timeSteps(patch: Partial<RunConfig>, timedSteps: number, modelName = 'default'): LossTiming {
  const bench = BENCH_MODELS[modelName];
  if (!bench) throw new Error(`unknown model ${modelName} (${Object.keys(BENCH_MODELS).join(', ')})`);
  const shape = bench.model;
  const config: RunConfig = { ...DEFAULT_RUN_CONFIG, maxLength: SEQ_LENGTH, model: shape, ...patch };
  const model = bench.build();
  const next = mulberry32(7);
  // Full-length sequences: the worst case for attention, and what long IMDB reviews look like.
  const full = Array.from({ length: BATCH_SIZE }, () =>
    Array.from({ length: SEQ_LENGTH }, () => 2 + Math.floor(next() * (shape.vocabSize - 2))),
  );
  // Crops keep a nested prefix-free subset: here every crop keeps 3/4 of the previous one.
  const inputs = [full];
  for (let c = 0; c < config.crops; c++) inputs.push(inputs[c].map((ids) => ids.filter((_, i) => i % 4 !== 3)));
  const input: StepInput = { inputs, labels: full.map((_, i) => i % 2) };
  const timing = timeOptimizerSteps(model, input, config, WARMUP_STEPS, timedSteps);
  if (tf.memory().numTensors > 1000) throw new Error('bench leaks tensors');
  return timing;
}
