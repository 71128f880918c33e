// Where new runs train: on this machine (trainer processes here) or on remote workers through a
// Redis queue (main/remote/queue-placement.ts; docs/workers.md). The run service gets one launcher
// that asks this service each time a run starts, so Settings -> Workers takes effect for the next
// run without touching runs already started: a queue left behind stays open until Comparo closes,
// and its runs are followed to their end. The desktop app and the browser mode remember the queue
// in <data dir>/queue.json (owner-only permissions: the URL may hold a password) and reconnect at
// the next start; the CLI uses only its --queue flag. Big artefacts go to the bucket COMPARO_ARTEFACTS
// names, if any (main/remote/s3-bucket.ts).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { WorkersState } from '../../shared/worker-info';
import { openQueuePlacement, type QueuePlacement } from '../remote/queue-placement';
import { parseQueueUrl } from '../remote/redis-connection';
import { configuredBucket } from '../remote/s3-bucket';
import type { TrainerLauncher } from '../training/protocol';

const QUEUE_FILE = 'queue.json';
/** How long a connection check or a worker listing may take before the queue is called unreachable. */
const REACH_TIMEOUT_MS = 5000;

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s (${what})`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class PlacementService {
  private current: QueuePlacement | null = null;
  private readonly opened: QueuePlacement[] = [];
  /** Called with each queue that becomes current, to follow again the runs it still trains. */
  onQueue: (queue: QueuePlacement) => void = () => {};

  constructor(
    private readonly local: TrainerLauncher,
    private readonly dataDir: string,
    private readonly remember: boolean,
  ) {}

  /** The launcher the run service uses: the current queue's, else this machine's. */
  readonly launcher: TrainerLauncher = (runId) => (this.current?.launcher ?? this.local)(runId);

  /** Whether new runs go to a queue now. */
  onQueueNow(): boolean {
    return this.current !== null;
  }

  /** A queue given from outside (the CLI's --queue), not remembered. */
  use(queue: QueuePlacement): void {
    this.opened.push(queue);
    this.current = queue;
    this.onQueue(queue);
  }

  /** At opening: the queue remembered from the last session, if any (desktop app and browser mode). Never rejects. */
  async reconnectRemembered(): Promise<void> {
    if (!this.remember || this.current) return;
    const file = join(this.dataDir, QUEUE_FILE);
    if (!existsSync(file)) return;
    try {
      const { url } = JSON.parse(readFileSync(file, 'utf8')) as { url?: unknown };
      if (typeof url === 'string') this.use(openQueuePlacement(parseQueueUrl(url), { bucket: await configuredBucket() }));
    } catch (e) {
      process.stderr.write(`comparo: ${file} could not be used (${(e as Error).message}); runs train on this machine.\n`);
    }
  }

  async state(): Promise<WorkersState> {
    const queue = this.current;
    if (!queue) return { placement: 'local', queue: null, workers: [], problem: null };
    try {
      return { placement: 'queue', queue: queue.queue, workers: await within(queue.workers(), REACH_TIMEOUT_MS, 'listing workers'), problem: null };
    } catch (e) {
      return { placement: 'queue', queue: queue.queue, workers: [], problem: `${queue.queue} cannot be reached: ${(e as Error).message}` };
    }
  }

  async connect(url: string): Promise<WorkersState> {
    const address = parseQueueUrl(url);
    const queue = openQueuePlacement(address, { bucket: await configuredBucket() });
    try {
      await queue.ping(REACH_TIMEOUT_MS);
    } catch (e) {
      void queue.close();
      throw new AppError('unavailable', `Could not reach ${address.shown}: ${(e as Error).message}. Check the host, port, user, password and TLS (rediss://).`);
    }
    if (this.remember) writeFileSync(join(this.dataDir, QUEUE_FILE), JSON.stringify({ url: address.url }), { mode: 0o600 });
    this.use(queue);
    return this.state();
  }

  async disconnect(): Promise<WorkersState> {
    this.current = null;
    if (this.remember) rmSync(join(this.dataDir, QUEUE_FILE), { force: true });
    return this.state();
  }

  /** After the run service has stopped following its runs. */
  async close(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((queue) => queue.close()));
    this.current = null;
  }
}
