import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { EvalSplit, RunConfig, RunDetail, RunSummary } from '../../shared/schemas';
import type { WriteQueue } from '../db/busy';
import type { EvaluationsRepo } from '../db/evaluations-repo';
import type { MetricsRepo } from '../db/metrics-repo';
import type { RunRequest, RunRequestsRepo } from '../db/run-requests-repo';
import { TERMINAL_STATUSES, type RunsRepo } from '../db/runs-repo';
import { checkTrainerMessage } from '../../shared/trainer-protocol';
import type { TerminalRunStatus } from '../../shared/vocabulary';
import type { RemoteAttacher, StoredProgress, TrainerHandle, TrainerLauncher } from '../training/protocol';
import { type ActiveRun, activeRun, holdsSlot, livePhase } from './active-run';
import type { DatasetService } from './dataset-service';
import { newId } from './dataset-service';
import type { EventBus } from './event-bus';
import { RunOwnership, THIS_OWNER as OWNER } from './run-ownership';
import { RunRecorder } from './run-recorder';

/** After a cancel request, how long a trainer gets to stop by itself before it is killed. */
const CANCEL_GRACE_MS = 5000;
const PROGRESS_INTERVAL_MS = 250;

/**
 * Owns run lifecycles: a FIFO queue, at most `maxParallel` trainers training (one core each:
 * a wasm trainer is single-threaded; a paused one waits between steps and gives its slot to the
 * next queued run), and the translation of trainer messages into SQLite rows, contract events and
 * live phases (main/services/active-run.ts). The only writer of the runs it owns (runs.owner_pid): another process's
 * cancel / pause / resume of them arrives as a request row (main/db/run-requests-repo.ts) that
 * this service polls (main/services/run-ownership.ts). Every write made from a trainer message or
 * a timer goes through the WriteQueue (main/services/run-recorder.ts).
 */
