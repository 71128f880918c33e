// Paired statistics for seed-matched comparisons: both arms of a seed share split, initialisation
// and data order, so the unit of evidence is the per-seed difference d_i = c_i - b_i, not the two
// arms' spreads. Pure TypeScript over plain numbers (shared/ is used by main and renderer alike);
// the distributions come from @stdlib (maintained, pure JS) rather than hand-written series.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { mulberry32 } from './random';
import { mean, sampleStd } from './stats';

export interface PairedTTest {
  n: number;
  meanDifference: number | null;
  sdDifference: number | null;
  t: number | null;
  df: number | null;
  /** Two-sided p-value; null (with `reason`) when the test is undefined. */
  p: number | null;
  reason?: string;
}

export interface WilcoxonResult {
  /** Non-zero differences actually ranked (zeros are dropped, Wilcoxon's original method). */
  n: number;
  /** Sum of the ranks of the positive differences (R's V). */
  wPlus: number | null;
  /** min(W+, W-): the two-sided statistic scipy reports. */
  w: number | null;
  p: number | null;
  method: 'exact' | 'normal' | null;
  reason?: string;
}

export interface BootstrapCi {
  low: number | null;
  high: number | null;
  resamples: number;
  reason?: string;
}

export interface SeedsNeeded {
  /** Smallest number of seeds giving the requested power; null when no finite number would. */
  n: number | null;
  method: 't-iterated';
  reason?: string;
}

export interface PairedStats {
  n: number;
  tTest: PairedTTest;
  wilcoxon: WilcoxonResult;
  ci: BootstrapCi;
  /** Cohen's d_z: mean difference / sd of the differences. */
  effectSize: number | null;
  seedsNeeded: SeedsNeeded;
}

/** Up to this many non-zero differences the exact (permutation) distribution of W+ is used. */
export const WILCOXON_EXACT_MAX_N = 25;

/** Differences c_i - b_i of the pairs where both values are finite numbers. */
export function pairedDifferences(baseline: ReadonlyArray<number | null>, comparative: ReadonlyArray<number | null>): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(baseline.length, comparative.length); i++) {
    const b = baseline[i];
    const c = comparative[i];
    if (b !== null && c !== null && Number.isFinite(b) && Number.isFinite(c)) out.push(c - b);
  }
  return out;
}

/**
 * Both arm means and the mean difference over the SAME seeds: those where both arms have a value.
 * A seed with one arm missing (cancelled, failed) is left out of all three, so the means printed
 * beside the difference can never contradict it.
 */
export function completePairMeans(baseline: ReadonlyArray<number | null>, comparative: ReadonlyArray<number | null>): { pairs: number; baselineMean: number | null; comparativeMean: number | null; meanDifference: number | null } {
  const b: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < Math.min(baseline.length, comparative.length); i++) {
    const x = baseline[i];
    const y = comparative[i];
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) {
      b.push(x);
      c.push(y);
    }
  }
  const avg = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, v) => a + v, 0) / xs.length);
  const bm = avg(b);
  const cm = avg(c);
  return { pairs: b.length, baselineMean: bm, comparativeMean: cm, meanDifference: avg(c.map((v, i) => v - b[i])) };
}

/** Paired t-test on the differences: t = mean / (sd / sqrt n), df = n - 1. */
export function pairedTTest(diffs: readonly number[]): PairedTTest {
  const n = diffs.length;
  const m = mean(diffs);
  const sd = sampleStd(diffs);
  if (n < 2 || m === null || sd === null) return { n, meanDifference: m, sdDifference: sd, t: null, df: null, p: null, reason: 'needs at least 2 seeds' };
  // Floating-point noise (e.g. 0.78 - 0.76 on every seed) leaves a tiny sd; treat it as zero spread.
  if (sd <= 1e-12 * Math.max(1, Math.abs(m))) {
    const reason = m === 0 ? 'no difference on any seed' : 'the same difference on every seed: no spread, so no t';
    return { n, meanDifference: m, sdDifference: 0, t: null, df: n - 1, p: null, reason };
  }
  const t = m / (sd / Math.sqrt(n));
  const df = n - 1;
  // 2 * lower tail of -|t| keeps precision for tiny p (1 - cdf would round to 0).
  return { n, meanDifference: m, sdDifference: sd, t, df, p: Math.min(1, 2 * tCdf(-Math.abs(t), df)) };
}

