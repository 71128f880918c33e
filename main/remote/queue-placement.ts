// The `queue` placement: runs go to workers on other machines through BullMQ on Redis instead of
// to trainer processes here. It is a TrainerLauncher like the local ones (main/training/
// node-launcher.ts), so the run service, SQLite history, views and reports are the same whatever
// ran where. One Queue, one QueueEvents (BullMQ's own event stream, for jobs it gave up on), and
// per run a RemoteTrainer (main/remote/remote-trainer.ts).
import { Queue, QueueEvents } from 'bullmq';
import { WorkerInfoSchema, type WorkerInfo } from '../../shared/worker-info';
import type { RemoteAttacher, StoredProgress, TrainerLauncher } from '../training/protocol';
import { eventStreamKey, KEY_PREFIX, RUN_QUEUE } from './keys';
import { connect, reach, type QueueAddress } from './redis-connection';
import { RemoteTrainer } from './remote-trainer';
import type { S3Bucket } from './s3-bucket';

export interface QueuePlacement extends RemoteAttacher {
  readonly address: QueueAddress;
  readonly launcher: TrainerLauncher;
  /** The workers alive now (each refreshes its entry while it runs; main/worker/index.ts). */
  workers(): Promise<WorkerInfo[]>;
  /** Resolves once Redis answers (with the URL's user and password); rejects with why not after `ms`. */
  ping(ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Before a run is queued: a queue that cannot answer in this time fails the run with why. */
const ENQUEUE_REACH_MS = 20_000;
/** How long a check that the queue answers may take. */
const REACH_MS = 5000;
/** How long closing waits for BullMQ to let go of an unreachable Redis. */
const CLOSE_WAIT_MS = 2000;

export interface QueuePlacementOptions {
  /** Tries per run job: a crashed trainer or a lost worker is retried up to this many times in all. */
  attempts?: number;
  /** Big artefacts go to this bucket (the workers must be given the same: main/remote/s3-bucket.ts). */
  bucket?: S3Bucket | null;
}

export function openQueuePlacement(address: QueueAddress, options: QueuePlacementOptions = {}): QueuePlacement {
  const redis = connect(address, 'comparo-app');
  const queue = new Queue(RUN_QUEUE, { connection: redis, prefix: KEY_PREFIX });
  queue.on('error', () => undefined); // reported once per error by the connection (redis-connection.ts)
  const eventsConnection = connect(address, 'comparo-app-queue-events');
  const events = new QueueEvents(RUN_QUEUE, { connection: eventsConnection, prefix: KEY_PREFIX });
  events.on('error', () => undefined);
  const trainers = new Map<string, RemoteTrainer>();
  events.on('failed', ({ jobId, failedReason }) => trainers.get(jobId)?.jobFailed(failedReason));
  const readers = new Set<ReturnType<typeof connect>>();

  const start = (runId: string, follow?: { jobId: string; checkpointDir: string; stored: StoredProgress }) => {
    const trainer = new RemoteTrainer(runId, {
      queue,
      redis,
      artefacts: { redis, bucket: options.bucket ?? null },
      openReader: () => {
        const reader = connect(address, 'comparo-app-run-events');
        readers.add(reader);
        reader.once('end', () => readers.delete(reader));
        return reader;
      },
      attempts: options.attempts ?? 3,
      reach: () => reach(redis, address, ENQUEUE_REACH_MS),
      shown: address.shown,
      onClosed: (jobId) => trainers.delete(jobId),
    }, follow);
    trainers.set(trainer.jobId, trainer);
    return trainer;
  };
  const launcher: TrainerLauncher = (runId) => start(runId);

  return {
    address,
    launcher,
    queue: address.shown,
    async hasJob(jobId) {
      return (await queue.getJob(jobId)) !== undefined || (await redis.exists(eventStreamKey(jobId))) === 1;
    },
    attach: (runId, jobId, checkpointDir, stored) => start(runId, { jobId, checkpointDir, stored }),
    ping: (ms = REACH_MS) => reach(redis, address, ms),
    async workers() {
      const found: WorkerInfo[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}:worker:*`, 'COUNT', 100);
        cursor = next;
        for (const text of keys.length ? await redis.mget(...keys) : []) {
          if (text === null) continue;
          try {
            const parsed = WorkerInfoSchema.safeParse(JSON.parse(text));
            if (parsed.success) found.push(parsed.data);
          } catch {
            // a damaged entry: not a worker we can describe
          }
        }
      } while (cursor !== '0');
      return found.sort((a, b) => a.id.localeCompare(b.id));
    },
    async close() {
      for (const reader of readers) reader.disconnect();
      // BullMQ's close waits for its connection; a Redis that never answered must not hold Comparo open.
      const closed = Promise.allSettled([events.close(), queue.close()]);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
      eventsConnection.disconnect();
      redis.disconnect();
    },
  };
}
