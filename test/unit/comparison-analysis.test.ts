// The aggregation behind the comparison views, against values worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  computeMatched,
  confusionDifference,
  fixedAndBroken,
  meanBandCurves,
  perClassSideBySide,
  sumConfusions,
  type Prediction,
} from '../../shared/comparison-analysis';
import { copiesPerCropLevel, expectedAtLongest, flopsPerStep, forwardFlops, trainingFlops } from '../../shared/flops';
import { lengthsByCropLevel } from '../../main/services/training-lengths';
import { splitWords } from '../../main/training/tokenizer';
import { copySpecs } from '../../main/training/training-step';

describe('meanBandCurves', () => {
  it('averages seeds per arm at each step with a min–max band', () => {
    const curves = meanBandCurves([
      { arm: 'baseline', seed: 1, x: [10, 20], y: [0.5, 0.7] },
      { arm: 'baseline', seed: 2, x: [10, 20], y: [0.6, 0.9] },
      { arm: 'baseline', seed: 3, x: [10], y: [0.7] }, // stopped early: only counts at step 10
      { arm: 'comparative', seed: 1, x: [10, 20], y: [0.8, 1.0] },
    ]);
    expect(curves.map((c) => c.arm)).toEqual(['baseline', 'comparative']);
    const [b, c] = curves;
    expect(b.x).toEqual([10, 20]);
    expect(b.mean[0]).toBeCloseTo(0.6, 12); // (0.5 + 0.6 + 0.7) / 3
    expect(b.mean[1]).toBeCloseTo(0.8, 12); // (0.7 + 0.9) / 2
    expect(b.lower).toEqual([0.5, 0.7]);
    expect(b.upper).toEqual([0.7, 0.9]);
    expect(b.n).toEqual([3, 2]);
    expect(c).toEqual({ arm: 'comparative', x: [10, 20], mean: [0.8, 1.0], lower: [0.8, 1.0], upper: [0.8, 1.0], n: [1, 1] });
  });

  it('skips non-finite values and arms without series', () => {
    const curves = meanBandCurves([{ arm: 'comparative', seed: 1, x: [1, 2], y: [Number.NaN, 2] }]);
    expect(curves).toEqual([{ arm: 'comparative', x: [2], mean: [2], lower: [2], upper: [2], n: [1] }]);
  });
});

describe('perClassSideBySide', () => {
  const score = (label: string, precision: number, recall: number, f1: number, support = 10) => ({ label, precision, recall, f1, support });
  it('means each arm over seeds and gives comparative - baseline', () => {
    const rows = perClassSideBySide(
      [
        [score('neg', 0.5, 0.6, 0.55), score('pos', 0.8, 0.7, 0.75)],
        [score('neg', 0.7, 0.8, 0.75), score('pos', 0.6, 0.5, 0.55)],
      ],
      [[score('neg', 0.9, 0.9, 0.9)], [score('neg', 0.7, 0.7, 0.7)]],
    );
    expect(rows.map((r) => r.label)).toEqual(['neg', 'pos']);
    expect(rows[0].baseline!.precision).toBeCloseTo(0.6, 12);
    expect(rows[0].comparative!.precision).toBeCloseTo(0.8, 12);
    expect(rows[0].delta!.precision).toBeCloseTo(0.2, 12);
    expect(rows[0].delta!.recall).toBeCloseTo(0.1, 12); // 0.8 - 0.7
    expect(rows[0].delta!.f1).toBeCloseTo(0.15, 12); // 0.8 - 0.65
    expect(rows[0].support).toBe(10);
    // The comparative arm never reported "pos": no made-up zero, no delta.
    expect(rows[1].comparative).toBeNull();
    expect(rows[1].delta).toBeNull();
    expect(rows[1].baseline!.f1).toBeCloseTo(0.65, 12);
  });
});

describe('confusion matrices', () => {
  it('sums seeds and subtracts cell by cell, padding a smaller matrix with zeros', () => {
    expect(
      sumConfusions([
        [
          [5, 1],
          [2, 4],
        ],
        [
          [3, 0],
          [1, 6],
        ],
      ]),
    ).toEqual([
      [8, 1],
      [3, 10],
    ]);
    expect(
      confusionDifference(
        [
          [8, 1],
          [3, 10],
        ],
        [
          [9, 0, 0],
          [2, 11, 0],
          [0, 0, 1],
        ],
      ),
    ).toEqual([
      [1, -1, 0],
      [-1, 1, 0],
      [0, 0, 1],
    ]);
  });
});

