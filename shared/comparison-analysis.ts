// Pure aggregation behind the comparison views and the HTML report: curves averaged over seeds
// with a band, per-class scores side by side, confusion differences, examples the comparative
// run fixed or broke, predicted against gold for regression, and metric against compute. No I/O:
// the services feed it rows from SQLite.
import type { EvalSplit, EvaluationDetail, Headline, LossKind } from './schemas';

export const ARMS: readonly LossKind[] = ['baseline', 'comparative'];

/** How the band around a mean curve is drawn; shown as the chart's legend text. */
export const BAND_LABEL = 'band: min–max across seeds';

export interface SeedSeries {
  arm: LossKind;
  seed: number;
  x: readonly number[];
  y: readonly number[];
}

export interface MeanBandCurve {
  arm: LossKind;
  x: number[];
  mean: number[];
  /** Smallest and largest seed value at each x (min–max: with 3–5 seeds a std band would be guesswork). */
  lower: number[];
  upper: number[];
  /** Seeds with a value at each x (a seed that stopped early stops counting). */
  n: number[];
}

/**
 * Per arm, the mean over seeds at every x any seed of that arm has, with a min–max band. Seeds
 * share x values (evaluation steps) because both arms of a comparison use one config; an x that
 * only some seeds reached is averaged over those seeds, and `n` says how many.
 */
export function meanBandCurves(series: readonly SeedSeries[]): MeanBandCurve[] {
  return ARMS.flatMap((arm) => {
    const ofArm = series.filter((s) => s.arm === arm);
    if (ofArm.length === 0) return [];
    const byX = new Map<number, number[]>();
    for (const s of ofArm) {
      s.x.forEach((x, i) => {
        const y = s.y[i];
        if (y === undefined || !Number.isFinite(y)) return;
        const list = byX.get(x) ?? [];
        list.push(y);
        byX.set(x, list);
      });
    }
    const xs = [...byX.keys()].sort((a, b) => a - b);
    const curve: MeanBandCurve = { arm, x: xs, mean: [], lower: [], upper: [], n: [] };
    for (const x of xs) {
      const ys = byX.get(x)!;
      curve.mean.push(ys.reduce((a, b) => a + b, 0) / ys.length);
      curve.lower.push(Math.min(...ys));
      curve.upper.push(Math.max(...ys));
      curve.n.push(ys.length);
    }
    return [curve];
  });
}

export interface ClassScore {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface PerClassRow {
  label: string;
  support: number;
  /** Means over the seeds that reported the class. */
  baseline: { precision: number; recall: number; f1: number } | null;
  comparative: { precision: number; recall: number; f1: number } | null;
  /** comparative - baseline; null when an arm lacks the class. */
  delta: { precision: number; recall: number; f1: number } | null;
}

function meanScores(perSeed: readonly (readonly ClassScore[])[], label: string): { precision: number; recall: number; f1: number; support: number } | null {
  const found = perSeed.flatMap((scores) => scores.filter((s) => s.label === label));
  if (found.length === 0) return null;
  const avg = (k: 'precision' | 'recall' | 'f1' | 'support') => found.reduce((a, s) => a + s[k], 0) / found.length;
  return { precision: avg('precision'), recall: avg('recall'), f1: avg('f1'), support: avg('support') };
}

/** Per class: each arm's precision/recall/F1 averaged over seeds (one evaluation per seed), and the delta. */
export function perClassSideBySide(baseline: readonly (readonly ClassScore[])[], comparative: readonly (readonly ClassScore[])[]): PerClassRow[] {
  const labels: string[] = [];
  for (const s of [...baseline, ...comparative].flat()) if (!labels.includes(s.label)) labels.push(s.label);
  return labels.map((label) => {
    const b = meanScores(baseline, label);
    const c = meanScores(comparative, label);
    const pick = (s: typeof b) => (s ? { precision: s.precision, recall: s.recall, f1: s.f1 } : null);
    return {
      label,
      support: Math.round((b ?? c)!.support),
      baseline: pick(b),
      comparative: pick(c),
      delta: b && c ? { precision: c.precision - b.precision, recall: c.recall - b.recall, f1: c.f1 - b.f1 } : null,
    };
  });
}

/** Element-wise sum of confusion matrices (one per seed), padded to the largest size. */
export function sumConfusions(matrices: readonly (readonly (readonly number[])[])[]): number[][] {
  const size = Math.max(0, ...matrices.map((m) => Math.max(m.length, ...m.map((r) => r.length))));
  const out = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const m of matrices) m.forEach((row, g) => row.forEach((v, p) => (out[g][p] += v)));
  return out;
}

