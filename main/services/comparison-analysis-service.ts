// Builds `comparisons.analysis` from SQLite: one answer with everything the comparison views show,
// so the renderer makes one request instead of one per run per view.
import {
  BAND_LABEL,
  computeMatched,
  confusionDifference,
  evaluationOn,
  fixedAndBroken,
  meanBandCurves,
  perClassSideBySide,
  sumConfusions,
  viewSplit,
  type MeanBandCurve,
  type SeedSeries,
} from '../../shared/comparison-analysis';
import { errorChanges, errorMargin, regressionErrors, type SeedPredictions } from '../../shared/regression-analysis';
import type { ComparisonAnalysis } from '../../shared/comparison-analysis-schema';
import { decodeQaAnswers, type QaAnswers } from '../../shared/qa-answers';
import { analysisKindOf, CURVE_METRICS, NOT_APPLICABLE, utilityMetrics, viewEvaluationText, type AnalysisKind } from '../../shared/comparison-views';
import type { DatasetSummary, EvalSplit, Headline, LossKind, MetricPoint, RunSummary } from '../../shared/schemas';
import type { ComparisonsRepo } from '../db/comparisons-repo';
import type { DatasetTextsRepo } from '../db/dataset-texts-repo';
import type { EvaluationsRepo } from '../db/evaluations-repo';
import type { MetricsRepo } from '../db/metrics-repo';
import type { StepFlops } from './step-flops';
import type { ComparisonService } from './comparison-service';
import type { DatasetService } from './dataset-service';

/** Fixed / broken examples listed per kind; the totals count all of them. */
export const EXAMPLES_LIMIT = 200;

export const FLOPS_FORMULA =
  'training FLOPs per step = micro-batches x batch size x sum over crop levels of copies x E[3 x 2 x ' +
  '(layers x (4·L·d² + 2·L²·d + 2·L·d·f) + d·classes)], L = the micro-batch\'s longest input at that crop level (≤ max length), ' +
  'copies = 1 (baseline) or 1 + crops + C (comparative: full model and drop-only copies at full length, cropped copies at their crop\'s length)';

/** The part of the analysis read from one evaluation per run (the rest is curves over training). */
export type EvaluatedViews = Pick<ComparisonAnalysis, 'task' | 'evaluation' | 'evaluationNote' | 'perClass' | 'confusion' | 'scatter' | 'examples'>;

interface ArmRun {
  run: RunSummary;
  arm: LossKind;
  seed: number;
}

export class ComparisonAnalysisService {
  constructor(
    private readonly comparisons: ComparisonService,
    private readonly comparisonsRepo: ComparisonsRepo,
    private readonly datasets: DatasetService,
    private readonly texts: DatasetTextsRepo,
    private readonly metrics: MetricsRepo,
    private readonly evaluations: EvaluationsRepo,
    private readonly flops: StepFlops,
  ) {}


  analysis(id: string): ComparisonAnalysis {
    const { comparison, runs, headline } = this.comparisons.detail(id);
    const armRuns = this.assignArms(comparison.id, comparison.kind, runs);
    const dataset = this.datasets.get(comparison.datasetId);
    const kind = analysisKindOf(dataset.task);
    const validation = new Map(armRuns.map((r) => [r.run.id, this.metrics.forRunSplit(r.run.id, 'validation')]));
    const seriesOf = (metric: string): SeedSeries[] =>
      armRuns.map((r) => {
        const points = validation.get(r.run.id)!.filter((m) => m.name === metric);
        return { arm: r.arm, seed: r.seed, x: points.map((p) => p.step), y: points.map((p) => p.value) };
      });
    const curves = CURVE_METRICS[kind].map((metric) => ({ metric, curves: meanBandCurves(seriesOf(metric)) })).filter((c) => c.curves.some((k) => k.x.length > 0));
    return {
      comparisonId: comparison.id,
      labels: dataset.labels,
      seeds: comparison.seeds,
      armLabels: comparison.armLabels ?? { baseline: 'baseline', comparative: 'comparative' },
      band: BAND_LABEL,
      ...this.evaluated(armRuns, dataset, headline),
      curves,
      utility: this.utility(armRuns, kind),
      compute: this.compute(armRuns, dataset, curves, validation),
    };
  }

  /** The per-class, confusion, scatter and example views alone: what the HTML report shows of them. */
  evaluationViews(id: string): EvaluatedViews {
    const { comparison, runs, headline } = this.comparisons.detail(id);
    return this.evaluated(this.assignArms(comparison.id, comparison.kind, runs), this.datasets.get(comparison.datasetId), headline);
  }

