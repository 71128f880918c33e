// Pure aggregation behind the comparison views and the HTML report: curves averaged over seeds
// with a band, per-class scores side by side, confusion differences, examples the comparative
// run fixed or broke, and metric against compute. No I/O: the services feed it rows from SQLite.
// Regression's scatter, residuals and error changes are in shared/regression-analysis.ts.
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
  /** Question answering only (shared/schemas.ts PredictionRowSchema): the answer text, its start and token F1. */
  answer?: string;
  answerStart?: number;
  f1?: number;
}

/** One arm's prediction of a changed example; the answer fields only where the prediction has them. */
export interface ArmPrediction {
  predicted: number;
  confidence: number;
  answer?: string;
  answerStart?: number;
  f1?: number;
}

export interface ChangedExample {
  seed: number;
  index: number;
  text: string;
  gold: number;
  baseline: ArmPrediction;
  comparative: ArmPrediction;
}

/** A prediction as a changed example lists it: class tasks keep exactly {predicted, confidence}. */
function armPrediction(p: Prediction): ArmPrediction {
  const out: ArmPrediction = { predicted: p.predicted, confidence: p.confidence };
  if (p.answer !== undefined) out.answer = p.answer;
  if (p.answerStart !== undefined) out.answerStart = p.answerStart;
  if (p.f1 !== undefined) out.f1 = p.f1;
  return out;
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
 * broken the other way round. Correct = predicted equals gold: the class for class tasks, the
 * exact match (1 against gold 1) for question answering, whose answers ride along. Examples are
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
        baseline: armPrediction(b),
        comparative: armPrediction(c),
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
  /** The step of the run's selected checkpoint (best on validation), null while none is recorded. */
  selectedStep: number | null;
  /** Measured CPU ms per step and mean trainers running at once: wall time alone misleads when runs share cores. */
  cpuMsPerStep: number | null;
  concurrentTrainers: number | null;
}

export interface ComputePoint {
  step: number;
  seconds: number | null;
  flops: number;
  value: number;
}

export interface ComputeMatched {
  runs: Array<{
    arm: LossKind;
    seed: number;
    flopsPerStep: number;
    points: ComputePoint[];
    /** The point of the selected checkpoint, null when it has no evaluation of the metric. */
    selected: ComputePoint | null;
    msPerStep: number | null;
    cpuMsPerStep: number | null;
    concurrentTrainers: number | null;
  }>;
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
  const out: ComputeMatched['runs'] = runs.map((r) => {
    const points = [...r.evaluations]
      .sort((a, b) => a.step - b.step)
      .map((e) => ({
        step: e.step,
        seconds: e.trainingMs !== null ? e.trainingMs / 1000 : r.msPerStep !== null ? (e.step * r.msPerStep) / 1000 : null,
        flops: e.step * r.flopsPerStep,
        value: e.value,
      }));
    return {
      arm: r.arm,
      seed: r.seed,
      flopsPerStep: r.flopsPerStep,
      points,
      selected: points.find((p) => p.step === r.selectedStep) ?? null,
      msPerStep: r.msPerStep,
      cpuMsPerStep: r.cpuMsPerStep,
      concurrentTrainers: r.concurrentTrainers,
    };
  });
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
