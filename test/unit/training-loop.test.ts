// The training loop around the loss: AdamW, schedule, clipping, accumulation, determinism, early
// stopping, checkpoints and identical resume; per-step logging; neuronal utility.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { readCheckpoint } from '../../main/training/checkpoint';
import { learningRateAt, runTraining, TrainingControl } from '../../main/training/engine';
import { AdamW, clipGradients, globalNorm } from '../../main/training/optimizer';
import type { StepSample, TrainerStartMessage, TrainerToParent } from '../../main/training/protocol';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../shared/schemas';

function dataset(count: number, offset = 0) {
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = (i + offset) % 2;
    texts.push(`${['The', 'A', 'This'][i % 3]} film was ${label ? 'good' : 'bad'}. ${'So it was. '.repeat(i % 3)}Indeed ${i % 5}.`);
    labels.push(label);
  }
  return { texts, labels };
}

function start(config: Partial<RunConfig>, extra: Partial<TrainerStartMessage> = {}): TrainerStartMessage {
  return {
    type: 'start',
    runId: 'r',
    config: { ...DEFAULT_RUN_CONFIG, epochs: 1, batchSize: 8, maxLength: 24, utilityLevels: 0, model: { vocabSize: 64, dim: 16, layers: 1, heads: 2, ffnDim: 32 }, ...config },
    labelNames: ['neg', 'pos'],
    train: dataset(48),
    validation: dataset(20, 1),
    progressIntervalMs: 0,
    ...extra,
  };
}

async function run(message: TrainerStartMessage) {
  const messages: TrainerToParent[] = [];
  const outcome = await runTraining(message, { control: new TrainingControl(), emit: (m) => messages.push(m) });
  const samples: StepSample[] = messages.flatMap((m) => (m.type === 'progress' ? m.samples : []));
  const evals = messages.flatMap((m) => (m.type === 'eval' ? [m] : []));
  const done = messages.at(-1);
  if (done?.type !== 'done') throw new Error(`expected done, got ${done?.type}`);
  return { outcome, messages, samples, evals, done };
}

describe('AdamW and clipping', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('one step: bias-corrected Adam plus decoupled decay, none on rank-1 (bias/LayerNorm) variables', () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]));
    const b = tf.variable(tf.tensor1d([0.5]));
    const optimizer = new AdamW([w, b], { weightDecay: 0.5 });
    // Step 1: m_hat = g, v_hat = g^2, update = g / (|g| + eps) = sign(g).
    optimizer.apply([tf.tensor2d([[0.1, -0.3]]), tf.tensor1d([0.2])], 0.1);
    const [w0, w1] = Array.from(w.dataSync());
    expect(w0).toBeCloseTo(1 - 0.1 - 0.1 * 0.5 * 1, 5);
    expect(w1).toBeCloseTo(-2 + 0.1 - 0.1 * 0.5 * -2, 5);
    expect(b.dataSync()[0]).toBeCloseTo(0.4, 5);
    expect(optimizer.getState().step).toBe(1);
    optimizer.dispose();
  });

  it('global norm over all gradients, clipped only above the threshold', () => {
    const grads = [tf.tensor1d([3]), tf.tensor2d([[4]])];
    expect(globalNorm(grads)).toBeCloseTo(5, 6);
    expect(clipGradients(grads, 5, 1).map((g) => g.dataSync()[0])).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(clipGradients(grads, 5, 10).map((g) => g.dataSync()[0])).toEqual([3, 4]);
    expect(clipGradients(grads, 5, 0).map((g) => g.dataSync()[0])).toEqual([3, 4]);
  });

  it('warmup share is settable', () => {
    expect(learningRateAt(0, 10, 1, 0.5)).toBeCloseTo(0.2, 10);
    expect(learningRateAt(4, 10, 1, 0.5)).toBeCloseTo(1, 10);
    expect(learningRateAt(5, 10, 1, 0.5)).toBeCloseTo(1, 10);
    expect(learningRateAt(0, 10, 1, 0)).toBeCloseTo(1, 10);
  });
});

