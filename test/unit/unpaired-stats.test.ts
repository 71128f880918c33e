// Unpaired tests for ad-hoc comparisons against reference values computed with SciPy 1.17
// (scipy.stats.ttest_ind(equal_var=False), mannwhitneyu, permutation_test) and R's documentation.
import { describe, expect, it } from 'vitest';
import { cohensD, mannWhitneyU, unpairedStats, unpairedVerdictText, welchTTest } from '../../shared/unpaired-stats';

// Student's sleep data (R datasets::sleep) taken as two independent groups.
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('Welch t-test', () => {
  it('matches R t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p = 0.07939', () => {
    // comparative minus baseline: group 1 as comparative gives the negative t R prints.
    const r = welchTTest(SLEEP_2, SLEEP_1);
    expect(r.t).toBeCloseTo(-1.8608134674868526, 10);
    expect(r.df).toBeCloseTo(17.776473516178488, 9);
    expect(r.p).toBeCloseTo(0.0793941401873583, 9);
    expect(r.meanDifference).toBeCloseTo(-1.58, 12);
  });

  it('has no p-value with one run in an arm or no spread at all', () => {
    expect(welchTTest([0.7], [0.8, 0.9])).toMatchObject({ p: null, reason: 'needs at least 2 runs in each arm' });
    expect(welchTTest([0.7, 0.7], [0.8, 0.8])).toMatchObject({ p: null, reason: 'no spread within either arm' });
  });
});

describe('Mann-Whitney U', () => {
  it('matches R ?wilcox.test (W = 35) with the exact two-sided p = 0.2544', () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitneyU(y, x);
    expect(r).toMatchObject({ u: 35, method: 'exact' });
    expect(r.p).toBeCloseTo(0.2544122544122544, 12);
  });

  it('is exact with ties (SciPy permutation test: U = 24.5, p = 0.112554)', () => {
    const r = mannWhitneyU([1, 2, 2, 3, 3, 3], [2, 3, 4, 4, 5]);
    expect(r.u).toBe(24.5);
    expect(r.p).toBeCloseTo(0.11255411255411256, 12);
  });

  it('uses the normal approximation with continuity and tie correction beyond 50 runs', () => {
    const a = Array.from({ length: 30 }, (_, i) => i + 1);
    const b = Array.from({ length: 30 }, (_, i) => i + 5.5);
    const r = mannWhitneyU(a, b);
    expect(r).toMatchObject({ u: 575, method: 'normal' });
    expect(r.p).toBeCloseTo(0.06567125768912659, 10);
    const tiedA = [0.0, 0.4, 0.7, 1.1, 1.5, 1.9, 2.2, 2.6, 3.0, 0.3, 0.7, 1.1, 1.4, 1.8, 2.2, 2.5, 2.9, 0.3, 0.7, 1.0, 1.4, 1.8, 2.1, 2.5, 2.9, 0.2, 0.6, 1.0, 1.4, 1.7, 2.1, 2.5, 2.8, 0.2, 0.6, 0.9, 1.3, 1.7, 2.1, 2.4];
    const tiedB = [0.0, 0.5, 1.1, 1.6, 2.1, 2.7, 3.2, 0.5, 1.0, 1.6, 2.1, 2.6, 3.2, 0.5, 1.0, 1.5, 2.1, 2.6, 3.1, 0.5, 1.0, 1.5, 2.1, 2.6, 3.1, 0.4, 1.0, 1.5, 2.0, 2.6, 3.1, 0.4, 1.0, 1.5, 2.0];
    const tied = mannWhitneyU(tiedA, tiedB);
    expect(tied.u).toBe(779.5);
    expect(tied.p).toBeCloseTo(0.4008249076121053, 10);
  });

  it('has no p-value when every run has the same value', () => {
    expect(mannWhitneyU([0.5, 0.5], [0.5])).toMatchObject({ p: null, reason: 'every run has the same value' });
  });
});

describe('unpaired verdict', () => {
  it('says the runs are unpaired, and which way a clear difference goes', () => {
    const s = unpairedStats([0.7, 0.71, 0.72, 0.7, 0.71], [0.8, 0.81, 0.82, 0.8, 0.81]);
    expect(unpairedVerdictText('accuracy', s)).toMatch(/^unpaired \(the runs could not be matched by seed\): comparative is better by 10\.0 points, Welch p < 0\.001, Mann-Whitney p = 0\.008, over 5 baseline vs 5 comparative runs$/);
    expect(unpairedVerdictText('loss', s)).toMatch(/comparative is worse by 0\.100/);
    expect(unpairedVerdictText('accuracy', unpairedStats([0.7, 0.8], [0.72, 0.79]))).toMatch(/no evidence of a difference \(Welch p = 0\.9\d/);
    expect(cohensD([1, 2, 3], [2, 3, 4])).toBeCloseTo(1, 12);
  });
});