  /**
   * Everything read from one evaluation per run: the same split for every run (the results
   * table's, shared/comparison-analysis.ts#viewSplit), and per run its evaluation on that split,
   * so every view shows the same checkpoint.
   */
  private evaluated(armRuns: ArmRun[], dataset: DatasetSummary, headline: Headline | undefined): EvaluatedViews {
    const task = dataset.task ?? 'classification';
    const kind = analysisKindOf(task);
    const detailOf = new Map(armRuns.map((r) => [r.run.id, this.evaluations.evaluations(r.run.id)]));
    const split = viewSplit(headline, [...detailOf.values()]);
    const chosen = new Map(
      armRuns.flatMap((r) => {
        const e = evaluationOn(detailOf.get(r.run.id)!, split);
        return e ? [[r.run.id, e] as const] : [];
      }),
    );
    const evaluation = {
      split,
      examples: split === 'test' ? (dataset.splits.test ?? 0) : dataset.splits.validation,
      runs: chosen.size,
      missing: armRuns.length - chosen.size,
    };
    const evaluationsOf = (arm: LossKind) => armRuns.filter((r) => r.arm === arm).flatMap((r) => (chosen.has(r.run.id) ? [chosen.get(r.run.id)!] : []));
    // Regression stores no per-class scores; multi-label stores one row per label and no matrix.
    // Question answering has no classes: whatever per-class rows an evaluation holds are not shown.
    const classes = kind !== 'qa';
    const perClass = perClassSideBySide(
      classes ? evaluationsOf('baseline').map((e) => e.perClass) : [],
      classes ? evaluationsOf('comparative').map((e) => e.perClass) : [],
    );
    const matrices = kind === 'single_label';
    const baselineConfusion = matrices ? sumConfusions(evaluationsOf('baseline').map((e) => e.confusion)) : [];
    const comparativeConfusion = matrices ? sumConfusions(evaluationsOf('comparative').map((e) => e.confusion)) : [];
    const predictions: SeedPredictions[] = armRuns.flatMap((r) => {
      const e = chosen.get(r.run.id);
      return e ? [{ arm: r.arm, seed: r.seed, predictions: this.evaluations.predictions(r.run.id, e.step, split).rows }] : [];
    });
    return {
      task,
      evaluation,
      evaluationNote: viewEvaluationText(evaluation),
      perClass,
      confusion: { baseline: baselineConfusion, comparative: comparativeConfusion, difference: confusionDifference(baselineConfusion, comparativeConfusion) },
      scatter: kind === 'regression' ? regressionErrors(predictions) : null,
      examples: this.examples(dataset, kind, split, predictions),
    };
  }

  /**
   * Examples the comparative arm changed, paired by seed: right/wrong for single-label tasks,
   * |error| changed by more than a margin for regression; multi-label's stored summary cannot say.
   */
  private examples(dataset: DatasetSummary, kind: AnalysisKind, split: EvalSplit, predictions: SeedPredictions[]): ComparisonAnalysis['examples'] {
    const bySeed = (arm: LossKind) => new Map(predictions.filter((p) => p.arm === arm).map((p) => [p.seed, p.predictions]));
    if (kind === 'qa') return this.answerExamples(dataset, split, bySeed('baseline'), bySeed('comparative'));
    if (kind !== 'single_label' && kind !== 'regression') {
      const note = kind === 'multilabel' ? NOT_APPLICABLE.examplesMultilabel : `Examples do not apply to a ${dataset.task} dataset.`;
      return { mode: 'none', limit: EXAMPLES_LIMIT, perSeed: [], fixedTotal: 0, brokenTotal: 0, fixed: [], broken: [], note };
    }
    // The targets' spread sets "much": the gold values of one run are the split's.
    const margin = kind === 'regression' ? errorMargin((predictions[0]?.predictions ?? []).map((p) => p.gold)) : undefined;
    const changed =
      margin === undefined
        ? fixedAndBroken(bySeed('baseline'), bySeed('comparative'), () => '', EXAMPLES_LIMIT)
        : errorChanges(bySeed('baseline'), bySeed('comparative'), margin, EXAMPLES_LIMIT);
    // Texts are read for the listed examples only, not for the whole split.
    const texts = this.texts.splitTexts(dataset.id, split, [...changed.fixed, ...changed.broken].map((e) => e.index));
    const withText = (list: typeof changed.fixed) => list.map((e) => ({ ...e, text: texts.get(e.index) ?? '' }));
    return {
      mode: margin === undefined ? 'correctness' : 'error',
      ...(margin === undefined ? {} : { margin }),
      limit: EXAMPLES_LIMIT,
      ...changed,
      fixed: withText(changed.fixed),
      broken: withText(changed.broken),
    };
  }

