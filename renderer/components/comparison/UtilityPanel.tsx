// Neuronal utility of both arms: the metric as ever more neurons (dropout level k) or input
// (crop level k) are switched off, mean and band over seeds. The paper's claim is that the
// comparative loss makes this curve start as high and fall faster: the neurons are all used.
import type { ComparisonAnalysis } from '../../../shared/comparison-analysis-schema';
import { UTILITY_TEXT } from '../../../shared/comparison-views';
import { metricLabel } from '../../lib/format';
import { MeanBandChart } from './MeanBandChart';
import { SplitNote } from './ViewNotes';

export function UtilityPanel({ analysis }: { analysis: ComparisonAnalysis }) {
  return (
    <section className="card" aria-labelledby="utility-heading" data-testid="view-utility">
      <h2 id="utility-heading">Neuronal utility: metric vs ablation level</h2>
      <SplitNote>{UTILITY_TEXT}</SplitNote>
      <p className="muted">
        Level k runs the final model with dropout 1 − (1 − p)<sup>k</sup> (or keeps less of the input, for crops); shaded {analysis.band}.
      </p>
      {analysis.utility.length === 0 ? (
        <p className="muted">Measured on the final model of each run once it completes.</p>
      ) : (
        <div className="chart-pair">
          {analysis.utility.map((u) => (
            <MeanBandChart
              key={`${u.kind}-${u.metric}`}
              title={`${metricLabel(u.metric)} vs ${u.kind === 'drop' ? 'dropout' : 'input crop'} level k`}
              curves={u.curves}
              armLabels={analysis.armLabels}
              xLabel="ablation level k"
              yLabel={u.metric}
              testId={analysis.utility.findIndex((o) => o.kind === u.kind) === analysis.utility.indexOf(u) ? `utility-${u.kind}-band-chart` : `utility-${u.kind}-${u.metric}-band-chart`}
            />
          ))}
        </div>
      )}
    </section>
  );
}
