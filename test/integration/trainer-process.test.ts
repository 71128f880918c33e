// Real forked trainer processes on a tiny synthetic, learnable sentiment set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { TrainerHandle, TrainerStartMessage, TrainerToParent } from '../../main/training/protocol';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../shared/schemas';
import { mulberry32 } from '../../shared/random';

const FILLER = ['the', 'movie', 'was', 'a', 'plot', 'actor', 'scene', 'and', 'it', 'film', 'story', 'really'];

/** Texts whose label is given away by "good"/"great" vs "bad"/"awful", among filler words. */
function syntheticSentiment(count: number, seed: number): { texts: string[]; labels: number[] } {
  const next = mulberry32(seed);
  const pick = (words: string[]) => words[Math.floor(next() * words.length)];
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    const words = Array.from({ length: 6 + Math.floor(next() * 10) }, () => pick(FILLER));
    words.splice(Math.floor(next() * words.length), 0, label === 1 ? pick(['good', 'great']) : pick(['bad', 'awful']));
    texts.push(words.join(' ') + (next() < 0.5 ? '.' : '!'));
    labels.push(label);
  }
  return { texts, labels };
}

function startMessage(overrides: Partial<RunConfig>, trainSize = 160): TrainerStartMessage {
  return {
    type: 'start',
    runId: 'test-run',
    config: {
      ...DEFAULT_RUN_CONFIG,
      epochs: 1,
      batchSize: 16,
      maxLength: 32,
      learningRate: 3e-3,
      model: { vocabSize: 200, dim: 32, layers: 1, heads: 2, ffnDim: 64 },
      ...overrides,
    },
    labelNames: ['negative', 'positive'],
    train: syntheticSentiment(trainSize, 1),
    validation: syntheticSentiment(64, 2),
    progressIntervalMs: 0,
  };
}

interface Finished {
  messages: TrainerToParent[];
  code: number | null;
  signal: string | null;
}

/** Starts a trainer, optionally reacting to each message, and resolves when the process exits. */
function runTrainer(start: TrainerStartMessage, react?: (m: TrainerToParent, h: TrainerHandle) => void): Promise<Finished> {
  const handle = forkTrainerLauncher(start.runId);
  const messages: TrainerToParent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      handle.kill();
      reject(new Error(`trainer did not finish; got ${messages.map((m) => m.type).join(', ')}`));
    }, 60_000);
    handle.onMessage((message) => {
      messages.push(message);
      react?.(message, handle);
    });
    handle.onExit((code, signal) => {
      clearTimeout(timer);
      resolve({ messages, code, signal });
    });
    handle.send(start);
  });
}

const ofType = <T extends TrainerToParent['type']>(messages: TrainerToParent[], type: T) =>
  messages.filter((m): m is Extract<TrainerToParent, { type: T }> => m.type === type);

