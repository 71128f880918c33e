// `npm run worker -- --queue redis://host:6379/0 [--concurrency N] [--backend auto|tensorflow|wasm|cpu]`:
// takes run jobs from the app's BullMQ queue (main/remote/queue-launcher.ts) and trains each in
// the same trainer process a local run gets (main/worker/run-job.ts). BullMQ holds a lease on each
// job while it runs; a worker that dies loses it and the job is retried elsewhere. Nothing listens
// here: the worker only connects out to Redis. Stopped with Ctrl-C / SIGTERM, it kills its trainers
// and their jobs go back to the queue for another worker.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'bullmq';
import { checkRunControl } from '../../shared/remote-protocol';
import { BackendPreferenceSchema, type BackendPreference } from '../../shared/vocabulary';
import { connect, parseQueueUrl, reach, type QueueAddress } from '../remote/redis-connection';
import { configuredBucket } from '../remote/s3-bucket';
import { CONTROL_CHANNEL, KEY_PREFIX, RUN_QUEUE, workerKey, WORKER_TTL_SECONDS } from '../remote/keys';
import { forkTrainerLauncher } from '../training/node-launcher';
import { DatasetCache, runJob, type RunningTrainer, type WorkerContext } from './run-job';
import { describeWorker } from './worker-info';

const USAGE = `Usage: npm run worker -- --queue redis://[user:password@]host[:port][/db] [options]

Takes Comparo runs from the queue and trains them on this machine.
  --queue URL          the Redis the app queues runs on (rediss:// for TLS); or COMPARO_QUEUE
  --concurrency N      runs trained at once (default 1: one trainer per core is fastest on CPU)
  --backend NAME       auto | tensorflow | wasm | cpu: force this backend for every run (default: the run's own)
  --lease-seconds S    how long a job stays this worker's without a heartbeat (default 30): after a
                       crash, the job is retried elsewhere once this has passed
  --scratch DIR        where checkpoints are written while a run trains (default: the system temp folder)
  --artefacts s3://bucket[/prefix]
                       big checkpoints go to this S3-compatible bucket, as the app's do (or COMPARO_ARTEFACTS;
                       credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION)
  --s3-endpoint URL    the bucket's endpoint where it is not AWS (MinIO, Ceph, R2; or COMPARO_S3_ENDPOINT)`;

class UsageError extends Error {}

/** How long the worker waits for Redis to answer at start before it gives up with the reason. */
const REACH_MS = 15_000;

interface WorkerOptions {
  address: QueueAddress;
  concurrency: number;
  backend: BackendPreference | null;
  leaseMs: number;
  scratchDir: string;
  artefacts?: string;
  s3Endpoint?: string;
}

