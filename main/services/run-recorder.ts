// Trainer messages become SQLite rows and contract events here. Every write goes through the
// WriteQueue (main/db/busy.ts): a busy database delays it, never loses it, never throws into the
// trainer's message handler. Step samples are batched into one metrics write per METRIC_FLUSH_MS.
import type { QueuedWrite, WriteQueue } from '../db/busy';
import type { EvaluationsRepo } from '../db/evaluations-repo';
import type { MetricsRepo } from '../db/metrics-repo';
import type { RunsRepo } from '../db/runs-repo';
import type { TrainerToParent } from '../training/protocol';
import { type ActiveRun, finalMetrics, sampleRows, takePending } from './active-run';
import type { EventBus } from './event-bus';

/** Metric rows are written in batches at most this often (and at every eval / end of run). */
export const METRIC_FLUSH_MS = 1000;

type Message<T extends TrainerToParent['type']> = Extract<TrainerToParent, { type: T }>;

export class RunRecorder {
  constructor(
    private readonly runs: RunsRepo,
    private readonly metrics: MetricsRepo,
    private readonly evaluations: EvaluationsRepo,
    private readonly events: EventBus,
    private readonly writes: WriteQueue,
    /** A write that failed for a reason other than a busy database: it cannot be stored later either. */
    private readonly onWriteFailed: (runId: string, error: Error) => void,
  ) {}

  /** One write for run `id` through the queue, with what follows it once stored. */
  write(id: string, write: () => void, then?: () => void): void {
    const queued: QueuedWrite = { label: `storing run ${id}`, write, then, onError: (e) => this.onWriteFailed(id, e) };
    this.writes.submit(queued);
  }

  /** Metric rows batched since the last write (from a timer too: never throws). */
  flush(id: string, live: ActiveRun): void {
    const rows = takePending(live);
    if (rows.length > 0) this.write(id, () => this.metrics.insertMany(rows));
  }

  /** `trainers`: how many trainers of this process are running now (lands in concurrent_trainers). */
  progress(id: string, live: ActiveRun, m: Message<'progress'>, trainers: number): void {
    live.concurrency.sum += trainers;
    live.concurrency.samples += 1;
    live.pending.push(...m.samples.flatMap((s) => sampleRows(id, s)));
    this.write(id, () => this.runs.setProgress(id, m.step, m.totalSteps));
    live.flushTimer ??= setTimeout(() => this.flush(id, live), METRIC_FLUSH_MS);
    const { step, totalSteps, epoch, elapsedMs, etaMs, samples } = m;
    this.events.emit('run.progress', { runId: id, step, totalSteps, epoch, elapsedMs, etaMs, samples });
  }

  evaluation(id: string, live: ActiveRun, m: Message<'eval'>): void {
    const split = m.split ?? 'validation';
    const points = Object.entries(m.metrics).map(([name, value]) => ({ step: m.step, epoch: m.epoch, split, name, value }));
    const rows = [...takePending(live), ...points.map((p) => ({ runId: id, ...p }))];
    this.write(
      id,
      () => {
        this.metrics.insertMany(rows);
        this.evaluations.insertEvaluation(id, m);
      },
      () => this.events.emit('run.eval', { runId: id, points }),
    );
  }

  checkpoint(id: string, live: ActiveRun, m: Message<'checkpoint'>): void {
    const rows = takePending(live);
    this.write(id, () => {
      this.metrics.insertMany(rows);
      this.runs.setCheckpoint(id, m.path, m.step);
    });
  }

  utility(id: string, live: ActiveRun, m: Message<'utility'>): void {
    const points = m.levels.map((l) => ({ kind: m.kind, ...l }));
    live.utilityShares[`utility_${m.kind}_beaten_share`] = m.beatenShare;
    this.write(
      id,
      () => this.evaluations.replaceUtility(id, m.kind, m.levels),
      () => this.events.emit('run.utility', { runId: id, kind: m.kind, points, beatenShare: m.beatenShare }),
    );
  }

  /** The last metric rows, then the final metrics (the caller stores the completed status after them). */
  done(id: string, live: ActiveRun, m: Message<'done'>): void {
    const metrics = finalMetrics(live, m);
    this.flush(id, live);
    this.write(id, () => this.runs.setFinalMetrics(id, metrics));
  }
}
