// One run job on a worker: the same trainer process a local run gets (main/training/node-launcher.ts),
// fed from the job, its messages appended in order to the job's event stream for the app to read.
// Checkpoints go up as artefacts (main/remote/artefacts.ts) and their messages carry the artefact
// instead of a path that means nothing on the app's machine. How the job ends tells BullMQ what to do:
// completed or cancelled returns; a trainer error (bad data, divergence) fails for good, since a
// retry would fail the same way; a trainer that died (killed, out of memory) throws a plain error,
// which BullMQ retries on whichever worker is free.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ARTEFACT_PATH_PREFIX,
  checkRunJob,
  CODE_VERSION,
  TrainingDataSchema,
  type TrainingData,
  versionRefusal,
  type WorkerEvent,
  type WorkerInfo,
} from '../../shared/remote-protocol';
import type { BackendPreference } from '../../shared/vocabulary';
import { getBytes, getFile, putFile, type ArtefactPlace } from '../remote/artefacts';
import { eventStreamKey, RETENTION_SECONDS } from '../remote/keys';
import { BEST_CHECKPOINT } from '../training/checkpoint';
import type { TrainerHandle, TrainerLauncher, TrainerToParent } from '../training/protocol';

export interface WorkerContext {
  /** For appends (not the blocking connection BullMQ's worker holds). */
  redis: Redis;
  /** Where artefacts go: that Redis, and a bucket for big ones when configured. */
  artefacts: ArtefactPlace;
  info: WorkerInfo;
  launcher: TrainerLauncher;
  /** `--backend`: what this worker's trainers use whatever the run asked for. */
  backend: BackendPreference | null;
  /** Per-job folders for checkpoints, removed when the job ends. */
  scratchDir: string;
  /** The trainers running now, by job id, for cancel / pause / resume / kill from the app (main/worker/index.ts). */
  trainers: Map<string, RunningTrainer>;
  /** Datasets by content hash: a sweep's runs share one, so it crosses the network once per worker. */
  datasets: DatasetCache;
  /** A code version to claim instead of this code's own (tests of the refusal only). */
  codeVersion?: string;
}

/** The few datasets a worker used last, by content hash (sha256 of their splits), newest last. */
export class DatasetCache {
  private readonly entries = new Map<string, TrainingData>();

  constructor(private readonly capacity = 4) {}

  get(sha256: string): TrainingData | undefined {
    const found = this.entries.get(sha256);
    if (found) {
      this.entries.delete(sha256);
      this.entries.set(sha256, found);
    }
    return found;
  }

