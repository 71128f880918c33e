// The live phase of a run: the trainer says when it turns to evaluating and back (engine order:
// the last progress message, then 'evaluating', then the scores), the run service derives
// 'pausing' / 'cancelling' and who holds a trainer slot, and the comparison bar counts phases and
// never claims 100% while a run is unfinished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { activeRun, holdsSlot, livePhase } from '../../main/services/active-run';
import { runTraining, TrainingControl } from '../../main/training/engine';
import type { TrainerHandle, TrainerToParent } from '../../main/training/protocol';
import { phaseSummary, shownPercent } from '../../renderer/lib/run-phase-text';
import { DEFAULT_RUN_CONFIG, type RunSummary } from '../../shared/schemas';
import { checkTrainerMessage } from '../../shared/trainer-protocol';

const handle: TrainerHandle = { pid: 1, send: () => {}, onMessage: () => {}, onExit: () => {}, kill: () => {} };

function texts(count: number, offset: number) {
  const rows = Array.from({ length: count }, (_, i) => (i + offset) % 2);
  return { texts: rows.map((label, i) => `the film was ${label ? 'good' : 'bad'} ${'so '.repeat(i % 3)}`), labels: rows };
}

describe('trainer phase messages', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('parses a phase message and rejects an unknown phase by name', () => {
    expect(checkTrainerMessage({ type: 'phase', phase: 'evaluating' }).ok).toBe(true);
    const bad = checkTrainerMessage({ type: 'phase', phase: 'napping' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problem).toMatch(/phase/);
  });

  it('says evaluating around each validation and after the last step, before the test and utility scores', async () => {
    const messages: TrainerToParent[] = [];
    await runTraining(
      {
        type: 'start', runId: 'r', labelNames: ['neg', 'pos'], progressIntervalMs: 0,
        config: { ...DEFAULT_RUN_CONFIG, epochs: 2, batchSize: 8, maxLength: 16, utilityLevels: 1, utilityDraws: 1, model: { vocabSize: 64, dim: 16, layers: 1, heads: 2, ffnDim: 32 } },
        train: texts(16, 0), validation: texts(8, 1), test: texts(8, 0),
      },
      { control: new TrainingControl(), emit: (m) => messages.push(m) },
    );
    const kinds = messages.map((m) => (m.type === 'phase' ? `phase:${m.phase}` : m.type === 'eval' ? `eval:${m.split}` : m.type));
    // Every validation is bracketed by evaluating … training.
    kinds.forEach((kind, i) => {
      if (kind === 'eval:validation') expect([kinds[i - 1], kinds[i + 1]]).toEqual(['phase:evaluating', 'phase:training']);
    });
    const lastProgress = kinds.lastIndexOf('progress');
    const finalPhase = kinds.lastIndexOf('phase:evaluating');
    expect(finalPhase).toBeGreaterThan(lastProgress);
    expect(finalPhase).toBeLessThan(kinds.indexOf('eval:test'));
    expect(kinds.indexOf('eval:test')).toBeLessThan(kinds.indexOf('utility'));
    expect(kinds.at(-1)).toBe('done');
  });
});

describe('live phase and trainer slots of a run', () => {
  it('pausing until the trainer pauses, then no phase and no slot until resumed', () => {
    const live = activeRun(handle);
    expect([livePhase(live), holdsSlot(live)]).toEqual(['training', true]);
    live.trainerPhase = 'evaluating';
    expect(livePhase(live)).toBe('evaluating');
    live.asked = 'pause';
    expect([livePhase(live), holdsSlot(live)]).toEqual(['pausing', true]);
    live.trainerPaused = true;
    expect([livePhase(live), holdsSlot(live)]).toEqual([undefined, false]);
    // Resume sent: the slot is taken again at once, before the trainer answers 'resumed'.
    live.asked = 'run';
    expect(holdsSlot(live)).toBe(true);
    live.asked = 'cancel';
    expect([livePhase(live), holdsSlot(live)]).toEqual(['cancelling', false]);
    live.finished = true;
    expect(livePhase(live)).toBeUndefined();
  });
});

describe('the comparison bar while runs evaluate or wait', () => {
  const run = (status: RunSummary['status'], step: number, phase?: RunSummary['phase']) => ({ status, step, phase }) as RunSummary;

  it('counts runs by live phase, and paused runs waiting for a slot', () => {
    expect(phaseSummary([run('running', 10, 'evaluating'), run('running', 5, 'evaluating'), run('running', 3, 'pausing'), run('running', 4, 'training'), run('queued', 7), run('queued', 0)])).toBe(
      '2 evaluating · 1 pausing · 1 waiting for a trainer slot',
    );
    expect(phaseSummary([run('running', 4, 'training'), run('completed', 10)])).toBe('');
  });

  it('shows 99% when every step is done but a run has not finished', () => {
    expect(shownPercent(100, 100, 1)).toBe(99);
    expect(shownPercent(100, 100, 0)).toBe(100);
    expect(shownPercent(50, 100, 2)).toBe(50);
    expect(shownPercent(0, 0, 2)).toBe(0);
  });
});