/** b - a, cell by cell (confusion[gold][predicted]); a positive diagonal means b gets more right. */
export function confusionDifference(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const size = Math.max(a.length, b.length, ...a.map((r) => r.length), ...b.map((r) => r.length));
  return Array.from({ length: size }, (_, g) => Array.from({ length: size }, (_, p) => (b[g]?.[p] ?? 0) - (a[g]?.[p] ?? 0)));
}

export interface Prediction {
  /** Position in the evaluated split (validation or test). */
  index: number;
  predicted: number;
  gold: number;
  confidence: number;
}

export interface ChangedExample {
  seed: number;
  index: number;
  text: string;
  gold: number;
  baseline: { predicted: number; confidence: number };
  comparative: { predicted: number; confidence: number };
}

export interface FixedAndBroken {
  /** Per seed: how many examples the comparative run fixed (baseline wrong, comparative right) or broke. */
  perSeed: Array<{ seed: number; fixed: number; broken: number; compared: number }>;
  /** Pooled over seeds (an example fixed under two seeds counts twice): totals, then the first `limit` of each. */
  fixedTotal: number;
  brokenTotal: number;
  fixed: ChangedExample[];
  broken: ChangedExample[];
}

/**
 * Examples fixed and broken by the comparative run, paired by seed: for one seed, an example is
 * fixed when the baseline run got it wrong and the comparative run of the same seed got it right,
 * broken the other way round. Classification only (correct = predicted equals gold). Examples are
 * listed by seed then validation index, so the list is stable between reloads; `limit` caps each
 * list, the totals count everything.
 */
export function fixedAndBroken(
  baselinePreds: ReadonlyMap<number, readonly Prediction[]>,
  comparativePreds: ReadonlyMap<number, readonly Prediction[]>,
  texts: (index: number) => string,
  limit = 200,
): FixedAndBroken {
  const result: FixedAndBroken = { perSeed: [], fixedTotal: 0, brokenTotal: 0, fixed: [], broken: [] };
  const seeds = [...baselinePreds.keys()].filter((s) => comparativePreds.has(s)).sort((a, b) => a - b);
  for (const seed of seeds) {
    const comparativeByIndex = new Map(comparativePreds.get(seed)!.map((p) => [p.index, p]));
    let fixed = 0;
    let broken = 0;
    let compared = 0;
    const sorted = [...baselinePreds.get(seed)!].sort((a, b) => a.index - b.index);
    for (const b of sorted) {
      const c = comparativeByIndex.get(b.index);
      if (!c) continue;
      compared += 1;
      const baselineRight = b.predicted === b.gold;
      const comparativeRight = c.predicted === c.gold;
      if (baselineRight === comparativeRight) continue;
      const example: ChangedExample = {
        seed,
        index: b.index,
        text: '',
        gold: b.gold,
        baseline: { predicted: b.predicted, confidence: b.confidence },
        comparative: { predicted: c.predicted, confidence: c.confidence },
      };
      const list = comparativeRight ? result.fixed : result.broken;
      if (comparativeRight) fixed += 1;
      else broken += 1;
      // Texts only for what is shown: a large validation split is not copied whole.
      if (list.length < limit) list.push({ ...example, text: texts(b.index) });
    }
    result.perSeed.push({ seed, fixed, broken, compared });
    result.fixedTotal += fixed;
    result.brokenTotal += broken;
  }
  return result;
}

