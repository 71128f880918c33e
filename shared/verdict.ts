// The plain-language sentence a comparison ends with. Metric-aware: which direction is better, and
// in which unit a difference reads (percentage points for fractions, ms for timings). The one
// home of these rules: the CLI, the services and the renderer (renderer/lib/format.ts) all use it.
import type { PairedStats } from './paired-stats';

const FRACTION_METRICS = new Set([
  'accuracy',
  'macro_f1',
  'micro_f1',
  'f1',
  'exact_match',
  'has_answer_exact_match',
  'has_answer_f1',
  'no_answer_exact_match',
  'no_answer_f1',
  'precision',
  'recall',
  'utility_drop_beaten_share',
  'utility_crop_beaten_share',
]);
// FLOPs per step are a cost: more of them is never "better", even in a row that is shown as context.
const LOWER_IS_BETTER = new Set(['loss', 'mse', 'mae', 'utility_drop_beaten_share', 'utility_crop_beaten_share', 'flops_per_step']);

export const isMilliseconds = (metric: string): boolean => /(^|_)ms(_|$)/.test(metric);

/** The metric without the split a table row names (`validation_accuracy` is read as accuracy). */
export const baseMetric = (metric: string): string => metric.replace(/^(validation|test)_/, '');

export function metricIsLowerBetter(metric: string): boolean {
  const m = baseMetric(metric);
  return LOWER_IS_BETTER.has(m) || isMilliseconds(m) || m.endsWith('loss');
}

export function metricIsFraction(metric: string): boolean {
  return FRACTION_METRICS.has(baseMetric(metric));
}

/** A magnitude in the metric's reading unit, without sign: "1.2 points", "3.4 ms", "0.012". */
function amount(metric: string, value: number): string {
  const v = Math.abs(value);
  // Seed-to-seed effects are often under a point: keep two decimals there so 0.25 does not read 0.3.
  if (metricIsFraction(metric)) return `${(v * 100).toFixed(v * 100 < 1 ? 2 : 1)} points`;
  if (isMilliseconds(metric)) return `${v.toFixed(1)} ms`;
  return v.toFixed(3);
}

/** A signed number in the metric's unit, no unit word: for CI bounds. */
function bound(metric: string, value: number, fine: boolean): string {
  const scaled = metricIsFraction(metric) ? value * 100 : value;
  const digits = metricIsFraction(metric) ? (fine ? 2 : 1) : isMilliseconds(metric) ? 1 : 3;
  const text = Math.abs(scaled).toFixed(digits);
  return `${scaled < 0 && Number(text) !== 0 ? '−' : ''}${text}`;
}