describe('runTraining (wasm)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'comparo-ckpt-'));
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs l0..lC, the comparative term, lr and gradNorm per step; crops+drops ordered by alternation', async () => {
    const { samples } = await run(start({ loss: 'comparative', ablations: 2, crops: 1, warmupFraction: 0.5 }));
    expect(samples).toHaveLength(6);
    for (const [i, s] of samples.entries()) {
      expect(s.copyLosses).toHaveLength(4); // full, crop 1, crop 1 + drop 1, crop 1 + drop 2
      expect(s.cmpLoss).toBe(s.loss);
      expect(s.lr).toBeCloseTo(learningRateAt(i, 6, DEFAULT_RUN_CONFIG.learningRate, 0.5), 12);
      expect(s.gradNorm).toBeGreaterThan(0);
    }
  });

  it('gradient accumulation: 2 micro-batches of 4 give the gradient of one batch of 8', async () => {
    const common = { loss: 'baseline', dropout: 0, clipNorm: 0 } as const;
    const whole = await run(start({ ...common, batchSize: 8 }));
    const accumulated = await run(start({ ...common, batchSize: 4, gradAccumulation: 2 }));
    expect(accumulated.samples).toHaveLength(6);
    expect(accumulated.samples[0].gradNorm!).toBeCloseTo(whole.samples[0].gradNorm!, 4);
    expect(accumulated.samples[0].loss).toBeCloseTo(whole.samples[0].loss, 4);
  });

  it('is deterministic: same seed and backend -> identical metrics and predictions', async () => {
    const config = { loss: 'comparative', crops: 1, epochs: 2, seed: 9 } as const;
    const a = await run(start(config));
    const b = await run(start(config));
    expect(b.evals.map((e) => [e.metrics, e.predictions])).toEqual(a.evals.map((e) => [e.metrics, e.predictions]));
    expect(b.samples.map((s) => s.gradNorm)).toEqual(a.samples.map((s) => s.gradNorm));
  });

  it('checkpoints every N steps and resumes from one to continue identically', async () => {
    const config = { loss: 'comparative', crops: 1, epochs: 2, checkpointEverySteps: 4, evalEverySteps: 3, seed: 2 } as const;
    const straight = await run(start(config, { checkpointDir: join(dir, 'a') }));
    const saved = straight.messages.flatMap((m) => (m.type === 'checkpoint' ? [m] : []));
    expect(saved.map((m) => m.step)).toEqual([4, 8, 12]);
    expect(saved.every((m) => existsSync(m.path))).toBe(true);
    expect(existsSync(join(dir, 'a', 'best.ckpt'))).toBe(true);
    const header = readCheckpoint(saved[0].path).header;
    expect(header).toMatchObject({ step: 4, optimizerStep: 4, epoch: 0, stepInEpoch: 4 });
    expect(header.vocabulary.length).toBeGreaterThan(2);

    const resumed = await run(start(config, { checkpointDir: join(dir, 'b'), resumeFrom: saved[0].path }));
    expect(resumed.samples.map((s) => s.step)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(resumed.samples).toEqual(straight.samples.slice(4));
    const tail = (evals: typeof straight.evals) => evals.filter((e) => e.step > 4).map((e) => [e.step, e.metrics, e.predictions, e.best]);
    expect(tail(resumed.evals)).toEqual(tail(straight.evals));
    const { elapsedMs: _a, msPerStep: _b, metrics: m1, ...restStraight } = straight.done;
    const { elapsedMs: _c, msPerStep: _d, metrics: m2, ...restResumed } = resumed.done;
    expect(restResumed).toEqual(restStraight);
    const strip = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'ms_per_step' && k !== 'cpu_ms_per_step'));
    expect(strip(m2)).toEqual(strip(m1));
  });

  it('sends every step up to a checkpoint before the checkpoint, however long progress is batched', async () => {
    // Progress batched for a minute: without the flush, steps 1-4 would still be in the trainer
    // when step 4's checkpoint is recorded, and a kill then would lose them for good (a resume
    // starts after step 4).
    const { messages } = await run(start({ loss: 'baseline', epochs: 1, checkpointEverySteps: 4, evalEverySteps: 0 }, { checkpointDir: join(dir, 'flush'), progressIntervalMs: 60_000 }));
    const sentBefore = (index: number) => messages.slice(0, index).flatMap((m) => (m.type === 'progress' ? m.samples.map((x) => x.step) : []));
    const checkpoints = messages.flatMap((m, i) => (m.type === 'checkpoint' ? [{ step: m.step, index: i }] : []));
    expect(checkpoints.map((c) => c.step)).toEqual([4]);
    for (const c of checkpoints) expect(sentBefore(c.index)).toEqual(Array.from({ length: c.step }, (_, i) => i + 1));
  });

  it('stops early after `patience` evaluations without improvement and keeps the best', async () => {
    const { samples, evals, done } = await run(start({ loss: 'baseline', learningRate: 1e-9, evalEverySteps: 1, earlyStoppingPatience: 2, epochs: 3 }));
    expect(samples).toHaveLength(3);
    expect(evals.map((e) => e.best)).toEqual([true, false, false]);
    expect(done).toMatchObject({ stoppedEarly: true, bestStep: 1 });
    expect(done.metrics.accuracy).toBe(evals[0].metrics.accuracy);
  });

  it('regression and multi-label tasks train and report their metrics', async () => {
    const regression = start({ loss: 'comparative', selectionMetric: 'loss' }, { task: 'regression', labelNames: ['score'] });
    regression.train.labels = regression.train.labels.map((l, i) => l * 2 + (i % 3) * 0.1);
    const r = await run(regression);
    expect(Object.keys(r.evals[0].metrics).sort()).toEqual(['loss', 'mae', 'mse', 'pearson', 'spearman']);
    const multi = start({ loss: 'comparative', objective: 'primary_hinge' }, { task: 'multilabel', labelNames: ['a', 'b', 'c'] });
    multi.train.labelSets = multi.train.labels.map((l, i) => (i % 3 === 0 ? [l, 2] : [l]));
    multi.validation.labelSets = multi.validation.labels.map((l) => [l]);
    const m = await run(multi);
    expect(Object.keys(m.evals[0].metrics).sort()).toEqual(['loss', 'macro_f1', 'micro_f1']);
    expect(m.evals[0].predictions).toHaveLength(20);
  });

  it('evaluations carry per-class scores, the confusion matrix and per-example predictions in split order', async () => {
    const { evals } = await run(start({ loss: 'baseline' }));
    const e = evals[0];
    expect(Object.keys(e.metrics).sort()).toEqual(['accuracy', 'loss', 'macro_f1', 'mcc']);
    expect(e.predictions!.map((p) => p.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(e.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(20);
    expect(e.perClass!.map((c) => c.support)).toEqual([10, 10]);
    const correct = e.predictions!.filter((p) => p.predicted === p.gold).length;
    expect(e.metrics.accuracy).toBeCloseTo(correct / 20, 12);
  });

  it('measures neuronal utility (drop and crop) before done', async () => {
    const { messages, done } = await run(start({ loss: 'comparative', utilityLevels: 3, utilityDraws: 2, dropout: 0.2, epochs: 2 }));
    const utility = messages.flatMap((m) => (m.type === 'utility' ? [m] : []));
    expect(utility.map((u) => u.kind)).toEqual(['drop', 'crop']);
    expect(messages.findIndex((m) => m.type === 'done')).toBeGreaterThan(messages.findIndex((m) => m.type === 'utility'));
    const [drop, crop] = utility;
    expect(drop.levels.map((l) => l.k)).toEqual([0, 1, 2, 3]);
    drop.levels.forEach((l, k) => expect(l.rate).toBeCloseTo(1 - 0.8 ** k, 12));
    expect(crop.levels.map((l) => l.rate)).toEqual([1, 0.75, 0.5, 0.25]);
    // Level 0 is the final (best) model itself.
    expect(drop.levels[0].metrics.accuracy).toBe(done.metrics.accuracy);
    expect(crop.levels[0].metrics.loss).toBeCloseTo(drop.levels[0].metrics.loss, 6);
    for (const u of utility) expect(u.beatenShare).toBeGreaterThanOrEqual(0), expect(u.beatenShare).toBeLessThanOrEqual(1);
    // Heavily ablated copies are not all as good as the full model on this separable task.
    expect(drop.beatenShare).toBeLessThan(1);
  });
});
