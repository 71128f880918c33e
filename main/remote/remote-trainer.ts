// A trainer that runs on a worker, seen by the run service exactly like a local one
// (main/training/protocol.ts TrainerHandle): the start message becomes a BullMQ job, the job's
// event stream (written by main/worker/run-job.ts) becomes the trainer's messages, and cancel /
// pause / resume / kill go out on the control channel. Checkpoints are fetched into the run's
// own checkpoint folder before their message is passed on, and each becomes the job's point of
// resumption, so a retry on another worker continues from the last one that reached the app.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ARTEFACT_PATH_PREFIX,
  checkWorkerEvent,
  CODE_VERSION,
  type RunControl,
  type RunJob,
  type TrainingData,
} from '../../shared/remote-protocol';
import type { WorkerInfo } from '../../shared/worker-info';
import { BEST_CHECKPOINT } from '../training/checkpoint';
import type { ParentToTrainer, StoredProgress, TrainerHandle, TrainerStartMessage, TrainerToParent } from '../training/protocol';
import { deleteArtefact, getFile, putBytes, putFile, type ArtefactPlace } from './artefacts';
import { CONTROL_CHANNEL, eventStreamKey } from './keys';
import { ReplayFilter } from './replay-filter';

export interface RemoteTrainerDeps {
  queue: Queue;
  /** Commands (publish). */
  redis: Redis;
  /** Where artefacts go: that Redis, and a bucket for big ones when configured. */
  artefacts: ArtefactPlace;
  /** A connection of its own for the blocking stream reads; closed when the trainer exits. */
  openReader: () => Redis;
  attempts: number;
  /** Resolves once Redis answers, rejects with why not (refused, a wrong password) after a bound. */
  reach: () => Promise<void>;
  /** Where the queue lives, for messages (password hidden). */
  shown: string;
  onClosed: (jobId: string) => void;
}

/** How long one stream read waits for news before it checks whether the handle was closed. */
const READ_BLOCK_MS = 2000;

export class RemoteTrainer implements TrainerHandle {
  readonly pid = undefined;
  readonly jobId: string;
  private readonly messageListeners: Array<(message: TrainerToParent) => void> = [];
  private readonly exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
  private exit: { code: number | null; signal: string | null } | null = null;
  private job: Job | null = null;
  private reader: Redis | null = null;
  private checkpointDir: string | null = null;
  /** The best checkpoint that reached the app last (its artefact), resumed from with the next checkpoint. */
  private bestArtefact: string | null = null;
  private readonly replay: ReplayFilter;
  readonly remote: { jobId: string; queue: string };
  /** The worker of the current attempt, added to its 'ready' message for the history. */
  private worker: WorkerInfo | null = null;
  /** Set by the queue's failed event: BullMQ gave up on the job (lease lost too often, attempts spent). */
  private failedReason: string | null = null;

  /** `follow`: a job an earlier Comparo queued (after a restart), its checkpoint folder and what its history holds. */
  constructor(
    readonly runId: string,
    private readonly deps: RemoteTrainerDeps,
    follow?: { jobId: string; checkpointDir: string; stored: StoredProgress },
  ) {
    this.jobId = follow?.jobId ?? `${runId}-${Date.now().toString(36)}`;
    this.remote = { jobId: this.jobId, queue: deps.shown };
    this.replay = new ReplayFilter(follow?.stored ?? null);
    if (follow) {
      this.checkpointDir = follow.checkpointDir;
      void this.followExisting();
    }
  }

  private async followExisting(): Promise<void> {
    try {
      this.job = (await this.deps.queue.getJob(this.jobId)) ?? null;
      const data = this.job?.data as RunJob | undefined;
      this.bestArtefact = data?.resumeBestArtefact ?? null;
    } catch {
      // Redis is away: reading the stream below waits for it; the job is looked up for updates only.
    }
    this.reader = this.deps.openReader();
    void this.read();
  }

  detach(): void {
    if (this.exit) return;
    this.exit = { code: null, signal: null };
    this.reader?.disconnect();
    this.deps.onClosed(this.jobId);
    this.exitListeners.splice(0);
  }

  send(message: ParentToTrainer): void {
    if (this.exit) return;
    if (message.type === 'start') {
      this.enqueue(message).catch((error: Error) => this.fail(`Queueing the run on ${this.deps.shown} failed: ${error.message}`));
      return;
    }
    this.control(message.type);
  }

