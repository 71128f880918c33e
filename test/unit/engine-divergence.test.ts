// A diverging step is simulated (a real one cannot be provoked reliably on a tiny model): the
// engine must stop with a clear error instead of training on, or reporting, non-finite losses.
import { describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { runTraining, TrainingControl } from '../../main/training/engine';
import type { TrainerToParent } from '../../main/training/protocol';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';

vi.mock('../../main/training/training-step', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../main/training/training-step')>();
  let calls = 0;
  return {
    ...original,
    stepGradients: (...args: Parameters<typeof original.stepGradients>) => {
      const result = original.stepGradients(...args);
      calls++;
      return calls % 2 === 0 ? { ...result, outcome: { ...result.outcome, loss: Number.NaN } } : result;
    },
  };
});

const texts = Array.from({ length: 16 }, (_, i) => (i % 2 ? 'good film' : 'bad film'));
const labels = texts.map((_, i) => i % 2);
const TINY = { ...DEFAULT_RUN_CONFIG, batchSize: 4, epochs: 1, maxLength: 8, model: { vocabSize: 16, dim: 8, layers: 1, heads: 2, ffnDim: 8 } };

describe('runTraining on a non-finite loss', () => {
  it('throws a clear error naming the step, after emitting nothing non-finite', async () => {
    await selectBackend('cpu');
    const messages: TrainerToParent[] = [];
    const run = runTraining(
      {
        type: 'start',
        runId: 'r',
        config: { ...TINY, loss: 'baseline' },
        labelNames: ['neg', 'pos'],
        train: { texts, labels },
        validation: { texts, labels },
        progressIntervalMs: 0,
      },
      { control: new TrainingControl(), emit: (m) => messages.push(m) },
    );
    await expect(run).rejects.toThrow(/diverged at step 2: loss is NaN.*lower learning rate/);
    const samples = messages.flatMap((m) => (m.type === 'progress' ? m.samples : []));
    expect(samples.map((s) => s.step)).toEqual([1]);
    expect(messages.some((m) => m.type === 'done')).toBe(false);
  });

  it('blames a tiny temperature, not the learning rate, when the comparative loss diverges with one', async () => {
    await selectBackend('cpu');
    const run = runTraining(
      {
        type: 'start',
        runId: 'r',
        config: { ...TINY, loss: 'comparative', ablations: 1, temperature: 1e-6 },
        labelNames: ['neg', 'pos'],
        train: { texts, labels },
        validation: { texts, labels },
        progressIntervalMs: 0,
      },
      { control: new TrainingControl(), emit: () => {} },
    );
    await expect(run).rejects.toThrow(/diverged at step 2: .*temperature 0\.000001 is very small/);
  });
});
