// Statistics for two groups of runs that cannot be matched seed by seed (an ad-hoc comparison of
// runs chosen from the history: different seeds, or several runs of one seed in one arm). Without
// pairs the unit of evidence is the run, so the tests compare the two arms' spreads: Welch's t-test
// (no equal-variance assumption) and the Mann-Whitney U test (ranks, no normality assumption).
// The t distribution comes from @stdlib like shared/paired-stats.ts; @stdlib's Mann-Whitney test
// is not among the installed packages, so U and its exact distribution are computed here.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { averageRanks } from './paired-stats';
import { mean, sampleStd } from './stats';
import { isMilliseconds, metricIsFraction, metricIsLowerBetter, VERDICT_ALPHA } from './verdict';

export interface WelchTTest {
  /** comparative mean - baseline mean. */
  meanDifference: number | null;
  t: number | null;
  df: number | null;
  p: number | null;
  reason?: string;
}

export interface MannWhitneyResult {
  /** U of the comparative arm: pairs (b, c) with c > b, ties counting one half. */
  u: number | null;
  p: number | null;
  method: 'exact' | 'normal' | null;
  reason?: string;
}

export interface UnpairedStats {
  nBaseline: number;
  nComparative: number;
  welch: WelchTTest;
  mannWhitney: MannWhitneyResult;
  /** Hedges-free Cohen's d with the pooled sd; null when undefined. */
  effectSize: number | null;
}

/** Up to this many runs in total the exact distribution of the rank sum is used. */
export const MANN_WHITNEY_EXACT_MAX_N = 50;

const finite = (values: ReadonlyArray<number | null>): number[] => values.filter((v): v is number => v !== null && Number.isFinite(v));

/** Welch's two-sample t-test, two-sided, comparative minus baseline. */
export function welchTTest(baseline: readonly number[], comparative: readonly number[]): WelchTTest {
  const mb = mean(baseline);
  const mc = mean(comparative);
  const meanDifference = mb !== null && mc !== null ? mc - mb : null;
  const sb = sampleStd(baseline);
  const sc = sampleStd(comparative);
  if (meanDifference === null || sb === null || sc === null) return { meanDifference, t: null, df: null, p: null, reason: 'needs at least 2 runs in each arm' };
  const vb = (sb * sb) / baseline.length;
  const vc = (sc * sc) / comparative.length;
  const se = Math.sqrt(vb + vc);
  if (se <= 1e-12 * Math.max(1, Math.abs(meanDifference))) return { meanDifference, t: null, df: null, p: null, reason: 'no spread within either arm' };
  const t = meanDifference / se;
  // Welch-Satterthwaite degrees of freedom.
  const df = (vb + vc) ** 2 / (vb ** 2 / (baseline.length - 1) + vc ** 2 / (comparative.length - 1));
  return { meanDifference, t, df, p: Math.min(1, 2 * tCdf(-Math.abs(t), df)) };
}

/**
 * Mann-Whitney U (Wilcoxon rank-sum), two-sided. Ties get average ranks. Up to
 * MANN_WHITNEY_EXACT_MAX_N runs the p-value is exact conditional on the observed ranks (counted by
 * dynamic programming over rank sums, so ties are exact too); beyond, the normal approximation
 * with tie and continuity correction, as R's wilcox.test(correct = TRUE).
 */
export function mannWhitneyU(baseline: readonly number[], comparative: readonly number[]): MannWhitneyResult {
  const nb = baseline.length;
  const nc = comparative.length;
  if (nb === 0 || nc === 0) return { u: null, p: null, method: null, reason: 'needs runs in both arms' };
  const ranks = averageRanks([...baseline, ...comparative].map((v) => Number(v.toPrecision(12))));
  const rankSumC = ranks.slice(nb).reduce((a, r) => a + r, 0);
  const u = rankSumC - (nc * (nc + 1)) / 2;
  const total = nb + nc;
  if (new Set(ranks).size === 1) return { u, p: null, method: null, reason: 'every run has the same value' };
  if (total <= MANN_WHITNEY_EXACT_MAX_N) return { u, p: exactRankSumP(ranks, nc, rankSumC), method: 'exact' };
  const mu = (nb * nc) / 2;
  const ties = new Map<number, number>();
  for (const r of ranks) ties.set(r, (ties.get(r) ?? 0) + 1);
  const tieTerm = [...ties.values()].reduce((a, t) => a + (t ** 3 - t), 0) / (total * (total - 1));
  const sigma = Math.sqrt(((nb * nc) / 12) * (total + 1 - tieTerm));
  const deviation = u - mu;
  const z = (deviation - Math.sign(deviation) * Math.min(0.5, Math.abs(deviation))) / sigma;
  return { u, p: Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1)), method: 'normal' };
}

