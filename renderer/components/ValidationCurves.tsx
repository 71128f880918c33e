// Baseline vs comparative on the validation split, every seed overlaid: the curves behind the table.
import { useMemo } from 'react';
import type { LossKind, RunSummary } from '../../shared/schemas';
import { type ArmNames, LOSS_ARMS } from '../lib/arm-labels';
import { armColor, seedDash } from '../lib/colors';
import { metricLabel } from '../lib/format';
import { alignSeries, seriesKey } from '../lib/traces';
import type { RunTraces } from '../lib/useRunTraces';
import { LineChart } from './LineChart';

interface ValidationCurvesProps {
  runs: RunSummary[];
  seeds: number[];
  traces: RunTraces;
  /** An ad-hoc comparison's arms (runs of one loss can be in either): colour and label by arm. */
  arms?: { names: ArmNames; of: (run: RunSummary) => LossKind };
}

const BY_LOSS = { names: LOSS_ARMS, of: (run: RunSummary) => run.loss };

function ValidationMetricChart({ runs, seeds, traces, metric, arms = BY_LOSS }: ValidationCurvesProps & { metric: string }) {
  const { series, data } = useMemo(() => {
    const ordered = [...runs].sort((a, b) => arms.of(a).localeCompare(arms.of(b)) || a.seed - b.seed);
    return {
      series: ordered.map((run) => ({
        label: `${arms.names[arms.of(run)]} · seed ${run.seed}`,
        color: armColor(arms.of(run)),
        dash: seedDash(Math.max(0, seeds.indexOf(run.seed))),
        width: 2,
      })),
      data: alignSeries(ordered.map((run) => traces.traces.get(run.id)?.get(seriesKey('validation', metric)))),
    };
  }, [runs, seeds, metric, traces.version, arms]);

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
