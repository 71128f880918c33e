import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { EvalSplit, RunConfig, RunDetail, RunSummary } from '../../shared/schemas';
import type { EvaluationsRepo } from '../db/evaluations-repo';
import type { MetricRow, MetricsRepo } from '../db/metrics-repo';
import { TERMINAL_STATUSES, type RunsRepo } from '../db/runs-repo';
import { checkTrainerMessage } from '../../shared/trainer-protocol';
import type { TerminalRunStatus } from '../../shared/vocabulary';
import type { StepSample, TrainerHandle, TrainerLauncher } from '../training/protocol';
import type { DatasetService } from './dataset-service';
import { newId } from './dataset-service';
import type { EventBus } from './event-bus';

/** Metric rows are written in batches at most this often (and at every eval / end of run). */
const METRIC_FLUSH_MS = 1000;
/** After a cancel request, how long a trainer gets to stop by itself before it is killed. */
const CANCEL_GRACE_MS = 5000;
const PROGRESS_INTERVAL_MS = 250;

interface ActiveRun {
  handle: TrainerHandle;
  pending: MetricRow[];
  flushTimer: NodeJS.Timeout | null;
  finished: boolean;
  killTimer: NodeJS.Timeout | null;
  /** Share of examples some ablated copy beats, per utility kind; lands in the final metrics. */
  utilityShares: Record<string, number>;
}

/**
 * Owns run lifecycles: a FIFO queue, at most `maxParallel` trainer processes (one core each:
 * a wasm trainer is single-threaded), and the translation of trainer messages into SQLite rows
 * and contract events. The only writer of runs and metrics.
 */
export class RunService {
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue: string[] = [];
  private closed = false;
  /** Set once close() has returned: the database may be closed, so late trainer messages and exits are ignored. */
  private detached = false;
  /** Called when a run reaches a terminal status (the comparison service listens). */
  onRunFinished: (run: RunSummary) => void = () => {};
  /** Called when a finished (interrupted/failed) run is queued again. */
  onRunRequeued: (run: RunSummary) => void = () => {};

  constructor(
    private readonly runs: RunsRepo,
    private readonly metrics: MetricsRepo,
    private readonly datasets: DatasetService,
    private readonly events: EventBus,
    private readonly evaluations: EvaluationsRepo,
    private readonly launcher: TrainerLauncher,
    private readonly maxParallel: number,
    /** Checkpoints go to <checkpointRoot>/<run id>/. */
    private readonly checkpointRoot: string,
  ) {}

  create(datasetId: string, config: RunConfig, opts: { comparisonId?: string; name?: string } = {}): RunSummary {
    const dataset = this.datasets.get(datasetId);
    const run: RunSummary = {
      id: newId('r'),
      datasetId,
      comparisonId: opts.comparisonId ?? null,
      name: opts.name ?? `${config.loss} · seed ${config.seed} · ${dataset.name}`,
      loss: config.loss,
      seed: config.seed,
      status: 'queued',
      backend: null,
      config,
      step: 0,
      totalSteps: 0,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      error: null,
      checkpointStep: null,
      bestStep: null,
      dataHash: dataset.contentHash,
      finalMetrics: {},
    };
    this.runs.insert(run, process.pid);
    this.enqueue(run.id);
    return run;
  }

  get(id: string): RunSummary {
    const run = this.runs.get(id);
    if (!run) throw new AppError('not_found', `No run with id ${id}. List runs with \`runs\`.`);
    return run;
  }

  detail(id: string): RunDetail {
    return {
      run: this.get(id),
      metrics: this.metrics.forRun(id),
      evaluations: this.evaluations.evaluations(id),
      utility: this.evaluations.utility(id),
    };
  }

  predictions(id: string, step?: number, split?: EvalSplit) {
    this.get(id);
    return this.evaluations.predictions(id, step, split);
  }

  list(): RunSummary[] {
    return this.runs.list();
  }

  cancel(id: string): RunSummary {
    const run = this.get(id);
    if (TERMINAL_STATUSES.includes(run.status)) throw new AppError('conflict', `Run ${id} is already ${run.status}.`);
    const live = this.active.get(id);
    if (!live) {
      this.dequeue(id);
      this.finish(id, 'cancelled', null);
      return this.get(id);
    }
    live.handle.send({ type: 'cancel' });
    live.killTimer ??= setTimeout(() => live.handle.kill(), CANCEL_GRACE_MS);
    return this.get(id);
  }

