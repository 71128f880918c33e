// The paired statistics against published reference values, and the verdict sentence built on them.
import { describe, expect, it } from 'vitest';
import { comparisonTable } from '../../main/services/comparison-service';
import { tablePlan } from '../../main/services/comparison-metrics';
import {
  averageRanks,
  bootstrapMeanCi,
  cohensDz,
  pairedDifferences,
  pairedStats,
  pairedTTest,
  seedsNeeded,
  wilcoxonSignedRank,
} from '../../shared/paired-stats';
import type { RunSummary } from '../../shared/schemas';
import { metricIsLowerBetter, verdictText } from '../../shared/verdict';
import { isLowerBetter } from '../../renderer/lib/format';

// Student (1908) sleep data, as in R's datasets::sleep: extra hours of sleep under two drugs, same
// 10 patients. R's ?t.test: t.test(extra ~ group, paired = TRUE) gives t = -4.0621, df = 9,
// p-value = 0.002833; wilcox.test(paired = TRUE) gives V = 0, p-value = 0.009091 (normal
// approximation with continuity and tie correction, one zero difference dropped).
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

// Hollander & Wolfe (1973, p. 29), Hamilton depression scale before (x) and after (y) a
// tranquilizer, n = 9, no ties. R's ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative =
// "greater") gives V = 40, p-value = 0.01953 (exact: 10/512); two-sided exact p = 20/512.
const HW_X = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const HW_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

// docs/experiment.md: 5 seeds of accuracy; the document reports t = 0.30 with 4 df.
const EXP_BASE = [0.7625, 0.78, 0.7525, 0.7425, 0.7475];
const EXP_CMP = [0.74, 0.7675, 0.7725, 0.755, 0.7625];

describe('paired t-test', () => {
  it('matches R on the sleep data', () => {
    const r = pairedTTest(pairedDifferences(SLEEP_2, SLEEP_1));
    expect(r.t).toBeCloseTo(-4.0621, 4);
    expect(r.df).toBe(9);
    expect(r.p).toBeCloseTo(0.002833, 6);
    expect(r.meanDifference).toBeCloseTo(-1.58, 10);
  });

  it('matches docs/experiment.md and scipy.stats.ttest_rel (t = 0.29748, p = 0.78091)', () => {
    const r = pairedTTest(pairedDifferences(EXP_BASE, EXP_CMP));
    expect(r.t).toBeCloseTo(0.2974820586543614, 10);
    expect(r.df).toBe(4);
    expect(r.p).toBeCloseTo(0.7809085271647688, 8);
  });

  it('gives a null p with a reason instead of dividing by zero', () => {
    expect(pairedTTest([0.1])).toMatchObject({ p: null, reason: 'needs at least 2 seeds' });
    expect(pairedTTest([])).toMatchObject({ p: null, t: null });
    expect(pairedTTest([0, 0, 0])).toMatchObject({ p: null, reason: 'no difference on any seed' });
    // 0.78 - 0.76 is not exactly 0.02 every time: rounding noise must not produce t = 1e15.
    const same = pairedDifferences([0.76, 0.75, 0.74], [0.78, 0.77, 0.76]);
    expect(pairedTTest(same)).toMatchObject({ p: null, t: null });
  });
});