function options(argv: string[]): WorkerOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      queue: { type: 'string' },
      concurrency: { type: 'string' },
      backend: { type: 'string' },
      'lease-seconds': { type: 'string' },
      scratch: { type: 'string' },
      artefacts: { type: 'string' },
      's3-endpoint': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const url = values.queue ?? process.env.COMPARO_QUEUE;
  if (!url) throw new UsageError('--queue is required (or set COMPARO_QUEUE)');
  let address: QueueAddress;
  try {
    address = parseQueueUrl(url);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const whole = (text: string | undefined, name: string, fallback: number, max: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} expects a whole number from 1 to ${max}, got "${text}"`);
    return n;
  };
  let backend: BackendPreference | null = null;
  if (values.backend !== undefined) {
    const parsed = BackendPreferenceSchema.safeParse(values.backend);
    if (!parsed.success) throw new UsageError(`--backend must be one of ${BackendPreferenceSchema.options.join(', ')}, got "${values.backend}"`);
    backend = parsed.data;
  }
  return {
    address,
    concurrency: whole(values.concurrency, 'concurrency', 1, 64),
    backend,
    leaseMs: whole(values['lease-seconds'], 'lease-seconds', 30, 3600) * 1000,
    scratchDir: values.scratch ?? join(tmpdir(), 'comparo-worker'),
    artefacts: values.artefacts,
    s3Endpoint: values['s3-endpoint'],
  };
}

async function serve(opts: WorkerOptions): Promise<void> {
  // Only for the test of the refusal (test/integration/remote-workers.test.ts): a worker that
  // claims another release.
  const codeVersion = process.env.COMPARO_WORKER_CLAIMS_VERSION || undefined;
  const info = await describeWorker({ backend: opts.backend, concurrency: opts.concurrency, codeVersion });
  mkdirSync(opts.scratchDir, { recursive: true });
  const redis = connect(opts.address, 'comparo-worker');
  // A Redis that cannot answer (refused, a wrong password, an untrusted certificate): say so and stop.
  await reach(redis, opts.address, REACH_MS);
  const trainers = new Map<string, RunningTrainer>();
  const bucket = await configuredBucket({ artefacts: opts.artefacts, s3Endpoint: opts.s3Endpoint });
  const ctx: WorkerContext = { redis, artefacts: { redis, bucket }, info, launcher: forkTrainerLauncher, backend: opts.backend, scratchDir: opts.scratchDir, trainers, datasets: new DatasetCache(), codeVersion };

  const control = connect(opts.address, 'comparo-worker-control');
  control.on('message', (_channel: string, text: string) => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const checked = checkRunControl(raw);
    if (!checked.ok) return;
    const running = trainers.get(checked.message.jobId);
    if (!running) return; // another worker's job, or one that already ended
    if (checked.message.action === 'kill') {
      running.killed = true;
      running.handle.kill();
    } else {
      running.handle.send({ type: checked.message.action });
    }
  });
  await control.subscribe(CONTROL_CHANNEL);

  const worker = new Worker(RUN_QUEUE, (job, _token, signal) => runJob(ctx, job, signal), {
    connection: connect(opts.address, 'comparo-worker-jobs'),
    prefix: KEY_PREFIX,
    concurrency: opts.concurrency,
    lockDuration: opts.leaseMs,
    stalledInterval: opts.leaseMs,
    // A crash is retried through the job's attempts; BullMQ recovers a lost lease twice and fails
    // the job the third time (a run that kills every worker it lands on), rather than loop.
    maxStalledCount: 2,
  });
  worker.on('error', (error) => process.stderr.write(`comparo worker: ${error.message}\n`));
  worker.on('failed', (job, error) => process.stderr.write(`comparo worker: job ${job?.id} failed: ${error.message}\n`));

  const announce = () => redis.set(workerKey(info.id), JSON.stringify(info), 'EX', WORKER_TTL_SECONDS).catch(() => undefined);
  await announce();
  const heartbeat = setInterval(announce, (WORKER_TTL_SECONDS * 1000) / 3);
  await worker.waitUntilReady();
  process.stdout.write(
    `comparo worker ${info.id} ready on ${opts.address.shown}: Comparo ${info.codeVersion}, backend ${info.backend}, ${info.cores} cores, ${(info.memoryBytes / 2 ** 30).toFixed(1)} GiB, concurrency ${info.concurrency}${bucket ? `, big artefacts in ${bucket.shown}` : ''}\n`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(heartbeat);
    process.stderr.write('comparo worker: stopping; runs in progress go back to the queue.\n');
    // A killed trainer makes its job fail with attempts left, so BullMQ hands it to another worker.
    for (const running of trainers.values()) running.handle.kill();
    await worker.close();
    await redis.del(workerKey(info.id)).catch(() => undefined);
    control.disconnect();
    redis.disconnect();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

async function main(): Promise<number> {
  let opts: WorkerOptions | null;
  try {
    opts = options(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`comparo worker: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (!opts) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  await serve(opts);
  return -1; // serving: the process lives until stopped
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: Error) => {
    process.stderr.write(`comparo worker: ${error.message}\n`);
    process.exit(1);
  },
);
