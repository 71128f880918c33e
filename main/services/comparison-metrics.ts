// Which numbers a comparison's table, statistics and verdict are made of. The headline is the
// held-out test split when the dataset has one and every finished run was scored on it (each run's
// selected checkpoint, scored once: main/training/trainer-callbacks.ts); else the validation split
// the checkpoints were selected on, which is optimistically biased, and the headline says so.
// Validation stays visible below a test headline, as rows named `validation_<metric>`.
import type { DatasetSummary, Headline, RunSummary } from '../../shared/schemas';
import { trainerTaskOf } from '../../shared/tasks';
import { taskHead } from '../tasks/registry';
import { evidenceOf, type Evidence } from '../../shared/verdict';

/**
 * Rows after the task's own metrics: neuronal utility (lower is better), then the cost of a step:
 * wall clock and CPU time (wall time grows when runs share cores; CPU time does not), estimated
 * FLOPs, and how many trainers ran at once.
 */
const COMMON_ROWS = ['utility_drop_beaten_share', 'utility_crop_beaten_share', 'ms_per_step', 'cpu_ms_per_step'] as const;

/** Above this mean of trainers at once, runs shared the cores and their wall times are not comparable. */
const SHARED_CORES = 1.05;

export interface TableMetric {
  /** The row's name in the table (what the views label and format). */
  metric: string;
  /** The key of RunSummary.finalMetrics the row reads. */
  source: string;
  /** A row computed from the run rather than read from its final metrics (FLOPs per step). */
  value?: (run: RunSummary) => number | null;
  /** Why the row is context, not a result, given the runs (null: compared like any metric). */
  notCompared?: (runs: readonly RunSummary[]) => string | null;
}

/** What the table prices a run's step at, when the services can say (main/services/step-flops.ts). */
export interface StepCost {
  flopsPerStep(run: RunSummary): number | null;
}

const wallTimeNote = (runs: readonly RunSummary[]): string | null => {
  const most = Math.max(0, ...runs.map((r) => (typeof r.finalMetrics.concurrent_trainers === 'number' ? r.finalMetrics.concurrent_trainers : 0)));
  return most > SHARED_CORES
    ? `the runs shared the cores (up to ${most.toFixed(1)} trainers at once on average), so wall time is not comparable between them: compare CPU time per step`
    : null;
};

function costRows(cost: StepCost | undefined): TableMetric[] {
  const rows: TableMetric[] = COMMON_ROWS.map((m) => (m === 'ms_per_step' ? { metric: m, source: m, notCompared: wallTimeNote } : { metric: m, source: m }));
  if (cost) {
    rows.push({
      metric: 'flops_per_step',
      source: 'flops_per_step',
      value: (run) => cost.flopsPerStep(run),
      notCompared: () => 'FLOPs per step follow from the settings (the comparative arm runs 1 + C copies of the model), not from training: a cost, not a result',
    });
  }
  rows.push({ metric: 'concurrent_trainers', source: 'concurrent_trainers', notCompared: () => 'how many trainers ran at once: context for the wall time, not a result' });
  return rows;
}

export interface TablePlan {
  headline: Headline;
  rows: TableMetric[];
}

export function tablePlan(dataset: DatasetSummary, runs: readonly RunSummary[], cost?: StepCost): TablePlan {
  const task = trainerTaskOf(dataset.task ?? 'classification') ?? 'classification';
  const head = taskHead(task);
  const finished = runs.filter((r) => r.status === 'completed');
  const testExamples = dataset.splits.test ?? 0;
  const scoredOnTest = testExamples > 0 && finished.length > 0 && finished.every((r) => `test_${head.defaultSelectionMetric}` in r.finalMetrics);
  const common = costRows(cost);
  if (!scoredOnTest) {
    return {
      headline: { split: 'validation', examples: dataset.splits.validation, checkpoint: 'selected' },
      rows: [...head.tableMetrics.map((m) => ({ metric: m, source: m })), ...common],
    };
  }
  return {
    headline: { split: 'test', examples: testExamples, checkpoint: 'selected' },
    rows: [
      ...head.tableMetrics.map((m) => ({ metric: m, source: `test_${m}` })),
      ...common,
      ...head.tableMetrics.map((m) => ({ metric: `validation_${m}`, source: m })),
    ],
  };
}

/** A finished run's value of one table row (null: not finished, or the metric is absent / not finite). */
export function rowValue(run: RunSummary | undefined, row: TableMetric): number | null {
  if (run?.status !== 'completed') return null;
  const v = row.value ? row.value(run) : run.finalMetrics[row.source];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The row's badge: 'not_compared' with its reason for context rows, else what the test says (shared/verdict.ts). */
export function rowEvidence(
  row: TableMetric,
  runs: readonly RunSummary[],
  stats: Parameters<typeof evidenceOf>[1],
  meanDifference: number | null,
): { evidence: Evidence; evidenceNote?: string } {
  const note = row.notCompared?.(runs.filter((r) => r.status === 'completed'));
  return note ? { evidence: 'not_compared', evidenceNote: note } : { evidence: evidenceOf(row.metric, stats, meanDifference) };
}