describe('Wilcoxon signed-rank', () => {
  it('gives the exact p of Hollander & Wolfe', () => {
    const r = wilcoxonSignedRank(pairedDifferences(HW_Y, HW_X));
    expect(r.method).toBe('exact');
    expect(r.wPlus).toBe(40);
    expect(r.w).toBe(5);
    expect(r.p).toBeCloseTo(20 / 512, 12);
  });

  it('matches R with the normal approximation on the sleep data (zero dropped, ties averaged)', () => {
    const r = wilcoxonSignedRank(pairedDifferences(SLEEP_2, SLEEP_1), 'normal');
    expect(r.n).toBe(9);
    expect(r.wPlus).toBe(0);
    expect(r.p).toBeCloseTo(0.009091, 6);
    // The exact conditional distribution: all 9 signs negative has probability 1/512, doubled.
    expect(wilcoxonSignedRank(pairedDifferences(SLEEP_2, SLEEP_1)).p).toBeCloseTo(2 / 512, 12);
  });

  it('matches scipy.stats.wilcoxon(method="approx", correction=True) beyond the exact range', () => {
    // n = 33 with a zero and ties: scipy gives statistic 110.0, p = 0.004083925830424311.
    const d = [...Array.from({ length: 30 }, (_, i) => i + 1 - 10), 3, 3, -2];
    const r = wilcoxonSignedRank(d);
    expect(r.method).toBe('normal');
    expect(r.n).toBe(32);
    expect(r.w).toBe(110);
    expect(r.p).toBeCloseTo(0.004083925830424311, 10);
  });

  it('matches the n = 10 critical-value table: W = 8 is significant at 0.05 two-sided, W = 9 is not', () => {
    // Ranks 1..10; negative ranks chosen to sum to W.
    const withW = (w: number) => Array.from({ length: 10 }, (_, i) => i + 1).map((r) => (w === 8 ? [1, 7] : [2, 7]).includes(r) ? -r : r);
    expect(wilcoxonSignedRank(withW(8)).p).toBeCloseTo(2 * (25 / 1024), 12);
    expect(wilcoxonSignedRank(withW(8)).p!).toBeLessThan(0.05);
    expect(wilcoxonSignedRank(withW(9)).p!).toBeGreaterThan(0.05);
  });

  it('averages tied ranks and treats rounding noise as a tie', () => {
    expect(averageRanks([3, 1, 3, 2])).toEqual([3.5, 1, 3.5, 2]);
    const r = wilcoxonSignedRank(pairedDifferences(EXP_BASE, EXP_CMP));
    expect(r.w).toBe(6.5);
    expect(r.p!).toBeGreaterThan(0.5);
  });

  it('handles no differences', () => {
    expect(wilcoxonSignedRank([0, 0])).toMatchObject({ p: null, reason: 'no difference on any seed' });
    expect(wilcoxonSignedRank([])).toMatchObject({ p: null, reason: 'no paired seeds' });
  });
});

describe('bootstrap CI of the mean difference', () => {
  const diffs = pairedDifferences(SLEEP_2, SLEEP_1);

  it('is deterministic for a seed and changes with it', () => {
    expect(bootstrapMeanCi(diffs, { seed: 7 })).toEqual(bootstrapMeanCi(diffs, { seed: 7 }));
    expect(bootstrapMeanCi(diffs, { seed: 7 })).not.toEqual(bootstrapMeanCi(diffs, { seed: 8 }));
  });

  it('contains the mean and lies within the data range, close to the t interval', () => {
    const ci = bootstrapMeanCi(diffs, { seed: 1 });
    expect(ci.low!).toBeLessThan(-1.58);
    expect(ci.high!).toBeGreaterThan(-1.58);
    expect(ci.low!).toBeGreaterThanOrEqual(Math.min(...diffs));
    expect(ci.high!).toBeLessThanOrEqual(Math.max(...diffs));
    // R's t interval is [-2.4599, -0.7001]; the percentile bootstrap is a little narrower.
    expect(ci.low!).toBeGreaterThan(-2.6);
    expect(ci.high!).toBeLessThan(-0.6);
  });

  it('covers the true mean about 95% of the time', () => {
    // Normal differences with mean 1, n = 20, 200 repetitions (Box-Muller over a fixed LCG).
    let state = 12345;
    const uniform = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) + 1) / (2 ** 31 + 1);
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    let covered = 0;
    for (let rep = 0; rep < 200; rep++) {
      const sample = Array.from({ length: 20 }, () => 1 + normal());
      const ci = bootstrapMeanCi(sample, { seed: rep, resamples: 1000 });
      if (ci.low! <= 1 && 1 <= ci.high!) covered++;
    }
    expect(covered / 200).toBeGreaterThan(0.88);
    expect(covered / 200).toBeLessThan(0.99);
  });

  it('needs five seeds: below that it would only span the observed differences', () => {
    expect(bootstrapMeanCi([1])).toMatchObject({ low: null, high: null, reason: 'needs at least 5 seeds' });
    expect(bootstrapMeanCi([-0.023, -0.0125])).toMatchObject({ low: null, high: null });
    expect(bootstrapMeanCi([1, 2, 3, 4, 5]).low).not.toBeNull();
  });
});

