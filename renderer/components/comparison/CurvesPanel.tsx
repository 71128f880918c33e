// Validation curves, mean and band over seeds per arm: is the gap between arms larger than the
// spread between seeds, and does it hold over training or only at the end?
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { TRAJECTORY_TEXT } from '../../../shared/comparison-views';
import { formatMetric, metricLabel } from '../../lib/format';
import { MeanBandChart } from './MeanBandChart';
import { SplitNote } from './ViewNotes';

export function CurvesPanel({ analysis }: { analysis: ComparisonAnalysis }) {
  return (
    <section className="card" aria-labelledby="curves-heading" data-testid="view-curves">
      <h2 id="curves-heading">Validation curves across seeds</h2>
      <SplitNote>{TRAJECTORY_TEXT}</SplitNote>
      <p className="muted">
        Solid line: mean over {analysis.seeds.length} seed{analysis.seeds.length === 1 ? '' : 's'}; shaded {analysis.band}.
      </p>
      {analysis.curves.length === 0 ? (
        <p className="muted">Validation runs at the end of each epoch; curves appear after the first one.</p>
      ) : (
        <div className="chart-pair">
          {analysis.curves.map((c) => (
            <MeanBandChart
              key={c.metric}
              title={metricLabel(c.metric)}
              curves={c.curves}
              armLabels={analysis.armLabels}
              xLabel="step"
              yLabel={c.metric}
              testId={`curves-${c.metric}-chart`}
            />
          ))}
        </div>
      )}
      <SelectedCheckpoints analysis={analysis} />
    </section>
  );
}

/**
 * Where on these curves each run's selected checkpoint lies: the Overview, per-class, confusion
 * and examples views score that checkpoint, not the curve's last point, so the two are told apart.
 */
function SelectedCheckpoints({ analysis }: { analysis: ComparisonAnalysis }) {
  const { compute, armLabels } = analysis;
  const runs = compute.runs.filter((r) => r.selected);
  if (runs.length === 0) return null;
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const cell = (arm: 'baseline' | 'comparative', seed: number) => {
    const run = compute.runs.find((r) => r.arm === arm && r.seed === seed);
    const last = run?.points[run.points.length - 1];
    if (!run?.selected) return <td>—</td>;
    return (
      <td data-testid={`selected-${arm}-${seed}`} data-value={run.selected.value} data-step={run.selected.step}>
        step {run.selected.step}: {formatMetric(compute.metric, run.selected.value)}
        {last && last.step !== run.selected.step ? (
          <span className="muted">
            {' '}
            (last evaluation, step {last.step}: {formatMetric(compute.metric, last.value)})
          </span>
        ) : null}
      </td>
    );
  };
  return (
    <div className="table-scroll">
      <table className="analysis-table" data-testid="selected-checkpoints">
        <caption>
          Selected checkpoint of each run (best on validation): the one every result view and the report score. Validation {metricLabel(compute.metric)}.
        </caption>
        <thead>
          <tr>
            <th scope="col">Seed</th>
            <th scope="col" className="arm-baseline-text">
              {armLabels.baseline}
            </th>
            <th scope="col" className="arm-comparative-text">
              {armLabels.comparative}
            </th>
          </tr>
        </thead>
        <tbody>
          {seeds.map((seed) => (
            <tr key={seed}>
              <th scope="row">{seed}</th>
              {cell('baseline', seed)}
              {cell('comparative', seed)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
