// Baseline vs comparative on the validation split, every seed overlaid: the curves behind the table.
import { useMemo } from 'react';
import type { RunSummary } from '../../shared/schemas';
import { armColor, seedDash } from '../lib/colors';
import { metricLabel } from '../lib/format';
import { alignSeries, seriesKey } from '../lib/traces';
import type { RunTraces } from '../lib/useRunTraces';
import { LineChart } from './LineChart';

interface ValidationCurvesProps {
  runs: RunSummary[];
  seeds: number[];
  traces: RunTraces;
}

function ValidationMetricChart({ runs, seeds, traces, metric }: ValidationCurvesProps & { metric: string }) {
  const { series, data } = useMemo(() => {
    const ordered = [...runs].sort((a, b) => a.loss.localeCompare(b.loss) || a.seed - b.seed);
    return {
      series: ordered.map((run) => ({
        label: `${run.loss} · seed ${run.seed}`,
        color: armColor(run.loss),
        dash: seedDash(Math.max(0, seeds.indexOf(run.seed))),
        width: 2,
      })),
      data: alignSeries(ordered.map((run) => traces.traces.get(run.id)?.get(seriesKey('validation', metric)))),
    };
  }, [runs, seeds, metric, traces.version]);

  return (
    <LineChart
      title={`Validation ${metricLabel(metric).toLowerCase().replace(/^validation /, '')}`}
      series={series}
      data={data}
      xLabel="step"
      yLabel={metric}
      height={220}
      emptyText="Validation runs at the end of each epoch."
      testId={`validation-${metric}-chart`}
    />
  );
}

export function ValidationCurves(props: ValidationCurvesProps) {
  return (
    <div className="chart-pair">
      <ValidationMetricChart {...props} metric="accuracy" />
      <ValidationMetricChart {...props} metric="loss" />
    </div>
  );
}
