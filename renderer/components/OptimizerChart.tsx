// Learning rate and gradient norm (before clipping) per step for one seed's two runs: the first
// place to look when a loss curve misbehaves (warmup too short, exploding gradients).
import { useMemo } from 'react';
import type { RunSummary } from '../../shared/schemas';
import { BASELINE_COLOR, COMPARATIVE_COLOR } from '../lib/colors';
import { alignSeries, seriesKey } from '../lib/traces';
import type { RunTraces } from '../lib/useRunTraces';
import { LineChart } from './LineChart';

interface OptimizerChartProps {
  baseline: RunSummary | undefined;
  comparative: RunSummary | undefined;
  traces: RunTraces;
}

function StepSeriesChart({ name, title, baseline, comparative, traces }: OptimizerChartProps & { name: string; title: string }) {
  const { series, data } = useMemo(() => {
    const runs = [baseline, comparative].filter((r): r is RunSummary => r !== undefined);
    return {
      series: runs.map((run) => ({ label: run.loss, color: run.loss === 'baseline' ? BASELINE_COLOR : COMPARATIVE_COLOR, width: 1.5, points: false })),
      data: alignSeries(runs.map((run) => traces.traces.get(run.id)?.get(seriesKey('train', name)))),
    };
  }, [baseline, comparative, name, traces.version]);
  return (
    <LineChart
      title={title}
      series={series}
      data={data}
      xLabel="step"
      yLabel={name}
      height={180}
      emptyText="Logged at every step once training starts."
      testId={`${name.replace('_', '-')}-chart`}
    />
  );
}

export function OptimizerChart(props: OptimizerChartProps) {
  return (
    <div className="chart-pair">
      <StepSeriesChart {...props} name="lr" title="Learning rate" />
      <StepSeriesChart {...props} name="grad_norm" title="Gradient norm (before clipping)" />
    </div>
  );
}