export interface EvaluationTiming {
  step: number;
  value: number;
  /** Wall-clock ms spent in optimizer steps until this evaluation, when stored (before migration 005: null). */
  trainingMs: number | null;
}

export interface ComputeRunInput {
  arm: LossKind;
  seed: number;
  evaluations: readonly EvaluationTiming[];
  /** Estimated training FLOPs per optimizer step (shared/flops.ts). */
  flopsPerStep: number;
  /** Measured mean time per step, used when an evaluation has no stored wall-clock time. */
  msPerStep: number | null;
}

export interface ComputePoint {
  step: number;
  seconds: number | null;
  flops: number;
  value: number;
}

export interface ComputeMatched {
  runs: Array<{ arm: LossKind; seed: number; flopsPerStep: number; points: ComputePoint[] }>;
  /** Per arm, averaged over seeds at each evaluation step: x = mean seconds (or FLOPs), band over the metric. */
  bySeconds: MeanBandCurve[];
  byFlops: MeanBandCurve[];
}

/**
 * The metric against compute: cumulative training seconds (time in optimizer steps, stored per
 * evaluation, else step x measured ms per step) and cumulative estimated training FLOPs (step x FLOPs per step). Seeds are
 * averaged at each evaluation step, x included, because seeds of one arm evaluate at the same
 * steps but take slightly different times.
 */
export function computeMatched(runs: readonly ComputeRunInput[]): ComputeMatched {
  const out: ComputeMatched['runs'] = runs.map((r) => ({
    arm: r.arm,
    seed: r.seed,
    flopsPerStep: r.flopsPerStep,
    points: [...r.evaluations]
      .sort((a, b) => a.step - b.step)
      .map((e) => ({
        step: e.step,
        seconds: e.trainingMs !== null ? e.trainingMs / 1000 : r.msPerStep !== null ? (e.step * r.msPerStep) / 1000 : null,
        flops: e.step * r.flopsPerStep,
        value: e.value,
      })),
  }));
  const averageX = (pick: (p: ComputePoint) => number | null): MeanBandCurve[] =>
    meanBandCurves(out.map((r) => ({ arm: r.arm, seed: r.seed, x: r.points.map((p) => p.step), y: r.points.map((p) => p.value) }))).map((curve) => ({
      ...curve,
      x: curve.x.map((step) => {
        const xs = out
          .filter((r) => r.arm === curve.arm)
          .flatMap((r) => r.points.filter((p) => p.step === step).map(pick))
          .filter((v): v is number => v !== null);
        return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
      }),
    }));
  return { runs: out, bySeconds: averageX((p) => p.seconds), byFlops: averageX((p) => p.flops) };
}

/**
 * The split whose evaluations the per-class, confusion, scatter and example views show: the
 * headline's (so they describe the same numbers as the results table), else test when every run
 * that was evaluated at all has a test evaluation. One split for all runs: summing a test matrix
 * with a validation one, or pairing a test example with a validation one, would mean nothing.
 */
export function viewSplit(headline: Headline | undefined, runs: readonly (readonly EvaluationDetail[])[]): EvalSplit {
  if (headline) return headline.split;
  const evaluated = runs.filter((evaluations) => evaluations.length > 0);
  const scored = evaluated.filter((evaluations) => evaluations.some((e) => e.split === 'test'));
  return scored.length > 0 && scored.length === evaluated.length ? 'test' : 'validation';
}

/**
 * A run's evaluation on `split`: on test its one evaluation (made at the selected checkpoint's
 * step); on validation the selected checkpoint (best on the selection metric so far), else the last.
 */
export function evaluationOn(evaluations: readonly EvaluationDetail[], split: EvalSplit): EvaluationDetail | undefined {
  const onSplit = evaluations.filter((e) => (e.split ?? 'validation') === split);
  if (split === 'validation') return onSplit.find((e) => e.best) ?? onSplit[onSplit.length - 1];
  return onSplit[onSplit.length - 1];
}