/** Ranks 1..n of the values, ties getting the average of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
    const rank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) ranks[order[k][1]] = rank;
    start = end + 1;
  }
  return ranks;
}

/**
 * Wilcoxon signed-rank test, two-sided. Zero differences are dropped; tied |d| get average ranks.
 * 'auto' uses the exact distribution up to WILCOXON_EXACT_MAX_N differences (exact conditional on
 * the observed ranks, so ties are handled exactly too), the normal approximation with continuity
 * and tie correction beyond (as R's wilcox.test(correct = TRUE) does).
 */
export function wilcoxonSignedRank(diffs: readonly number[], method: 'auto' | 'exact' | 'normal' = 'auto'): WilcoxonResult {
  // Same tolerance as the t-test: differences of 1e-17 are rounding, not evidence.
  const scale = Math.max(1e-300, ...diffs.map(Math.abs));
  const nonZero = diffs.filter((d) => Math.abs(d) > 1e-12 * scale);
  const n = nonZero.length;
  if (n === 0) return { n, wPlus: null, w: null, p: null, method: null, reason: diffs.length === 0 ? 'no paired seeds' : 'no difference on any seed' };
  // Round to 12 significant digits so 0.78 - 0.7675 and 0.755 - 0.7425 tie, as they do on paper.
  const ranks = averageRanks(nonZero.map((d) => Number(Math.abs(d).toPrecision(12))));
  const wPlus = ranks.reduce((a, r, i) => a + (nonZero[i] > 0 ? r : 0), 0);
  const total = (n * (n + 1)) / 2;
  const w = Math.min(wPlus, total - wPlus);
  const useExact = method === 'exact' || (method === 'auto' && n <= WILCOXON_EXACT_MAX_N);
  if (useExact) return { n, wPlus, w, p: exactSignedRankP(ranks, w), method: 'exact' };
  const mu = total / 2;
  const tieGroups = new Map<number, number>();
  for (const r of ranks) tieGroups.set(r, (tieGroups.get(r) ?? 0) + 1);
  const tieTerm = [...tieGroups.values()].reduce((a, t) => a + (t ** 3 - t), 0) / 48;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm);
  if (sigma === 0) return { n, wPlus, w, p: null, method: 'normal', reason: 'no variance in the ranks' };
  const deviation = wPlus - mu;
  // Continuity correction: move half a unit toward the mean (never past it).
  const z = (deviation - Math.sign(deviation) * Math.min(0.5, Math.abs(deviation))) / sigma;
  return { n, wPlus, w, p: Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1)), method: 'normal' };
}

/**
 * Exact two-sided p = 2 P(W+ <= w) under the null that each sign is + or - with probability 1/2.
 * Ranks are doubled to integers (average ranks are multiples of 1/2) and the distribution of the
 * sum is counted by dynamic programming: O(n * sum) instead of 2^n enumerations.
 */
function exactSignedRankP(ranks: readonly number[], w: number): number {
  const ints = ranks.map((r) => Math.round(r * 2));
  const max = ints.reduce((a, b) => a + b, 0);
  // Probabilities rather than counts so 2^n never overflows.
  let dist = new Float64Array(max + 1);
  dist[0] = 1;
  for (const r of ints) {
    const next = new Float64Array(max + 1);
    for (let s = 0; s <= max; s++) {
      if (dist[s] === 0) continue;
      next[s] += dist[s] / 2;
      next[s + r] += dist[s] / 2;
    }
    dist = next;
  }
  const limit = Math.round(w * 2);
  let tail = 0;
  for (let s = 0; s <= limit; s++) tail += dist[s];
  return Math.min(1, 2 * tail);
}

