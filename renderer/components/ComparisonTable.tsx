// The evidence: every final metric per seed for both arms, their means over the complete seed
// pairs, the paired difference (comparative − baseline) — coloured better / worse only when the
// test says so (shared/verdict.ts evidenceOf), grey "no evidence" otherwise — and what a model
// that learned nothing scores on the same split (main/services/reference-scores.ts). Ad-hoc
// comparisons of one loss label the arms by the setting that differs. Below a test headline the
// validation rows (`validation_<metric>`) get their own labelled block, so no row hides its split.
import { headlineSplitText } from '../../shared/comparison-views';
import type { ComparisonTableRow, Headline } from '../../shared/schemas';
import { type ArmNames, capitalise, LOSS_ARMS } from '../lib/arm-labels';
import { GLOSSARY, metricExplanation } from '../../shared/glossary';
import { evidenceOf, evidenceWord } from '../../shared/verdict';
import { formatDifference, formatMetric, metricLabel } from '../lib/format';

interface ComparisonTableProps {
  rows: ComparisonTableRow[];
  seeds: number[];
  /** What the two arms are (ad-hoc comparisons of one loss name their differing setting). */
  arms?: ArmNames;
  /** Which split the rows are on (absent: validation). */
  headline?: Headline;
}


export function ComparisonTable({ rows, seeds, arms = LOSS_ARMS, headline }: ComparisonTableProps) {
  const difference = `${arms.comparative} − ${arms.baseline}`;
  const columns = 5 + 2 * seeds.length;
  const firstValidationRow = headline?.split === 'test' ? rows.findIndex((r) => r.metric.startsWith('validation_')) : -1;
  return (
    <div className="table-scroll">
      <table className="comparison-table" data-testid="comparison-table" data-split={headline?.split ?? 'validation'}>
        <thead>
          <tr>
            <th rowSpan={2}>Metric</th>
            {/* Right after the metric's name, so the reference is read first and never scrolled away on a narrow window. */}
            <th rowSpan={2} title={GLOSSARY['learned nothing']}>
              Learned
              <br />
              nothing
            </th>
            <th colSpan={seeds.length} className="arm-baseline-text" data-testid="arm-header-baseline">
              {capitalise(arms.baseline)}
            </th>
            <th colSpan={seeds.length} className="arm-comparative-text" data-testid="arm-header-comparative">
              {capitalise(arms.comparative)}
            </th>
            <th colSpan={2}>Mean over seeds</th>
            <th rowSpan={2} title={`Mean over seeds of (${difference}), paired by seed; coloured only when the paired test finds a difference (p < 0.05)`}>
              Difference
              <br />
              <span className="muted">{difference}</span>
            </th>
          </tr>
          <tr>
            {seeds.map((seed) => (
              <th key={`b${seed}`} className="seed-header">
                seed {seed}
              </th>
            ))}
            {seeds.map((seed) => (
              <th key={`c${seed}`} className="seed-header">
                seed {seed}
              </th>
            ))}
            <th className="arm-baseline-text">{arms.baseline}</th>
            <th className="arm-comparative-text">{arms.comparative}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const evidence = row.evidence ?? evidenceOf(row.metric, row.stats, row.meanDifference);
            return [
              index === firstValidationRow && (
                <tr key="validation-split" className="table-split-row" data-testid="validation-rows-heading">
                  <th scope="rowgroup" colSpan={columns}>
                    Below: {headlineSplitText(undefined)}
                  </th>
                </tr>
              ),
              <tr key={row.metric} data-metric={row.metric}>
                <th scope="row" title={metricExplanation(row.metric)}>
                  {metricLabel(row.metric)}
                </th>
                <td className="reference muted" data-arm="reference" data-value={row.reference?.value ?? ''} title={row.reference ? `${row.reference.rule}` : undefined}>
                  {row.reference ? formatMetric(row.metric, row.reference.value) : ''}
                </td>
                {seeds.map((seed, index) => (
                  <td key={`b${seed}`} data-arm="baseline" data-seed={seed} data-value={row.baseline[index] ?? ''}>
                    {formatMetric(row.metric, row.baseline[index])}
                  </td>
                ))}
                {seeds.map((seed, index) => (
                  <td key={`c${seed}`} data-arm="comparative" data-seed={seed} data-value={row.comparative[index] ?? ''}>
                    {formatMetric(row.metric, row.comparative[index])}
                  </td>
                ))}
                <td className="mean" data-arm="baseline-mean" data-value={row.baselineMean ?? ''}>
                  {formatMetric(row.metric, row.baselineMean)}
                </td>
                <td className="mean" data-arm="comparative-mean" data-value={row.comparativeMean ?? ''}>
                  {formatMetric(row.metric, row.comparativeMean)}
                </td>
                <td
                  className={`difference evidence-${evidence}`}
                  data-arm="difference"
                  data-value={row.meanDifference ?? ''}
                  data-evidence={evidence}
                  title={row.evidenceNote ? `Not compared: ${row.evidenceNote}.` : row.stats?.verdict}
                >
                  {formatDifference(row.metric, row.meanDifference)} <span className="verdict-word">{row.meanDifference === null ? '' : evidenceWord(row.metric, evidence)}</span>
                </td>
              </tr>,
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}