export interface SeedPredictions {
  arm: LossKind;
  seed: number;
  predictions: readonly Prediction[];
}

export interface ScatterArm {
  arm: LossKind;
  /** Parallel arrays, one entry per shown point (an example under one seed). */
  seed: number[];
  index: number[];
  gold: number[];
  predicted: number[];
  /** Points before thinning (examples x seeds). */
  total: number;
  /** Over all points: mean |error|, root mean squared error, mean (predicted - gold). */
  mae: number;
  rmse: number;
  bias: number;
}

export interface ResidualHistogram {
  /** bins + 1 edges, symmetric around 0. */
  edges: number[];
  /** Some residuals fell beyond the outer edges and are counted in the outer bins. */
  clipped: boolean;
  arms: Array<{ arm: LossKind; counts: number[] }>;
}

export interface RegressionErrors {
  arms: ScatterArm[];
  residuals: ResidualHistogram;
}

/** Points per arm a scatter shows; more would only overdraw (and weigh down the answer). */
export const SCATTER_LIMIT = 1500;
/** Residual histogram bins: odd, so one bin is centred on zero error. */
export const RESIDUAL_BINS = 21;
/** The histogram spans this quantile of |residual|, so one wild prediction does not squash the rest into the middle bin. */
const RESIDUAL_RANGE_QUANTILE = 0.99;

/**
 * Regression: predicted against gold per arm, pooled over seeds, and a histogram of residuals
 * (predicted - gold) on shared bins. When there are more points than `limit`, every k-th example
 * (by position) is kept for both arms alike, so the two scatters show the same examples; the
 * summary numbers and the histogram use every point.
 */
export function regressionErrors(runs: readonly SeedPredictions[], limit = SCATTER_LIMIT, bins = RESIDUAL_BINS): RegressionErrors {
  const ofArm = (arm: LossKind) => runs.filter((r) => r.arm === arm);
  const totals = ARMS.map((arm) => ofArm(arm).reduce((n, r) => n + r.predictions.length, 0));
  const positions = [...new Set(runs.flatMap((r) => r.predictions.map((p) => p.index)))].sort((a, b) => a - b);
  const every = Math.max(1, Math.ceil(Math.max(0, ...totals) / limit));
  const kept = new Set(positions.filter((_, rank) => rank % every === 0));
  const arms: ScatterArm[] = ARMS.flatMap((arm, a) => {
    const list = ofArm(arm);
    if (list.length === 0) return [];
    const out: ScatterArm = { arm, seed: [], index: [], gold: [], predicted: [], total: totals[a], mae: 0, rmse: 0, bias: 0 };
    let absSum = 0;
    let squareSum = 0;
    let sum = 0;
    for (const r of [...list].sort((x, y) => x.seed - y.seed)) {
      for (const p of [...r.predictions].sort((x, y) => x.index - y.index)) {
        const e = p.predicted - p.gold;
        absSum += Math.abs(e);
        squareSum += e * e;
        sum += e;
        if (!kept.has(p.index)) continue;
        out.seed.push(r.seed);
        out.index.push(p.index);
        out.gold.push(p.gold);
        out.predicted.push(p.predicted);
      }
    }
    const n = Math.max(1, out.total);
    return [{ ...out, mae: absSum / n, rmse: Math.sqrt(squareSum / n), bias: sum / n }];
  });
  return { arms, residuals: residualHistogram(runs, bins) };
}

