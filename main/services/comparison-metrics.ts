// Which numbers a comparison's table, statistics and verdict are made of. The headline is the
// held-out test split when the dataset has one and every finished run was scored on it (each run's
// selected checkpoint, scored once: main/training/trainer-callbacks.ts); else the validation split
// the checkpoints were selected on, which is optimistically biased, and the headline says so.
// Validation stays visible below a test headline, as rows named `validation_<metric>`.
import type { DatasetSummary, Headline, RunSummary } from '../../shared/schemas';
import { trainerTaskOf } from '../../shared/tasks';
import { taskHead } from '../tasks/registry';

/**
 * Rows after the task's own metrics: neuronal utility (lower is better) and time per step, both
 * wall clock and CPU (wall time grows when runs share cores; CPU time does not).
 */
const COMMON_ROWS = ['utility_drop_beaten_share', 'utility_crop_beaten_share', 'ms_per_step', 'cpu_ms_per_step'] as const;

export interface TableMetric {
  /** The row's name in the table (what the views label and format). */
  metric: string;
  /** The key of RunSummary.finalMetrics the row reads. */
  source: string;
}

export interface TablePlan {
  headline: Headline;
  rows: TableMetric[];
}

export function tablePlan(dataset: DatasetSummary, runs: readonly RunSummary[]): TablePlan {
  const task = trainerTaskOf(dataset.task ?? 'classification') ?? 'classification';
  const head = taskHead(task);
  const finished = runs.filter((r) => r.status === 'completed');
  const testExamples = dataset.splits.test ?? 0;
  const scoredOnTest = testExamples > 0 && finished.length > 0 && finished.every((r) => `test_${head.defaultSelectionMetric}` in r.finalMetrics);
  const common = COMMON_ROWS.map((m) => ({ metric: m, source: m }));
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
  const v = run?.status === 'completed' ? run.finalMetrics[row.source] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
