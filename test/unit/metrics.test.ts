// Metric functions against hand-computed / textbook values.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averageRanks,
  confusionMatrix,
  macroF1,
  matthewsCorrelation,
  meanSquaredError,
  multilabelF1,
  pearson,
  perClassScores,
  spearman,
} from '../../shared/metrics';

describe('classification metrics', () => {
  // gold:      0 1 1 1 2 0      confusion[gold][pred]: [[1,0,1],[1,2,0],[0,0,1]]
  const predicted = [0, 0, 1, 1, 2, 2];
  const gold = [0, 1, 1, 1, 2, 0];

  it('confusion matrix, accuracy, per-class precision/recall/F1/support, macro-F1', () => {
    const confusion = confusionMatrix(predicted, gold, 3);
    expect(confusion).toEqual([[1, 0, 1], [1, 2, 0], [0, 0, 1]]);
    expect(accuracy(predicted, gold)).toBeCloseTo(4 / 6, 12);
    const scores = perClassScores(confusion);
    expect(scores[0]).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(scores[1].precision).toBe(1);
    expect(scores[1].recall).toBeCloseTo(2 / 3, 12);
    expect(scores[1].f1).toBeCloseTo(0.8, 12);
    expect(scores[2]).toMatchObject({ precision: 0.5, recall: 1, support: 1 });
    expect(scores[2].f1).toBeCloseTo(2 / 3, 12);
    expect(macroF1(predicted, gold, 3)).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
    // A class never predicted nor present scores 0 (zero_division = 0).
    expect(macroF1([0, 0], [0, 0], 2)).toBeCloseTo(0.5, 12);
  });

  it('Matthews correlation: binary textbook form and the multiclass R_K', () => {
    // Binary: TN 5, FP 1, FN 2, TP 4 -> (4*5 - 1*2) / sqrt(5 * 6 * 6 * 7).
    expect(matthewsCorrelation([[5, 1], [2, 4]])).toBeCloseTo(18 / Math.sqrt(1260), 12);
    // scikit-learn's doc example: y_true [+1,+1,+1,-1], y_pred [+1,-1,+1,+1] -> -0.333...
    expect(matthewsCorrelation(confusionMatrix([1, 0, 1, 1], [1, 1, 1, 0], 2))).toBeCloseTo(-1 / 3, 12);
    // Multiclass above: c = 4, s = 6, t = [2,3,1], p = [2,2,2] -> (24 - 12) / sqrt(24 * 22).
    expect(matthewsCorrelation(confusionMatrix(predicted, gold, 3))).toBeCloseTo(12 / Math.sqrt(528), 12);
    expect(matthewsCorrelation(confusionMatrix([0, 1, 2], [0, 1, 2], 3))).toBe(1);
    expect(matthewsCorrelation([[3, 0], [3, 0]])).toBe(0); // undefined -> 0
  });
});

describe('regression metrics', () => {
  const x = [1, 2, 3, 4, 5];
  const y = [2, 4, 5, 4, 5];
  it('Pearson, Spearman with ties (average ranks), MSE', () => {
    expect(pearson(x, y)).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(averageRanks(y)).toEqual([1, 2.5, 4.5, 2.5, 4.5]);
    expect(spearman(x, y)).toBeCloseTo(7 / Math.sqrt(90), 12); // scipy: 0.7378647873726218
    expect(spearman(x, [10, 20, 30, 40, 1000])).toBeCloseTo(1, 12);
    expect(meanSquaredError([1, 2], [0, 4])).toBeCloseTo(2.5, 12);
  });
});

describe('multi-label F1', () => {
  it('micro pools counts, macro averages per label', () => {
    // label 0: tp 1, fp 1, fn 0 -> 2/3; label 1: tp 1, fp 0, fn 1 -> 2/3; label 2: tp 0, fn 1 -> 0.
    const result = multilabelF1([[0, 1], [0]], [[0, 1, 2], [1]], 3);
    expect(result.micro_f1).toBeCloseTo((2 * 2) / (2 * 2 + 1 + 2), 12);
    expect(result.macro_f1).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3, 12);
  });
});
