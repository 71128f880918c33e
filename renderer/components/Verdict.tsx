// A plain sentence under the table. Deliberately modest: it counts seeds, it does not claim
// significance (the services own any statistics).
import type { ComparisonTableRow } from '../../shared/schemas';
import { differenceVerdict, formatDifference, metricLabel } from '../lib/format';

export function Verdict({ rows }: { rows: ComparisonTableRow[] }) {
  const row = rows.find((r) => r.metric === 'accuracy') ?? rows[0];
  if (!row || row.meanDifference === null) return null;
  const pairs = row.baseline
    .map((base, index) => [base, row.comparative[index]] as const)
    .filter((pair): pair is readonly [number, number] => pair[0] !== null && pair[1] !== null);
  const better = pairs.filter(([base, cmp]) => differenceVerdict(row.metric, cmp - base) === 'better').length;
  const verdict = differenceVerdict(row.metric, row.meanDifference);
  const direction = verdict === 'better' ? 'improved' : verdict === 'worse' ? 'lowered' : 'did not change';
  const object = `${metricLabel(row.metric).toLowerCase()}`;
  return (
    <p className={`verdict verdict-${verdict}`}>
      The comparative loss {direction} validation {object.replace(/^validation /, '')}
      {verdict === 'same' ? '' : ` by ${formatDifference(row.metric, row.meanDifference)} on average`}; it was better on {better} of{' '}
      {pairs.length} seed{pairs.length === 1 ? '' : 's'}.
      {pairs.length < 3 && <span className="muted"> With fewer than 3 seeds, treat this as a hint, not a result.</span>}
    </p>
  );
}
