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
import { copiesPerStep, flopsPerStep, forwardFlops, trainingFlops } from '../../shared/flops';

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
  it('counts 2 x multiply-adds of every matmul, attention scores included', () => {
    // L = 2: projections 4*2*4*4 = 128, scores + values 2*2*2*4 = 32, FFN 2*2*4*8 = 128, head 4*2 = 8
    expect(forwardFlops(model, 2, 2)).toBe(2 * (128 + 32 + 128 + 8));
    expect(trainingFlops(model, 2, 2)).toBe(3 * 592);
    // Two layers double the encoder part, not the head.
    expect(forwardFlops({ ...model, layers: 2 }, 2, 2)).toBe(2 * (2 * 288 + 8));
  });

  it('averages over the real lengths and multiplies by examples and copies', () => {
    // L = 1: 64 + 8 + 64 = 136 -> fwd 288 -> train 864; L = 3: 192 + 72 + 192 = 456 -> fwd 928 -> train 2784
    expect(flopsPerStep({ model, numClasses: 2, lengths: [1, 3], examplesPerStep: 2, copies: 1 })).toBe(2 * 1824);
    expect(flopsPerStep({ model, numClasses: 2, lengths: [2, 2], examplesPerStep: 3, copies: copiesPerStep('comparative', 2) })).toBe(3 * 3 * 1776);
    expect(copiesPerStep('baseline', 4)).toBe(1);
    expect(flopsPerStep({ model, numClasses: 2, lengths: [], examplesPerStep: 3, copies: 1 })).toBe(0);
  });
});

describe('computeMatched', () => {
  it('puts each evaluation at its cumulative seconds and FLOPs and averages seeds per step', () => {
    const r = computeMatched([
      { arm: 'baseline', seed: 1, flopsPerStep: 100, msPerStep: 50, evaluations: [{ step: 10, value: 0.6, trainingMs: 2000 }, { step: 20, value: 0.7, trainingMs: 4000 }] },
      { arm: 'baseline', seed: 2, flopsPerStep: 100, msPerStep: 50, evaluations: [{ step: 10, value: 0.8, trainingMs: 3000 }, { step: 20, value: 0.9, trainingMs: null }] },
      { arm: 'comparative', seed: 1, flopsPerStep: 300, msPerStep: null, evaluations: [{ step: 10, value: 0.9, trainingMs: null }] },
    ]);
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
