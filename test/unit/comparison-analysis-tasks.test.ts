// The task- and split-aware parts of the comparison analysis (shared/comparison-analysis.ts,
// shared/regression-analysis.ts, shared/comparison-views.ts), on generated evaluations and
// predictions worked out by hand.
import { describe, expect, it } from 'vitest';
import { evaluationOn, viewSplit, type Prediction } from '../../shared/comparison-analysis';
import { errorChanges, errorMargin, regressionErrors, type SeedPredictions } from '../../shared/regression-analysis';
import { analysisKindOf, comparisonViews, CURVE_METRICS, headlineSplitText, viewEvaluationText } from '../../shared/comparison-views';
import type { EvaluationDetail } from '../../shared/schemas';

const evaluation = (step: number, extra: Partial<EvaluationDetail> = {}): EvaluationDetail => ({ step, epoch: step / 10, best: false, perClass: [], confusion: [], ...extra });

describe('which evaluation the views show', () => {
  const validationOnly = [evaluation(10), evaluation(20, { best: true }), evaluation(30)];
  const withTest = [...validationOnly, evaluation(20, { split: 'test' })];

  it('takes the selected validation checkpoint, else the last validation one, never the test one', () => {
    expect(evaluationOn(validationOnly, 'validation')?.step).toBe(20);
    expect(evaluationOn([evaluation(10), evaluation(30)], 'validation')?.step).toBe(30);
    // The repository lists the test evaluation last: "the last one" must not pick it up on validation.
    const picked = evaluationOn([evaluation(10), evaluation(30), evaluation(30, { split: 'test' })], 'validation');
    expect(picked?.split ?? 'validation').toBe('validation');
    expect(evaluationOn(withTest, 'test')).toEqual(evaluation(20, { split: 'test' }));
    expect(evaluationOn(validationOnly, 'test')).toBeUndefined();
    expect(evaluationOn([], 'validation')).toBeUndefined();
  });

  it('follows the headline, else uses test only when every evaluated run has a test evaluation', () => {
    expect(viewSplit({ split: 'test', examples: 50, checkpoint: 'selected' }, [validationOnly])).toBe('test');
    expect(viewSplit({ split: 'validation', examples: 50, checkpoint: 'selected' }, [withTest, withTest])).toBe('validation');
    expect(viewSplit(undefined, [withTest, withTest, []])).toBe('test'); // a run not evaluated yet does not count
    expect(viewSplit(undefined, [withTest, validationOnly])).toBe('validation'); // one split for all runs
    expect(viewSplit(undefined, [])).toBe('validation');
  });

  it('says which split and checkpoint in words', () => {
    expect(headlineSplitText({ split: 'test', examples: 1200, checkpoint: 'selected' })).toBe('on the held-out test split, 1,200 examples');
    expect(headlineSplitText(undefined)).toBe('on the validation split (used to select the checkpoint: optimistic)');
    expect(viewEvaluationText({ split: 'test', examples: 1, runs: 4, missing: 0 })).toMatch(/^On the held-out test split \(1 example\), at each run’s selected checkpoint/);
    const validation = viewEvaluationText({ split: 'validation', examples: 400, runs: 3, missing: 1 });
    expect(validation).toMatch(/^On the validation split \(400 examples\).*optimistic\. 1 run without such an evaluation is left out\.$/);
  });
});

describe('views per task', () => {
  const tabs = (task: Parameters<typeof comparisonViews>[0]) => comparisonViews(task).map((v) => `${v.id}${v.notApplicable ? ' (n/a)' : ''}`);

  it('keeps every slot and says why where a view does not apply', () => {
    const all = ['overview', 'curves', 'per-class', 'confusion', 'examples', 'utility', 'compute', 'live'];
    expect(tabs(undefined)).toEqual(all);
    expect(tabs('pair_classification')).toEqual(all);
    // Regression: the scatter takes the confusion matrix's place; there are no classes to score.
    expect(tabs('regression')).toEqual(['overview', 'curves', 'per-class (n/a)', 'scatter', 'examples', 'utility', 'compute', 'live']);
    expect(tabs('multilabel')).toEqual(['overview', 'curves', 'per-class', 'confusion (n/a)', 'examples (n/a)', 'utility', 'compute', 'live']);
    expect(comparisonViews('multilabel').find((v) => v.id === 'per-class')?.label).toBe('Per label');
    expect(comparisonViews('multilabel').find((v) => v.id === 'confusion')?.notApplicable).toMatch(/several labels/);
    // QA: no classes to score or confuse; Examples shows answers with their spans instead.
    expect(tabs('qa')).toEqual(['overview', 'curves', 'per-class (n/a)', 'confusion (n/a)', 'examples', 'utility', 'compute', 'live']);
  });

  it('draws the task’s own metrics as curves', () => {
    expect(CURVE_METRICS[analysisKindOf('regression')]).toEqual(['pearson', 'spearman', 'mse', 'mae', 'loss']);
    expect(CURVE_METRICS[analysisKindOf('multilabel')][0]).toBe('micro_f1');
    expect(CURVE_METRICS[analysisKindOf('classification')][0]).toBe('accuracy');
  });
});

const p = (index: number, predicted: number, gold: number): Prediction => ({ index, predicted, gold, confidence: Math.abs(predicted - gold) });

