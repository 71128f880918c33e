import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { disposeBatch, type EncodedExample, padBatch } from '../../main/training/batching';
import { type ClassifierShape, TransformerClassifier } from '../../main/models/builtin-classifier';

const SHAPE: ClassifierShape = { vocabSize: 40, dim: 16, layers: 2, heads: 4, ffnDim: 32, maxLength: 10, numClasses: 3 };

function logitsOf(model: TransformerClassifier, examples: EncodedExample[], rates: number[], seed = 1): number[][] {
  const batch = padBatch(examples);
  const logits = model.logits(batch.ids, batch.mask, rates, seed);
  const values = logits.arraySync();
  logits.dispose();
  disposeBatch(batch);
  return values;
}

function expectRowsClose(a: number[][], b: number[][], digits = 5): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], digits)));
}

const short: EncodedExample = { ids: [5, 6, 7], label: 0 };
const long: EncodedExample = { ids: [8, 9, 10, 11, 12, 13, 14, 15], label: 1 };

describe('TransformerClassifier', () => {
  let model: TransformerClassifier;
  beforeAll(async () => {
    await selectBackend('wasm');
    model = new TransformerClassifier(SHAPE, 3);
  });
  afterAll(async () => {
    model.dispose();
    await selectBackend('cpu');
  });

  it('returns [copies * B, classes] logits', () => {
    const logits = logitsOf(model, [short, long], [0, 0.1, 0.19]);
    expect(logits).toHaveLength(6);
    expect(logits.every((row) => row.length === 3)).toBe(true);
  });

  it('ignores padding: a sequence gets the same logits alone or padded next to a longer one', () => {
    const alone = logitsOf(model, [short], [0]);
    const padded = logitsOf(model, [short, long], [0]);
    expectRowsClose([padded[0]], alone);
  });

  it('copies at rate 0 are identical to the single full model', () => {
    const single = logitsOf(model, [short, long], [0]);
    const stacked = logitsOf(model, [short, long], [0, 0]);
    expectRowsClose(stacked.slice(0, 2), single);
    expectRowsClose(stacked.slice(2), single);
  });

  it('dropout changes only the ablated copy, and the same seed gives the same masks', () => {
    const full = logitsOf(model, [short, long], [0]);
    const withAblation = logitsOf(model, [short, long], [0, 0.5], 9);
    expectRowsClose(withAblation.slice(0, 2), full);
    expect(withAblation[2]).not.toEqual(full[0]);
    expectRowsClose(logitsOf(model, [short, long], [0, 0.5], 9), withAblation, 6);
    expect(logitsOf(model, [short, long], [0, 0.5], 10)[2]).not.toEqual(withAblation[2]);
  });

  it('initialises from its seed', () => {
    const twin = new TransformerClassifier(SHAPE, 3);
    const other = new TransformerClassifier(SHAPE, 4);
    expectRowsClose(logitsOf(twin, [long], [0]), logitsOf(model, [long], [0]), 6);
    expect(logitsOf(other, [long], [0])[0]).not.toEqual(logitsOf(model, [long], [0])[0]);
    twin.dispose();
    other.dispose();
  });

  it('leaks no tensors per forward pass and frees its variables on dispose', () => {
    const before = tf.memory().numTensors;
    logitsOf(model, [short, long], [0, 0.1, 0.19]);
    expect(tf.memory().numTensors).toBe(before);
    const extra = new TransformerClassifier(SHAPE, 5);
    expect(tf.memory().numTensors).toBe(before + extra.variables.length);
    extra.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects sequences longer than maxLength and dims not divisible by heads', () => {
    expect(() => logitsOf(model, [{ ids: new Array(11).fill(2), label: 0 }], [0])).toThrow(/maxLength/);
    expect(() => new TransformerClassifier({ ...SHAPE, heads: 3 }, 1)).toThrow(/divisible/);
  });
});
