import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { padBatch } from '../../main/training/batching';
import { comparativeLoss } from '../../main/training/comparative-loss';
import { TransformerClassifier } from '../../main/models/builtin-classifier';
import { perExampleCrossEntropy } from '../../main/tasks/classification';
import { normalArray } from '../../shared/random';

/** Runs `compute` on each backend and returns the flattened results, cpu first. */
async function onBothBackends(compute: () => number[][]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  await selectBackend('cpu');
  const cpu = compute();
  expect(await selectBackend('wasm')).toBe('wasm');
  const wasm = compute();
  await selectBackend('cpu');
  return { cpu, wasm };
}

function maxAbsDifference(a: number[][], b: number[][]): number {
  expect(a.map((x) => x.length)).toEqual(b.map((x) => x.length));
  let worst = 0;
  a.forEach((values, i) => values.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j])))));
  return worst;
}

const flat = (t: tf.Tensor) => Array.from(t.dataSync() as Float32Array);

describe('wasm kernels', () => {
  beforeAll(async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('registers UnsortedSegmentSum, which stock tfjs-backend-wasm 4.22 lacks', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it('gradient of an embedding lookup with repeated ids matches cpu to 1e-5 (and a hand-built sum)', async () => {
    const ids = [3, 7, 3, 3, 49, 0, 7, 12];
    const weights = normalArray(8 * 8, 1, 4);
    const { cpu, wasm } = await onBothBackends(() =>
      tf.tidy(() => {
        const table = tf.tensor2d(normalArray(50 * 8, 1, 3), [50, 8]);
        const idTensor = tf.tensor1d(ids, 'int32');
        const w = tf.tensor2d(weights, [8, 8]);
        const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idTensor), w)))(table);
        return [flat(grad), flat(tf.gather(table, idTensor))];
      }),
    );
    expect(maxAbsDifference(cpu, wasm)).toBeLessThan(1e-5);
    // d/dtable[r] of sum(gather(table, ids) * w) = sum of w[i] over the positions i with ids[i] = r.
    const expected = new Array<number>(50 * 8).fill(0);
    ids.forEach((row, i) => {
      for (let j = 0; j < 8; j++) expected[row * 8 + j] += weights[i * 8 + j];
    });
    expect(maxAbsDifference([wasm[0]], [expected])).toBeLessThan(1e-5);
  });

  it('gather rejects an out-of-range id like the stock kernel', () => {
    const table = tf.zeros([4, 2]);
    const ids = tf.tensor1d([1, 4], 'int32');
    expect(() => tf.gather(table, ids)).toThrow(/not in \[0, 3\]/);
    tf.dispose([table, ids]);
  });

  it('BatchMatMul matches cpu for every transpose combination and batch broadcast', async () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[7, 5], [5, 3], false, false],
      [[5, 7], [5, 3], true, false],
      [[7, 5], [3, 5], false, true],
      [[5, 7], [3, 5], true, true],
      [[4, 6, 5], [4, 5, 3], false, false],
      [[4, 5, 6], [4, 3, 5], true, true],
      [[2, 3, 6, 5], [2, 3, 5, 4], false, false],
      [[4, 6, 5], [5, 3], false, false], // b shared by every batch of a
      [[1, 6, 5], [4, 5, 3], false, false], // a shared
      [[2, 1, 6, 5], [1, 3, 5, 4], false, false], // mixed broadcast: stock kernel
      [[3, 0, 5], [3, 5, 2], false, false], // empty
    ];
    const { cpu, wasm } = await onBothBackends(() =>
      cases.map(([aShape, bShape, ta, tb], i) =>
        tf.tidy(() => {
          const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
          const a = tf.tensor(normalArray(size(aShape), 1, 10 + i), aShape);
          const b = tf.tensor(normalArray(size(bShape), 1, 20 + i), bShape);
          return flat(tf.matMul(a, b, ta, tb));
        }),
      ),
    );
    expect(maxAbsDifference(cpu, wasm)).toBeLessThan(1e-4);
  });

  it('Sum over leading axes (bias gradients) matches cpu, with and without keepDims', async () => {
    const { cpu, wasm } = await onBothBackends(() =>
      tf.tidy(() => {
        const x = tf.tensor3d(normalArray(4 * 5 * 6, 1, 8), [4, 5, 6]);
        const kept = tf.sum(x, [0, 1], true);
        expect(kept.shape).toEqual([1, 1, 6]);
        return [flat(tf.sum(x, 0)), flat(kept), flat(tf.sum(x, 2)), flat(tf.sum(x, [1, 0])), flat(tf.sum(x))];
      }),
    );
    expect(maxAbsDifference(cpu, wasm)).toBeLessThan(1e-5);
  });

  it('Identity and same-dtype Cast share data and keep it alive after the source is disposed', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    const toInt = tf.cast(tf.tensor1d([1.7, -2.2]), 'int32');
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(cast.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(toInt.dataSync())).toEqual([1, -2]);
    tf.dispose([copy, cast, toInt]);
  });

  it('a full model forward + backward (3 stacked copies, comparative loss) agrees with cpu to 1e-4', async () => {
    const { cpu, wasm } = await onBothBackends(() => {
      const model = new TransformerClassifier({ vocabSize: 60, dim: 16, layers: 2, heads: 2, ffnDim: 24, maxLength: 12, numClasses: 3 }, 5);
      const batch = padBatch([
        { ids: [2, 3, 4, 5, 2], label: 0 },
        { ids: [6, 7, 8], label: 2 },
        { ids: [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 59], label: 1 },
      ]);
      const rates = [0, 0.1, 0.19];
      const labels = tf.tensor1d([0, 2, 1, 0, 2, 1, 0, 2, 1], 'int32');
      const { value, grads } = tf.variableGrads(() => {
        const perRow = perExampleCrossEntropy(model.logits(batch.ids, batch.mask, rates, 1234), labels);
        return comparativeLoss(tf.transpose(tf.reshape(perRow, [3, 3])) as tf.Tensor2D, { target: 'ultra', temperature: 1 });
      }, model.variables);
      const result = [[value.dataSync()[0]], ...model.variables.map((v) => flat(grads[v.name]))];
      tf.dispose([value, labels, batch.ids, batch.mask, ...Object.values(grads)]);
      model.dispose();
      return result;
    });
    expect(cpu.length).toBeGreaterThan(20);
    expect(maxAbsDifference(cpu, wasm)).toBeLessThan(1e-4);
    // The gradient is not trivially zero: the comparison means something.
    expect(cpu.slice(1).some((g) => g.some((v) => Math.abs(v) > 1e-4))).toBe(true);
  });
});