function residualHistogram(runs: readonly SeedPredictions[], bins: number): ResidualHistogram {
  const residualsOf = (arm: LossKind) => runs.filter((r) => r.arm === arm).flatMap((r) => r.predictions.map((p) => p.predicted - p.gold));
  const byArm = ARMS.map((arm) => ({ arm, residuals: residualsOf(arm) })).filter((a) => runs.some((r) => r.arm === a.arm));
  const magnitudes = byArm.flatMap((a) => a.residuals.map(Math.abs)).sort((a, b) => a - b);
  const quantile = magnitudes[Math.floor(RESIDUAL_RANGE_QUANTILE * (magnitudes.length - 1))] ?? 0;
  // All errors zero (or no points): a unit range keeps the bins finite.
  const half = quantile > 0 ? quantile : Math.max(0, ...magnitudes) || 1;
  const width = (2 * half) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => -half + i * width);
  let clipped = false;
  const arms = byArm.map(({ arm, residuals }) => {
    const counts = new Array<number>(bins).fill(0);
    for (const r of residuals) {
      if (Math.abs(r) > half) clipped = true;
      counts[Math.min(bins - 1, Math.max(0, Math.floor((r + half) / width)))] += 1;
    }
    return { arm, counts };
  });
  return { edges, clipped, arms };
}

/** Share of the targets' standard deviation by which |error| must change to count as "much" (errorChanges). */
export const ERROR_MARGIN_SHARE = 0.25;

/**
 * How much |error| must change for errorChanges to list an example: a share of the gold values'
 * standard deviation, so the rule reads the same on a 0–1 score as on a 0–100 one.
 */
export function errorMargin(gold: readonly number[], share = ERROR_MARGIN_SHARE): number {
  if (gold.length === 0) return 0;
  const mean = gold.reduce((a, b) => a + b, 0) / gold.length;
  return share * Math.sqrt(gold.reduce((a, g) => a + (g - mean) ** 2, 0) / gold.length);
}

/**
 * Regression's counterpart of fixedAndBroken, paired by seed: an example is "fixed" when the
 * comparative run's |error| is smaller than the baseline run's by more than `margin`, "broken"
 * when larger by more than `margin`. Listed largest change first (then seed, position), so the
 * first rows are the ones worth reading; `confidence` carries each run's |error|; texts are filled
 * in by the caller for the listed examples only.
 */
export function errorChanges(
  baselinePreds: ReadonlyMap<number, readonly Prediction[]>,
  comparativePreds: ReadonlyMap<number, readonly Prediction[]>,
  margin: number,
  limit = 200,
): FixedAndBroken {
  const result: FixedAndBroken = { perSeed: [], fixedTotal: 0, brokenTotal: 0, fixed: [], broken: [] };
  const changes: Array<{ example: ChangedExample; change: number }> = [];
  const seeds = [...baselinePreds.keys()].filter((s) => comparativePreds.has(s)).sort((a, b) => a - b);
  for (const seed of seeds) {
    const comparativeByIndex = new Map(comparativePreds.get(seed)!.map((p) => [p.index, p]));
    const tally = { seed, fixed: 0, broken: 0, compared: 0 };
    for (const b of [...baselinePreds.get(seed)!].sort((x, y) => x.index - y.index)) {
      const c = comparativeByIndex.get(b.index);
      if (!c) continue;
      tally.compared += 1;
      const baselineError = Math.abs(b.predicted - b.gold);
      const comparativeError = Math.abs(c.predicted - b.gold);
      const change = baselineError - comparativeError;
      if (Math.abs(change) <= margin) continue;
      if (change > 0) tally.fixed += 1;
      else tally.broken += 1;
      changes.push({
        change,
        example: {
          seed,
          index: b.index,
          text: '',
          gold: b.gold,
          baseline: { predicted: b.predicted, confidence: baselineError },
          comparative: { predicted: c.predicted, confidence: comparativeError },
        },
      });
    }
    result.perSeed.push(tally);
    result.fixedTotal += tally.fixed;
    result.brokenTotal += tally.broken;
  }
  const largestFirst = (a: (typeof changes)[number], b: (typeof changes)[number]) =>
    Math.abs(b.change) - Math.abs(a.change) || a.example.seed - b.example.seed || a.example.index - b.example.index;
  result.fixed = changes.filter((c) => c.change > 0).sort(largestFirst).slice(0, limit).map((c) => c.example);
  result.broken = changes.filter((c) => c.change < 0).sort(largestFirst).slice(0, limit).map((c) => c.example);
  return result;
}
