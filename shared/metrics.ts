// Pure evaluation metrics over plain numbers (used by the trainer and, for display, the renderer).
// No tfjs, no Node: shared/ must stay importable everywhere (test/unit/layering).

export interface ClassScore {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** confusion[gold][predicted] counts over `numClasses` classes. */
export function confusionMatrix(predicted: readonly number[], actual: readonly number[], numClasses: number): number[][] {
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < actual.length; i++) matrix[actual[i]][predicted[i]]++;
  return matrix;
}

export function accuracy(predicted: readonly number[], actual: readonly number[]): number {
  if (actual.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) correct++;
  return correct / actual.length;
}

/**
 * Per-class precision/recall/F1/support. An undefined ratio (0/0) is 0, scikit-learn's
 * zero_division=0, which keeps macro-F1 honest when a model never predicts a class.
 */
export function perClassScores(confusion: readonly (readonly number[])[]): ClassScore[] {
  const n = confusion.length;
  return Array.from({ length: n }, (_, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    let predictedCount = 0;
    for (let g = 0; g < n; g++) predictedCount += confusion[g][c];
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = predictedCount + support ? (2 * tp) / (predictedCount + support) : 0;
    return { precision, recall, f1, support };
  });
}

/** Unweighted mean of per-class F1 over all `numClasses` classes. */
export function macroF1(predicted: readonly number[], actual: readonly number[], numClasses: number): number {
  if (numClasses === 0) return 0;
  const scores = perClassScores(confusionMatrix(predicted, actual, numClasses));
  return scores.reduce((a, s) => a + s.f1, 0) / numClasses;
}

/**
 * Matthews correlation for K classes (Gorodkin's R_K, what scikit-learn computes):
 * (c*s - sum_k p_k t_k) / sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2)); 0 when undefined.
 */
export function matthewsCorrelation(confusion: readonly (readonly number[])[]): number {
  const n = confusion.length;
  let s = 0;
  let c = 0;
  const t = new Array<number>(n).fill(0);
  const p = new Array<number>(n).fill(0);
  for (let g = 0; g < n; g++) {
    for (let q = 0; q < n; q++) {
      s += confusion[g][q];
      t[g] += confusion[g][q];
      p[q] += confusion[g][q];
    }
    c += confusion[g][g];
  }
  const pt = p.reduce((a, v, k) => a + v * t[k], 0);
  const denominator = Math.sqrt((s * s - p.reduce((a, v) => a + v * v, 0)) * (s * s - t.reduce((a, v) => a + v * v, 0)));
  return denominator === 0 ? 0 : (c * s - pt) / denominator;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Ranks starting at 1, ties sharing their average rank (as Spearman's rho needs). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

export function meanSquaredError(predicted: readonly number[], actual: readonly number[]): number {
  if (actual.length === 0) return 0;
  return actual.reduce((a, v, i) => a + (predicted[i] - v) ** 2, 0) / actual.length;
}

export function meanAbsoluteError(predicted: readonly number[], actual: readonly number[]): number {
  if (actual.length === 0) return 0;
  return actual.reduce((a, v, i) => a + Math.abs(predicted[i] - v), 0) / actual.length;
}

/** Per-label precision / recall / F1 of multi-label decisions (support: examples carrying the label); 0/0 is 0. */
export function multilabelPerLabel(predicted: readonly (readonly number[])[], gold: readonly (readonly number[])[], numLabels: number): ClassScore[] {
  const tp = new Array<number>(numLabels).fill(0);
  const predictedCount = new Array<number>(numLabels).fill(0);
  const support = new Array<number>(numLabels).fill(0);
  predicted.forEach((labels, i) => {
    const goldSet = new Set(gold[i]);
    for (const l of new Set(labels)) {
      predictedCount[l]++;
      if (goldSet.has(l)) tp[l]++;
    }
    for (const l of goldSet) support[l]++;
  });
  return tp.map((t, l) => ({
    precision: predictedCount[l] ? t / predictedCount[l] : 0,
    recall: support[l] ? t / support[l] : 0,
    f1: predictedCount[l] + support[l] ? (2 * t) / (predictedCount[l] + support[l]) : 0,
    support: support[l],
  }));
}

/** Multi-label F1 from 0/1 decision and gold sets per example: micro (pooled) and macro (per label). */
export function multilabelF1(predicted: readonly (readonly number[])[], gold: readonly (readonly number[])[], numLabels: number): { micro_f1: number; macro_f1: number } {
  const tp = new Array<number>(numLabels).fill(0);
  const fp = new Array<number>(numLabels).fill(0);
  const fn = new Array<number>(numLabels).fill(0);
  predicted.forEach((labels, i) => {
    const goldSet = new Set(gold[i]);
    const predSet = new Set(labels);
    for (const l of predSet) (goldSet.has(l) ? tp : fp)[l]++;
    for (const l of goldSet) if (!predSet.has(l)) fn[l]++;
  });
  const f1 = (t: number, p: number, n: number) => (2 * t + p + n ? (2 * t) / (2 * t + p + n) : 0);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const macro = numLabels ? tp.reduce((a, t, l) => a + f1(t, fp[l], fn[l]), 0) / numLabels : 0;
  return { micro_f1: f1(sum(tp), sum(fp), sum(fn)), macro_f1: macro };
}
