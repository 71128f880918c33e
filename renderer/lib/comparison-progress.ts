// How far a whole comparison is, and about how long it has left: the steps of every run (a queued
// run counts the steps its siblings have, until it reports its own) and, from the running runs'
// own estimates, the time the remaining steps take at the speed measured so far.
import type { RunSummary } from '../../shared/schemas';
import type { LiveProgress } from './useRunTraces';

export interface ComparisonProgress {
  done: number;
  total: number;
  /** null until a running run has measured its speed. */
  etaMs: number | null;
}

const FINISHED = new Set(['completed', 'failed', 'cancelled', 'interrupted']);

export function comparisonProgress(runs: readonly RunSummary[], live: ReadonlyMap<string, LiveProgress>, parallel: number): ComparisonProgress {
  const totalOf = (r: RunSummary) => live.get(r.id)?.totalSteps || r.totalSteps;
  const known = runs.map(totalOf).filter((t) => t > 0);
  const typical = known.length ? Math.max(...known) : 0;
  let done = 0;
  let total = 0;
  let msPerStep: number | null = null;
  let remainingRunning = 0;
  let remainingQueued = 0;
  for (const r of runs) {
    const steps = totalOf(r) || typical;
    total += steps;
    const p = live.get(r.id);
    const step = p?.step ?? r.step;
    if (FINISHED.has(r.status)) {
      done += steps;
      continue;
    }
    done += Math.min(step, steps);
    if (r.status === 'running' && p && p.etaMs !== null && p.step < p.totalSteps) {
      msPerStep = Math.max(msPerStep ?? 0, p.etaMs / (p.totalSteps - p.step));
      remainingRunning = Math.max(remainingRunning, p.etaMs);
    } else if (r.status !== 'running') remainingQueued += steps - Math.min(step, steps);
  }
  // Queued runs start as slots free up: their steps spread over the trainer slots.
  const etaMs = msPerStep === null ? null : remainingRunning + (remainingQueued * msPerStep) / Math.max(1, parallel);
  return { done, total, etaMs };
}