describe('fixedAndBroken', () => {
  const p = (index: number, predicted: number, gold: number, confidence = 0.9): Prediction => ({ index, predicted, gold, confidence });
  const texts = (i: number) => `text ${i}`;

  it('pairs runs by seed: fixed = baseline wrong and comparative right, broken = the reverse', () => {
    const baseline = new Map([
      [1, [p(0, 1, 0), p(1, 1, 1), p(2, 0, 1), p(3, 0, 0)]],
      [2, [p(0, 0, 0), p(1, 0, 1)]],
    ]);
    const comparative = new Map([
      [1, [p(0, 0, 0, 0.7), p(1, 0, 1, 0.6), p(2, 1, 1), p(3, 0, 0)]],
      [2, [p(0, 0, 0), p(1, 1, 1)]],
      [3, [p(0, 0, 0)]], // no baseline for seed 3: not paired, not counted
    ]);
    const r = fixedAndBroken(baseline, comparative, texts);
    expect(r.perSeed).toEqual([
      { seed: 1, fixed: 2, broken: 1, compared: 4 },
      { seed: 2, fixed: 1, broken: 0, compared: 2 },
    ]);
    expect(r.fixedTotal).toBe(3);
    expect(r.brokenTotal).toBe(1);
    expect(r.fixed.map((e) => [e.seed, e.index])).toEqual([
      [1, 0],
      [1, 2],
      [2, 1],
    ]);
    expect(r.fixed[0]).toEqual({ seed: 1, index: 0, text: 'text 0', gold: 0, baseline: { predicted: 1, confidence: 0.9 }, comparative: { predicted: 0, confidence: 0.7 } });
    expect(r.broken).toEqual([{ seed: 1, index: 1, text: 'text 1', gold: 1, baseline: { predicted: 1, confidence: 0.9 }, comparative: { predicted: 0, confidence: 0.6 } }]);
  });

  it('caps the lists but counts every example, and reads texts only for listed ones', () => {
    const baseline = new Map([[1, Array.from({ length: 10 }, (_, i) => p(i, 1, 0))]]);
    const comparative = new Map([[1, Array.from({ length: 10 }, (_, i) => p(i, 0, 0))]]);
    const read: number[] = [];
    const r = fixedAndBroken(baseline, comparative, (i) => (read.push(i), `t${i}`), 3);
    expect(r.fixedTotal).toBe(10);
    expect(r.fixed.map((e) => e.text)).toEqual(['t0', 't1', 't2']);
    expect(read).toEqual([0, 1, 2]);
  });
});

