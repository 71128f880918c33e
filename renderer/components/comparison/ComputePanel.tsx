// Compute-matched view: the comparative arm runs 1 + C model copies per step, so at the same step
// it has spent more. Plotting the metric against wall-clock seconds and estimated training FLOPs
// answers "is it better at equal compute?", not only "at an equal number of steps?".
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { TRAJECTORY_TEXT } from '../../../shared/comparison-views';
import { formatMetric, metricLabel } from '../../lib/format';
import { MeanBandChart } from './MeanBandChart';
import { SplitNote } from './ViewNotes';

const PREFIXES: Array<[number, string]> = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** 1.2e12 -> "1.2 T": FLOP counts are unreadable as plain digits. */
export function formatFlops(value: number): string {
  const [scale, prefix] = PREFIXES.find(([s]) => Math.abs(value) >= s) ?? [1, ''];
  return `${Number((value / scale).toPrecision(3))} ${prefix}`.trim();
}

const formatSeconds = (value: number) => `${Number(value.toPrecision(3))} s`;

export function ComputePanel({ analysis }: { analysis: ComparisonAnalysis }) {
  const { compute, armLabels } = analysis;
  const arms = (['baseline', 'comparative'] as const).filter((arm) => compute.runs.some((r) => r.arm === arm));
  const last = (arm: 'baseline' | 'comparative', curves: typeof compute.bySeconds) => {
    const curve = curves.find((c) => c.arm === arm);
    return curve && curve.x.length ? { x: curve.x[curve.x.length - 1], y: curve.mean[curve.mean.length - 1] } : null;
  };
  return (
    <section className="card" aria-labelledby="compute-heading" data-testid="view-compute">
      <h2 id="compute-heading">At equal compute</h2>
      <SplitNote>{TRAJECTORY_TEXT}</SplitNote>
      <p className="muted">
        {metricLabel(compute.metric)} of each evaluation against the training time and the estimated training FLOPs spent to reach it
        (mean over seeds; shaded {analysis.band}).
      </p>
      <div className="chart-pair">
        <MeanBandChart
          title={`${metricLabel(compute.metric)} vs wall-clock seconds`}
          curves={compute.bySeconds}
          armLabels={armLabels}
          xLabel="seconds of training"
          yLabel={compute.metric}
          testId="compute-seconds-chart"
          continuousX
          xValue={formatSeconds}
          emptyText="No evaluation has a recorded time yet."
        />
        <MeanBandChart
          title={`${metricLabel(compute.metric)} vs estimated training FLOPs`}
          curves={compute.byFlops}
          armLabels={armLabels}
          xLabel="training FLOPs"
          yLabel={compute.metric}
          testId="compute-flops-chart"
          continuousX
          xValue={formatFlops}
        />
      </div>
      <div className="table-scroll">
        <table className="analysis-table" data-testid="compute-table">
          <caption>Cost per arm (mean over seeds, at the last evaluation)</caption>
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">FLOPs per step</th>
              <th scope="col">Training FLOPs</th>
              <th scope="col">Seconds</th>
              <th scope="col">{metricLabel(compute.metric)}</th>
            </tr>
          </thead>
          <tbody>
            {arms.map((arm) => {
              const runs = compute.runs.filter((r) => r.arm === arm);
              const perStep = runs.reduce((a, r) => a + r.flopsPerStep, 0) / runs.length;
              const byFlops = last(arm, compute.byFlops);
              const bySeconds = last(arm, compute.bySeconds);
              return (
                <tr key={arm} data-arm={arm}>
                  <th scope="row" className={`arm-${arm}-text`}>
                    {armLabels[arm]}
                  </th>
                  <td>{formatFlops(perStep)}</td>
                  <td>{byFlops ? formatFlops(byFlops.x) : '—'}</td>
                  <td>{bySeconds ? formatSeconds(bySeconds.x) : '—'}</td>
                  <td>{formatMetric(compute.metric, byFlops?.y)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <details>
        <summary>How FLOPs are estimated</summary>
        <p className="muted">{compute.formula}. Evaluation and utility passes are not counted.</p>
      </details>
    </section>
  );
}