describe('regressionErrors', () => {
  it('pools seeds per arm with MAE, RMSE and bias over every point', () => {
    const runs: SeedPredictions[] = [
      { arm: 'baseline', seed: 2, predictions: [p(0, 1, 0), p(1, 1, 2)] },
      { arm: 'baseline', seed: 1, predictions: [p(0, 3, 0), p(1, 2, 2)] },
      { arm: 'comparative', seed: 1, predictions: [p(0, 0.5, 0), p(1, 2, 2)] },
    ];
    const r = regressionErrors(runs);
    const [b, c] = r.arms;
    expect(b.arm).toBe('baseline');
    // Seeds in order, positions in order within a seed.
    expect(b.seed).toEqual([1, 1, 2, 2]);
    expect(b.gold).toEqual([0, 2, 0, 2]);
    expect(b.predicted).toEqual([3, 2, 1, 1]);
    expect(b.total).toBe(4);
    // Errors +3, 0, +1, −1: |e| mean 5/4, squares 11/4, mean 3/4.
    expect(b.mae).toBeCloseTo(1.25, 12);
    expect(b.rmse).toBeCloseTo(Math.sqrt(11 / 4), 12);
    expect(b.bias).toBeCloseTo(0.75, 12);
    expect(c).toMatchObject({ arm: 'comparative', total: 2, mae: 0.25, bias: 0.25 });
  });

  it('thins both arms to the same examples and keeps the totals', () => {
    const many = (arm: 'baseline' | 'comparative', seed: number): SeedPredictions => ({ arm, seed, predictions: Array.from({ length: 10 }, (_, i) => p(i, i + 1, i)) });
    const r = regressionErrors([many('baseline', 1), many('baseline', 2), many('comparative', 1), many('comparative', 2)], 8);
    // 20 points per arm, limit 8: every 3rd position (0, 3, 6, 9) under both seeds.
    for (const arm of r.arms) {
      expect(arm.total).toBe(20);
      expect(arm.index).toEqual([0, 3, 6, 9, 0, 3, 6, 9]);
      expect(arm.mae).toBe(1);
    }
  });

  it('bins residuals on shared edges centred on zero, clipping the far tail into the outer bins', () => {
    // 100 residuals of 0.1 and one of 50 in the baseline; the comparative arm is exact.
    const baseline = [...Array.from({ length: 100 }, (_, i) => p(i, 0.1, 0)), p(100, 50, 0)];
    const comparative = Array.from({ length: 101 }, (_, i) => p(i, 0, 0));
    const { residuals } = regressionErrors([{ arm: 'baseline', seed: 1, predictions: baseline }, { arm: 'comparative', seed: 1, predictions: comparative }], 1500, 5);
    // The 99th percentile of |residual| is 0.1: edges −0.1 … 0.1 in 5 bins of 0.04.
    expect(residuals.edges.map((e) => Number(e.toFixed(6)))).toEqual([-0.1, -0.06, -0.02, 0.02, 0.06, 0.1]);
    expect(residuals.clipped).toBe(true);
    expect(residuals.arms).toEqual([
      { arm: 'baseline', counts: [0, 0, 0, 0, 101] },
      { arm: 'comparative', counts: [0, 0, 101, 0, 0] },
    ]);
  });

  it('keeps finite edges when every prediction is exact or there are none', () => {
    const exact = regressionErrors([{ arm: 'baseline', seed: 1, predictions: [p(0, 2, 2)] }], 10, 3);
    expect(exact.residuals.edges.every(Number.isFinite)).toBe(true);
    expect(exact.residuals.arms).toEqual([{ arm: 'baseline', counts: [0, 1, 0] }]);
    expect(regressionErrors([]).arms).toEqual([]);
  });
});

describe('errorChanges', () => {
  it('lists examples whose |error| changed by more than the margin, largest change first, paired by seed', () => {
    const baseline = new Map([
      [1, [p(0, 3, 0), p(1, 1, 1), p(2, 0.5, 0), p(3, 2, 0)]],
      [2, [p(0, 0, 0)]],
    ]);
    const comparative = new Map([
      [1, [p(0, 0, 0), p(1, 3, 1), p(2, 0, 0), p(3, 0.5, 0)]],
      [2, [p(0, -1.5, 0)]],
      [3, [p(0, 0, 0)]], // no baseline for seed 3: not paired
    ]);
    const r = errorChanges(baseline, comparative, 1);
    // Seed 1: |e| 3→0 (−3, fixed), 0→2 (broken), 0.5→0 (within margin), 2→0.5 (−1.5, fixed); seed 2: 0→1.5 (broken).
    expect(r.perSeed).toEqual([
      { seed: 1, fixed: 2, broken: 1, compared: 4 },
      { seed: 2, fixed: 0, broken: 1, compared: 1 },
    ]);
    expect(r.fixed.map((e) => [e.seed, e.index])).toEqual([
      [1, 0],
      [1, 3],
    ]);
    expect(r.broken.map((e) => [e.seed, e.index])).toEqual([
      [1, 1],
      [2, 0],
    ]);
    expect(r.fixed[0]).toEqual({ seed: 1, index: 0, text: '', gold: 0, baseline: { predicted: 3, confidence: 3 }, comparative: { predicted: 0, confidence: 0 } });
    expect(errorChanges(baseline, comparative, 1, 1).fixed).toHaveLength(1);
    expect(errorChanges(baseline, comparative, 1, 1).fixedTotal).toBe(2);
  });

  it('sets "much" at a quarter of the targets’ standard deviation', () => {
    expect(errorMargin([0, 4])).toBeCloseTo(0.5, 12); // std 2
    expect(errorMargin([3, 3, 3])).toBe(0);
    expect(errorMargin([])).toBe(0);
  });
});