describe('FLOPs estimate', () => {
  const model = { dim: 4, layers: 1, ffnDim: 8 };
  // L = 1: 64 + 8 + 64 = 136 multiply-adds -> fwd 288 -> train 864; L = 3: 192 + 72 + 192 = 456 -> fwd 928 -> train 2784
  const TRAIN_1 = 864;
  const TRAIN_3 = 2784;

  it('counts 2 x multiply-adds of every matmul, attention scores included', () => {
    // L = 2: projections 4*2*4*4 = 128, scores + values 2*2*2*4 = 32, FFN 2*2*4*8 = 128, head 4*2 = 8
    expect(forwardFlops(model, 2, 2)).toBe(2 * (128 + 32 + 128 + 8));
    expect(trainingFlops(model, 2, 2)).toBe(3 * 592);
    // Two layers double the encoder part, not the head.
    expect(forwardFlops({ ...model, layers: 2 }, 2, 2)).toBe(2 * (2 * 288 + 8));
    expect(trainingFlops(model, 1, 2)).toBe(TRAIN_1);
    expect(trainingFlops(model, 3, 2)).toBe(TRAIN_3);
  });

  it('puts at each crop level exactly the copies the trainer runs there (copySpecs)', () => {
    for (const crops of [0, 1, 2, 3, 4]) {
      for (let ablations = 1; ablations <= 8; ablations++) {
        for (const loss of ['baseline', 'comparative'] as const) {
          const specs = copySpecs({ loss, ablations, crops, dropout: 0.1 });
          const levels = loss === 'comparative' ? crops + 1 : 1;
          const perLevel = Array.from({ length: levels }, (_, c) => specs.filter((spec) => spec.crop === c).length);
          expect(copiesPerCropLevel(loss, ablations, crops), `${loss}, crops ${crops}, C ${ablations}`).toEqual(perLevel);
        }
      }
    }
    // Alternation: crop 1; crop 1 + drop 1; crop 2 + drop 1 ... so with one crop all C drops sit on it.
    expect(copiesPerCropLevel('comparative', 2, 1)).toEqual([1, 3]);
    expect(copiesPerCropLevel('comparative', 2, 0)).toEqual([3]);
    expect(copiesPerCropLevel('baseline', 4, 2)).toEqual([1]);
  });

  it('pads each micro-batch to its longest input: the expected cost at the maximum of B draws', () => {
    // B = 1 is the plain mean; B = 2 over [1, 3]: P(max = 1) = 1/4, P(max = 3) = 3/4.
    expect(expectedAtLongest([1, 3], 1, (L) => trainingFlops(model, L, 2))).toBe((TRAIN_1 + TRAIN_3) / 2);
    expect(expectedAtLongest([3, 1], 2, (L) => trainingFlops(model, L, 2))).toBe(TRAIN_1 / 4 + (3 * TRAIN_3) / 4);
    // Baseline, batch 2, one micro-batch: both examples cost the padded length.
    const baseline = { model, numClasses: 2, lengthsByCrop: [[1, 3]], batchSize: 2, microBatches: 1, copies: [1] };
    expect(flopsPerStep(baseline)).toBe(2 * (TRAIN_1 / 4 + (3 * TRAIN_3) / 4));
    expect(flopsPerStep({ ...baseline, microBatches: 3 })).toBe(3 * flopsPerStep(baseline));
    expect(flopsPerStep({ ...baseline, lengthsByCrop: [[]] })).toBe(0);
  });

  it('runs cropped copies at their crop\'s length and drop-only copies at the full length', () => {
    const lengthsByCrop = [[3, 3], [1, 1]];
    const step = (copies: number[]) => flopsPerStep({ model, numClasses: 2, lengthsByCrop, batchSize: 2, microBatches: 2, copies });
    // One crop, C = 2: full model at length 3; crop 1, crop 1 + drop 1, crop 1 + drop 2 at length 1.
    expect(step(copiesPerCropLevel('comparative', 2, 1))).toBe(2 * 2 * (TRAIN_3 + 3 * TRAIN_1));
    // No crops, C = 2: all three copies at the full length, three times the baseline.
    expect(step(copiesPerCropLevel('comparative', 2, 0))).toBe(3 * step(copiesPerCropLevel('baseline', 2, 0)));
    expect(() => step([1, 1, 1])).toThrow(/3 crop levels/);
  });

  it('measures crop lengths on real texts as the trainer crops them', () => {
    const texts = ['One short sentence here. A second one follows. And a third, longer, sentence ends it.', 'single sentence without an end', ''];
    const [full, crop1, crop2] = lengthsByCropLevel(texts, 64, 2);
    expect(full).toEqual(texts.map((t) => Math.max(1, splitWords(t).length)));
    crop1.forEach((length, i) => {
      expect(length).toBeLessThanOrEqual(full[i]);
      expect(crop2[i]).toBeLessThanOrEqual(length);
    });
    // Three sentences: the crops keep 2 and then 1 of them, so both are strictly shorter.
    expect(crop1[0]).toBeLessThan(full[0]);
    expect(crop2[0]).toBeLessThan(crop1[0]);
    expect(lengthsByCropLevel(texts, 4, 0)).toEqual([[4, 4, 1]]);
  });
});

describe('computeMatched', () => {
  it('puts each evaluation at its cumulative seconds and FLOPs and averages seeds per step', () => {
    const cost = { cpuMsPerStep: null, concurrentTrainers: null };
    const r = computeMatched([
      { arm: 'baseline', seed: 1, flopsPerStep: 100, msPerStep: 50, selectedStep: 20, ...cost, evaluations: [{ step: 10, value: 0.6, trainingMs: 2000 }, { step: 20, value: 0.7, trainingMs: 4000 }] },
      { arm: 'baseline', seed: 2, flopsPerStep: 100, msPerStep: 50, selectedStep: 10, ...cost, evaluations: [{ step: 10, value: 0.8, trainingMs: 3000 }, { step: 20, value: 0.9, trainingMs: null }] },
      { arm: 'comparative', seed: 1, flopsPerStep: 300, msPerStep: null, selectedStep: null, ...cost, evaluations: [{ step: 10, value: 0.9, trainingMs: null }] },
    ]);
    // The selected checkpoint is the best step, not the last evaluation: seed 2 selected step 10.
    expect(r.runs.map((run) => run.selected?.step ?? null)).toEqual([20, 10, null]);
    expect(r.runs[1].selected).toEqual({ step: 10, seconds: 3, flops: 1000, value: 0.8 });
    expect(r.runs[1].points).toEqual([
      { step: 10, seconds: 3, flops: 1000, value: 0.8 },
      { step: 20, seconds: 1, flops: 2000, value: 0.9 }, // no stored time: 20 steps x 50 ms
    ]);
    expect(r.runs[2].points[0]).toEqual({ step: 10, seconds: null, flops: 3000, value: 0.9 });
    const [bs, cs] = r.bySeconds;
    expect(bs.x).toEqual([2.5, 2.5]); // (2 + 3) / 2 and (4 + 1) / 2
    expect(bs.mean[0]).toBeCloseTo(0.7, 12);
    expect(bs.lower).toEqual([0.6, 0.7]);
    expect(cs.x[0]).toBeNaN(); // no time known at all
    expect(r.byFlops[0].x).toEqual([1000, 2000]);
    expect(r.byFlops[1].x).toEqual([3000]);
  });
});
