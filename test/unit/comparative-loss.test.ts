import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { ablationRates, type CmpTarget, comparativeLoss } from '../../main/training/comparative-loss';

function lossAndGrad(rows: number[][], target: CmpTarget, temperature = 1): { loss: number; grad: number[][] } {
  const input = tf.tensor2d(rows);
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => comparativeLoss(x as tf.Tensor2D, { target, temperature }))(input);
  const result = { loss: value.dataSync()[0], grad: grad.arraySync() as number[][] };
  tf.dispose([input, value, grad]);
  return result;
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 6)));
}

describe('comparativeLoss on the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it("ultra, C=1: list [l0, l1, 0], P = 3", () => {
    // l = [0.5, 0.8], b = 0 -> pairs (0,1): max(0, -0.3) = 0; (0,2): 0.5; (1,2): 0.8.
    // Lcmp = (0 + 0.5 + 0.8) / 3 = 0.433333.
    // dL/dl0: only (0,2) active -> 1/3. dL/dl1: (0,1) inactive, (1,2) active -> 1/3.
    const { loss, grad } = lossAndGrad([[0.5, 0.8]], 'ultra');
    expect(loss).toBeCloseTo(1.3 / 3, 6);
    expectClose(grad, [[1 / 3, 1 / 3]]);
  });

  it('ultra, C=2: an out-of-order pair pushes the full model down and the ablated copy up', () => {
    // l = [0.6, 0.4, 0.9], b = 0, P = 6. Pairs: (0,1) 0.2; (0,2) -0.3 -> 0; (0,3) 0.6;
    // (1,2) -0.5 -> 0; (1,3) 0.4; (2,3) 0.9. Sum 2.1 -> Lcmp = 0.35.
    // dl0 = [(0,1) + (0,3)] / 6 = 2/6; dl1 = [-(0,1) + (1,3)] / 6 = 0; dl2 = (2,3) / 6 = 1/6.
    const { loss, grad } = lossAndGrad([[0.6, 0.4, 0.9]], 'ultra');
    expect(loss).toBeCloseTo(0.35, 6);
    expectClose(grad, [[2 / 6, 0, 1 / 6]]);
  });

  it('temperature divides every difference (and so the loss and gradients) by T', () => {
    // Same list as above with T = 2: Lcmp = 0.35 / 2 = 0.175, gradients halved.
    const { loss, grad } = lossAndGrad([[0.6, 0.4, 0.9]], 'ultra', 2);
    expect(loss).toBeCloseTo(0.175, 6);
    expectClose(grad, [[1 / 6, 0, 1 / 12]]);
  });

  it('best: b = min(l), detached, and its tie with the minimum still passes gradient', () => {
    // l = [0.6, 0.4, 0.9], b = 0.4. Pairs: (0,1) 0.2; (0,2) -> 0; (0,3) 0.2; (1,2) -> 0;
    // (1,3) 0 (tie); (2,3) 0.5. Sum 0.9 -> Lcmp = 0.15.
    // Gradients (b constant): dl0 = [(0,1) + (0,3)] / 6 = 2/6; dl1 = [-(0,1) + (1,3) tie] / 6 = 0;
    // dl2 = (2,3) / 6 = 1/6. Were b = l1 not detached, dl1 would get -(0,3) - (2,3) more: -2/6.
    const { loss, grad } = lossAndGrad([[0.6, 0.4, 0.9]], 'best');
    expect(loss).toBeCloseTo(0.15, 6);
    expectClose(grad, [[2 / 6, 0, 1 / 6]]);
  });

  it('first, full model best: b = (l0 + min(l1..lC)) / 2', () => {
    // l = [0.3, 0.5, 0.7]: l0 < 0.5 so b = (0.3 + 0.5) / 2 = 0.4. Pairs: (0,1) -0.2; (0,2) -0.4;
    // (0,3) -0.1; (1,2) -0.2 -> all 0; (1,3) 0.1; (2,3) 0.3. Lcmp = 0.4 / 6.
    // dl0 = 0; dl1 = (1,3) / 6; dl2 = (2,3) / 6.  ('best' would use b = 0.3 and give 0.6 / 6.)
    const { loss, grad } = lossAndGrad([[0.3, 0.5, 0.7]], 'first');
    expect(loss).toBeCloseTo(0.4 / 6, 6);
    expectClose(grad, [[0, 1 / 6, 1 / 6]]);
    expect(lossAndGrad([[0.3, 0.5, 0.7]], 'best').loss).toBeCloseTo(0.6 / 6, 6);
  });

  it('first, an ablated copy best: b = min(l1..lC)', () => {
    // l = [0.6, 0.4, 0.9]: l0 >= 0.4 so b = 0.4, the same list as the 'best' case above.
    const { loss, grad } = lossAndGrad([[0.6, 0.4, 0.9]], 'first');
    expect(loss).toBeCloseTo(0.15, 6);
    expectClose(grad, [[2 / 6, 0, 1 / 6]]);
  });

  it('at an exact tie the hinge passes gradient (subgradient 1, like torch.clamp(min=0))', () => {
    // l = [0.5, 0.5], b = 0: (0,1) = 0 is a tie -> dl0 += 1, dl1 -= 1; (0,2) 0.5; (1,2) 0.5.
    // Lcmp = 1 / 3. dl0 = (1 + 1) / 3 = 2/3; dl1 = (-1 + 1) / 3 = 0.
    // (A hinge that blocked ties would give 1/3 and 1/3.)
    const { loss, grad } = lossAndGrad([[0.5, 0.5]], 'ultra');
    expect(loss).toBeCloseTo(1 / 3, 6);
    expectClose(grad, [[2 / 3, 0]]);
  });

  it('averages over the batch', () => {
    // Row 1: [0.5, 0.8] -> 1.3 / 3 (grads 1/3, 1/3). Row 2: [0.6, 0.4] with b = 0:
    // (0,1) 0.2; (0,2) 0.6; (1,2) 0.4 -> 1.2 / 3 = 0.4 (grads 2/3, 0).
    // Mean = (0.433333 + 0.4) / 2 = 0.416667; each row's gradient halved.
    const { loss, grad } = lossAndGrad([[0.5, 0.8], [0.6, 0.4]], 'ultra');
    expect(loss).toBeCloseTo((1.3 / 3 + 0.4) / 2, 6);
    expectClose(grad, [[1 / 6, 1 / 6], [1 / 3, 0]]);
  });

  it('rejects a non-positive temperature', () => {
    const x = tf.tensor2d([[0.1, 0.2]]);
    expect(() => comparativeLoss(x, { target: 'ultra', temperature: 0 })).toThrow(/temperature/);
    x.dispose();
  });

  it('leaks no tensors', () => {
    const before = tf.memory().numTensors;
    lossAndGrad([[0.6, 0.4, 0.9], [0.3, 0.5, 0.7]], 'first');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('comparativeLoss on the wasm backend', () => {
  it('gives the same values and gradients as on cpu (no tf.where in the gradient)', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    const rows = [[0.6, 0.4, 0.9], [0.3, 0.5, 0.7], [0.5, 0.5, 0.2]];
    for (const target of ['ultra', 'best', 'first'] as const) {
      const wasm = lossAndGrad(rows, target, 0.5);
      await selectBackend('cpu');
      const cpu = lossAndGrad(rows, target, 0.5);
      await selectBackend('wasm');
      expect(wasm.loss).toBeCloseTo(cpu.loss, 6);
      expectClose(wasm.grad, cpu.grad);
    }
    await selectBackend('cpu');
  });
});

describe('ablationRates', () => {
  it('p_k = 1 - (1 - p)^k', () => {
    const rates = ablationRates(0.1, 4);
    [0.1, 0.19, 0.271, 0.3439].forEach((expected, k) => expect(rates[k]).toBeCloseTo(expected, 10));
    expect(ablationRates(0, 2)).toEqual([0, 0]);
    expect(ablationRates(0.3, 0)).toEqual([]);
  });
});
