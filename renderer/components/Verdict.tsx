// A plain sentence under the table: what happened on average and on how many seeds, then, when the
// services sent paired statistics, their verdict (CI, p, seeds needed) — the renderer computes none.
import type { ComparisonStats, ComparisonTableRow, Headline } from '../../shared/schemas';
import { type ArmNames, capitalise, LOSS_ARMS } from '../lib/arm-labels';
import { differenceVerdict, formatDifference, metricLabel } from '../lib/format';

export function Verdict({ rows, arms = LOSS_ARMS, headline }: { rows: ComparisonTableRow[]; arms?: ArmNames; headline?: Headline }) {
  const row = rows.find((r) => r.metric === 'accuracy') ?? rows[0];
  if (!row || row.meanDifference === null) return null;
  const pairs = row.baseline
    .map((base, index) => [base, row.comparative[index]] as const)
    .filter((pair): pair is readonly [number, number] => pair[0] !== null && pair[1] !== null);
  const better = pairs.filter(([base, cmp]) => differenceVerdict(row.metric, cmp - base) === 'better').length;
  const verdict = differenceVerdict(row.metric, row.meanDifference);
  const direction = verdict === 'better' ? 'improved' : verdict === 'worse' ? 'lowered' : 'did not change';
  const object = `${metricLabel(row.metric).toLowerCase()}`;
  // The table's first rows are on the headline's split (ComparisonDetail.headline; absent: validation).
  const split = headline?.split === 'test' ? 'held-out test' : 'validation';
  return (
    <p className={`verdict verdict-${verdict}`}>
      {arms.byLoss ? 'The comparative loss' : `${capitalise(arms.comparative)}, against ${arms.baseline},`} {direction} {split}{' '}
      {object.replace(/^(validation|test) /, '')}
      {verdict === 'same' ? '' : ` by ${formatDifference(row.metric, row.meanDifference)} on average`}; it was better on {better} of{' '}
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
