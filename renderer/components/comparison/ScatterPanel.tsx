// Regression's counterpart of the confusion matrices: every prediction against its gold value per
// arm (dashed line = perfect), and the residuals of both arms on shared bins, so "which arm is
// closer to the truth, and where" can be read off the chart, not only off the table's MAE.
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { niceTicks, paddedRange, tickText } from '../../../shared/chart-scale';
import type { LossKind } from '../../../shared/schemas';
import { armColor } from '../../lib/colors';
import { SplitNote } from './ViewNotes';

type Scatter = NonNullable<ComparisonAnalysis['scatter']>;

const WIDTH = 420;
const HEIGHT = 340;
const MARGIN = { top: 12, right: 12, bottom: 40, left: 52 };

/** Maps data to pixels inside the margins. */
function scale([d0, d1]: [number, number], [p0, p1]: [number, number]) {
  return (v: number) => p0 + ((v - d0) / (d1 - d0)) * (p1 - p0);
}

function Axes({ x, y, xDomain, yDomain, xLabel, yLabel }: { x: (v: number) => number; y: (v: number) => number; xDomain: [number, number]; yDomain: [number, number]; xLabel: string; yLabel: string }) {
  const bottom = HEIGHT - MARGIN.bottom;
  return (
    <g>
      {niceTicks(...yDomain).map((t) => (
        <g key={`y${t}`}>
          <line className="scatter-grid-line" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} />
          <text className="scatter-tick" x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end">
            {tickText(t)}
          </text>
        </g>
      ))}
      {niceTicks(...xDomain).map((t) => (
        <text key={`x${t}`} className="scatter-tick" x={x(t)} y={bottom + 16} textAnchor="middle">
          {tickText(t)}
        </text>
      ))}
      <line className="scatter-axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={bottom} y2={bottom} />
      <line className="scatter-axis" x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={bottom} />
      <text className="scatter-tick" x={(MARGIN.left + WIDTH - MARGIN.right) / 2} y={HEIGHT - 6} textAnchor="middle">
        {xLabel}
      </text>
      <text className="scatter-tick" transform={`translate(12 ${(MARGIN.top + bottom) / 2}) rotate(-90)`} textAnchor="middle">
        {yLabel}
      </text>
    </g>
  );
}

function PredictedVsGold({ arm, label, domain }: { arm: Scatter['arms'][number]; label: string; domain: [number, number] }) {
  const x = scale(domain, [MARGIN.left, WIDTH - MARGIN.right]);
  const y = scale(domain, [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const title = `${label}: predicted against gold`;
  return (
    <figure className="scatter-figure">
      <figcaption className={`arm-${arm.arm}-text`}>{label}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title} data-testid={`scatter-${arm.arm}`} data-points={arm.gold.length}>
        <title>{title}</title>
        <Axes x={x} y={y} xDomain={domain} yDomain={domain} xLabel="gold value" yLabel="predicted value" />
        <line className="scatter-identity" x1={x(domain[0])} y1={y(domain[0])} x2={x(domain[1])} y2={y(domain[1])} />
        {arm.gold.map((g, i) => (
          <circle key={i} cx={x(g)} cy={y(arm.predicted[i])} r={2.2} fill={armColor(arm.arm)} fillOpacity={0.45} />
        ))}
      </svg>
    </figure>
  );
}

function ResidualBars({ residuals, armLabels }: { residuals: Scatter['residuals']; armLabels: Record<LossKind, string> }) {
  const { edges, arms } = residuals;
  const xDomain: [number, number] = [edges[0], edges[edges.length - 1]];
  const yDomain: [number, number] = [0, Math.max(1, ...arms.flatMap((a) => a.counts)) * 1.05];
  const x = scale(xDomain, [MARGIN.left, WIDTH - MARGIN.right]);
  const y = scale(yDomain, [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const title = 'Residuals (predicted − gold) of both arms';
  return (
    <figure className="scatter-figure">
      <figcaption>Residuals: predicted − gold</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title} data-testid="residual-histogram">
        <title>{title}</title>
        <Axes x={x} y={y} xDomain={xDomain} yDomain={yDomain} xLabel="residual" yLabel="examples × seeds" />
        <line className="scatter-identity" x1={x(0)} x2={x(0)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
        {arms.map((a, k) =>
          a.counts.map((count, b) => {
            // Each bin holds one bar per arm, side by side.
            const left = x(edges[b]);
            const width = (x(edges[b + 1]) - left) / arms.length;
            return (
              <rect key={`${a.arm}${b}`} x={left + k * width} y={y(count)} width={Math.max(0, width - 1)} height={y(0) - y(count)} fill={armColor(a.arm)} fillOpacity={0.75}>
                <title>{`${armLabels[a.arm]}: ${count} between ${tickText(edges[b])} and ${tickText(edges[b + 1])}`}</title>
              </rect>
            );
          }),
        )}
      </svg>
    </figure>
  );
}

export function ScatterPanel({ analysis }: { analysis: ComparisonAnalysis }) {
  const { scatter, armLabels } = analysis;
  const heading = <h2 id="scatter-heading">Predicted against gold</h2>;
  if (!scatter || scatter.arms.length === 0) {
    return (
      <section className="card" aria-labelledby="scatter-heading" data-testid="view-scatter">
        {heading}
        <SplitNote>{analysis.evaluationNote}</SplitNote>
        <p className="muted">The scatter appears after the first evaluation.</p>
      </section>
    );
  }
  const domain = paddedRange(scatter.arms.flatMap((a) => [...a.gold, ...a.predicted]));
  const shown = scatter.arms.reduce((n, a) => n + a.gold.length, 0);
  const total = scatter.arms.reduce((n, a) => n + a.total, 0);
  return (
    <section className="card" aria-labelledby="scatter-heading" data-testid="view-scatter">
      {heading}
      <SplitNote>{analysis.evaluationNote}</SplitNote>
      <p className="muted">
        One dot per example and seed ({analysis.seeds.length} seed{analysis.seeds.length === 1 ? '' : 's'}); on the dashed line the prediction is exact.{' '}
        {shown < total ? `Showing ${shown} of ${total} points: the same examples for both arms. ` : ''}
        The numbers below use every point.
      </p>
      <div className="scatter-grid">
        {scatter.arms.map((a) => (
          <PredictedVsGold key={a.arm} arm={a} label={armLabels[a.arm]} domain={domain} />
        ))}
        <ResidualBars residuals={scatter.residuals} armLabels={armLabels} />
      </div>
      {scatter.residuals.clipped && <p className="muted">The outer bars also count the few residuals beyond them (the range covers 99% of residuals).</p>}
      <div className="table-scroll">
        <table className="analysis-table" data-testid="scatter-summary">
          <caption>Errors per arm, pooled over seeds</caption>
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">Points</th>
              <th scope="col">Mean |error|</th>
              <th scope="col">Root mean squared error</th>
              <th scope="col">Bias (mean predicted − gold)</th>
            </tr>
          </thead>
          <tbody>
            {scatter.arms.map((a) => (
              <tr key={a.arm} data-arm={a.arm}>
                <th scope="row" className={`arm-${a.arm}-text`}>
                  {armLabels[a.arm]}
                </th>
                <td>{a.total}</td>
                <td>{a.mae.toFixed(3)}</td>
                <td>{a.rmse.toFixed(3)}</td>
                <td>{a.bias.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
