// What crosses Redis between the app (main/remote/queue-launcher.ts) and a worker
// (main/worker/): the job a run becomes, what a worker says about itself, and the entries of a
// job's event stream. BullMQ carries the jobs (leases, stalled-job recovery, retries); each job's
// trainer messages travel on a Redis stream, so an app that reconnects reads on from the last entry
// it stored. Both ends parse what they read with these schemas. Pure zod (layering test).
import { z } from 'zod';
import { APP_VERSION } from './app-info';
import { checkMessage, type Checked } from './message-check';
import { TrainerStartMessageSchema } from './trainer-protocol';
import { WorkerInfoSchema } from './worker-info';

export { WorkerInfoSchema, type WorkerInfo } from './worker-info';
export { APP_VERSION };

/**
 * Revision of this file's wire format. A worker takes a job only when the job's code version equals
 * its own: same numbers need the same trainer, so a worker one release behind must refuse.
 */
export const REMOTE_PROTOCOL_REVISION = 1;

/** `0.1.0/r1`: what an app and a worker must agree on before a job runs. */
export const CODE_VERSION = `${APP_VERSION}/r${REMOTE_PROTOCOL_REVISION}`;

/** What a dataset contributes to a trainer's start message; it travels once per content as an artefact. */
export const TrainingDataSchema = TrainerStartMessageSchema.pick({ labelNames: true, train: true, validation: true, test: true, task: true });
export type TrainingData = z.infer<typeof TrainingDataSchema>;

/** One BullMQ job per trainer launch of a run. */
export const RunJobSchema = z.object({
  codeVersion: z.string().min(1),
  /** The trainer's start message without the data (see `data`) and the app's folders (the worker has its own). */
  start: TrainerStartMessageSchema.omit({ labelNames: true, train: true, validation: true, test: true, task: true, checkpointDir: true, resumeFrom: true }),
  /** sha256 of the TrainingData artefact (shared/remote-protocol.ts; main/remote/artefacts.ts). */
  data: z.string().regex(/^[0-9a-f]{64}$/),
  /** The last checkpoint that reached the app (an artefact's sha256), to continue from on any worker. */
  resumeArtefact: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  /** The best checkpoint at that point (best.ckpt), which the resumed trainer selects against. */
  resumeBestArtefact: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
});
export type RunJob = z.infer<typeof RunJobSchema>;

/** A checkpoint message's path, once the worker has uploaded the file: `artefact:<sha256>`. */
export const ARTEFACT_PATH_PREFIX = 'artefact:';

/**
 * An entry of a job's event stream besides the trainer's own messages: which worker took it (each
 * attempt), and how its trainer process ended.
 */
export const WorkerEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('worker.attached'), worker: WorkerInfoSchema, attempt: z.number().int().min(0) }),
  /** A file the run leaves besides its periodic checkpoints (best.ckpt), uploaded before the trainer's 'done'. */
  z.object({ type: z.literal('worker.artefact'), name: z.string().min(1).max(255).regex(/^[^/\\]+$/), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ type: z.literal('worker.exit'), code: z.number().int().nullable(), signal: z.string().nullable() }),
]);
export type WorkerEvent = z.infer<typeof WorkerEventSchema>;

/** What the app asks of a job's trainer (published on the control channel; the worker running it obeys). */
export const RunControlSchema = z.object({
  jobId: z.string().min(1),
  action: z.enum(['cancel', 'pause', 'resume', 'kill']),
});
export type RunControl = z.infer<typeof RunControlSchema>;

/** Artefacts travel in chunks of this many bytes, each its own Redis value. */
export const ARTEFACT_CHUNK_BYTES = 1 << 20;

export const ArtefactManifestSchema = z.object({
  /** sha256 of the whole file, hex: the artefact's name and its check. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
  chunks: z.number().int().min(0),
  /** The file's own name (a checkpoint's), kept when it is written back. */
  name: z.string().min(1).max(255).regex(/^[^/\\]+$/),
  /** The S3 bucket holding the bytes (main/remote/s3-bucket.ts); absent: in Redis, in `chunks` chunks. */
  bucket: z.string().min(3).max(63).optional(),
});
export type ArtefactManifest = z.infer<typeof ArtefactManifestSchema>;

export function checkRunJob(raw: unknown): Checked<RunJob> {
  return checkMessage(RunJobSchema, raw, 'app');
}

export function checkWorkerEvent(raw: unknown): Checked<WorkerEvent> {
  return checkMessage(WorkerEventSchema, raw, 'worker');
}

export function checkRunControl(raw: unknown): Checked<RunControl> {
  return checkMessage(RunControlSchema, raw, 'app');
}

/** Why a worker refuses a job: both versions named, so the person knows which side to update. */
export function versionRefusal(jobVersion: string, workerVersion: string): string {
  return `This worker runs Comparo ${workerVersion}, but the app that queued the run runs ${jobVersion}; install the same version on both (git pull && npm ci on the worker).`;
}
