// The in-place AdamW pass on wasm (main/training/fused-adamw.ts) against the tf-ops AdamW it
// replaces: same parameters after several steps of a real model, and it refuses shared buffers.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { adamWInPlace } from '../../main/kernels/fused-adamw';
import { TransformerClassifier } from '../../main/models/builtin-classifier';
import { AdamW } from '../../main/training/optimizer';
import { mulberry32 } from '../../shared/random';

const SHAPE = { vocabSize: 60, dim: 16, layers: 1, heads: 2, ffnDim: 24, maxLength: 10, numClasses: 2 };
const CONSTANTS = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, correction1: 0.1, correction2: 0.001, decayRate: 0.001 };

/**
 * A real model's variables after 5 updates with the same gradients (random, of the scale a clipped
 * step has, some rows exactly 0 as for unused embedding rows): the same inputs to both forms, so
 * any difference is the update's own, not Adam amplifying float noise through training.
 */
function updatedParameters(fused: boolean): number[][] {
  const model = new TransformerClassifier(SHAPE, 2);
  const optimizer = new AdamW(model.variables, { weightDecay: 0.01, fused });
  const random = mulberry32(3);
  for (let step = 0; step < 5; step++) {
    const grads = model.variables.map((v) => tf.tensor(Array.from({ length: v.size }, (_, i) => (i % 7 === 0 ? 0 : (random() - 0.5) * 0.01)), v.shape));
    optimizer.apply(grads, 0.01);
    for (const g of grads) g.dispose();
  }
  const values = model.variables.map((v) => Array.from(v.dataSync()));
  model.dispose();
  optimizer.dispose();
  return values;
}

describe('fused in-place AdamW (wasm)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('leaves the same parameters as the tf-ops AdamW after 5 updates', () => {
    const fused = updatedParameters(true);
    const reference = updatedParameters(false);
    fused.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(reference[i][j], 6)));
  });

  it('writes only buffers nothing else shares', () => {
    const initial = [tf.tensor1d([1, 2, 3]), tf.zeros([3]), tf.zeros([3])];
    const [p, m, v] = initial.map((t) => tf.variable(t));
    for (const t of initial) t.dispose(); // else the variables share their buffers with these
    const g = tf.tensor1d([0.5, -0.5, 1]);
    expect(adamWInPlace(p, m, v, g, CONSTANTS)).toBe(true);
    expect(Array.from(m.dataSync())).toEqual(Array.from(new Float32Array([0.05, -0.05, 0.1])));
    const alias = tf.reshape(p, [3]); // shares p's buffer: writing p would change it too
    const before = Array.from(p.dataSync());
    expect(adamWInPlace(p, m, v, g, CONSTANTS)).toBe(false);
    expect(Array.from(p.dataSync())).toEqual(before);
    for (const t of [p, m, v, g, alias]) t.dispose();
  });
});
