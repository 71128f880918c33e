import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { EvalSplit, RunConfig, RunDetail, RunSummary } from '../../shared/schemas';
import type { QueuedWrite, WriteQueue } from '../db/busy';
import type { EvaluationsRepo } from '../db/evaluations-repo';
import type { MetricRow, MetricsRepo } from '../db/metrics-repo';
import type { RunRequestAction, RunRequestsRepo } from '../db/run-requests-repo';
import { TERMINAL_STATUSES, type RunOwner, type RunsRepo } from '../db/runs-repo';
import { checkTrainerMessage } from '../../shared/trainer-protocol';
import type { TerminalRunStatus } from '../../shared/vocabulary';
import type { StepSample, TrainerHandle, TrainerLauncher } from '../training/protocol';
import type { DatasetService } from './dataset-service';
import { newId } from './dataset-service';
import type { EventBus } from './event-bus';
import { isOwnerAlive, OWN_PID, OWN_START_TIME } from './process-identity';

/** Metric rows are written in batches at most this often (and at every eval / end of run). */
const METRIC_FLUSH_MS = 1000;
/** After a cancel request, how long a trainer gets to stop by itself before it is killed. */
const CANCEL_GRACE_MS = 5000;
const PROGRESS_INTERVAL_MS = 250;
/** How often an owner looks for cancel / pause / resume requests from other processes. */
const REQUEST_POLL_MS = 500;
const OWNER: RunOwner = { pid: OWN_PID, started: OWN_START_TIME };

interface ActiveRun {
  handle: TrainerHandle;
  pending: MetricRow[];
  flushTimer: NodeJS.Timeout | null;
  finished: boolean;
  killTimer: NodeJS.Timeout | null;
  /** Share of examples some ablated copy beats, per utility kind; lands in the final metrics. */
  utilityShares: Record<string, number>;
  /** Trainers of this process running, summed over this run's progress messages: how crowded its cores were. */
  concurrency: { sum: number; samples: number };
}

/**
 * Owns run lifecycles: a FIFO queue, at most `maxParallel` trainer processes (one core each:
 * a wasm trainer is single-threaded), and the translation of trainer messages into SQLite rows
 * and contract events. The only writer of the runs it owns (runs.owner_pid): another process's
 * cancel / pause / resume of them arrives as a request row (main/db/run-requests-repo.ts) that
 * this service polls. Every write made from a trainer message or a timer goes through the
 * WriteQueue (main/db/busy.ts): a busy database delays it, never loses it, never throws.
 */
