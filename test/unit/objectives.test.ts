// Every objective (docs/method.md#objective) and every task loss, against hand-computed values.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { comparativeLoss } from '../../main/training/comparative-loss';
import { objectiveLoss, type ObjectiveSettings } from '../../main/training/objectives';
import { taskHead } from '../../main/tasks/registry';

const base: ObjectiveSettings = { objective: 'comparative', primary: 'max', hingeWeight: 1, target: 'ultra', temperature: 1 };

function lossAndGrad(rows: number[][], settings: Partial<ObjectiveSettings>) {
  const input = tf.tensor2d(rows);
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => objectiveLoss(x as tf.Tensor2D, { ...base, ...settings }))(input);
  const result = { loss: value.dataSync()[0], grad: grad.arraySync() as number[][] };
  tf.dispose([input, value, grad]);
  return result;
}

describe('task losses', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('cross-entropy, squared error and mean per-label binary cross-entropy', () => {
    const ce = taskHead('classification').perExampleLoss(tf.tensor2d([[1, 2, 0]]), { labels: tf.tensor1d([1], 'int32') });
    expect(ce.dataSync()[0]).toBeCloseTo(Math.log(Math.E + Math.E ** 2 + 1) - 2, 5);
    const se = taskHead('regression').perExampleLoss(tf.tensor2d([[1.5], [-1]]), { labels: tf.tensor1d([0.5, 1]) });
    expect(Array.from(se.dataSync())).toEqual([1, 4]);
    // x = 0, z = 1: log 2;  x = 2, z = 0: 2 + log(1 + e^-2) = log(1 + e^2).
    const bce = taskHead('multilabel').perExampleLoss(tf.tensor2d([[0, 2]]), { multiHot: tf.tensor2d([[1, 0]]) });
    expect(bce.dataSync()[0]).toBeCloseTo((Math.log(2) + Math.log(1 + Math.E ** 2)) / 2, 5);
    // Large logits stay finite (the stable form).
    const extreme = taskHead('multilabel').perExampleLoss(tf.tensor2d([[200, -200]]), { multiHot: tf.tensor2d([[0, 1]]) });
    expect(extreme.dataSync()[0]).toBeCloseTo(200, 3);
  });
});

describe('objectives over [l0, l1, l2] = [0.5, 0.8, 0.3]', () => {
  const rows = [[0.5, 0.8, 0.3]];
  // Hinge WITHOUT dummy: pairs (0,1) 0, (0,2) 0.2, (1,2) 0.5 over 3 pairs.
  const hinge = 0.7 / 3;

  it('comparative = Lcmp (the default objective)', () => {
    const t = tf.tensor2d(rows);
    const expected = comparativeLoss(t, { target: 'best', temperature: 2 }).dataSync()[0];
    expect(lossAndGrad(rows, { target: 'best', temperature: 2 }).loss).toBeCloseTo(expected, 6);
    t.dispose();
  });

  it('primary + lambda * hinge, for each primary, with its gradient', () => {
    const lambda = 2;
    const primaries = { max: 0.8, avg: 1.6 / 3, first: 0.5, last: 0.3 } as const;
    for (const [primary, value] of Object.entries(primaries)) {
      const { loss } = lossAndGrad(rows, { objective: 'primary_hinge', primary: primary as ObjectiveSettings['primary'], hingeWeight: lambda });
      expect(loss).toBeCloseTo(value + lambda * hinge, 5);
    }
    // max: dl1 = 1 + 2 * (1/3 from (1,2)); dl0 = 2 * 1/3 from (0,2); dl2 = -2 * 2/3.
    const { grad } = lossAndGrad(rows, { objective: 'primary_hinge', primary: 'max', hingeWeight: lambda });
    [2 / 3, 1 + 2 / 3, -4 / 3].forEach((g, k) => expect(grad[0][k]).toBeCloseTo(g, 5));
    // Temperature divides the hinge.
    expect(lossAndGrad(rows, { objective: 'primary_hinge', primary: 'first', hingeWeight: 1, temperature: 2 }).loss).toBeCloseTo(0.5 + hinge / 2, 5);
  });

  it('ListMLE of the expected order, plus the primary term', () => {
    const scores = rows[0].map((l) => -l);
    let listMle = 0;
    for (let i = 0; i < scores.length; i++) {
      listMle += Math.log(scores.slice(i).reduce((a, s) => a + Math.exp(s), 0)) - scores[i];
    }
    const { loss } = lossAndGrad(rows, { objective: 'listmle', primary: 'avg', hingeWeight: 1 });
    expect(loss).toBeCloseTo(1.6 / 3 + listMle, 5);
    // In the right order the ListMLE term is smaller than in the wrong order.
    const ordered = lossAndGrad([[0.3, 0.5, 0.8]], { objective: 'listmle', primary: 'avg', hingeWeight: 1 }).loss;
    expect(ordered).toBeLessThan(loss);
  });
});
