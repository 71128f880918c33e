// Masked-language-model inputs and loss (main/training/mlm-masking.ts, mlm-loss.ts): the 15% /
// 80-10-10 proportions over many draws, specials never chosen, whole words chosen whole, the same
// seed giving the same masks, and a loss that only the predicted positions carry (value against a
// float64 cross-entropy written out here; zero gradient at every other position).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { maskedLmLoss } from '../../main/training/mlm-loss';
import { IGNORE_LABEL, maskTokens, wordPieceStarts, type MaskingOptions } from '../../main/training/mlm-masking';
import { mulberry32 } from '../../shared/random';

const VOCAB = 1000;
const [PAD, CLS, SEP, MASK] = [0, 2, 3, 4];
const OPTIONS: MaskingOptions = { probability: 0.15, maskId: MASK, vocabSize: VOCAB, specialIds: new Set([PAD, CLS, SEP]) };

/** [CLS] t1..tn [SEP] [PAD].. with ordinary ids in [10, VOCAB). */
function sequence(random: () => number, length: number, padding: number): number[] {
  return [CLS, ...Array.from({ length }, () => 10 + Math.floor(random() * (VOCAB - 10))), SEP, ...Array(padding).fill(PAD)];
}

describe('MLM masking', () => {
  it('chooses 15% of ordinary tokens; of those 80% [MASK], 10% random, 10% kept; specials and padding never', () => {
    const random = mulberry32(7);
    let ordinary = 0;
    let chosen = 0;
    let masked = 0;
    let kept = 0;
    let replaced = 0;
    const wrong: string[] = [];
    for (let n = 0; n < 2000; n++) {
      const ids = sequence(random, 100, 20);
      const { inputIds, labels } = maskTokens(ids, OPTIONS, random);
      ids.forEach((id, i) => {
        if (OPTIONS.specialIds.has(id)) {
          if (labels[i] !== IGNORE_LABEL || inputIds[i] !== id) wrong.push(`special ${id} at ${n}:${i}`);
          return;
        }
        ordinary++;
        if (labels[i] === IGNORE_LABEL) {
          if (inputIds[i] !== id) wrong.push(`unlabelled ${id} changed at ${n}:${i}`);
          return;
        }
        if (labels[i] !== id) wrong.push(`label ${labels[i]} for ${id} at ${n}:${i}`);
        chosen++;
        if (inputIds[i] === MASK) masked++;
        else if (inputIds[i] === id) kept++;
        else replaced++;
      });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // 200,000 ordinary tokens: the standard error of the 15% share is 0.0008.
    expect(Math.abs(chosen / ordinary - 0.15)).toBeLessThan(0.004);
    expect(Math.abs(masked / chosen - 0.8)).toBeLessThan(0.01);
    // A random replacement equal to the original (1 in ~1000) counts as kept.
    expect(Math.abs(replaced / chosen - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(kept / chosen - 0.1)).toBeLessThan(0.01);
  });

  it('whole-word masking chooses whole words, about 15% of the tokens', () => {
    const tokens = '[CLS] the un ##believ ##able film was a master ##piece of mis ##direct ##ion and wit [SEP]'.split(' ');
    const ids = tokens.map((t, i) => (t === '[CLS]' ? CLS : t === '[SEP]' ? SEP : 100 + i));
    const starts = wordPieceStarts(tokens);
    const random = mulberry32(3);
    let chosenTokens = 0;
    for (let n = 0; n < 500; n++) {
      const { labels } = maskTokens(ids, { ...OPTIONS, wordStarts: starts }, random);
      const chosen = labels.map((l) => l !== IGNORE_LABEL);
      // A word is chosen whole or not at all: a continuation piece follows its word's first piece.
      tokens.forEach((t, i) => {
        if (t.startsWith('##')) expect(chosen[i], `${t} in draw ${n}`).toBe(chosen[i - 1]);
      });
      expect(chosen[0] || chosen[tokens.length - 1]).toBe(false);
      // Budget max(1, round(0.15 x 15 ordinary tokens)) = 2, never exceeded.
      const count = chosen.filter(Boolean).length;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(2);
      chosenTokens += count;
    }
    expect(chosenTokens / 500).toBeGreaterThan(1.5);
  });

  it('the same seed gives the same masks; another seed others', () => {
    const ids = sequence(mulberry32(1), 200, 0);
    const a = maskTokens(ids, OPTIONS, mulberry32(42));
    expect(maskTokens(ids, OPTIONS, mulberry32(42))).toEqual(a);
    expect(maskTokens(ids, OPTIONS, mulberry32(43)).labels).not.toEqual(a.labels);
  });

  it('refuses a probability outside (0, 1) and word starts of the wrong length', () => {
    expect(() => maskTokens([CLS, 50, SEP], { ...OPTIONS, probability: 0 }, mulberry32(1))).toThrow(/\(0, 1\)/);
    expect(() => maskTokens([CLS, 50, SEP], { ...OPTIONS, wordStarts: [true] }, mulberry32(1))).toThrow(/wordStarts has 1 entries for 3 tokens/);
  });
});

describe('MLM loss', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  const rows = 2;
  const length = 5;
  const vocab = 7;
  const values = Array.from({ length: rows * length * vocab }, (_, i) => Math.sin(i * 1.7) * 3);
  const labels = [
    [IGNORE_LABEL, 3, IGNORE_LABEL, 6, IGNORE_LABEL],
    [IGNORE_LABEL, IGNORE_LABEL, 0, IGNORE_LABEL, IGNORE_LABEL],
  ];

  /** Float64 cross-entropy at one position, written out. */
  function crossEntropy(row: number, position: number, label: number): number {
    const z = values.slice((row * length + position) * vocab, (row * length + position + 1) * vocab);
    const max = Math.max(...z);
    const logSum = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
    return logSum - z[label];
  }

  it('is the cross-entropy at the predicted positions only: per sequence and over the batch', () => {
    const { perSequence, batch } = maskedLmLoss(tf.tensor3d(values, [rows, length, vocab]), labels);
    const row0 = [crossEntropy(0, 1, 3), crossEntropy(0, 3, 6)];
    const row1 = [crossEntropy(1, 2, 0)];
    const got = perSequence.arraySync();
    expect(got[0]).toBeCloseTo((row0[0] + row0[1]) / 2, 5);
    expect(got[1]).toBeCloseTo(row1[0], 5);
    expect(batch.arraySync()).toBeCloseTo((row0[0] + row0[1] + row1[0]) / 3, 5);
  });

  it('has zero gradient at every position without a label, and changes nowhere else when those logits change', () => {
    const logits = tf.tensor3d(values, [rows, length, vocab]);
    const gradient = tf.grad((x: tf.Tensor) => maskedLmLoss(x as tf.Tensor3D, labels).batch)(logits).arraySync() as number[][][];
    for (let r = 0; r < rows; r++) {
      for (let p = 0; p < length; p++) {
        const norm = gradient[r][p].reduce((s, g) => s + Math.abs(g), 0);
        if (labels[r][p] === IGNORE_LABEL) expect(norm, `row ${r} position ${p}`).toBe(0);
        else expect(norm).toBeGreaterThan(0);
      }
    }
    const changed = values.map((v, i) => (labels[Math.floor(i / (length * vocab))][Math.floor(i / vocab) % length] === IGNORE_LABEL ? v + 100 * Math.cos(i) : v));
    expect(maskedLmLoss(tf.tensor3d(changed, [rows, length, vocab]), labels).batch.arraySync()).toBeCloseTo(maskedLmLoss(logits, labels).batch.arraySync(), 6);
  });

  it('refuses a label outside the vocabulary and labels of the wrong shape', () => {
    const logits = tf.tensor3d(values, [rows, length, vocab]);
    expect(() => maskedLmLoss(logits, [[IGNORE_LABEL, 7, IGNORE_LABEL, 6, IGNORE_LABEL], labels[1]])).toThrow(/label 7 is outside the vocabulary of 7/);
    expect(() => maskedLmLoss(logits, [labels[0]])).toThrow(/labels must be 2 x 5/);
  });
});