export class RunService {
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue: string[] = [];
  private closed = false;
  /** Set once close() has returned: the database may be closed, so late trainer messages and exits are ignored. */
  private detached = false;
  private requestTimer: NodeJS.Timeout | null = null;
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
    private readonly writes: WriteQueue,
    private readonly requests: RunRequestsRepo,
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
    this.runs.insert(run, OWNER);
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
    if (live) {
      live.handle.send({ type: 'cancel' });
      live.killTimer ??= setTimeout(() => live.handle.kill(), CANCEL_GRACE_MS);
      return this.get(id);
    }
    if (this.queue.includes(id)) {
      this.dequeue(id);
      this.finish(id, 'cancelled', null);
      return this.get(id);
    }
    if (this.askOwner(id, 'cancel')) return this.get(id);
    // Nobody schedules it any more (its owner died): there is no trainer to stop.
    this.finish(id, 'cancelled', null);
    return this.get(id);
  }

  pause(id: string): RunSummary {
    const run = this.get(id);
    const live = this.active.get(id);
    if (run.status === 'running' && !live && this.askOwner(id, 'pause')) return run;
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
    if (run.status === 'paused' && this.askOwner(id, 'resume')) return run;
    if (run.status === 'interrupted' || run.status === 'failed') {
      const checkpoint = this.runs.checkpoint(id);
      if (checkpoint) this.evaluations.deleteAfterStep(id, checkpoint.step);
      this.runs.requeue(id, OWNER, checkpoint !== null);
      this.onRunRequeued(this.get(id));
      this.enqueue(id);
      this.emitStatus(id);
      return this.get(id);
    }
    throw new AppError('conflict', `Run ${id} is ${run.status}; only paused, interrupted or failed runs can be resumed.`);
  }

  /** ", trained by Comparo process 1234" when another live process owns the run, else "" (for refusals). */
  ownerText(id: string): string {
    const owner = this.runs.owner(id);
    return owner && owner.pid !== OWN_PID && isOwnerAlive(owner.pid, owner.started) ? `, trained by Comparo process ${owner.pid}` : '';
  }

  /**
   * A run scheduled by another live process: leave the request for its owner, which applies it
   * within REQUEST_POLL_MS. False when the owner is this process or is gone.
   */
  private askOwner(id: string, action: RunRequestAction): boolean {
    const owner = this.runs.owner(id);
    if (!owner || owner.pid === OWN_PID || !isOwnerAlive(owner.pid, owner.started)) return false;
    this.requests.add(id, action, OWN_PID);
    return true;
  }

  /** Applies other processes' requests for the runs this process schedules. Never throws. */
  private pollRequests(): void {
    if (this.detached) return;
    try {
      const requests = this.requests.forOwner(OWN_PID);
      for (const request of requests) {
        try {
          if (request.action === 'cancel') this.cancel(request.runId);
          else if (request.action === 'pause') this.pause(request.runId);
          else this.resume(request.runId);
        } catch {
          // Already finished, or not in a state the action applies to: the request is spent.
        }
      }
      if (requests.length > 0) {
        const ids = requests.map((r) => r.id);
        this.writes.submit({ label: 'clearing run requests', write: () => this.requests.remove(ids) });
      }
    } catch {
      // A database that cannot be read right now: the next poll tries again.
    }
    if (this.active.size === 0 && this.queue.length === 0) this.stopPolling();
  }

  private startPolling(): void {
    if (this.requestTimer || this.closed) return;
    this.requestTimer = setInterval(() => this.pollRequests(), REQUEST_POLL_MS);
    this.requestTimer.unref?.();
  }

  private stopPolling(): void {
    if (this.requestTimer) clearInterval(this.requestTimer);
    this.requestTimer = null;
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
    for (const [id, live] of this.active) if (!live.finished) this.finish(id, 'interrupted', 'Comparo was closed while this run trained.');
    this.active.clear();
    this.stopPolling();
    // The last rows and statuses: wait for a busy database rather than lose them.
    if (!this.writes.flushNow(10_000)) process.stderr.write(`comparo: ${this.writes.size} write(s) could not be stored before closing: the database stayed busy.\n`);
    this.writes.dispose();
    this.detached = true;
  }

  private enqueue(id: string): void {
    this.queue.push(id);
    this.startPolling();
    this.pump();
  }

  private dequeue(id: string): void {
    const i = this.queue.indexOf(id);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.maxParallel && this.queue.length > 0) {
      const id = this.queue.shift()!;
      // Called from trainer exits and timers too: a run that cannot start fails, nothing throws.
      try {
        this.launch(id);
      } catch (e) {
        this.active.delete(id);
        this.finish(id, 'failed', `Starting the trainer failed: ${(e as Error).message}`);
      }
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
    const live: ActiveRun = { handle, pending: [], flushTimer: null, finished: false, killTimer: null, utilityShares: {}, concurrency: { sum: 0, samples: 0 } };
    this.active.set(id, live);
    handle.onMessage((m) => {
      // A message that cannot be stored fails its run; it must never throw into the services' loop.
      try {
        this.onTrainerMessage(id, live, m);
      } catch (e) {
        if (!live.finished) this.failRun(id, live, `Storing a trainer message failed: ${(e as Error).message}`);
      }
    });
    handle.onExit((code, signal) => {
      try {
        this.onTrainerExit(id, live, code, signal);
      } catch (e) {
        process.stderr.write(`comparo: after run ${id}'s trainer exited: ${(e as Error).message}\n`);
      }
    });
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
        this.write(id, () => this.runs.setStatus(id, 'running', { backend: m.backend }), () => this.emitStatus(id));
        break;
      case 'progress':
        live.concurrency.sum += this.active.size;
        live.concurrency.samples += 1;
        live.pending.push(...m.samples.flatMap((s) => sampleRows(id, s)));
        this.write(id, () => this.runs.setProgress(id, m.step, m.totalSteps));
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
        const rows = [...this.takePending(live), ...points.map((p) => ({ runId: id, ...p }))];
        this.write(
          id,
          () => {
            this.metrics.insertMany(rows);
            this.evaluations.insertEvaluation(id, m);
          },
          () => this.events.emit('run.eval', { runId: id, points }),
        );
        break;
      }
      case 'checkpoint': {
        const rows = this.takePending(live);
        this.write(id, () => {
          this.metrics.insertMany(rows);
          this.runs.setCheckpoint(id, m.path, m.step);
        });
        break;
      }
      case 'utility': {
        const points = m.levels.map((l) => ({ kind: m.kind, ...l }));
        live.utilityShares[`utility_${m.kind}_beaten_share`] = m.beatenShare;
        this.write(
          id,
          () => this.evaluations.replaceUtility(id, m.kind, m.levels),
          () => this.events.emit('run.utility', { runId: id, kind: m.kind, points, beatenShare: m.beatenShare }),
        );
        break;
      }
      case 'paused':
      case 'resumed':
        this.write(id, () => this.runs.setStatus(id, m.type === 'paused' ? 'paused' : 'running'), () => this.emitStatus(id));
        break;
      case 'done': {
        live.finished = true;
        const metrics = {
          ...m.metrics,
          ...live.utilityShares,
          ms_per_step: m.msPerStep,
          elapsed_ms: m.elapsedMs,
          // Wall time per step grows with the trainers sharing the cores; this says how many did.
          ...(live.concurrency.samples > 0 ? { concurrent_trainers: live.concurrency.sum / live.concurrency.samples } : {}),
          ...(m.bestStep !== undefined ? { best_step: m.bestStep } : {}),
          ...(m.stoppedEarly !== undefined ? { stopped_early: m.stoppedEarly ? 1 : 0 } : {}),
        };
        this.flush(id);
        this.write(id, () => this.runs.setFinalMetrics(id, metrics));
        this.finish(id, 'completed', null);
        break;
      }
      case 'cancelled':
        live.finished = true;
        this.flush(id);
        // Stopped because Comparo is closing: the person did not cancel it, so keep it resumable.
        if (this.closed) this.finish(id, 'interrupted', 'Comparo was closed while this run trained.');
        else this.finish(id, 'cancelled', null);
        break;
      case 'error':
        live.finished = true;
        this.flush(id);
        this.finish(id, 'failed', m.message);
        break;
    }
  }

  private onTrainerExit(id: string, live: ActiveRun, code: number | null, signal: string | null): void {
    if (this.detached) return;
    this.flush(id);
    if (live.killTimer) clearTimeout(live.killTimer);
    this.active.delete(id);
    // Whether the run ended is known here (live.finished), not read back: its last status write
    // may still be waiting for a busy database.
    if (!live.finished) {
      live.finished = true;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      this.finish(id, 'interrupted', `The trainer process ${how} before the run finished; resume to run it again.`);
    }
    this.pump();
  }

  private takePending(live: ActiveRun): MetricRow[] {
    if (live.flushTimer) clearTimeout(live.flushTimer);
    live.flushTimer = null;
    return live.pending.splice(0);
  }

  /** Metric rows batched since the last write (from a timer too: never throws). */
  private flush(id: string): void {
    const live = this.active.get(id);
    if (!live) return;
    const rows = this.takePending(live);
    if (rows.length > 0) this.write(id, () => this.metrics.insertMany(rows));
  }

  /**
   * One write for run `id` through the queue, with what follows it once stored. A write that
   * fails for a reason other than a busy database (the run's row was removed, the disk is full)
   * cannot be stored later either: the run's trainer is stopped.
   */
  private write(id: string, write: () => void, then?: () => void): void {
    const queued: QueuedWrite = { label: `storing run ${id}`, write, then, onError: (e) => this.abandon(id, e) };
    this.writes.submit(queued);
  }

  /** A run whose rows cannot be stored: stop its trainer and say why, once. */
  private abandon(id: string, error: Error): void {
    process.stderr.write(`comparo: run ${id}: storing its progress failed (${error.message}); its trainer is stopped.\n`);
    const live = this.active.get(id);
    if (!live) return;
    live.finished = true;
    live.handle.kill();
    try {
      this.runs.setStatus(id, 'failed', { error: `Storing this run failed: ${error.message}` });
    } catch {
      // The row is gone or the database is unusable: nothing more to record.
    }
  }

  /** The trainer cannot be trusted any more (malformed or non-finite message): the run fails, the trainer is stopped. */
  private failRun(id: string, live: ActiveRun, problem: string): void {
    live.finished = true;
    this.flush(id);
    this.finish(id, 'failed', problem);
    live.handle.kill();
  }

  private finish(id: string, status: TerminalRunStatus, error: string | null): void {
    this.write(
      id,
      () => this.runs.setStatus(id, status, { error }),
      () => {
        this.emitStatus(id);
        this.onRunFinished(this.get(id));
      },
    );
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
