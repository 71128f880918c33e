// Compute-matched view: the comparative arm runs 1 + C model copies per step, so at the same step
// it has spent more. Plotting the metric against wall-clock seconds and estimated training FLOPs
// answers "is it better at equal compute?", not only "at an equal number of steps?".
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { TRAJECTORY_TEXT } from '../../../shared/comparison-views';
import { formatFlops } from '../../../shared/flops';
import { formatMetric, metricLabel } from '../../lib/format';

export { formatFlops };
import { MeanBandChart } from './MeanBandChart';
import { SplitNote } from './ViewNotes';

const formatSeconds = (value: number) => `${Number(value.toPrecision(3))} s`;
const formatSecondsOrDash = (value: number | null) => (value === null ? '—' : formatSeconds(value));
const formatMs = (value: number | null) => (value === null ? '—' : `${Number(value.toPrecision(3))} ms`);
const formatCount = (value: number | null) => (value === null ? '—' : String(Number(value.toPrecision(2))));

/** Mean of the known values (null when none is known: older runs lack CPU time and concurrency). */
function mean(values: ReadonlyArray<number | null | undefined>): number | null {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
}

export function ComputePanel({ analysis }: { analysis: ComparisonAnalysis }) {
  const { compute, armLabels } = analysis;
  const arms = (['baseline', 'comparative'] as const).filter((arm) => compute.runs.some((r) => r.arm === arm));
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
          <caption>
            Cost per arm, mean over seeds, at each run’s selected checkpoint (best on validation: the checkpoint the Overview scores)
          </caption>
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">FLOPs per step</th>
              <th scope="col">Wall time per step</th>
              <th scope="col">CPU time per step</th>
              <th scope="col">Trainers at once</th>
              <th scope="col">Training FLOPs to the selected checkpoint</th>
              <th scope="col">Seconds to it</th>
              <th scope="col">{metricLabel(compute.metric)} there (validation)</th>
            </tr>
          </thead>
          <tbody>
            {arms.map((arm) => {
              const runs = compute.runs.filter((r) => r.arm === arm);
              const selected = runs.map((r) => r.selected).filter((p): p is NonNullable<typeof p> => !!p);
              return (
                <tr key={arm} data-arm={arm}>
                  <th scope="row" className={`arm-${arm}-text`}>
                    {armLabels[arm]}
                  </th>
                  <td>{formatFlops(mean(runs.map((r) => r.flopsPerStep)) ?? 0)}</td>
                  <td data-testid={`compute-wall-${arm}`}>{formatMs(mean(runs.map((r) => r.msPerStep)))}</td>
                  <td data-testid={`compute-cpu-${arm}`}>{formatMs(mean(runs.map((r) => r.cpuMsPerStep)))}</td>
                  <td>{formatCount(mean(runs.map((r) => r.concurrentTrainers)))}</td>
                  <td>{selected.length ? formatFlops(mean(selected.map((p) => p.flops)) ?? 0) : '—'}</td>
                  <td>{formatSecondsOrDash(mean(selected.map((p) => p.seconds)))}</td>
                  <td data-testid={`compute-selected-${arm}`} data-value={mean(selected.map((p) => p.value)) ?? ''}>{formatMetric(compute.metric, mean(selected.map((p) => p.value)) ?? undefined)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted">
        Wall time per step grows when trainers share the cores (the “trainers at once” column); CPU time per step and FLOPs do not, so compare the arms’ cost
        on those.
      </p>
      <details>
        <summary>How FLOPs are estimated</summary>
        <p className="muted">{compute.formula}. Evaluation and utility passes are not counted.</p>
      </details>
    </section>
  );
}
