// A plain sentence under the table, led by the statistics the services computed (the renderer
// computes none): "better" / "worse" only when the paired test says so (shared/verdict.ts
// evidenceOf), "no evidence of a difference" otherwise, and never a verdict from one seed. Then
// the plain facts: the mean difference and on how many seeds the comparative arm came out ahead.
import type { ComparisonStats, ComparisonTableRow, Headline } from '../../shared/schemas';
import { evidenceOf } from '../../shared/verdict';
import { type ArmNames, capitalise, LOSS_ARMS } from '../lib/arm-labels';
import { differenceVerdict, formatDifference, metricLabel } from '../lib/format';

export function Verdict({ rows, arms = LOSS_ARMS, headline }: { rows: ComparisonTableRow[]; arms?: ArmNames; headline?: Headline }) {
  const row = rows[0];
  if (!row || row.meanDifference === null) return null;
  const pairs = row.baseline
    .map((base, index) => [base, row.comparative[index]] as const)
    .filter((pair): pair is readonly [number, number] => pair[0] !== null && pair[1] !== null);
  const ahead = pairs.filter(([base, cmp]) => differenceVerdict(row.metric, cmp - base) === 'better').length;
  const evidence = row.evidence ?? evidenceOf(row.metric, row.stats, row.meanDifference);
  // The table's first rows are on the headline's split (ComparisonDetail.headline; absent: validation).
  const split = headline?.split === 'test' ? 'held-out test' : 'validation';
  const who = arms.byLoss ? 'the comparative loss' : `${arms.comparative} (against ${arms.baseline})`;
  const metric = metricLabel(row.metric).toLowerCase();
  const lead =
    evidence === 'better'
      ? `${capitalise(who)} improved ${split} ${metric}`
      : evidence === 'worse'
        ? `${capitalise(who)} lowered ${split} ${metric}`
        : evidence === 'too_few_seeds'
          ? `Too few seeds to tell whether ${who} changed ${split} ${metric}`
          : `No evidence that ${who} changed ${split} ${metric}`;
  return (
    <p className={`verdict evidence-${evidence}`} data-testid="verdict" data-evidence={evidence}>
      {lead}. The mean difference was {formatDifference(row.metric, row.meanDifference)}; the {arms.byLoss ? 'comparative run' : arms.comparative} was ahead on {ahead} of{' '}
      {pairs.length} seed{pairs.length === 1 ? '' : 's'}.
      {pairs.length < 3 && <span className="muted"> With fewer than 3 seeds, treat this as a hint, not a result.</span>}
      {row.stats && <StatsLine stats={row.stats} />}
    </p>
  );
}

function StatsLine({ stats }: { stats: ComparisonStats }) {
  const details = [
    stats.pWilcoxon !== null ? `Wilcoxon p = ${stats.pWilcoxon.toFixed(3)}` : null,
    stats.effectSize !== null ? `effect size d_z = ${stats.effectSize.toFixed(2)}` : null,
  ].filter((d): d is string => d !== null);
  return (
    <span className="verdict-stats" data-testid="verdict-stats">
      <br />
      Statistics: {stats.verdict}.{details.length > 0 && <span className="muted"> ({details.join(', ')})</span>}
    </span>
  );
}