describe('trainer process (child_process.fork)', () => {
  it('trains comparatively (C = 2): ready, per-step samples with 3 copy losses, eval, done, exit 0', async () => {
    const { messages, code } = await runTrainer(startMessage({ loss: 'comparative', ablations: 2, epochs: 2 }));
    expect(code).toBe(0);
    const ready = ofType(messages, 'ready');
    expect(ready).toHaveLength(1);
    expect(ready[0].backend.length).toBeGreaterThan(0);
    expect(messages[0].type).toBe('ready');

    const samples = ofType(messages, 'progress').flatMap((m) => m.samples);
    expect(samples.map((s) => s.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1)); // 160 / 16 * 2 epochs
    for (const sample of samples) {
      expect(sample.copyLosses).toHaveLength(3);
      expect(sample.cmpLoss).not.toBeNull();
      expect(Number.isFinite(sample.loss)).toBe(true);
    }
    expect(samples.at(-1)!.epoch).toBeCloseTo(2, 6);

    const evals = ofType(messages, 'eval');
    expect(evals.map((e) => e.epoch)).toEqual([1, 2]);
    const done = ofType(messages, 'done');
    expect(done).toHaveLength(1);
    expect(messages.at(-1)!.type).toBe('done');
    expect(done[0].metrics.steps).toBe(20);
    expect(done[0].metrics.accuracy).toBeGreaterThanOrEqual(0);
    expect(done[0].metrics.accuracy).toBeLessThanOrEqual(1);
    expect(done[0].metrics.ms_per_step).toBeGreaterThan(0);
    expect(Object.keys(done[0].metrics)).toEqual(expect.arrayContaining(['accuracy', 'macro_f1', 'loss', 'ms_per_step', 'steps']));
  });

  it('CmpCrop + CmpDrop with checkpoints, utility before done, and a second process that resumes identically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'comparo-trainer-'));
    try {
      const config = { loss: 'comparative', ablations: 1, crops: 1, epochs: 1, checkpointEverySteps: 5, utilityLevels: 2, utilityDraws: 1 } as const;
      const first = await runTrainer({ ...startMessage(config), checkpointDir: join(dir, 'a') });
      expect(first.code).toBe(0);
      const samples = ofType(first.messages, 'progress').flatMap((m) => m.samples);
      expect(samples.every((s) => s.copyLosses.length === 3 && s.gradNorm! > 0 && s.lr! > 0)).toBe(true);
      const checkpoints = ofType(first.messages, 'checkpoint');
      expect(checkpoints.map((c) => c.step)).toEqual([5, 10]);
      const evals = ofType(first.messages, 'eval');
      expect(evals[0].predictions).toHaveLength(64);
      expect(evals[0].confusion!.flat().reduce((a, b) => a + b, 0)).toBe(64);
      const types = first.messages.map((m) => m.type);
      expect(types.filter((t) => t === 'utility')).toHaveLength(2);
      expect(types.lastIndexOf('utility')).toBe(types.length - 2);

      const second = await runTrainer({ ...startMessage(config), checkpointDir: join(dir, 'b'), resumeFrom: checkpoints[0].path });
      expect(second.code).toBe(0);
      expect(ofType(second.messages, 'progress').flatMap((m) => m.samples)).toEqual(samples.slice(5));
      const metrics = (f: Finished) => {
        const { ms_per_step: _, cpu_ms_per_step: _cpu, ...rest } = ofType(f.messages, 'done')[0].metrics;
        return rest;
      };
      expect(metrics(second)).toEqual(metrics(first));
      expect(ofType(second.messages, 'utility')).toEqual(ofType(first.messages, 'utility'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trains a baseline that learns the synthetic task well above chance', async () => {
    const { messages, code } = await runTrainer(startMessage({ loss: 'baseline', epochs: 3 }, 320));
    expect(code).toBe(0);
    const samples = ofType(messages, 'progress').flatMap((m) => m.samples);
    expect(samples.every((s) => s.copyLosses.length === 1 && s.cmpLoss === null)).toBe(true);
    const done = ofType(messages, 'done')[0];
    expect(done.metrics.accuracy).toBeGreaterThan(0.8);
  });

  it('stops on cancel mid-run: cancelled, then exit 0', async () => {
    let cancelSent = false;
    const { messages, code } = await runTrainer(startMessage({ loss: 'comparative', epochs: 50 }), (message, handle) => {
      if (message.type === 'progress' && !cancelSent) {
        cancelSent = true;
        handle.send({ type: 'cancel' });
      }
    });
    expect(code).toBe(0);
    expect(messages.at(-1)!.type).toBe('cancelled');
    expect(ofType(messages, 'done')).toHaveLength(0);
    const lastStep = ofType(messages, 'progress').at(-1)!.step;
    expect(lastStep).toBeLessThan(50 * 10);
  });

  it('pauses and resumes on request', async () => {
    let paused = false;
    const { messages, code } = await runTrainer(startMessage({ loss: 'baseline' }), (message, handle) => {
      if (message.type === 'progress' && !paused) {
        paused = true;
        handle.send({ type: 'pause' });
      }
      if (message.type === 'paused') setTimeout(() => handle.send({ type: 'resume' }), 200);
    });
    expect(code).toBe(0);
    const types = messages.map((m) => m.type);
    expect(types).toContain('paused');
    expect(types.indexOf('resumed')).toBeGreaterThan(types.indexOf('paused'));
    expect(types.at(-1)).toBe('done');
  });

  it('reports a bad start as an error message and exits 1', async () => {
    const start = startMessage({ loss: 'baseline' });
    start.train = { texts: [], labels: [] };
    const { messages, code } = await runTrainer(start);
    expect(code).toBe(1);
    const errors = ofType(messages, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/training split is empty/);
  });
});