  pause(id: string): RunSummary {
    const run = this.get(id);
    const live = this.active.get(id);
    if (run.status !== 'running' || !live) throw new AppError('conflict', `Run ${id} is ${run.status}; only a running run can be paused.`);
    live.handle.send({ type: 'pause' });
    return run;
  }

  /** A paused run continues; an interrupted or failed run continues from its latest checkpoint (or step 0 without one). */
  resume(id: string): RunSummary {
    const run = this.get(id);
    const live = this.active.get(id);
    if (run.status === 'paused' && live) {
      live.handle.send({ type: 'resume' });
      return run;
    }
    if (run.status === 'interrupted' || run.status === 'failed') {
      const checkpoint = this.runs.checkpoint(id);
      if (checkpoint) this.evaluations.deleteAfterStep(id, checkpoint.step);
      this.runs.requeue(id, process.pid, checkpoint !== null);
      this.onRunRequeued(this.get(id));
      this.enqueue(id);
      this.emitStatus(id);
      return this.get(id);
    }
    throw new AppError('conflict', `Run ${id} is ${run.status}; only paused, interrupted or failed runs can be resumed.`);
  }

  /** Stops every trainer (cancel, wait, kill) and marks unfinished runs interrupted so they can be resumed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.queue.splice(0)) this.finish(id, 'interrupted', 'Comparo was closed before this run started.');
    const exits = [...this.active.entries()].map(
      ([id, live]) =>
        new Promise<void>((resolve) => {
          live.handle.onExit(() => resolve());
          live.handle.send({ type: 'cancel' });
          setTimeout(() => {
            live.handle.kill();
            resolve();
          }, 2000).unref();
          this.flush(id);
        }),
    );
    await Promise.all(exits);
    for (const id of [...this.active.keys()]) this.finish(id, 'interrupted', 'Comparo was closed while this run trained.');
    this.active.clear();
    this.detached = true;
  }

  private enqueue(id: string): void {
    this.queue.push(id);
    this.pump();
  }

  private dequeue(id: string): void {
    const i = this.queue.indexOf(id);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.maxParallel && this.queue.length > 0) {
      this.launch(this.queue.shift()!);
    }
  }

  private launch(id: string): void {
    const run = this.get(id);
    let data;
    try {
      data = this.datasets.trainingData(run.datasetId);
    } catch (e) {
      this.finish(id, 'failed', (e as Error).message);
      return;
    }
    const handle = this.launcher(id);
    const live: ActiveRun = { handle, pending: [], flushTimer: null, finished: false, killTimer: null, utilityShares: {} };
    this.active.set(id, live);
    handle.onMessage((m) => {
      // A message that cannot be stored fails its run; it must never throw into the services' loop.
      try {
        this.onTrainerMessage(id, live, m);
      } catch (e) {
        if (!live.finished) this.failRun(id, live, `Storing a trainer message failed: ${(e as Error).message}`);
      }
    });
    handle.onExit((code, signal) => this.onTrainerExit(id, live, code, signal));
    handle.send({
      type: 'start',
      runId: id,
      config: run.config,
      ...data,
      progressIntervalMs: PROGRESS_INTERVAL_MS,
      checkpointDir: join(this.checkpointRoot, id),
      resumeFrom: this.runs.checkpoint(id)?.path ?? null,
    });
  }

  private onTrainerMessage(id: string, live: ActiveRun, raw: unknown): void {
    // Once the run is over (or failed below), whatever its trainer still sends is ignored.
    if (this.detached || live.finished) return;
    const checked = checkTrainerMessage(raw);
    if (!checked.ok) return this.failRun(id, live, checked.problem);
    const m = checked.message;
    switch (m.type) {
      case 'ready':
        this.runs.setStatus(id, 'running', { backend: m.backend });
        this.emitStatus(id);
        break;
      case 'progress':
        live.pending.push(...m.samples.flatMap((s) => sampleRows(id, s)));
        this.runs.setProgress(id, m.step, m.totalSteps);
        live.flushTimer ??= setTimeout(() => this.flush(id), METRIC_FLUSH_MS);
        this.events.emit('run.progress', {
          runId: id,
          step: m.step,
          totalSteps: m.totalSteps,
          epoch: m.epoch,
          elapsedMs: m.elapsedMs,
          etaMs: m.etaMs,
          samples: m.samples,
        });
        break;
      case 'eval': {
        const split = m.split ?? 'validation';
        const points = Object.entries(m.metrics).map(([name, value]) => ({ step: m.step, epoch: m.epoch, split, name, value }));
        live.pending.push(...points.map((p) => ({ runId: id, ...p })));
        this.flush(id);
        this.evaluations.insertEvaluation(id, m);
        this.events.emit('run.eval', { runId: id, points });
        break;
      }
      case 'checkpoint':
        this.flush(id);
        this.runs.setCheckpoint(id, m.path, m.step);
        break;
      case 'utility': {
        this.evaluations.replaceUtility(id, m.kind, m.levels);
        const points = m.levels.map((l) => ({ kind: m.kind, ...l }));
        live.utilityShares[`utility_${m.kind}_beaten_share`] = m.beatenShare;
        this.events.emit('run.utility', { runId: id, kind: m.kind, points, beatenShare: m.beatenShare });
        break;
      }
      case 'paused':
      case 'resumed':
        this.runs.setStatus(id, m.type === 'paused' ? 'paused' : 'running');
        this.emitStatus(id);
        break;
      case 'done':
        this.flush(id);
        this.runs.setFinalMetrics(id, {
          ...m.metrics,
          ...live.utilityShares,
          ms_per_step: m.msPerStep,
          elapsed_ms: m.elapsedMs,
          ...(m.bestStep !== undefined ? { best_step: m.bestStep } : {}),
          ...(m.stoppedEarly !== undefined ? { stopped_early: m.stoppedEarly ? 1 : 0 } : {}),
        });
        this.finish(id, 'completed', null);
        live.finished = true;
        break;
      case 'cancelled':
        this.flush(id);
        // Stopped because Comparo is closing: the person did not cancel it, so keep it resumable.
        if (this.closed) this.finish(id, 'interrupted', 'Comparo was closed while this run trained.');
        else this.finish(id, 'cancelled', null);
        live.finished = true;
        break;
      case 'error':
        this.flush(id);
        this.finish(id, 'failed', m.message);
        live.finished = true;
        break;
    }
  }

  private onTrainerExit(id: string, live: ActiveRun, code: number | null, signal: string | null): void {
    if (this.detached) return;
    this.flush(id);
    if (live.killTimer) clearTimeout(live.killTimer);
    this.active.delete(id);
    const status = this.runs.get(id)?.status;
    if (!live.finished && status && !TERMINAL_STATUSES.includes(status)) {
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      this.finish(id, 'interrupted', `The trainer process ${how} before the run finished; resume to run it again.`);
    }
    this.pump();
  }

  private flush(id: string): void {
    const live = this.active.get(id);
    if (!live) return;
    if (live.flushTimer) clearTimeout(live.flushTimer);
    live.flushTimer = null;
    const rows = live.pending.splice(0);
    this.metrics.insertMany(rows);
  }

  /** The trainer cannot be trusted any more (malformed or non-finite message): the run fails, the trainer is stopped. */
  private failRun(id: string, live: ActiveRun, problem: string): void {
    this.flush(id);
    live.finished = true;
    this.finish(id, 'failed', problem);
    live.handle.kill();
  }

  private finish(id: string, status: TerminalRunStatus, error: string | null): void {
    this.runs.setStatus(id, status, { error });
    this.emitStatus(id);
    this.onRunFinished(this.get(id));
  }

  private emitStatus(id: string): void {
    const run = this.get(id);
    this.events.emit('run.status', { runId: id, status: run.status, backend: run.backend, error: run.error });
  }
}

function sampleRows(runId: string, s: StepSample): MetricRow[] {
  const base = { runId, step: s.step, epoch: s.epoch, split: 'train' as const };
  const rows: MetricRow[] = [{ ...base, name: 'loss', value: s.loss }];
  s.copyLosses.forEach((value, k) => rows.push({ ...base, name: `l${k}`, value }));
  if (s.cmpLoss !== null) rows.push({ ...base, name: 'cmp', value: s.cmpLoss });
  if (s.lr !== undefined) rows.push({ ...base, name: 'lr', value: s.lr });
  if (s.gradNorm !== undefined) rows.push({ ...base, name: 'grad_norm', value: s.gradNorm });
  return rows;
}