  set(sha256: string, data: TrainingData): void {
    this.entries.delete(sha256);
    this.entries.set(sha256, data);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

export interface RunningTrainer {
  handle: TrainerHandle;
  /** The app asked for a hard stop: the job ends for good, it is not retried. */
  killed: boolean;
}

export interface RunJobResult {
  status: 'completed' | 'cancelled';
}

type StreamEntry = TrainerToParent | WorkerEvent;

async function append(redis: Redis, jobId: string, entry: StreamEntry): Promise<void> {
  await redis.xadd(eventStreamKey(jobId), '*', 'm', JSON.stringify(entry));
}

/**
 * The job's last entry: written only when the job will not run again (done, cancelled, refused, a
 * trainer error, a kill from the app, the last attempt), so the app stops reading exactly then;
 * after a crash with attempts left, the next attempt's entries follow on the same stream.
 */
async function close(redis: Redis, jobId: string, code: number | null, signal: string | null): Promise<void> {
  await append(redis, jobId, { type: 'worker.exit', code, signal });
  await redis.expire(eventStreamKey(jobId), RETENTION_SECONDS);
}

/** Uploads best.ckpt whenever the trainer has rewritten it since the last upload, and says so on the stream. */
class BestUploads {
  private uploaded = '';

  constructor(
    private readonly redis: Redis,
    private readonly artefacts: ArtefactPlace,
    private readonly jobId: string,
    private readonly path: string,
  ) {}

  async uploadIfChanged(): Promise<void> {
    if (!existsSync(this.path)) return;
    const { mtimeMs, size } = await stat(this.path);
    const version = `${mtimeMs}:${size}`;
    if (version === this.uploaded) return;
    const manifest = await putFile(this.artefacts, this.path, BEST_CHECKPOINT);
    await append(this.redis, this.jobId, { type: 'worker.artefact', name: BEST_CHECKPOINT, sha256: manifest.sha256 });
    this.uploaded = version;
  }
}

async function pruneOlderSteps(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (/^step-\d+\.ckpt$/.test(name) && name !== keep) await rm(join(dir, name), { force: true });
  }
}

/** Refuses a job for good: the reason goes to the app as the trainer's error, then the job fails. */
async function refuse(ctx: WorkerContext, jobId: string, message: string): Promise<never> {
  await append(ctx.redis, jobId, { type: 'error', message });
  await close(ctx.redis, jobId, 1, null);
  throw new UnrecoverableError(message);
}

export async function runJob(ctx: WorkerContext, job: Job, signal?: AbortSignal): Promise<RunJobResult> {
  const jobId = job.id!;
  const checked = checkRunJob(job.data);
  if (!checked.ok) return refuse(ctx, jobId, checked.problem);
  const data = checked.message;
  const mine = ctx.codeVersion ?? CODE_VERSION;
  if (data.codeVersion !== mine) return refuse(ctx, jobId, versionRefusal(data.codeVersion, mine));

  const dir = join(ctx.scratchDir, jobId.replace(/[^\w.-]/g, '_'));
  await mkdir(dir, { recursive: true });
  try {
    let training;
    try {
      training = ctx.datasets.get(data.data) ?? TrainingDataSchema.parse(JSON.parse((await getBytes(ctx.artefacts, data.data)).toString('utf8')));
      ctx.datasets.set(data.data, training);
    } catch (error) {
      return await refuse(ctx, jobId, `The run's data could not be read from Redis: ${(error as Error).message}`);
    }
    const resumeFrom = data.resumeArtefact ? await getFile(ctx.artefacts, data.resumeArtefact, dir) : null;
    // Beside the checkpoint, where the resumed trainer looks for it (main/training/engine.ts).
    if (data.resumeBestArtefact) await getFile(ctx.artefacts, data.resumeBestArtefact, dir);
    const best = new BestUploads(ctx.redis, ctx.artefacts, jobId, join(dir, BEST_CHECKPOINT));
    await append(ctx.redis, jobId, { type: 'worker.attached', worker: ctx.info, attempt: job.attemptsMade });

    const handle = ctx.launcher(data.start.runId);
    const running: RunningTrainer = { handle, killed: false };
    ctx.trainers.set(jobId, running);
    let outcome: TrainerToParent | null = null;
    // Appends happen one after another, in the trainer's order, whatever each one waits for.
    let chain: Promise<void> = Promise.resolve();
    let appendFailure: Error | null = null;
    handle.onMessage((message) => {
      chain = chain.then(async () => {
        try {
          let entry: TrainerToParent = message;
          if (message.type === 'ready') entry = { ...message, worker: ctx.info };
          // The best checkpoint first: the app records it as the job's point of resumption with the checkpoint.
          if (message.type === 'checkpoint' || message.type === 'done') await best.uploadIfChanged();
          if (message.type === 'checkpoint') {
            const manifest = await putFile(ctx.artefacts, message.path, basename(message.path));
            entry = { ...message, path: `${ARTEFACT_PATH_PREFIX}${manifest.sha256}` };
            // Uploaded: only the newest is needed here (to resume after a pause), the app keeps the rest.
            await pruneOlderSteps(dir, basename(message.path));
          }
          if (message.type === 'done' || message.type === 'cancelled' || message.type === 'error') outcome = message;
          await append(ctx.redis, jobId, entry);
        } catch (error) {
          // Redis is gone for good or the checkpoint vanished: stop, and let BullMQ retry the job.
          appendFailure ??= error as Error;
          handle.kill();
        }
      });
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => handle.onExit((code, sig) => resolve({ code, signal: sig })));
    signal?.addEventListener('abort', () => handle.send({ type: 'cancel' }), { once: true });
    handle.send({
      ...data.start,
      ...training,
      config: ctx.backend ? { ...data.start.config, backend: ctx.backend } : data.start.config,
      checkpointDir: dir,
      resumeFrom,
    });
    const exit = await exited;
    await chain;
    ctx.trainers.delete(jobId);
    if (appendFailure) throw appendFailure;
    const ended = outcome as TrainerToParent | null;
    const crash = `The trainer process ${exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`} before the run finished.`;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (ended || running.killed || lastAttempt) await close(ctx.redis, jobId, exit.code, exit.signal);
    if (ended?.type === 'done') return { status: 'completed' };
    if (ended?.type === 'cancelled') return { status: 'cancelled' };
    if (ended?.type === 'error') throw new UnrecoverableError(ended.message);
    if (running.killed) throw new UnrecoverableError('Stopped by the app.');
    throw new Error(crash);
  } finally {
    ctx.trainers.delete(jobId);
    await rm(dir, { recursive: true, force: true });
  }
}