/**
 * Exact two-sided p of the rank sum of `k` of the ranks: every k-subset equally likely under the
 * null. Ranks are doubled to integers (average ranks are multiples of 1/2); ways[j][s] counts
 * subsets of size j with doubled sum s.
 */
function exactRankSumP(ranks: readonly number[], k: number, observedSum: number): number {
  const ints = ranks.map((r) => Math.round(r * 2));
  const max = ints.reduce((a, b) => a + b, 0);
  const ways = Array.from({ length: k + 1 }, () => new Float64Array(max + 1));
  ways[0][0] = 1;
  for (const r of ints) {
    for (let j = k; j >= 1; j--) {
      const from = ways[j - 1];
      const to = ways[j];
      for (let s = max - r; s >= 0; s--) if (from[s] !== 0) to[s + r] += from[s];
    }
  }
  const dist = ways[k];
  const all = dist.reduce((a, b) => a + b, 0);
  const observed = Math.round(observedSum * 2);
  let lower = 0;
  let upper = 0;
  for (let s = 0; s <= max; s++) {
    if (s <= observed) lower += dist[s];
    if (s >= observed) upper += dist[s];
  }
  return Math.min(1, (2 * Math.min(lower, upper)) / all);
}

/** Cohen's d with the pooled standard deviation. */
export function cohensD(baseline: readonly number[], comparative: readonly number[]): number | null {
  const mb = mean(baseline);
  const mc = mean(comparative);
  const sb = sampleStd(baseline);
  const sc = sampleStd(comparative);
  if (mb === null || mc === null || sb === null || sc === null) return null;
  const pooled = Math.sqrt(((baseline.length - 1) * sb * sb + (comparative.length - 1) * sc * sc) / (baseline.length + comparative.length - 2));
  return pooled > 1e-12 ? (mc - mb) / pooled : null;
}

export function unpairedStats(baseline: ReadonlyArray<number | null>, comparative: ReadonlyArray<number | null>): UnpairedStats {
  const b = finite(baseline);
  const c = finite(comparative);
  return { nBaseline: b.length, nComparative: c.length, welch: welchTTest(b, c), mannWhitney: mannWhitneyU(b, c), effectSize: cohensD(b, c) };
}

const formatP = (p: number): string => (p < 0.001 ? '< 0.001' : `= ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`);

function amount(metric: string, value: number): string {
  const v = Math.abs(value);
  if (metricIsFraction(metric)) return `${(v * 100).toFixed(v * 100 < 1 ? 2 : 1)} points`;
  if (isMilliseconds(metric)) return `${v.toFixed(1)} ms`;
  return v.toFixed(3);
}

/**
 * The sentence for unpaired runs. It always says it is unpaired, because an unpaired test on
 * seed-to-seed noise needs a larger effect than a paired one to reach significance. The headline
 * p is Welch's; Mann-Whitney's is shown next to it.
 */
export function unpairedVerdictText(metric: string, s: UnpairedStats): string {
  const m = s.welch.meanDifference;
  const runs = `${s.nBaseline} baseline vs ${s.nComparative} comparative runs`;
  const prefix = 'unpaired (the runs could not be matched by seed)';
  if (m === null) return `${prefix}: an arm has no finished run with ${metric}, nothing to compare`;
  const improved = metricIsLowerBetter(metric) ? m < 0 : m > 0;
  const mw = s.mannWhitney.p !== null ? `, Mann-Whitney p ${formatP(s.mannWhitney.p)}` : '';
  if (s.welch.p === null) {
    const direction = m === 0 ? 'tied' : `${improved ? 'better' : 'worse'} by ${amount(metric, m)} on average`;
    return `${prefix}: comparative ${direction} over ${runs}; no Welch p-value (${s.welch.reason})${mw}`;
  }
  if (s.welch.p < VERDICT_ALPHA) {
    return `${prefix}: comparative is ${improved ? 'better' : 'worse'} by ${amount(metric, m)}, Welch p ${formatP(s.welch.p)}${mw}, over ${runs}`;
  }
  return `${prefix}: no evidence of a difference (Welch p ${formatP(s.welch.p)}${mw}, mean difference ${m >= 0 ? '+' : '−'}${amount(metric, m)} over ${runs})`;
}
