// Writes that must not be lost when another process holds the database's write lock.
//
// Every front-end (app, browser mode, CLI) on one data folder opens the same SQLite file; a long
// write in one (an import, a delete) makes the others' writes fail with SQLITE_BUSY once the busy
// timeout runs out. Writes made from trainer messages and timers cannot hand that error to anyone,
// so they go through a WriteQueue: tried at once with a short wait, and on SQLITE_BUSY kept — in
// order, nothing dropped — and retried with backoff on a timer, off the event loop's critical path.
import type Database from 'better-sqlite3';

/** better-sqlite3's codes for "another connection holds a lock" (extended codes included). */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export interface QueuedWrite {
  /** Runs inside one transaction: all of it lands or, on SQLITE_BUSY, none of it and it is retried. */
  write: () => void;
  /** Runs once after the commit (events, callbacks): never twice, never before the data is there. */
  then?: () => void;
  /** What the write is for, in error messages. */
  label: string;
  /** A failure other than a busy database (the write is dropped); default: the queue's onError. */
  onError?: (error: Error) => void;
}

export interface WriteQueueOptions {
  /** How long one attempt waits for the lock before it counts as busy (ms). */
  attemptTimeoutMs?: number;
  /** The connection's usual busy timeout, restored after each attempt (ms). */
  normalTimeoutMs?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** A write that failed for another reason than a busy database (logged; the write is dropped). */
  onError?: (error: Error, write: QueuedWrite) => void;
}

export class WriteQueue {
  private readonly pending: QueuedWrite[] = [];
  private timer: NodeJS.Timeout | null = null;
  private retryMs: number;
  private readonly options: Required<WriteQueueOptions>;
  /** Busy attempts so far (for tests and the soak report). */
  busyRetries = 0;

  constructor(
    private readonly db: Database.Database,
    options: WriteQueueOptions = {},
  ) {
    this.options = {
      attemptTimeoutMs: 50,
      normalTimeoutMs: 5000,
      firstRetryMs: 50,
      maxRetryMs: 2000,
      onError: (error, write) => process.stderr.write(`comparo: ${write.label} failed: ${error.message}\n`),
      ...options,
    };
    this.retryMs = this.options.firstRetryMs;
  }

  /** Writes now if the database is free and nothing waits before it; else queues it. Never throws. */
  submit(write: QueuedWrite): void {
    this.pending.push(write);
    if (this.pending.length === 1 && this.timer === null) this.drain();
  }

  /** Writes still waiting for the lock. */
  get size(): number {
    return this.pending.length;
  }

  /**
   * Tries to write everything now, waiting up to `timeoutMs` for the lock (at close: better to wait
   * than to lose the last rows). Returns whether the queue is empty.
   */
  flushNow(timeoutMs = 10_000): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const deadline = Date.now() + timeoutMs;
    while (this.pending.length > 0 && Date.now() < deadline) {
      if (!this.attempt(this.pending[0], Math.max(1, deadline - Date.now()))) break;
    }
    if (this.pending.length > 0) this.schedule();
    return this.pending.length === 0;
  }

  /** Stops retrying (the database is about to close); returns what could not be written. */
  dispose(): QueuedWrite[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.pending.splice(0);
  }

  private drain(): void {
    this.timer = null;
    while (this.pending.length > 0) {
      if (!this.attempt(this.pending[0], this.options.attemptTimeoutMs)) return this.schedule();
    }
    this.retryMs = this.options.firstRetryMs;
  }

  /** One try of the oldest write. False when the database was busy (the write stays first in line). */
  private attempt(write: QueuedWrite, timeoutMs: number): boolean {
    try {
      this.db.pragma(`busy_timeout = ${Math.round(timeoutMs)}`);
      this.db.transaction(write.write)();
    } catch (e) {
      if (isBusyError(e)) {
        this.busyRetries += 1;
        return false;
      }
      this.pending.shift();
      this.report(e as Error, write);
      return true;
    } finally {
      this.restoreTimeout();
    }
    this.pending.shift();
    try {
      write.then?.();
    } catch (e) {
      this.report(e as Error, write);
    }
    return true;
  }

  private restoreTimeout(): void {
    try {
      this.db.pragma(`busy_timeout = ${this.options.normalTimeoutMs}`);
    } catch {
      // A closed database: nothing left to restore.
    }
  }

  private report(error: Error, write: QueuedWrite): void {
    try {
      if (write.onError) write.onError(error);
      else this.options.onError(error, write);
    } catch {
      // The error handler itself must not take the process down.
    }
  }

  private schedule(): void {
    if (this.timer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.options.maxRetryMs, this.retryMs * 2);
    this.timer = setTimeout(() => this.drain(), delay);
    this.timer.unref?.();
  }
}
