// Regression's side of the comparison views and the report: predicted against gold per arm, a
// residual histogram on shared bins, and the examples whose error the comparative run changed
// most (the counterpart of fixedAndBroken in shared/comparison-analysis.ts). Pure: no I/O.
import { ARMS, type ChangedExample, type FixedAndBroken, type Prediction } from './comparison-analysis';
import type { LossKind } from './schemas';

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