  onMessage(listener: (message: TrainerToParent) => void): void {
    this.messageListeners.push(listener);
  }

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    if (this.exit) listener(this.exit.code, this.exit.signal);
    else this.exitListeners.push(listener);
  }

  kill(): void {
    if (this.exit) return;
    this.control('kill');
    // Still waiting for a worker: take it off the queue, nobody will report its end.
    void this.job
      ?.remove()
      .then(() => this.finish(null, 'SIGKILL'))
      .catch(() => undefined);
  }

  /** BullMQ failed the job without a last entry from a worker (its lease was lost too often). */
  jobFailed(reason: string): void {
    this.failedReason = reason;
  }

  private control(action: RunControl['action']): void {
    const request: RunControl = { jobId: this.jobId, action };
    this.deps.redis.publish(CONTROL_CHANNEL, JSON.stringify(request)).catch(() => undefined);
  }

  private async enqueue(start: TrainerStartMessage): Promise<void> {
    const { labelNames, train, validation, test, task, checkpointDir, resumeFrom, ...rest } = start;
    const data: TrainingData = { labelNames, train, validation, ...(test ? { test } : {}), ...(task ? { task } : {}) };
    this.checkpointDir = checkpointDir ?? null;
    await this.deps.reach();
    const dataArtefact = await putBytes(this.deps.artefacts, Buffer.from(JSON.stringify(data)), 'data.json');
    const resume = resumeFrom ? await putFile(this.deps.artefacts, resumeFrom, basename(resumeFrom)) : null;
    // The run's best checkpoint so far lies beside it (main/training/checkpoint.ts BEST_CHECKPOINT).
    const bestPath = resumeFrom ? join(dirname(resumeFrom), BEST_CHECKPOINT) : null;
    const best = bestPath && existsSync(bestPath) ? await putFile(this.deps.artefacts, bestPath, BEST_CHECKPOINT) : null;
    this.bestArtefact = best?.sha256 ?? null;
    const job: RunJob = { codeVersion: CODE_VERSION, start: rest, data: dataArtefact.sha256, resumeArtefact: resume?.sha256 ?? null, resumeBestArtefact: this.bestArtefact };
    this.job = await this.deps.queue.add('run', job, {
      jobId: this.jobId,
      attempts: this.deps.attempts,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    this.reader = this.deps.openReader();
    void this.read();
  }

  /** Reads the job's stream from its first entry to its last, handling one entry at a time, in order. */
  private async read(): Promise<void> {
    let lastId = '0';
    while (!this.exit) {
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = (await this.reader!.xread('BLOCK', READ_BLOCK_MS, 'STREAMS', eventStreamKey(this.jobId), lastId)) as typeof reply;
      } catch (error) {
        if (this.exit) return;
        // The connection was closed under us, or Redis refused: wait, the connection reconnects.
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (!reply) {
        if (this.failedReason !== null) this.fail(`The queue gave up on this run: ${this.failedReason}`);
        continue;
      }
      for (const [id, fields] of reply[0][1]) {
        lastId = id;
        await this.handleEntry(fields);
        if (this.exit) return;
      }
    }
  }

  private async handleEntry(fields: string[]): Promise<void> {
    const text = fields[fields.indexOf('m') + 1];
    let raw: unknown;
    try {
      raw = JSON.parse(text ?? 'null');
    } catch {
      return this.deliver({ type: 'error', message: 'The worker wrote an entry that is not JSON.' } as TrainerToParent);
    }
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && type.startsWith('worker.')) {
      const checked = checkWorkerEvent(raw);
      if (!checked.ok) return;
      const event = checked.message;
      if (event.type === 'worker.attached') this.worker = event.worker;
      else if (event.type === 'worker.artefact') {
        if (await this.fetchArtefact(event.sha256)) this.bestArtefact = event.sha256;
      }
      else this.finish(event.code, event.signal);
      return;
    }
    // Everything else is the trainer's, checked by the run service like a local trainer's message.
    let message = raw as TrainerToParent;
    if (message?.type === 'ready' && this.worker) message = { ...message, worker: this.worker };
    if (message?.type === 'checkpoint' && typeof message.path === 'string' && message.path.startsWith(ARTEFACT_PATH_PREFIX)) {
      const sha256 = message.path.slice(ARTEFACT_PATH_PREFIX.length);
      try {
        if (!this.checkpointDir) return; // the run keeps no checkpoints
        await mkdir(this.checkpointDir, { recursive: true });
        const path = await getFile(this.deps.artefacts, sha256, this.checkpointDir);
        const before = this.job?.data as RunJob | undefined;
        await this.job?.updateData({ ...(before as RunJob), resumeArtefact: sha256, resumeBestArtefact: this.bestArtefact });
        // The checkpoint it replaces as the point of resumption is here on disk: Redis need not keep it.
        await this.forget(before?.resumeArtefact, [sha256, this.bestArtefact]);
        await this.forget(before?.resumeBestArtefact, [sha256, this.bestArtefact]);
        message = { ...message, path };
      } catch (error) {
        // A checkpoint that did not arrive is not fatal: the run goes on, a resume starts from an earlier one.
        process.stderr.write(`comparo: run ${this.runId}: fetching checkpoint ${message.step} failed: ${(error as Error).message}\n`);
        return;
      }
    }
    const passed = this.replay.pass(message);
    if (passed) this.deliver(passed);
    // Over: its checkpoints are in the run's folder here; only the dataset stays in Redis (shared by a sweep's runs).
    if (passed?.type === 'done') {
      const data = this.job?.data as RunJob | undefined;
      for (const sha256 of new Set([data?.resumeArtefact, data?.resumeBestArtefact, this.bestArtefact])) await this.forget(sha256, []);
    }
  }

  /** Fetches the best checkpoint into the run's folder; false when it did not arrive. */
  private async fetchArtefact(sha256: string): Promise<boolean> {
    if (!this.checkpointDir) return false;
    try {
      await mkdir(this.checkpointDir, { recursive: true });
      await getFile(this.deps.artefacts, sha256, this.checkpointDir);
      return true;
    } catch (error) {
      process.stderr.write(`comparo: run ${this.runId}: fetching its best checkpoint failed: ${(error as Error).message}\n`);
      return false;
    }
  }

  /** Deletes a checkpoint artefact the job no longer resumes from (never one still in use). */
  private async forget(sha256: string | null | undefined, inUse: Array<string | null>): Promise<void> {
    if (!sha256 || inUse.includes(sha256)) return;
    await deleteArtefact(this.deps.artefacts, sha256).catch(() => undefined);
  }

  private deliver(message: TrainerToParent): void {
    for (const listener of this.messageListeners) listener(message);
  }

  private fail(problem: string): void {
    if (this.exit) return;
    this.deliver({ type: 'error', message: problem });
    this.finish(1, null);
  }

  private finish(code: number | null, signal: string | null): void {
    if (this.exit) return;
    this.exit = { code, signal };
    this.reader?.disconnect();
    this.deps.onClosed(this.jobId);
    for (const listener of this.exitListeners.splice(0)) listener(code, signal);
  }
}