  /**
   * Question answering: questions whose exact match the comparative run gained (fixed) or lost
   * (broken), each with its context and reference answers from the dataset rows, and both arms'
   * answers, their probabilities and F1 (carried on the prediction rows).
   */
  private answerExamples(
    dataset: DatasetSummary,
    split: EvalSplit,
    baseline: Map<number, SeedPredictions['predictions']>,
    comparative: Map<number, SeedPredictions['predictions']>,
  ): ComparisonAnalysis['examples'] {
    const changed = fixedAndBroken(baseline, comparative, () => '', EXAMPLES_LIMIT);
    const rows = this.texts.splitQaRows(dataset.id, split, [...changed.fixed, ...changed.broken].map((e) => e.index));
    const withAnswers = (list: typeof changed.fixed) =>
      list.map((e) => {
        const row = rows.get(e.index);
        if (!row) return { ...e, text: '' };
        let answers: QaAnswers;
        try {
          answers = decodeQaAnswers(row.label, row.context);
        } catch {
          // A legacy label whose text is not in its context: show the text, draw no gold mark.
          answers = { text: [row.label], answer_start: [-1] };
        }
        return { ...e, text: row.question, context: row.context, answers };
      });
    return { mode: 'answers', limit: EXAMPLES_LIMIT, ...changed, fixed: withAnswers(changed.fixed), broken: withAnswers(changed.broken) };
  }

  /** Seeded comparisons pair by (loss, seed); ad-hoc ones by the arm and seed stored when they were made. */
  private assignArms(id: string, kind: string | undefined, runs: RunSummary[]): ArmRun[] {
    if (kind === 'adhoc') {
      const byId = new Map(runs.map((r) => [r.id, r]));
      return this.comparisonsRepo.adhocAssignments(id).flatMap((a) => (byId.has(a.runId) ? [{ run: byId.get(a.runId)!, arm: a.arm, seed: a.seed }] : []));
    }
    return runs.map((run) => ({ run, arm: run.loss, seed: run.seed }));
  }

  private utility(armRuns: ArmRun[], analysisKind: AnalysisKind): ComparisonAnalysis['utility'] {
    const points = new Map(armRuns.map((r) => [r.run.id, this.evaluations.utility(r.run.id)]));
    const all = [...points.values()].flat();
    return (['drop', 'crop'] as const).flatMap((kind) => {
      const ofKind = all.filter((p) => p.kind === kind);
      if (ofKind.length === 0) return [];
      // The task's headline metric (accuracy, Pearson r or micro F1; question answering: F1 and exact match), else whatever the levels carry.
      const metrics = utilityMetrics(analysisKind, (m) => ofKind.some((p) => m in p.metrics), Object.keys(ofKind[0].metrics)[0]);
      return metrics.map((metric) => {
      const series = armRuns.map((r) => {
        const levels = points.get(r.run.id)!.filter((p) => p.kind === kind && metric in p.metrics);
        return { arm: r.arm, seed: r.seed, x: levels.map((p) => p.k), y: levels.map((p) => p.metrics[metric]) };
      });
      return { kind, metric, curves: meanBandCurves(series) };
      });
    });
  }

  private compute(
    armRuns: ArmRun[],
    dataset: DatasetSummary,
    curves: ComparisonAnalysis['curves'],
    validation: Map<string, MetricPoint[]>,
  ): ComparisonAnalysis['compute'] {
    const metric = curves.find((c) => c.metric === 'accuracy')?.metric ?? curves[0]?.metric ?? 'accuracy';
    const inputs = armRuns.map((r) => {
      const c = r.run.config;
      const trainingMs = new Map(this.evaluations.trainingTimes(r.run.id).map((e) => [e.step, e.trainingMs]));
      const values = validation.get(r.run.id)!.filter((m) => m.name === metric);
      const perStep = this.flops.perStep(c, r.run.loss, dataset);
      return {
        arm: r.arm,
        seed: r.seed,
        flopsPerStep: perStep,
        msPerStep: finalNumber(r.run, 'ms_per_step'),
        cpuMsPerStep: finalNumber(r.run, 'cpu_ms_per_step'),
        concurrentTrainers: finalNumber(r.run, 'concurrent_trainers'),
        selectedStep: r.run.bestStep,
        evaluations: values.map((v) => ({ step: v.step, value: v.value, trainingMs: trainingMs.get(v.step) ?? null })),
      };
    });
    const matched = computeMatched(inputs);
    return { metric, formula: FLOPS_FORMULA, runs: matched.runs, bySeconds: finiteX(matched.bySeconds), byFlops: finiteX(matched.byFlops) };
  }
}

function finalNumber(run: RunSummary, name: string): number | null {
  const v = run.finalMetrics[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Points without a known x (no stored or measured time) are dropped: JSON has no NaN. */
function finiteX(curves: MeanBandCurve[]): MeanBandCurve[] {
  return curves.map((c) => {
    const keep = c.x.map((x, i) => (Number.isFinite(x) ? i : -1)).filter((i) => i >= 0);
    return { arm: c.arm, x: keep.map((i) => c.x[i]), mean: keep.map((i) => c.mean[i]), lower: keep.map((i) => c.lower[i]), upper: keep.map((i) => c.upper[i]), n: keep.map((i) => c.n[i]) };
  });
}
