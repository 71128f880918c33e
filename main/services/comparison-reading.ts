// How a comparison's table is to be read, stated next to it: the reference score of a model that
// learned nothing (main/services/reference-scores.ts) on each row, a plain warning when an arm is
// no better than it, and which runs the means and statistics are over ("3 complete seed pairs;
// seed 4: comparative cancelled"). The app, the CLI and the report print these as they come.
import { metricLabel } from '../../shared/metric-labels';
import type { ComparisonDetail, ComparisonTableRow, DatasetSummary, EvalSplit, Headline, RunSummary } from '../../shared/schemas';
import { trainerTaskOf } from '../../shared/tasks';
import { baseMetric, metricIsFraction, metricIsLowerBetter } from '../../shared/verdict';
import { taskHead } from '../tasks/registry';
import type { ArmAssignment } from './adhoc-comparison';
import type { Reference } from './reference-scores';

const reads = (metric: string, value: number) => (metricIsFraction(metric) ? `${(value * 100).toFixed(1)}%` : value.toFixed(3));

/** An arm's mean is no better than the reference: at most it for higher-is-better metrics, at least it for errors. */
const noBetter = (metric: string, mean: number, reference: number) => (metricIsLowerBetter(metric) ? mean >= reference : mean <= reference);

export function readAgainstReference(
  references: Partial<Record<EvalSplit, Record<string, Reference>>>,
  rows: ComparisonTableRow[],
  headline: Headline,
  dataset: DatasetSummary,
  armLabels?: { baseline: string; comparative: string },
): { table: ComparisonTableRow[]; warnings: string[] } {
  const splitOf = (metric: string): EvalSplit => (metric.startsWith('validation_') ? 'validation' : metric.startsWith('test_') ? 'test' : headline.split);
  const table = rows.map((row) => {
    const reference = references[splitOf(row.metric)]?.[baseMetric(row.metric)];
    return reference ? { ...row, reference } : row;
  });
  const warnings: string[] = [];
  const task = trainerTaskOf(dataset.task ?? 'classification');
  const metric = task ? taskHead(task).defaultSelectionMetric : null;
  const row = table.find((r) => r.metric === metric);
  if (metric && row?.reference) {
    const names = armLabels ?? { baseline: 'baseline', comparative: 'comparative' };
    const below = (['baseline', 'comparative'] as const).filter((arm) => {
      const mean = arm === 'baseline' ? row.baselineMean : row.comparativeMean;
      return mean !== null && noBetter(metric, mean, row.reference!.value);
    });
    if (below.length > 0) {
      const who = below.length === 2 ? 'Neither model is better' : `The ${names[below[0]]} model is no better`;
      const where = headline.split === 'test' ? 'the held-out test split' : 'the validation split';
      warnings.push(
        `${who} than ${row.reference.rule}: ${metricLabel(metric).toLowerCase()} ${reads(metric, row.reference.value)} on ${where}. ` +
          'A model that learned nothing from the texts scores that; more epochs, more data or a pretrained model may help.',
      );
    }
  }
  return { table, warnings };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Seeded comparisons: the seeds where both arms completed, and what happened to the others. */
export function seededCoverage(seeds: readonly number[], runs: readonly RunSummary[]): NonNullable<ComparisonDetail['coverage']> {
  const status = (loss: RunSummary['loss'], seed: number) => runs.find((r) => r.loss === loss && r.seed === seed)?.status ?? 'missing';
  const complete = seeds.filter((s) => status('baseline', s) === 'completed' && status('comparative', s) === 'completed');
  const others = seeds
    .filter((s) => !complete.includes(s))
    .map((s) => {
      const parts = (['baseline', 'comparative'] as const).filter((arm) => status(arm, s) !== 'completed').map((arm) => `${arm} ${status(arm, s)}`);
      return `seed ${s}: ${parts.join(', ')}`;
    });
  const text = [`${plural(complete.length, 'complete seed pair')} of ${seeds.length}`, ...others].join('; ');
  return { pairs: complete.length, seeds: seeds.length, text };
}

/** Ad-hoc comparisons: the pairs the statistics use, or the run counts when the arms are unpaired. */
export function adhocCoverage(assignments: readonly ArmAssignment[], runs: readonly RunSummary[], rows: readonly ComparisonTableRow[]): NonNullable<ComparisonDetail['coverage']> {
  const stats = rows[0]?.stats;
  const finished = (arm: 'baseline' | 'comparative') => assignments.filter((a) => a.arm === arm && runs.find((r) => r.id === a.runId)?.status === 'completed').length;
  const seeds = new Set(assignments.map((a) => a.seed)).size;
  if (stats?.test === 'unpaired') {
    return { pairs: 0, seeds, text: `unpaired: ${plural(finished('baseline'), 'baseline run')} and ${plural(finished('comparative'), 'comparative run')}` };
  }
  const pairs = stats?.n ?? 0;
  return { pairs, seeds, text: `${plural(pairs, 'complete seed pair')} of ${seeds}` };
}