export class RunService {
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue: string[] = [];
  private closed = false;
  /** Set once close() has returned: the database may be closed, so late trainer messages and exits are ignored. */
  private detached = false;
  private readonly ownership: RunOwnership;
  private readonly recorder: RunRecorder;
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
    /** Trainer slots now: asked at each start, since a queue placement (main/services/placement-service.ts) has more than the cores here. */
    private readonly slots: () => number,
    /** Checkpoints go to <checkpointRoot>/<run id>/. */
    private readonly checkpointRoot: string,
    private readonly writes: WriteQueue,
    requests: RunRequestsRepo,
  ) {
    this.ownership = new RunOwnership(runs, requests, writes, (request) => this.applyRequest(request), () => this.active.size === 0 && this.queue.length === 0);
    this.recorder = new RunRecorder(runs, metrics, evaluations, events, writes, (id, error) => this.abandon(id, error));
  }

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
    return this.withPhase(run);
  }

  /** The stored summary plus what its trainer does now, when this process trains it. */
  private withPhase(run: RunSummary): RunSummary {
    const live = this.active.get(run.id);
    const phase = live && livePhase(live);
    return phase ? { ...run, phase } : run;
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
    return this.runs.list().map((run) => this.withPhase(run));
  }

  cancel(id: string): RunSummary {
    const run = this.get(id);
    if (TERMINAL_STATUSES.includes(run.status)) throw new AppError('conflict', `Run ${id} is already ${run.status}.`);
    const live = this.active.get(id);
    if (live) {
      // A paused run waiting for a slot is in the queue too: it must not be resumed any more.
      this.dequeue(id);
      live.asked = 'cancel';
      live.handle.send({ type: 'cancel' });
      live.killTimer ??= setTimeout(() => live.handle.kill(), CANCEL_GRACE_MS);
      this.emitPhase(id);
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

  /**
   * The trainer stops between two steps and waits (status 'paused' once it says so; 'pausing'
   * until then); its slot goes to the next queued run. A paused run still waiting for a slot after
   * a resume is simply paused again.
   */
  pause(id: string): RunSummary {
    const run = this.get(id);
    const live = this.active.get(id);
    if (run.status === 'running' && !live && this.askOwner(id, 'pause')) return run;
    if (live && !live.finished && live.trainerPaused && this.queue.includes(id)) {
      this.dequeue(id);
      this.write(id, () => this.runs.setStatus(id, 'paused'), () => this.emitStatus(id));
      return this.get(id);
    }
    if (run.status !== 'running' || !live) throw new AppError('conflict', `Run ${id} is ${run.status}; only a running run can be paused.`);
    if (live.asked !== 'run') return run;
    live.asked = 'pause';
    live.handle.send({ type: 'pause' });
    this.emitPhase(id);
    return this.get(id);
  }

  /**
   * A paused run continues where it stopped, once a trainer slot is free (status 'queued' until
   * then); an interrupted or failed run continues from its latest checkpoint (or step 0 without one).
   */
  resume(id: string): RunSummary {
    const run = this.get(id);
    const live = this.active.get(id);
    if (live && !live.finished && live.asked !== 'cancel') {
      if (live.asked === 'run' || this.queue.includes(id)) return run;
      if (!live.trainerPaused || this.slotsInUse() < this.slots()) {
        // Still pausing (it never gave up its slot), or a slot is free: carry on now.
        this.resumeLive(id, live);
        this.emitPhase(id);
      } else {
        // Ahead of runs that never started: it was started first and holds its memory while it waits.
        this.queue.unshift(id);
        this.write(id, () => this.runs.setStatus(id, 'queued'), () => this.emitStatus(id));
      }
      return this.get(id);
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

  /**
   * Trains a cancelled, failed or interrupted run again from step 0, with the same config and seed
   * (so the same split, initialisation and data order): what it stored before is dropped.
   */
  retrain(id: string): RunSummary {
    const run = this.get(id);
    if (!['cancelled', 'failed', 'interrupted'].includes(run.status)) {
      throw new AppError('conflict', `Run ${id} is ${run.status}; only cancelled, failed or interrupted runs are trained again.`);
    }
    this.runs.requeue(id, OWNER, false);
    this.onRunRequeued(this.get(id));
    this.enqueue(id);
    this.emitStatus(id);
    return this.get(id);
  }

  private resumeLive(id: string, live: ActiveRun): void {
    live.asked = 'run';
    live.handle.send({ type: 'resume' });
  }

  /** Trainer slots taken: every live trainer but the paused ones (main/services/active-run.ts holdsSlot). */
  private slotsInUse(): number {
    let n = 0;
    for (const live of this.active.values()) if (holdsSlot(live)) n++;
    return n;
  }

  /** ", trained by Comparo process 1234" when another live process owns the run, else "" (for refusals). */
  ownerText(id: string): string {
    return this.ownership.ownerText(id);
  }

  private askOwner(id: string, action: RunRequest['action']): boolean {
    return this.ownership.askOwner(id, action);
  }

  /** Another process's cancel / pause / resume of a run this process schedules. */
  private applyRequest(request: RunRequest): void {
    if (this.detached) return;
    if (request.action === 'cancel') this.cancel(request.runId);
    else if (request.action === 'pause') this.pause(request.runId);
    else this.resume(request.runId);
  }

  /** Stops every trainer (cancel, wait, kill) and marks unfinished runs interrupted so they can be resumed. */
  async close(): Promise<void> {
    this.closed = true;
    // A paused run waiting for a slot is in the queue too; its trainer is stopped with the others below.
    for (const id of this.queue.splice(0)) if (!this.active.has(id)) this.finish(id, 'interrupted', 'Comparo was closed before this run started.');
    // A remote trainer goes on training on its worker: stop following it, keep it resumable here.
    for (const [id, live] of [...this.active.entries()]) {
      if (!live.handle.detach || live.finished) continue;
      live.handle.detach();
      live.finished = true;
      this.flush(id);
      this.finish(id, 'interrupted', `Comparo was closed while this run trained on a worker (${live.handle.remote?.queue}); open Comparo on that queue again to follow it (CLI: attach --queue …).`);
      this.active.delete(id);
    }
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
    this.ownership.close();
    // The last rows and statuses: wait for a busy database rather than lose them.
    if (!this.writes.flushNow(10_000)) process.stderr.write(`comparo: ${this.writes.size} write(s) could not be stored before closing: the database stayed busy.\n`);
    this.writes.dispose();
    this.detached = true;
  }

  private enqueue(id: string): void {
    this.queue.push(id);
    if (!this.closed) this.ownership.start();
    this.pump();
  }

  private dequeue(id: string): void {
    const i = this.queue.indexOf(id);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private pump(): void {
    while (!this.closed && this.slotsInUse() < this.slots() && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const paused = this.active.get(id);
      if (paused) {
        if (!paused.finished) this.resumeLive(id, paused);
        continue;
      }
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
    this.watch(id, handle);
    // A queue job: recorded, so a Comparo restarted while it trains can follow it again.
    if (handle.remote) this.write(id, () => this.runs.setRemoteJob(id, handle.remote!));
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

  /** Takes a trainer's messages and exit from now on (a new one, or a remote one followed again). */
  private watch(id: string, handle: TrainerHandle): ActiveRun {
    const live: ActiveRun = activeRun(handle);
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
    return live;
  }

  /**
   * Follows again the runs an earlier Comparo handed to this queue and stopped following (it was
   * closed, crashed or killed) while their jobs may still train: each job's stream is read from its
   * start, and what the history already holds is not stored twice. Runs whose job the queue no
   * longer knows stay interrupted (resume trains them again). Returns the ids followed.
   */
  async adoptRemote(attacher: RemoteAttacher): Promise<string[]> {
    const adopted: string[] = [];
    for (const { id, jobId } of this.runs.remoteInterrupted(attacher.queue)) {
      if (this.closed || this.active.has(id)) continue;
      let known = false;
      try {
        known = await attacher.hasJob(jobId);
      } catch {
        known = false; // the queue is unreachable now: the run stays interrupted
      }
      if (!known || this.closed) continue;
      const metricSteps = this.metrics.forRunSplit(id, 'train').map((m) => m.step);
      const stored: StoredProgress = {
        lastSampleStep: metricSteps.length > 0 ? Math.max(...metricSteps) : -1,
        evaluations: this.evaluations.evaluations(id).map((e) => `${e.split ?? 'validation'}:${e.step}`),
        checkpointStep: this.runs.checkpoint(id)?.step ?? null,
      };
      this.runs.adopt(id, OWNER);
      this.watch(id, attacher.attach(id, jobId, join(this.checkpointRoot, id), stored));
      this.ownership.start();
      this.onRunRequeued(this.get(id));
      this.emitStatus(id);
      adopted.push(id);
    }
    return adopted;
  }

  private onTrainerMessage(id: string, live: ActiveRun, raw: unknown): void {
    // Once the run is over (or failed below), whatever its trainer still sends is ignored.
    if (this.detached || live.finished) return;
    const checked = checkTrainerMessage(raw);
    if (!checked.ok) return this.failRun(id, live, checked.problem);
    const m = checked.message;
    switch (m.type) {
      case 'ready':
        this.write(id, () => this.runs.setStatus(id, 'running', { backend: m.backend, ...(m.worker ? { worker: m.worker } : {}) }), () => this.emitStatus(id));
        break;
      case 'progress':
        this.recorder.progress(id, live, m, this.slotsInUse());
        break;
      case 'eval':
        this.recorder.evaluation(id, live, m);
        break;
      case 'checkpoint':
        this.recorder.checkpoint(id, live, m);
        break;
      case 'utility':
        this.recorder.utility(id, live, m);
        break;
      case 'phase':
        live.trainerPhase = m.phase;
        this.emitPhase(id);
        break;
      case 'paused':
        live.trainerPaused = true;
        // Resumed or cancelled while the trainer was stopping: its next message follows at once.
        if (live.asked !== 'pause') break;
        this.write(id, () => this.runs.setStatus(id, 'paused'), () => this.emitStatus(id));
        this.pump(); // its slot is free
        break;
      case 'resumed':
        live.trainerPaused = false;
        this.write(id, () => this.runs.setStatus(id, 'running'), () => this.emitStatus(id));
        break;
      case 'done':
        live.finished = true;
        this.recorder.done(id, live, m);
        this.finish(id, 'completed', null);
        break;
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
    if (!live.finished && live.asked === 'cancel' && !this.closed) {
      // Asked to stop and killed after the grace period (a trainer still loading, say): the person cancelled it.
      live.finished = true;
      this.finish(id, 'cancelled', null);
    } else if (!live.finished) {
      live.finished = true;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      this.finish(id, 'interrupted', `The trainer process ${how} before the run finished; resume to run it again.`);
    }
    this.pump();
  }

  /** Metric rows batched since the last write (from a timer too: never throws). */
  private flush(id: string): void {
    const live = this.active.get(id);
    if (live) this.recorder.flush(id, live);
  }

  private write(id: string, write: () => void, then?: () => void): void {
    this.recorder.write(id, write, then);
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
    const live = this.active.get(id);
    if (live) live.shownPhase = run.phase;
    this.events.emit('run.status', { runId: id, status: run.status, backend: run.backend, error: run.error, ...(run.phase ? { phase: run.phase } : {}) });
  }

  /** A run.status event when only the live phase changed (evaluating, pausing…). Never throws: it is only news. */
  private emitPhase(id: string): void {
    const live = this.active.get(id);
    if (!live || livePhase(live) === live.shownPhase) return;
    try {
      this.emitStatus(id);
    } catch {
      // The run's row cannot be read right now: the next status event carries the phase.
    }
  }
}
