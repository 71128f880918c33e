// The [CLS] summary objective (main/training/summary-loss.ts): each block's bag-of-words target
// leaves special tokens and padding out, and the loss is the soft-target cross-entropy, computed
// here by hand.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { bagOfWordsTargets, summaryLoss } from '../../main/training/summary-loss';

const CLS = 1;
const SEP = 2;
const PAD = 0;
const SPECIALS = new Set([PAD, CLS, SEP]);

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('[CLS] summary objective', () => {
  it("targets each block's ordinary tokens by count, specials and padding left out", () => {
    const blocks = [
      { ids: [CLS, 5, 6, 5, SEP, PAD], mask: [1, 1, 1, 1, 1, 0] },
      { ids: [CLS, SEP, PAD, PAD, PAD, PAD], mask: [1, 1, 0, 0, 0, 0] },
      // A token id under padding is not counted either.
      { ids: [CLS, 3, SEP, 4, 4, 4], mask: [1, 1, 1, 0, 0, 0] },
    ];
    const rows = bagOfWordsTargets(blocks, 8, SPECIALS);
    const row = (b: number) => Array.from(rows.slice(b * 8, (b + 1) * 8));
    expect(row(0)).toEqual([0, 0, 0, 0, 0, 2 / 3, 1 / 3, 0].map(Math.fround));
    expect(row(1)).toEqual(new Array(8).fill(0));
    expect(row(2)).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('is the mean over blocks of -sum target * log softmax(logits)', () => {
    const logits = [
      [0.5, -1, 2, 0],
      [1, 1, -0.5, 3],
    ];
    const targets = [
      [0, 0.25, 0.75, 0],
      [0.5, 0, 0, 0.5],
    ];
    const byHand =
      logits
        .map((row, b) => {
          const log = Math.log(row.reduce((sum, z) => sum + Math.exp(z), 0));
          return -row.reduce((sum, z, v) => sum + targets[b][v] * (z - log), 0);
        })
        .reduce((a, b) => a + b, 0) / logits.length;
    const loss = summaryLoss(tf.tensor2d(logits), tf.tensor2d(targets));
    expect(loss.dataSync()[0]).toBeCloseTo(byHand, 5);
    // A target of zeros (a block of specials) adds nothing.
    const none = summaryLoss(tf.tensor2d([logits[0]]), tf.tensor2d([[0, 0, 0, 0]]));
    expect(none.dataSync()[0]).toBe(0);
  });
});