/** Linear-interpolated quantile of sorted values (type 7, numpy's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export const MIN_BOOTSTRAP_SEEDS = 5;

/**
 * Percentile bootstrap CI of the mean paired difference: resample the seeds' differences with
 * replacement. Deterministic for a given seed. With few seeds it is narrower than the t interval
 * (it cannot see variance it has not sampled) — the verdict reports it next to the t-test's p.
 */
export function bootstrapMeanCi(diffs: readonly number[], options: { resamples?: number; level?: number; seed?: number } = {}): BootstrapCi {
  const resamples = options.resamples ?? 10_000;
  const level = options.level ?? 0.95;
  const n = diffs.length;
  // With fewer seeds the resamples can only recombine a handful of values: the interval collapses
  // to the range of the observed differences and can exclude 0 while the t-test finds nothing.
  if (n < MIN_BOOTSTRAP_SEEDS) return { low: null, high: null, resamples, reason: `needs at least ${MIN_BOOTSTRAP_SEEDS} seeds` };
  const random = mulberry32(options.seed ?? 20240601);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[Math.floor(random() * n)];
    means[b] = sum / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  return { low: quantileSorted(means, alpha), high: quantileSorted(means, 1 - alpha), resamples };
}

/** Cohen's d_z for paired data; null when undefined (fewer than 2 seeds or no spread). */
export function cohensDz(diffs: readonly number[]): number | null {
  const m = mean(diffs);
  const sd = sampleStd(diffs);
  if (m === null || sd === null || sd <= 1e-12 * Math.max(1, Math.abs(m))) return null;
  return m / sd;
}

/**
 * Seeds needed for a two-sided paired t-test at `alpha` to detect effect size d_z with `power`:
 * the smallest n with n >= ((t_{1-alpha/2, n-1} + t_{power, n-1}) / d_z)^2. This t-iterated form
 * of the normal formula ((z_{1-alpha/2} + z_power) / d)^2 corrects its small-n optimism and matches
 * G*Power's noncentral-t answers for d = 0.2, 0.5, 0.8 (199, 34, 15) without a noncentral t CDF.
 */
export function seedsNeeded(effectSize: number | null, alpha = 0.05, power = 0.8, maxN = 100_000): SeedsNeeded {
  if (effectSize === null || !Number.isFinite(effectSize)) return { n: null, method: 't-iterated', reason: 'effect size undefined' };
  const d = Math.abs(effectSize);
  if (d === 0) return { n: null, method: 't-iterated', reason: 'no difference to detect' };
  const za = normalQuantile(1 - alpha / 2, 0, 1);
  const zb = normalQuantile(power, 0, 1);
  // Start from the normal answer (a lower bound) and walk up until the t form is satisfied.
  let n = Math.max(2, Math.ceil(((za + zb) / d) ** 2));
  if (n > maxN) return { n: null, method: 't-iterated', reason: `more than ${maxN} seeds` };
  while (n <= maxN) {
    const need = ((tQuantile(1 - alpha / 2, n - 1) + tQuantile(power, n - 1)) / d) ** 2;
    if (need <= n) return { n, method: 't-iterated' };
    n++;
  }
  return { n: null, method: 't-iterated', reason: `more than ${maxN} seeds` };
}

/** Everything above for one metric's seed-paired values. */
export function pairedStats(baseline: ReadonlyArray<number | null>, comparative: ReadonlyArray<number | null>, options: { seed?: number; resamples?: number } = {}): PairedStats {
  const diffs = pairedDifferences(baseline, comparative);
  const effectSize = cohensDz(diffs);
  return {
    n: diffs.length,
    tTest: pairedTTest(diffs),
    wilcoxon: wilcoxonSignedRank(diffs),
    ci: bootstrapMeanCi(diffs, options),
    effectSize,
    seedsNeeded: seedsNeeded(effectSize),
  };
}
