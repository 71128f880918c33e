// Builds `comparisons.analysis` from SQLite: one answer with everything the comparison views show,
// so the renderer makes one request instead of one per run per view.
import {
  BAND_LABEL,
  computeMatched,
  confusionDifference,
  fixedAndBroken,
  meanBandCurves,
  perClassSideBySide,
  sumConfusions,
  type MeanBandCurve,
  type Prediction,
  type SeedSeries,
} from '../../shared/comparison-analysis';
import type { ComparisonAnalysis } from '../../shared/comparison-analysis-schema';
import { copiesPerStep, flopsPerStep } from '../../shared/flops';
import type { DatasetSummary, EvaluationDetail, LossKind, MetricPoint, RunSummary } from '../../shared/schemas';
import type { ComparisonsRepo } from '../db/comparisons-repo';
import type { DatasetTextsRepo } from '../db/dataset-texts-repo';
import type { EvaluationsRepo } from '../db/evaluations-repo';
import type { MetricsRepo } from '../db/metrics-repo';
import { join } from 'node:path';
import { readHfConfig } from '../pretrained/hf-config';
import { splitWords } from '../training/tokenizer';
import type { ComparisonService } from './comparison-service';
import type { DatasetService } from './dataset-service';

/** Validation metrics drawn as curves, when the runs report them. */
const CURVE_METRICS = ['accuracy', 'macro_f1', 'loss'] as const;
/** Fixed / broken examples listed per kind; the totals count all of them. */
export const EXAMPLES_LIMIT = 200;
/** Training texts whose lengths estimate the mean cost of an example (evenly spaced over the split). */
const LENGTH_SAMPLE = 5000;
/** Tasks whose predictions are class indices, so "right" and "wrong" are defined. */
const SINGLE_LABEL_TASKS = ['classification', 'pair_classification'];

