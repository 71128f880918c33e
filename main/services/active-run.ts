// What the run service keeps about a run whose trainer process is alive, and the pure translations
// of trainer messages into metric rows and final metrics (main/services/run-service.ts).
import type { RunPhase } from '../../shared/vocabulary';
import type { MetricRow } from '../db/metrics-repo';
import type { StepSample, TrainerHandle, TrainerToParent } from '../training/protocol';

export interface ActiveRun {
  handle: TrainerHandle;
  pending: MetricRow[];
  flushTimer: NodeJS.Timeout | null;
  finished: boolean;
  killTimer: NodeJS.Timeout | null;
  /** Share of examples some ablated copy beats, per utility kind; lands in the final metrics. */
  utilityShares: Record<string, number>;
  /** Trainers of this process running, summed over this run's progress messages: how crowded its cores were. */
  concurrency: { sum: number; samples: number };
  /** What the service last asked of the trainer: train on, pause, or stop. */
  asked: 'run' | 'pause' | 'cancel';
  /** Between the trainer's 'paused' and 'resumed' messages: it waits and uses no core. */
  trainerPaused: boolean;
  /** What the trainer last said it does (its 'phase' messages). */
  trainerPhase: 'training' | 'evaluating';
  /** The phase last sent in a run.status event, so an unchanged one is not sent again. */
  shownPhase: RunPhase | undefined;
}

export function activeRun(handle: TrainerHandle): ActiveRun {
  return {
    handle, pending: [], flushTimer: null, finished: false, killTimer: null, utilityShares: {}, concurrency: { sum: 0, samples: 0 },
    asked: 'run', trainerPaused: false, trainerPhase: 'training', shownPhase: undefined,
  };
}

/**
 * The run's live phase: 'cancelling' / 'pausing' from the moment it is asked until the trainer
 * stops; none while it is paused (its status says so) or once it is over.
 */
export function livePhase(live: ActiveRun): RunPhase | undefined {
  if (live.finished) return undefined;
  if (live.asked === 'cancel') return 'cancelling';
  if (live.trainerPaused) return undefined;
  if (live.asked === 'pause') return 'pausing';
  return live.trainerPhase;
}

/**
 * Whether the run holds one of the scheduler's trainer slots: a paused trainer blocks between
 * steps and uses no core, so it gives its slot to the next queued run until it is resumed.
 */
export function holdsSlot(live: ActiveRun): boolean {
  return !(live.trainerPaused && live.asked !== 'run');
}

/** The metric rows batched since the last write, and no flush pending for them any more. */
export function takePending(live: ActiveRun): MetricRow[] {
  if (live.flushTimer) clearTimeout(live.flushTimer);
  live.flushTimer = null;
  return live.pending.splice(0);
}

export function sampleRows(runId: string, s: StepSample): MetricRow[] {
  const base = { runId, step: s.step, epoch: s.epoch, split: 'train' as const };
  const rows: MetricRow[] = [{ ...base, name: 'loss', value: s.loss }];
  s.copyLosses.forEach((value, k) => rows.push({ ...base, name: `l${k}`, value }));
  if (s.cmpLoss !== null) rows.push({ ...base, name: 'cmp', value: s.cmpLoss });
  if (s.lr !== undefined) rows.push({ ...base, name: 'lr', value: s.lr });
  if (s.gradNorm !== undefined) rows.push({ ...base, name: 'grad_norm', value: s.gradNorm });
  return rows;
}

/** The run's stored final metrics: the trainer's, the utility shares and how it was timed. */
export function finalMetrics(live: ActiveRun, m: Extract<TrainerToParent, { type: 'done' }>): Record<string, number> {
  return {
    ...m.metrics,
    ...live.utilityShares,
    ms_per_step: m.msPerStep,
    elapsed_ms: m.elapsedMs,
    // Wall time per step grows with the trainers sharing the cores; this says how many did.
    ...(live.concurrency.samples > 0 ? { concurrent_trainers: live.concurrency.sum / live.concurrency.samples } : {}),
    ...(m.bestStep !== undefined ? { best_step: m.bestStep } : {}),
    ...(m.stoppedEarly !== undefined ? { stopped_early: m.stoppedEarly ? 1 : 0 } : {}),
  };
}
