// Neuronal utility, side by side: the validation metric of each final model as its neurons
// (dropout level k, rate 1-(1-p)^k) or its input (crops) are ablated. A model that uses its
// neurons well loses more when they are switched off; the paper's claim is that the comparative
// loss makes that curve fall faster from the same start.
import { useEffect, useMemo, useState } from 'react';
import { analysisKindOf, utilityMetrics } from '../../shared/comparison-views';
import type { RunSummary, UtilityPoint } from '../../shared/schemas';
import type { DatasetTask } from '../../shared/tasks';
import { metricLabel } from '../lib/format';
import { getApi } from '../api';
import { armColor, seedDash } from '../lib/colors';
import { LineChart } from './LineChart';

interface UtilityCurvesProps {
  runs: RunSummary[];
  seeds: number[];
  /** Changes when runs finish, so utility is fetched again. */
  refreshKey: string;
  /** The dataset's task: question answering draws F1 and exact match (shared/comparison-views.ts#utilityMetrics). */
  task?: DatasetTask;
}

export function UtilityCurves({ runs, seeds, refreshKey, task }: UtilityCurvesProps) {
  const [utility, setUtility] = useState<Map<string, UtilityPoint[]>>(new Map());
  useEffect(() => {
    let live = true;
    void Promise.all(runs.map(async (run) => [run.id, await getApi().invoke('runs.get', { id: run.id })] as const)).then((answers) => {
      if (!live) return;
      setUtility(new Map(answers.map(([id, r]) => [id, r.ok ? r.value.utility : []])));
    });
    return () => {
      live = false;
    };
    // refreshKey captures the run statuses; runs itself is a new array on every poll.
  }, [refreshKey]);

  const kinds = (['drop', 'crop'] as const).filter((kind) => [...utility.values()].some((points) => points.some((p) => p.kind === kind)));
  if (kinds.length === 0) return <p className="muted">Measured on the final model of each run once it completes.</p>;
  return (
    <div className="chart-pair">
      {kinds.flatMap((kind) => {
        const points = [...utility.values()].flat().filter((p) => p.kind === kind);
        const metrics = utilityMetrics(analysisKindOf(task), (m) => points.some((p) => m in p.metrics), Object.keys(points[0]?.metrics ?? {})[0]);
        return metrics.map((metric, i) => (
          <UtilityChart key={`${kind}-${metric}`} kind={kind} metric={metric} testId={i === 0 ? `utility-${kind}-chart` : `utility-${kind}-${metric}-chart`} runs={runs} seeds={seeds} utility={utility} />
        ));
      })}
    </div>
  );
}

function UtilityChart({
  kind,
  metric,
  testId,
  runs,
  seeds,
  utility,
}: {
  kind: 'drop' | 'crop';
  metric: string;
  testId: string;
  runs: RunSummary[];
  seeds: number[];
  utility: Map<string, UtilityPoint[]>;
}) {
  const { series, data } = useMemo(() => {
    const ordered = [...runs].sort((a, b) => a.loss.localeCompare(b.loss) || a.seed - b.seed);
    const levels = [...new Set(ordered.flatMap((run) => (utility.get(run.id) ?? []).filter((p) => p.kind === kind).map((p) => p.k)))].sort((a, b) => a - b);
    const value = (run: RunSummary, k: number) => {
      const point = (utility.get(run.id) ?? []).find((p) => p.kind === kind && p.k === k);
      return point?.metrics[metric] ?? null;
    };
    return {
      series: ordered.map((run) => ({ label: `${run.loss} · seed ${run.seed}`, color: armColor(run.loss), dash: seedDash(Math.max(0, seeds.indexOf(run.seed))), width: 2 })),
      data: [levels, ...ordered.map((run) => levels.map((k) => value(run, k)))] as [number[], ...Array<Array<number | null>>],
    };
  }, [kind, metric, runs, seeds, utility]);
  return (
    <LineChart
      title={`${metricLabel(metric)} vs ${kind === 'drop' ? 'dropout ablation' : 'input crop'} level k`}
      series={series}
      data={data}
      xLabel="ablation level k"
      yLabel={metric}
      height={220}
      emptyText=""
      testId={testId}
    />
  );
}
