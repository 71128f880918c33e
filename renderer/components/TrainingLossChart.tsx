// Live decomposition of the training loss for one seed: the baseline's loss next to the
// comparative run's full model (l0), each ablated copy (l1..lC) and the comparative term.
import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { RunSummary } from '../../shared/schemas';
import { ablatedCopyColor, BASELINE_COLOR, CMP_TERM_COLOR, COMPARATIVE_COLOR } from '../lib/colors';
import { ablatedCopyCount, alignSeries, seriesKey, smooth } from '../lib/traces';
import type { RunTraces } from '../lib/useRunTraces';
import { LineChart, type ChartSeries } from './LineChart';

interface TrainingLossChartProps {
  baseline: RunSummary | undefined;
  comparative: RunSummary | undefined;
  traces: RunTraces;
}

const SMOOTHING = 0.8;

export function TrainingLossChart({ baseline, comparative, traces }: TrainingLossChartProps) {
  const [smoothed, setSmoothed] = useState(true);

  const { series, data } = useMemo(() => {
    const lines: Array<{ chart: ChartSeries; points: ReadonlyMap<number, number> | undefined }> = [];
    if (baseline) {
      const trace = traces.traces.get(baseline.id);
      // The baseline optimises l0 alone, so its objective is the loss to compare against.
      lines.push({ chart: { label: 'baseline loss', color: BASELINE_COLOR, width: 2, points: false }, points: trace?.get(seriesKey('train', 'loss')) });
    }
    if (comparative) {
      const trace = traces.traces.get(comparative.id);
      const copies = Math.max(comparative.config.ablations, ablatedCopyCount(trace));
      lines.push({ chart: { label: 'l0 full model', color: COMPARATIVE_COLOR, width: 2, points: false }, points: trace?.get(seriesKey('train', 'l0')) });
      for (let k = 1; k <= copies; k += 1) {
        lines.push({
          chart: { label: `l${k} ablated`, color: ablatedCopyColor(k, copies), dash: [5, 3], width: 1.25, points: false },
          points: trace?.get(seriesKey('train', `l${k}`)),
        });
      }
      lines.push({ chart: { label: 'Lcmp term', color: CMP_TERM_COLOR, width: 1.5, points: false }, points: trace?.get(seriesKey('train', 'cmp')) });
    }
    const aligned = alignSeries(lines.map((line) => line.points));
    const shown: uPlot.AlignedData = smoothed ? [aligned[0], ...aligned.slice(1).map((ys) => smooth(ys, SMOOTHING))] : aligned;
    return { series: lines.map((line) => line.chart), data: shown };
    // traces.version changes whenever the mutable traces do.
  }, [baseline, comparative, traces.version, smoothed]);

  return (
    <div className="training-loss">
      <LineChart
        title="Training loss"
        series={series}
        data={data}
        xLabel="step"
        yLabel="loss"
        height={280}
        emptyText="Waiting for the first training steps…"
        testId="training-loss-chart"
      />
      <label className="inline-toggle">
        <input type="checkbox" checked={smoothed} onChange={(event) => setSmoothed(event.target.checked)} /> Smooth curves
      </label>
    </div>
  );
}
