// `cancel`, `pause` and `resume` from the CLI: the same channels as the app's buttons. A run
// trained by another Comparo process on this data folder is changed by that process (the request
// is passed to it through the database, main/services/run-ownership.ts), so these commands wait
// until the run shows the new status, with a deadline. `resume` of an interrupted or failed run
// trains it here, in the foreground, like `train`.
import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import type { RunDetail, RunStatus } from '../../shared/schemas';
import { TERMINAL_RUN_STATUSES } from '../../shared/vocabulary';

export const RUN_CONTROL_USAGE = `  cancel <run-id>                        stop a queued, running or paused run (also one another Comparo process trains)
  pause <run-id>                         pause a running run (its trainer slot goes to the next queued run)
  resume <run-id>                        continue a paused run (queued until a trainer slot is free), or retrain an
                                         interrupted / failed one from its last checkpoint (here, in the foreground)`;

export const RUN_CONTROL_COMMANDS = ['cancel', 'pause', 'resume'] as const;
export type RunControlCommand = (typeof RUN_CONTROL_COMMANDS)[number];

/** How long another process gets to act on a request (it polls twice a second; a cancel may wait for a step). */
const OWNER_DEADLINE_MS = 30_000;
const POLL_MS = 250;

export interface RunControlContext {
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  out(value: unknown, text: string): void;
  usage(message: string): never;
  /** Resolves once `done` holds, re-checked on this process's run events (a run it trains itself). */
  waitForRun(done: () => Promise<boolean>): Promise<void>;
  runText(detail: RunDetail): string;
}

async function pollUntil(ctx: RunControlContext, id: string, wanted: (s: RunStatus) => boolean): Promise<RunDetail | null> {
  const deadline = Date.now() + OWNER_DEADLINE_MS;
  for (;;) {
    const detail = await ctx.call('runs.get', { id });
    if (wanted(detail.run.status)) return detail;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Exit code: 0 when the run reached the status asked for, 1 when it did not (in time). */
export async function runControlCommand(command: RunControlCommand, id: string | undefined, ctx: RunControlContext): Promise<number> {
  if (!id) ctx.usage(`${command} needs a run id (see \`runs\`)`);
  const before = await ctx.call('runs.get', { id });
  const terminal = (s: RunStatus) => TERMINAL_RUN_STATUSES.includes(s);
  if (command === 'cancel') {
    await ctx.call('runs.cancel', { id });
    const after = await pollUntil(ctx, id, terminal);
    return report(ctx, id, after, 'cancelled', `Run ${id} did not stop within ${OWNER_DEADLINE_MS / 1000} s.`);
  }
  if (command === 'pause') {
    await ctx.call('runs.pause', { id });
    const after = await pollUntil(ctx, id, (s) => s === 'paused' || terminal(s));
    return report(ctx, id, after, 'paused', `Run ${id} was not paused within ${OWNER_DEADLINE_MS / 1000} s.`);
  }
  await ctx.call('runs.resume', { id });
  if (before.run.status === 'paused') {
    const after = await pollUntil(ctx, id, (s) => s !== 'paused');
    // Queued: every trainer slot is busy (a paused run gives its slot away); it continues when one frees.
    const continuing = after?.run.status === 'running' || after?.run.status === 'queued' ? after.run.status : 'completed';
    return report(ctx, id, after, continuing, `Run ${id} did not continue within ${OWNER_DEADLINE_MS / 1000} s.`);
  }
  // Re-queued in this process: train it to the end here.
  await ctx.waitForRun(async () => terminal((await ctx.call('runs.get', { id })).run.status));
  const detail = await ctx.call('runs.get', { id });
  ctx.out(detail, ctx.runText(detail));
  return detail.run.status === 'completed' ? 0 : 1;
}

function report(ctx: RunControlContext, id: string, detail: RunDetail | null, wanted: RunStatus, late: string): number {
  if (!detail) {
    process.stderr.write(`${late} The process that trains it may be busy; check with \`show ${id}\`.\n`);
    return 1;
  }
  const waiting = detail.run.status === 'queued' ? ': every trainer slot is busy; it continues from where it paused when one frees' : '';
  ctx.out(detail.run, `Run ${id} is ${detail.run.status}${waiting}.\n`);
  return detail.run.status === wanted ? 0 : 1;
}