export const FLOPS_FORMULA =
  'training FLOPs per step = copies x examples per step x mean over training texts of 3 x 2 x ' +
  '(layers x (4·L·d² + 2·L²·d + 2·L·d·f) + d·classes), L = real tokens (≤ max length), copies = 1 (baseline) or 1 + C (comparative)';

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
  ) {}

  /** Word counts of a sample of each dataset's training texts; datasets never change once imported. */
  private readonly wordCounts = new Map<string, number[]>();

  analysis(id: string): ComparisonAnalysis {
    const { comparison, runs } = this.comparisons.detail(id);
    const armRuns = this.assignArms(comparison.id, comparison.kind, runs);
    const dataset = this.datasets.get(comparison.datasetId);
    const detailOf = new Map(armRuns.map((r) => [r.run.id, this.evaluations.evaluations(r.run.id)]));
    const chosen = new Map(armRuns.map((r) => [r.run.id, chosenEvaluation(detailOf.get(r.run.id)!)]));

    const validation = new Map(armRuns.map((r) => [r.run.id, this.metrics.forRunSplit(r.run.id, 'validation')]));
    const seriesOf = (metric: string): SeedSeries[] =>
      armRuns.map((r) => {
        const points = validation.get(r.run.id)!.filter((m) => m.name === metric);
        return { arm: r.arm, seed: r.seed, x: points.map((p) => p.step), y: points.map((p) => p.value) };
      });
    const curves = CURVE_METRICS.map((metric) => ({ metric, curves: meanBandCurves(seriesOf(metric)) })).filter((c) => c.curves.some((k) => k.x.length > 0));

    const evaluationsOf = (arm: LossKind) => armRuns.filter((r) => r.arm === arm).flatMap((r) => (chosen.get(r.run.id) ? [chosen.get(r.run.id)!] : []));
    const perClass = perClassSideBySide(
      evaluationsOf('baseline').map((e) => e.perClass),
      evaluationsOf('comparative').map((e) => e.perClass),
    );
    const baselineConfusion = sumConfusions(evaluationsOf('baseline').map((e) => e.confusion));
    const comparativeConfusion = sumConfusions(evaluationsOf('comparative').map((e) => e.confusion));

    const predictionsOf = (arm: LossKind): Map<number, Prediction[]> =>
      new Map(
        armRuns
          .filter((r) => r.arm === arm && chosen.get(r.run.id))
          .map((r) => [r.seed, this.evaluations.predictions(r.run.id, chosen.get(r.run.id)!.step).rows]),
      );
    const singleLabel = SINGLE_LABEL_TASKS.includes(dataset.task ?? 'classification');
    const changed = singleLabel ? fixedAndBroken(predictionsOf('baseline'), predictionsOf('comparative'), () => '', EXAMPLES_LIMIT) : null;
    // Texts are read for the listed examples only, not for the whole validation split.
    const texts = changed ? this.texts.validationTexts(dataset.id, [...changed.fixed, ...changed.broken].map((e) => e.index)) : new Map<number, string>();
    const withText = (list: NonNullable<typeof changed>['fixed']) => list.map((e) => ({ ...e, text: texts.get(e.index) ?? '' }));
    const examples = changed
      ? { ...changed, fixed: withText(changed.fixed), broken: withText(changed.broken) }
      : { perSeed: [], fixedTotal: 0, brokenTotal: 0, fixed: [], broken: [], note: `Fixed and broken examples need a single-label task; this dataset is ${dataset.task}.` };

    return {
      comparisonId: comparison.id,
      labels: dataset.labels,
      seeds: comparison.seeds,
      armLabels: comparison.armLabels ?? { baseline: 'baseline', comparative: 'comparative' },
      band: BAND_LABEL,
      evaluationNote: 'Each run’s best evaluation on its selection metric (the kept model), else its last.',
      curves,
      perClass,
      confusion: { baseline: baselineConfusion, comparative: comparativeConfusion, difference: confusionDifference(baselineConfusion, comparativeConfusion) },
      examples: { limit: EXAMPLES_LIMIT, ...examples },
      utility: this.utility(armRuns),
      compute: this.compute(armRuns, dataset, curves, validation),
    };
  }

  /** Seeded comparisons pair by (loss, seed); ad-hoc ones by the arm and seed stored when they were made. */
  private assignArms(id: string, kind: string | undefined, runs: RunSummary[]): ArmRun[] {
    if (kind === 'adhoc') {
      const byId = new Map(runs.map((r) => [r.id, r]));
      return this.comparisonsRepo.adhocAssignments(id).flatMap((a) => (byId.has(a.runId) ? [{ run: byId.get(a.runId)!, arm: a.arm, seed: a.seed }] : []));
    }
    return runs.map((run) => ({ run, arm: run.loss, seed: run.seed }));
  }

  private utility(armRuns: ArmRun[]): ComparisonAnalysis['utility'] {
    const points = new Map(armRuns.map((r) => [r.run.id, this.evaluations.utility(r.run.id)]));
    const all = [...points.values()].flat();
    return (['drop', 'crop'] as const).flatMap((kind) => {
      const ofKind = all.filter((p) => p.kind === kind);
      if (ofKind.length === 0) return [];
      // The task's headline metric: accuracy for classification, else whatever the levels carry.
      const metric = ['accuracy', 'pearson', 'macro_f1'].find((m) => ofKind.some((p) => m in p.metrics)) ?? Object.keys(ofKind[0].metrics)[0];
      const series = armRuns.map((r) => {
        const levels = points.get(r.run.id)!.filter((p) => p.kind === kind && metric in p.metrics);
        return { arm: r.arm, seed: r.seed, x: levels.map((p) => p.k), y: levels.map((p) => p.metrics[metric]) };
      });
      return [{ kind, metric, curves: meanBandCurves(series) }];
    });
  }

  private trainingWordCounts(datasetId: string): number[] {
    let counts = this.wordCounts.get(datasetId);
    if (!counts) {
      counts = this.texts.trainingSample(datasetId, LENGTH_SAMPLE).map((t) => splitWords(t).length);
      this.wordCounts.set(datasetId, counts);
    }
    return counts;
  }

  private compute(
    armRuns: ArmRun[],
    dataset: DatasetSummary,
    curves: ComparisonAnalysis['curves'],
    validation: Map<string, MetricPoint[]>,
  ): ComparisonAnalysis['compute'] {
    const metric = curves.find((c) => c.metric === 'accuracy')?.metric ?? curves[0]?.metric ?? 'accuracy';
    const counts = this.trainingWordCounts(dataset.id);
    const lengthsFor = memo((maxLength: number) => counts.map((n) => Math.min(Math.max(1, n), maxLength)));
    const inputs = armRuns.map((r) => {
      const c = r.run.config;
      const trainingMs = new Map(this.evaluations.trainingTimes(r.run.id).map((e) => [e.step, e.trainingMs]));
      const values = validation.get(r.run.id)!.filter((m) => m.name === metric);
      const perStep = flopsPerStep({
        model: encoderShape(c.model),
        numClasses: Math.max(1, dataset.task === 'regression' ? 1 : dataset.labels.length),
        // maxTrainExamples caps the split by a seeded sample; the mean length over the split estimates it.
        lengths: lengthsFor(c.maxLength),
        examplesPerStep: c.batchSize * c.gradAccumulation,
        copies: copiesPerStep(r.run.loss, c.ablations),
      });
      return {
        arm: r.arm,
        seed: r.seed,
        flopsPerStep: perStep,
        msPerStep: typeof r.run.finalMetrics.ms_per_step === 'number' ? r.run.finalMetrics.ms_per_step : null,
        evaluations: values.map((v) => ({ step: v.step, value: v.value, trainingMs: trainingMs.get(v.step) ?? null })),
      };
    });
    const matched = computeMatched(inputs);
    return { metric, formula: FLOPS_FORMULA, runs: matched.runs, bySeconds: finiteX(matched.bySeconds), byFlops: finiteX(matched.byFlops) };
  }
}

/**
 * Width, depth and FFN width of the encoder a run trained: the built-in model's config, or a
 * pretrained checkpoint's config.json (same encoder layout: BERT, ELECTRA, RoBERTa). Word counts
 * stand in for its subword token counts, so a pretrained run's FLOPs are an underestimate.
 */
function encoderShape(model: RunSummary['config']['model']): { dim: number; layers: number; ffnDim: number } {
  if (!model.pretrained) return model;
  try {
    const hf = readHfConfig(join(model.pretrained, 'config.json'));
    return { dim: hf.hidden_size, layers: hf.num_hidden_layers, ffnDim: hf.intermediate_size };
  } catch {
    // The folder was moved or deleted since the run: the built-in fields are the only record left.
    return model;
  }
}

/** The evaluation whose model was kept (best on the selection metric), else the last one. */
function chosenEvaluation(evaluations: EvaluationDetail[]): EvaluationDetail | undefined {
  return evaluations.find((e) => e.best) ?? evaluations[evaluations.length - 1];
}

/** Points without a known x (no stored or measured time) are dropped: JSON has no NaN. */
function finiteX(curves: MeanBandCurve[]): MeanBandCurve[] {
  return curves.map((c) => {
    const keep = c.x.map((x, i) => (Number.isFinite(x) ? i : -1)).filter((i) => i >= 0);
    return { arm: c.arm, x: keep.map((i) => c.x[i]), mean: keep.map((i) => c.mean[i]), lower: keep.map((i) => c.lower[i]), upper: keep.map((i) => c.upper[i]), n: keep.map((i) => c.n[i]) };
  });
}

function memo<K, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key)!;
  };
}