const formatP = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`);
const seedsWord = (n: number): string => `${n} seed${n === 1 ? '' : 's'}`;

/** Significance level the verdict uses to say "better"/"worse" rather than "no evidence". */
export const VERDICT_ALPHA = 0.05;

/**
 * What a difference may be coloured as: better / worse only when the test (paired t, or Welch's
 * for unpaired arms) says so at VERDICT_ALPHA; 'too_few_seeds' under 2 pairs (never a verdict
 * from one seed); else 'no_evidence'. The badges in the app, the CLI and the report all use it.
 */
export type Evidence = 'better' | 'worse' | 'no_evidence' | 'too_few_seeds' | 'not_compared';

export function evidenceOf(metric: string, stats: { n: number; pT: number | null; test?: 'paired' | 'unpaired' } | undefined, meanDifference: number | null): Evidence {
  if (!stats || meanDifference === null || !Number.isFinite(meanDifference)) return 'too_few_seeds';
  if (stats.test !== 'unpaired' && stats.n < 2) return 'too_few_seeds';
  if (stats.pT === null || stats.pT >= VERDICT_ALPHA || meanDifference === 0) return 'no_evidence';
  const improved = metricIsLowerBetter(metric) ? meanDifference < 0 : meanDifference > 0;
  return improved ? 'better' : 'worse';
}

/** The badge's words. */
export const EVIDENCE_WORDS: Readonly<Record<Evidence, string>> = {
  better: 'better',
  worse: 'worse',
  no_evidence: 'no evidence',
  too_few_seeds: 'too few seeds',
  // A row that is context, not a result (FLOPs follow from the settings; wall time of runs that shared cores).
  not_compared: 'not compared',
};

/** The badge's word for a metric: times read faster / slower rather than better / worse. */
export function evidenceWord(metric: string, evidence: Evidence): string {
  if (isMilliseconds(metric) && evidence === 'better') return 'faster';
  if (isMilliseconds(metric) && evidence === 'worse') return 'slower';
  return EVIDENCE_WORDS[evidence];
}

/**
 * E.g. "comparative is better by 1.2 points, 95% CI [0.4, 2.0], p = 0.01 over 5 seeds" or
 * "no evidence of a difference (p = 0.78 over 5 seeds, 95% CI [−1.3, 1.6] points); about 446
 * seeds would be needed to detect +0.25 points". The CI is oriented like the sentence: as the
 * improvement when saying "better", as the loss when saying "worse", as comparative − baseline
 * otherwise. The headline p is the paired t-test's (Wilcoxon is reported alongside in the data).
 */
export function verdictText(metric: string, stats: PairedStats): string {
  const { n, tTest, ci, seedsNeeded } = stats;
  const m = tTest.meanDifference;
  if (n === 0 || m === null) return 'no seed has both arms finished: nothing to compare yet';
  const unitSuffix = metricIsFraction(metric) ? ' points' : isMilliseconds(metric) ? ' ms' : '';
  const improved = metricIsLowerBetter(metric) ? m < 0 : m > 0;
  const signedAmount = `${m >= 0 ? '+' : '−'}${amount(metric, m)}`;
  if (n < 2) return `comparative ${m === 0 ? 'tied the baseline' : `was ${improved ? 'better' : 'worse'} by ${amount(metric, m)}`} on 1 seed; run at least 2 (better 5) seeds for statistics`;
  if (tTest.p === null) {
    if (m === 0) return `no difference: both arms gave the same ${metric} on all ${seedsWord(n)}`;
    // The same non-zero difference on every seed: as consistent as it gets, but there is no spread to test.
    return `comparative was ${improved ? 'better' : 'worse'} by ${amount(metric, m)} on every one of ${seedsWord(n)} (no spread between seeds, so no p-value)`;
  }
  const ciText = (flip: boolean, withUnit: boolean): string => {
    if (ci.low === null || ci.high === null) return '';
    const [lo, hi] = flip ? [-ci.high, -ci.low] : [ci.low, ci.high];
    const fine = Math.max(Math.abs(lo), Math.abs(hi)) * 100 < 1;
    return `95% CI [${bound(metric, lo, fine)}, ${bound(metric, hi, fine)}]${withUnit ? unitSuffix : ''}`;
  };
  if (tTest.p < VERDICT_ALPHA) {
    // Orient the interval with the sentence: "better by X" reads with a CI of the improvement.
    const flip = improved ? metricIsLowerBetter(metric) : !metricIsLowerBetter(metric);
    const ciPart = ciText(flip, false);
    return `comparative is ${improved ? 'better' : 'worse'} by ${amount(metric, m)}${ciPart ? `, ${ciPart}` : ''}, ${formatP(tTest.p)} over ${seedsWord(n)}`;
  }
  const ciPart = ciText(false, true);
  const needed =
    seedsNeeded.n !== null
      ? `; about ${seedsNeeded.n} seeds would be needed to detect ${signedAmount}`
      : seedsNeeded.reason
        ? `; ${seedsNeeded.reason === 'effect size undefined' ? 'the seeds needed cannot be estimated' : `detecting ${signedAmount} would take ${seedsNeeded.reason}`}`
        : '';
  return `no evidence of a difference (${formatP(tTest.p)} over ${seedsWord(n)}${ciPart ? `, ${ciPart}` : ''})${needed}`;
}
