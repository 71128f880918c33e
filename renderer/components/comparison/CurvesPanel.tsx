// Validation curves, mean and band over seeds per arm: is the gap between arms larger than the
// spread between seeds, and does it hold over training or only at the end?
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { TRAJECTORY_TEXT } from '../../../shared/comparison-views';
import { metricLabel } from '../../lib/format';
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
    </section>
  );
}
