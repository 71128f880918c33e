// Words for a comparison's runs while steps do not advance (live phases, shared/vocabulary.ts
// RunPhaseSchema). Pure, with no renderer imports, so unit tests load it under Node.
import type { RunSummary } from '../../shared/schemas';

/**
 * "1 evaluating · 1 pausing": the running runs whose steps do not advance right now, so a bar at
 * (nearly) 100% reads as work still being done rather than as frozen. Empty when none.
 */
export function phaseSummary(runs: readonly RunSummary[]): string {
  const counts = new Map<string, number>();
  for (const r of runs) if (r.status === 'running' && r.phase && r.phase !== 'training') counts.set(r.phase, (counts.get(r.phase) ?? 0) + 1);
  const waiting = runs.filter((r) => r.status === 'queued' && r.step > 0).length;
  const parts = [...counts].map(([phase, n]) => `${n} ${phase}`);
  if (waiting > 0) parts.push(`${waiting} waiting for a trainer slot`);
  return parts.join(' · ');
}

/** Whole percent shown: never 100 while a run is unfinished (the last evaluations still take time). */
export function shownPercent(done: number, total: number, unfinished: number): number {
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  return unfinished > 0 ? Math.min(99, percent) : percent;
}
