// Which process trains a run, and how another process asks it to change one: the owner is the only
// writer of its runs (runs.owner_pid, main/db/migrations/007-run-owners.ts), so a cancel / pause /
// resume from elsewhere is left as a run_requests row that the owner polls and applies.
import type { WriteQueue } from '../db/busy';
import type { RunRequest, RunRequestAction, RunRequestsRepo } from '../db/run-requests-repo';
import type { RunOwner, RunsRepo } from '../db/runs-repo';
import { isOwnerAlive, OWN_PID, OWN_START_TIME } from './process-identity';

/** How often an owner looks for cancel / pause / resume requests from other processes. */
const REQUEST_POLL_MS = 500;

/** This process, as stored in runs.owner_pid / owner_started for the runs it schedules. */
export const THIS_OWNER: RunOwner = { pid: OWN_PID, started: OWN_START_TIME };

export class RunOwnership {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly runs: RunsRepo,
    private readonly requests: RunRequestsRepo,
    private readonly writes: WriteQueue,
    /** Applies one request to a run this process owns; may throw (the request is spent either way). */
    private readonly apply: (request: RunRequest) => void,
    /** True when this process schedules nothing: polling stops until the next run is queued. */
    private readonly idle: () => boolean,
  ) {}

  /** ", trained by Comparo process 1234" when another live process owns the run, else "" (for refusals). */
  ownerText(id: string): string {
    const owner = this.runs.owner(id);
    return owner && owner.pid !== OWN_PID && isOwnerAlive(owner.pid, owner.started) ? `, trained by Comparo process ${owner.pid}` : '';
  }

  /**
   * A run scheduled by another live process: leave the request for its owner, which applies it
   * within REQUEST_POLL_MS. False when the owner is this process or is gone.
   */
  askOwner(id: string, action: RunRequestAction): boolean {
    const owner = this.runs.owner(id);
    if (!owner || owner.pid === OWN_PID || !isOwnerAlive(owner.pid, owner.started)) return false;
    this.requests.add(id, action, OWN_PID);
    return true;
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.poll(), REQUEST_POLL_MS);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** No polling from now on (the database may be closed). */
  close(): void {
    this.closed = true;
    this.stop();
  }

  /** Applies other processes' requests for the runs this process schedules. Never throws. */
  private poll(): void {
    if (this.closed) return;
    try {
      const requests = this.requests.forOwner(OWN_PID);
      for (const request of requests) {
        try {
          this.apply(request);
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
    if (this.idle()) this.stop();
  }
}
