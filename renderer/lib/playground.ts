// Which runs the Playground starts with, and how it saves a file: pure helpers kept out of the
// components so they can be tested without a browser.
import type { ComparisonSummary, RunSummary } from '../../shared/schemas';

export const MAX_PLAYGROUND_RUNS = 10;

/** Runs that can predict: completed ones (a run saves its model at its first evaluation). */
export function predictableRuns(runs: readonly RunSummary[]): RunSummary[] {
  return runs.filter((run) => run.status === 'completed');
}

const LOWER_IS_BETTER = new Set(['loss', 'mse']);

/** The arm's best seed on its own selection metric; seed 1 (or the lowest seed) when none has a score. */
function bestOfArm(runs: readonly RunSummary[]): RunSummary | undefined {
  if (runs.length === 0) return undefined;
  const scored = runs.filter((run) => Number.isFinite(run.finalMetrics[run.config.selectionMetric]));
  if (scored.length > 0) {
    return [...scored].sort((a, b) => {
      const metric = a.config.selectionMetric;
      const difference = a.finalMetrics[metric] - b.finalMetrics[metric];
      return (LOWER_IS_BETTER.has(metric) ? difference : -difference) || a.seed - b.seed;
    })[0];
  }
  return runs.find((run) => run.seed === 1) ?? [...runs].sort((a, b) => a.seed - b.seed)[0];
}

/**
 * Default selection: the two arms (baseline, comparative) of the given comparison, or else of the
 * newest comparison with completed runs, each at its best seed; with no comparison, the newest run.
 */
export function defaultRunIds(runs: readonly RunSummary[], comparisons: readonly ComparisonSummary[], comparisonId?: string): string[] {
  const usable = predictableRuns(runs);
  const ordered = [...comparisons].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const candidates = comparisonId ? ordered.filter((c) => c.id === comparisonId) : ordered;
  for (const comparison of candidates) {
    const members = usable.filter((run) => run.comparisonId === comparison.id);
    const picks = [bestOfArm(members.filter((r) => r.loss === 'baseline')), bestOfArm(members.filter((r) => r.loss === 'comparative'))];
    const ids = picks.flatMap((run) => (run ? [run.id] : []));
    if (ids.length > 0) return ids;
  }
  const newest = [...usable].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return newest ? [newest.id] : [];
}

/** Probabilities as bars in the model's label order (the order the run was trained with). */
export function probabilityBars(labels: readonly string[], probabilities: Record<string, number>): Array<{ label: string; probability: number }> {
  return labels.filter((label) => label in probabilities).map((label) => ({ label, probability: probabilities[label] }));
}
