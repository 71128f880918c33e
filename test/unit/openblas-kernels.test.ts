// The native OpenBLAS accelerator (native/openblas, main/training/openblas-kernels.ts) against the
// pure-JS cpu backend: every matMul layout the model and its gradients use, leading-axes sums, and
// a whole training step's gradients. Skipped only where the addon was not built (no compiler or
// no libopenblas-dev at install); scripts/build-native.mjs says why at install time.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { TransformerClassifier } from '../../main/models/builtin-classifier';
import { loadOpenBlas } from '../../main/kernels/openblas-kernels';
import { stepGradients } from '../../main/training/training-step';
import { mulberry32 } from '../../shared/random';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';
import { acceleratorSkipNote } from '../helpers/accelerator';

const random = mulberry32(5);
const values = (shape: number[]) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1);

// [a shape, b shape, transposeA, transposeB]: dense layers, their gradients, attention (batched,
// transposed), broadcasts of a single matrix over a batch, and odd sizes.
const MATMULS: Array<[number[], number[], boolean, boolean]> = [
  [[37, 16], [16, 9], false, false],
  [[37, 16], [9, 16], false, true],
  [[16, 37], [16, 9], true, false],
  [[16, 37], [9, 16], true, true],
  [[3, 2, 7, 5], [3, 2, 5, 6], false, false],
  [[3, 2, 7, 5], [3, 2, 6, 5], false, true],
  [[3, 2, 5, 7], [3, 2, 5, 6], true, false],
  [[4, 7, 5], [5, 6], false, false],
  [[4, 5, 7], [5, 6], true, false],
  [[7, 5], [4, 5, 6], false, false],
];
const inputs = MATMULS.map(([aShape, bShape]) => [values(aShape), values(bShape)]);

function products(): number[][] {
  return MATMULS.map(([aShape, bShape, transposeA, transposeB], i) =>
    tf.tidy(() => Array.from(tf.matMul(tf.tensor(inputs[i][0], aShape), tf.tensor(inputs[i][1], bShape), transposeA, transposeB).dataSync())),
  );
}

const sumInput = values([6, 5, 7]);
function sums(): number[][] {
  return tf.tidy(() => [[0], [0, 1], [1], [2]].map((axes) => Array.from(tf.sum(tf.tensor(sumInput, [6, 5, 7]), axes).dataSync())));
}

function gradients(): number[][] {
  const shape = { vocabSize: 50, dim: 16, layers: 2, heads: 2, ffnDim: 24, maxLength: 12, numClasses: 2 };
  const model = new TransformerClassifier(shape, 4);
  const ids = Array.from({ length: 6 }, (_, i) => Array.from({ length: 4 + i }, (_, j) => 2 + ((i * 7 + j * 3) % 48)));
  const config = { ...DEFAULT_RUN_CONFIG, loss: 'comparative' as const, ablations: 2, model: shape };
  const { grads } = stepGradients(model, { inputs: [ids], labels: ids.map((_, i) => i % 2) }, config, 'classification', 11);
  const result = grads.map((g) => Array.from(g.dataSync()));
  for (const g of grads) g.dispose();
  model.dispose();
  return result;
}

function expectClose(actual: number[][], expected: number[][], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i].length);
    const worst = Math.max(...row.map((v, j) => Math.abs(v - expected[i][j]) / Math.max(1, Math.abs(expected[i][j]))));
    expect(worst).toBeLessThan(tolerance);
  });
}

describe.skipIf(loadOpenBlas() === null)(`wasm+openblas kernels${acceleratorSkipNote(loadOpenBlas())}`, () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('match the pure-JS cpu backend to 1e-4: matMul in every layout, leading-axes sums, a training step', async () => {
    await selectBackend('cpu');
    const expected = { products: products(), sums: sums(), gradients: gradients() };
    expect(await selectBackend('wasm+openblas')).toBe('wasm+openblas');
    expectClose(products(), expected.products, 1e-4);
    expectClose(sums(), expected.sums, 1e-4);
    expectClose(gradients(), expected.gradients, 1e-4);
  });

  it('an explicit plain wasm run turns the accelerator off (and gives the same products)', async () => {
    const accelerated = products();
    expect(await selectBackend('wasm')).toBe('wasm');
    expectClose(products(), accelerated, 1e-4);
  });
});
