// Everything a report shows, gathered once from the services, so the HTML, JSON and CSV renderings
// are pure functions of one value (and tests can build reports from seeded rows).
import { confusionDifference, meanBandCurves, perClassSideBySide, sumConfusions, type ClassScore, type MeanBandCurve, type PerClassRow } from '../../../shared/comparison-analysis';
import type { ComparisonDetail, DatasetSummary, EvaluationDetail, LossKind, RunDetail } from '../../../shared/schemas';

export interface ReportData {
  detail: ComparisonDetail;
  dataset: DatasetSummary;
  runDetails: RunDetail[];
  /** Which arm each run is in (run id -> arm). */
  arms: ReadonlyMap<string, LossKind>;
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
  perClass: PerClassRow[];
  /** Confusion matrices summed over seeds (one evaluation per run), and comparative - baseline. */
  confusion: { labels: string[]; baseline: number[][]; comparative: number[][]; difference: number[][] } | null;
}

const VALIDATION_METRICS = ['accuracy', 'macro_f1', 'loss', 'pearson', 'spearman'];

/** The evaluation whose per-class scores and confusion the report shows: the kept (best) one, else the last. */
export function reportedEvaluation(d: RunDetail): EvaluationDetail | undefined {
  return d.evaluations.find((e) => e.best) ?? d.evaluations[d.evaluations.length - 1];
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
  const validation = VALIDATION_METRICS.map((metric) => ({ metric, curves: meanBandCurves(seriesOf('validation', metric)) })).filter((v) =>
    v.curves.some((c) => c.x.length > 0),
  );
  const utility = (['drop', 'crop'] as const).flatMap((kind) => {
    const points = completed.map((d) => ({ d, levels: d.utility.filter((u) => u.kind === kind) })).filter((x) => x.levels.length > 0);
    if (points.length === 0) return [];
    const first = points[0].levels[0].metrics;
    const metric = 'accuracy' in first ? 'accuracy' : Object.keys(first)[0];
    const curves = meanBandCurves(
      points.map(({ d, levels }) => ({ arm: armOf(data, d), seed: d.run.seed, x: levels.map((l) => l.k), y: levels.map((l) => l.metrics[metric] ?? Number.NaN) })),
    );
    return [{ kind, metric, curves }];
  });
  const evaluations = completed.map((d) => ({ arm: armOf(data, d), e: reportedEvaluation(d) })).filter((x) => x.e !== undefined);
  const scoresOf = (arm: LossKind): ClassScore[][] => evaluations.filter((x) => x.arm === arm).map((x) => x.e!.perClass);
  const perClass = perClassSideBySide(scoresOf('baseline'), scoresOf('comparative'));
  const matricesOf = (arm: LossKind) => evaluations.filter((x) => x.arm === arm && x.e!.confusion.length > 0).map((x) => x.e!.confusion);
  const [cb, cc] = [matricesOf('baseline'), matricesOf('comparative')];
  let confusion: ReportAnalysis['confusion'] = null;
  if (cb.length > 0 && cc.length > 0) {
    const baseline = sumConfusions(cb);
    const comparative = sumConfusions(cc);
    const labels = evaluations[0].e!.perClass.map((s) => s.label);
    confusion = { labels, baseline, comparative, difference: confusionDifference(baseline, comparative) };
  }
  return { validation, trainingLoss: meanBandCurves(seriesOf('train', 'loss')), utility, perClass, confusion };
}

/** File name stem for a comparison's report files: its id, plus a safe slug of its name when it has one. */
export function reportFileStem(data: ReportData): string {
  const name = data.detail.comparison.name;
  const slug = name ? name.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) : '';
  return `comparison-${data.detail.comparison.id}${slug ? `-${slug}` : ''}`;
}