describe('effect size and seeds needed', () => {
  it('computes Cohen d_z = mean / sd of the differences', () => {
    // Sleep data: mean -1.58, sd 1.229995 (R: sd(extra[1:10] - extra[11:20])).
    expect(cohensDz(pairedDifferences(SLEEP_2, SLEEP_1))).toBeCloseTo(-1.58 / 1.229995, 5);
    expect(cohensDz([0.01, 0.01])).toBeNull();
  });

  it("matches G*Power's paired t-test sample sizes (alpha 0.05 two-sided, power 0.8)", () => {
    // Cohen's small / medium / large effects: G*Power (noncentral t) gives 199, 34 and 15 pairs.
    expect(seedsNeeded(0.2).n).toBe(199);
    expect(seedsNeeded(0.5).n).toBe(34);
    expect(seedsNeeded(-0.8).n).toBe(15);
  });

  it('is monotone: smaller effects need more seeds', () => {
    const sizes = [2, 1.5, 1, 0.8, 0.5, 0.3, 0.2, 0.1].map((d) => seedsNeeded(d).n!);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeGreaterThanOrEqual(sizes[i - 1]);
    expect(sizes[0]).toBeGreaterThanOrEqual(2);
  });

  it('says why when there is nothing to detect', () => {
    expect(seedsNeeded(0)).toMatchObject({ n: null, reason: 'no difference to detect' });
    expect(seedsNeeded(null)).toMatchObject({ n: null, reason: 'effect size undefined' });
    expect(seedsNeeded(0.001).n).toBeNull();
  });
});

describe('verdict', () => {
  it('says "no evidence" for the docs/experiment.md result, with the seeds needed', () => {
    const text = verdictText('accuracy', pairedStats(EXP_BASE, EXP_CMP, { seed: 1 }));
    expect(text).toMatch(/^no evidence of a difference \(p = 0\.78 over 5 seeds, 95% CI \[−\d\.\d, \d\.\d\] points\); about \d+ seeds would be needed to detect \+0\.25 points$/);
  });

  it('says better in points for accuracy and is direction-aware for loss', () => {
    const base = [0.70, 0.72, 0.71, 0.69, 0.73];
    const up = [0.712, 0.733, 0.721, 0.703, 0.742];
    expect(verdictText('accuracy', pairedStats(base, up))).toMatch(/^comparative is better by 1\.2 points, 95% CI \[1\.\d, 1\.\d\], p < 0\.001 over 5 seeds$/);
    expect(verdictText('loss', pairedStats(base, up))).toMatch(/^comparative is worse by 0\.012, 95% CI \[0\.01\d, 0\.01\d\], p < 0\.001 over 5 seeds$/);
    expect(verdictText('utility_drop_beaten_share', pairedStats(up, base))).toMatch(/^comparative is better by 1\.2 points/);
  });

  it('degrades gracefully', () => {
    expect(verdictText('accuracy', pairedStats([0.7], [0.71]))).toMatch(/1 seed; run at least 2/);
    expect(verdictText('accuracy', pairedStats([0.7, 0.8], [0.7, 0.8]))).toMatch(/^no difference/);
    expect(verdictText('loss', pairedStats([0.5, 0.6], [0.4, 0.5]))).toMatch(/better by 0\.100 on every one of 2 seeds/);
    expect(verdictText('accuracy', pairedStats([null], [0.7]))).toMatch(/nothing to compare/);
  });

  it('agrees with the renderer on which metrics are lower-is-better', () => {
    for (const m of ['accuracy', 'macro_f1', 'mcc', 'loss', 'utility_drop_beaten_share', 'utility_crop_beaten_share', 'ms_per_step', 'elapsed_ms', 'val_loss', 'pearson']) {
      expect(metricIsLowerBetter(m), m).toBe(isLowerBetter(m));
    }
  });
});

