// Cropped copies run at their own padded length, not the full input's
// (docs/method.md#batched-passes): a comparative step with crops hands the model one forward per
// crop level, each padded to that level's longest input, and the same-crop copies stacked in one
// forward; the losses match a full-length-padded run of the rate-0 copies, since padding is
// masked out.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import type { SequenceClassifier } from '../../main/models/sequence-classifier';
import { TransformerClassifier } from '../../main/models/builtin-classifier';
import { stepGradients, type StepInput } from '../../main/training/training-step';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';

const SHAPE = { vocabSize: 30, dim: 8, layers: 1, heads: 2, ffnDim: 12, maxLength: 16, numClasses: 2 };

/** The real model, recording the [rows, length] and copies of every forward it is asked for. */
function recording(model: TransformerClassifier, calls: Array<{ shape: number[]; copies: number }>): SequenceClassifier {
  return {
    variables: model.variables,
    logits: (ids, mask, rates, seed) => (calls.push({ shape: ids.shape, copies: rates.length }), model.logits(ids, mask, rates, seed)),
    stackedLogits: (ids, mask, rates, seed) => (calls.push({ shape: ids.shape, copies: rates.length }), model.stackedLogits(ids, mask, rates, seed)),
    dispose: () => model.dispose(),
  };
}

describe('per-crop sequence lengths', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('pads each crop level to its own length, one forward per level when batched', () => {
    const full = [[2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17]];
    const cropped = full.map((ids) => ids.filter((_, i) => i % 2 === 0)); // lengths 5 and 3
    const data: StepInput = { inputs: [full, cropped], labels: [0, 1] };
    const model = new TransformerClassifier(SHAPE, 1);
    const calls: Array<{ shape: number[]; copies: number }> = [];
    // crops 1, ablations 1: copies [full], [crop 1, rate 0], [crop 1, rate p].
    const config = { ...DEFAULT_RUN_CONFIG, loss: 'comparative' as const, crops: 1, ablations: 1 };
    const batched = stepGradients(recording(model, calls), data, config, 'classification', 7, true);
    expect(calls).toEqual([{ shape: [2, 10], copies: 1 }, { shape: [2, 5], copies: 2 }]);
    calls.length = 0;
    const sequential = stepGradients(recording(model, calls), data, config, 'classification', 7, false);
    expect(calls).toEqual([{ shape: [2, 10], copies: 1 }, { shape: [2, 5], copies: 1 }, { shape: [2, 5], copies: 1 }]);
    expect(batched.outcome.copyLosses[2]).toBeCloseTo(sequential.outcome.copyLosses[2], 5);
    // The rate-0 cropped copy equals the cropped input padded to the FULL length (padding is masked).
    const padded = tf.tidy(() => {
      const ids = tf.tensor2d(cropped.map((row) => [...row, ...new Array(10 - row.length).fill(0)]), [2, 10], 'int32');
      const mask = tf.tensor2d(cropped.map((row) => row.map(() => 1).concat(new Array(10 - row.length).fill(0))), [2, 10]);
      const logits = model.logits(ids, mask, [0], 7);
      return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2)), 1)).mean().dataSync()[0];
    });
    expect(batched.outcome.copyLosses[1]).toBeCloseTo(padded, 5);
    tf.dispose([...batched.grads, ...sequential.grads]);
    model.dispose();
  });
});
