// Everything a report shows, gathered once from the services, so the HTML, JSON and CSV renderings
// are pure functions of one value (and tests can build reports from seeded rows).
import { meanBandCurves, type MeanBandCurve } from '../../../shared/comparison-analysis';
import { analysisKindOf, CURVE_METRICS, utilityMetrics } from '../../../shared/comparison-views';
import type { ComparisonDetail, DatasetSummary, LossKind, RunDetail } from '../../../shared/schemas';
import type { EvaluatedViews } from '../comparison-analysis-service';

export interface ReportData {
  detail: ComparisonDetail;
  dataset: DatasetSummary;
  runDetails: RunDetail[];
  /** Which arm each run is in (run id -> arm). */
  arms: ReadonlyMap<string, LossKind>;
  /** Per class, confusion, scatter and examples: the same answer the app's views get (one split, one checkpoint per run). */
  views: EvaluatedViews;
  generatedAt: string;
  appVersion: string;
}

export interface ReportAnalysis {
  /** Validation metric curves, mean and band across seeds per arm, keyed by metric name. */
  validation: Array<{ metric: string; curves: MeanBandCurve[] }>;
  /** Training objective per step, mean and band per arm. */
  trainingLoss: MeanBandCurve[];
  /** Neuronal utility: metric at ablation level k, per kind (drop, crop). */
  utility: Array<{ kind: 'drop' | 'crop'; metric: string; curves: MeanBandCurve[] }>;
}

function armOf(data: ReportData, d: RunDetail): LossKind {
  return data.arms.get(d.run.id) ?? d.run.loss;
}

export function analyseReport(data: ReportData): ReportAnalysis {
  const completed = data.runDetails.filter((d) => d.run.status === 'completed');
  const seriesOf = (split: 'train' | 'validation', metric: string) =>
    completed.map((d) => {
      const points = d.metrics.filter((p) => p.split === split && p.name === metric);
      return { arm: armOf(data, d), seed: d.run.seed, x: points.map((p) => p.step), y: points.map((p) => p.value) };
    });
  const validation = CURVE_METRICS[analysisKindOf(data.dataset.task)].map((metric) => ({ metric, curves: meanBandCurves(seriesOf('validation', metric)) })).filter((v) =>
    v.curves.some((c) => c.x.length > 0),
  );
  const utility = (['drop', 'crop'] as const).flatMap((kind) => {
    const points = completed.map((d) => ({ d, levels: d.utility.filter((u) => u.kind === kind) })).filter((x) => x.levels.length > 0);
    if (points.length === 0) return [];
    const first = points[0].levels[0].metrics;
    // The same metrics the app's Utility view draws (F1 and exact match for question answering).
    return utilityMetrics(analysisKindOf(data.dataset.task), (m) => m in first, Object.keys(first)[0]).map((metric) => ({
      kind,
      metric,
      curves: meanBandCurves(
        points.map(({ d, levels }) => ({ arm: armOf(data, d), seed: d.run.seed, x: levels.map((l) => l.k), y: levels.map((l) => l.metrics[metric] ?? Number.NaN) })),
      ),
    }));
  });
  return { validation, trainingLoss: meanBandCurves(seriesOf('train', 'loss')), utility };
}

/** File name stem for a comparison's report files: its id, plus a safe slug of its name when it has one. */
export function reportFileStem(data: ReportData): string {
  const name = data.detail.comparison.name;
  const slug = name ? name.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) : '';
  return `comparison-${data.detail.comparison.id}${slug ? `-${slug}` : ''}`;
}