/** The table rows of a classification dataset without a test split. */
const ROWS = tablePlan({ task: 'classification', splits: { train: 10, validation: 5 } } as never, []).rows;

describe('comparisonTable statistics', () => {
  const run = (loss: 'baseline' | 'comparative', seed: number, accuracy: number): RunSummary =>
    ({ id: `${loss}-${seed}`, loss, seed, status: 'completed', finalMetrics: { accuracy } }) as unknown as RunSummary;

  it('adds the paired statistics and verdict to each row, keeping the existing fields', () => {
    const seeds = [1, 2, 3, 4, 5];
    const runs = seeds.flatMap((s, i) => [run('baseline', s, EXP_BASE[i]), run('comparative', s, EXP_CMP[i])]);
    const [row] = comparisonTable(seeds, runs, ROWS);
    expect(row.metric).toBe('accuracy');
    expect(row.baseline).toEqual(EXP_BASE);
    expect(row.meanDifference).toBeCloseTo(0.0025, 10);
    expect(row.stats).toMatchObject({ n: 5, df: 4, wilcoxonW: 6.5, seedsNeeded: 446 });
    expect(row.stats!.t).toBeCloseTo(0.29748, 5);
    expect(row.stats!.pT).toBeCloseTo(0.78091, 5);
    expect(row.stats!.effectSize).toBeCloseTo(0.0025 / 0.018792, 3);
    expect(row.stats!.ciLow!).toBeLessThan(0.0025);
    expect(row.stats!.ciHigh!).toBeGreaterThan(0.0025);
    expect(row.stats!.verdict).toMatch(/^no evidence of a difference/);
    // Deterministic: the same runs give the same interval every time the detail is read.
    expect(comparisonTable(seeds, runs, ROWS)[0].stats).toEqual(row.stats);
  });
});

describe('CLI comparison text', () => {
  it('prints the verdict for accuracy and the selection metric under the table', async () => {
    const { comparisonText } = await import('../../main/cli/format');
    const { DEFAULT_RUN_CONFIG } = await import('../../shared/schemas');
    const seeds = [1, 2, 3, 4, 5];
    const runs = seeds.flatMap((s, i) =>
      (['baseline', 'comparative'] as const).map(
        (loss) =>
          ({
            id: `${loss}-${s}`,
            name: `${loss} ${s}`,
            loss,
            seed: s,
            status: 'completed',
            backend: 'cpu',
            finalMetrics: { accuracy: (loss === 'baseline' ? EXP_BASE : EXP_CMP)[i], loss: loss === 'baseline' ? 0.5 + i / 100 : 0.45 + i / 100 + (i % 2) / 1000 },
          }) as unknown as RunSummary,
      ),
    );
    const config = { ...DEFAULT_RUN_CONFIG, selectionMetric: 'loss' as const };
    const detail = { comparison: { id: 'c1', seeds, config }, runs, table: comparisonTable(seeds, runs, ROWS) };
    const text = comparisonText(detail as never, { name: 'tiny', splits: { train: 10, validation: 5 } } as never);
    expect(text).toMatch(/\nAccuracy: no evidence of a difference \(p = 0\.78 over 5 seeds/);
    expect(text).toMatch(/\nLoss: comparative is better by 0\.050, 95% CI \[0\.04\d, 0\.05\d\], p < 0\.001 over 5 seeds/);
  });
});
