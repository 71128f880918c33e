import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { learningRateAt, runTraining, TrainingControl } from '../../main/training/engine';
import type { StepSample, TrainerStartMessage, TrainerToParent } from '../../main/training/protocol';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../shared/schemas';

function dataset(count: number, offset = 0): { texts: string[]; labels: number[] } {
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = (i + offset) % 2;
    texts.push(`${['the', 'a', 'this'][i % 3]} film was ${label ? 'good' : 'bad'} ${'so '.repeat(i % 4)}indeed`);
    labels.push(label);
  }
  return { texts, labels };
}

function start(config: Partial<RunConfig>, trainSize = 48): TrainerStartMessage {
  return {
    type: 'start',
    runId: 'r',
    config: {
      ...DEFAULT_RUN_CONFIG,
      epochs: 1,
      batchSize: 8,
      maxLength: 16,
      model: { vocabSize: 64, dim: 16, layers: 1, heads: 2, ffnDim: 32 },
      ...config,
    },
    labelNames: ['neg', 'pos'],
    train: dataset(trainSize),
    validation: dataset(20, 1),
    progressIntervalMs: 0,
  };
}

async function run(message: TrainerStartMessage, onMessage?: (m: TrainerToParent, control: TrainingControl) => void) {
  const control = new TrainingControl();
  const messages: TrainerToParent[] = [];
  const tensorCounts: number[] = [];
  const outcome = await runTraining(message, {
    control,
    emit: (m) => {
      messages.push(m);
      if (m.type === 'progress') tensorCounts.push(tf.memory().numTensors);
      onMessage?.(m, control);
    },
  });
  const samples: StepSample[] = messages.flatMap((m) => (m.type === 'progress' ? m.samples : []));
  return { outcome, messages, samples, tensorCounts };
}

describe('runTraining', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('reports every step, evaluates each epoch, and keeps memory flat', async () => {
    const before = tf.memory().numTensors;
    const { outcome, messages, samples, tensorCounts } = await run(start({ loss: 'comparative', ablations: 3, epochs: 2 }));
    expect(outcome).toBe('done');
    expect(samples.map((s) => s.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(samples.every((s) => s.copyLosses.length === 4 && s.cmpLoss === s.loss)).toBe(true);
    expect(samples[5].epoch).toBeCloseTo(1, 6);
    const progress = messages.filter((m) => m.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ step: 12, totalSteps: 12 });
    expect(messages.filter((m) => m.type === 'eval').map((m) => (m.type === 'eval' ? m.step : -1))).toEqual([6, 12]);
    // Optimizer moments appear after the first step; from then on the count must not grow.
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    const done = messages.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type === 'done') expect(done.metrics).toMatchObject({ steps: 12 });
  });

  it('baseline reports one copy loss and no comparative term', async () => {
    const { samples } = await run(start({ loss: 'baseline' }));
    expect(samples).toHaveLength(6);
    expect(samples.every((s) => s.copyLosses.length === 1 && s.cmpLoss === null && s.loss === s.copyLosses[0])).toBe(true);
  });

  it('is reproducible: the same seed gives the same losses, another seed does not', async () => {
    const a = await run(start({ loss: 'comparative', seed: 3 }));
    const b = await run(start({ loss: 'comparative', seed: 3 }));
    const c = await run(start({ loss: 'comparative', seed: 4 }));
    expect(b.samples.map((s) => s.loss)).toEqual(a.samples.map((s) => s.loss));
    expect(c.samples.map((s) => s.loss)).not.toEqual(a.samples.map((s) => s.loss));
  });

  it('caps training examples with maxTrainExamples and evaluates every evalEverySteps', async () => {
    const { samples, messages } = await run(start({ loss: 'baseline', maxTrainExamples: 20, evalEverySteps: 2 }, 200));
    expect(samples).toHaveLength(3); // ceil(20 / 8)
    expect(messages.filter((m) => m.type === 'eval').map((m) => (m.type === 'eval' ? m.step : -1))).toEqual([2, 3]);
  });

  it('stops on cancel with the samples taken so far, then cancelled', async () => {
    const { outcome, messages, samples } = await run(start({ loss: 'baseline', epochs: 20 }), (m, control) => {
      if (m.type === 'progress' && m.step === 2) control.cancel();
    });
    expect(outcome).toBe('cancelled');
    expect(messages.at(-1)?.type).toBe('cancelled');
    expect(samples.length).toBe(2);
  });

  it('waits while paused and carries on after resume', async () => {
    let pausedAt = 0;
    const { outcome, messages } = await run(start({ loss: 'baseline' }), (m, control) => {
      if (m.type === 'progress' && m.step === 1) control.pause();
      if (m.type === 'paused') {
        pausedAt = Date.now();
        setTimeout(() => control.resume(), 150);
      }
    });
    expect(outcome).toBe('done');
    const types = messages.map((m) => m.type);
    expect(types.filter((t) => t === 'paused')).toHaveLength(1);
    expect(types.indexOf('resumed')).toBe(types.indexOf('paused') + 1);
    expect(pausedAt).toBeGreaterThan(0);
  });

  it('fails clearly on an empty training split', async () => {
    const message = start({ loss: 'baseline' });
    message.train = { texts: [], labels: [] };
    await expect(run(message)).rejects.toThrow(/training split is empty/);
  });
});

describe('learningRateAt', () => {
  it('warms up linearly over the first 10% of steps, then decays linearly to zero', () => {
    expect(learningRateAt(0, 100, 1)).toBeCloseTo(0.1, 10);
    expect(learningRateAt(9, 100, 1)).toBeCloseTo(1, 10);
    expect(learningRateAt(10, 100, 1)).toBeCloseTo(1, 10);
    expect(learningRateAt(55, 100, 1)).toBeCloseTo(0.5, 10);
    expect(learningRateAt(99, 100, 1)).toBeCloseTo(1 / 90, 10);
    expect(learningRateAt(0, 1, 2e-3)).toBeCloseTo(2e-3, 12);
  });
});

describe('runTraining input checks', () => {
  it('rejects labels outside the label names and mismatched lengths, naming the split', async () => {
    await selectBackend('cpu');
    const badLabel = start({ loss: 'baseline' });
    badLabel.validation = { texts: ['a', 'b'], labels: [0, 2] };
    await expect(run(badLabel)).rejects.toThrow(/validation split has label 2 at row 1; expected 0\.\.1/);
    const mismatched = start({ loss: 'baseline' });
    mismatched.train = { texts: ['a', 'b'], labels: [0] };
    await expect(run(mismatched)).rejects.toThrow(/training split has 2 texts but 1 labels/);
  });

  it('trains without evaluating when there is no validation split', async () => {
    const message = start({ loss: 'baseline' });
    message.validation = { texts: [], labels: [] };
    const { outcome, messages } = await run(message);
    expect(outcome).toBe('done');
    expect(messages.some((m) => m.type === 'eval')).toBe(false);
    const done = messages.at(-1);
    if (done?.type !== 'done') throw new Error('expected done');
    expect(done.metrics).toEqual({ ms_per_step: expect.any(Number), cpu_ms_per_step: expect.any(Number), steps: 6 });
  });
});
