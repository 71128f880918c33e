import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { ablationRates } from '../../main/training/comparative-loss';
import { DropoutSites, dropoutStepSeed, nestedDropout, nestedDropoutMask } from '../../main/models/nested-dropout';

function maskRows(copySize: number, rates: number[], seed: number): Float32Array[] {
  const mask = nestedDropoutMask(copySize, rates, seed);
  const values = mask.dataSync() as Float32Array;
  mask.dispose();
  return rates.map((_, k) => values.slice(k * copySize, (k + 1) * copySize));
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`nested dropout on ${backend}`, () => {
    beforeAll(async () => {
      expect(await selectBackend(backend)).toBe(backend);
    });
    afterAll(async () => {
      await selectBackend('cpu');
    });

    it('drops nested sets: every unit dropped by copy k is dropped by copy k + 1', () => {
      const rates = [0, ...ablationRates(0.1, 4)];
      const rows = maskRows(50_000, rates, 11);
      for (let k = 0; k + 1 < rows.length; k++) {
        let violations = 0;
        for (let i = 0; i < rows[k].length; i++) if (rows[k][i] === 0 && rows[k + 1][i] !== 0) violations++;
        expect(violations).toBe(0);
      }
      // And copy k + 1 really drops more (not trivially nested by dropping nothing).
      const dropped = rows.map((row) => row.filter((v) => v === 0).length);
      for (let k = 0; k + 1 < dropped.length; k++) expect(dropped[k + 1]).toBeGreaterThan(dropped[k]);
    });

    it('drops each copy at rate 1 - (1 - p)^k on a large tensor', () => {
      const p = 0.1;
      const rates = ablationRates(p, 4);
      const size = 200_000;
      const rows = maskRows(size, rates, 3);
      rows.forEach((row, k) => {
        const rate = row.filter((v) => v === 0).length / size;
        // Binomial standard deviation is below 0.0011 here; 0.005 is > 4 sigma.
        expect(Math.abs(rate - (1 - (1 - p) ** (k + 1)))).toBeLessThan(0.005);
      });
    });

    it('scales kept units by 1 / (1 - rate) so the expectation is unchanged', () => {
      const rates = [0.1, 0.19];
      const rows = maskRows(10_000, rates, 5);
      rows.forEach((row, k) => {
        const kept = new Set(row.filter((v) => v !== 0));
        expect(kept.size).toBe(1);
        expect([...kept][0]).toBeCloseTo(1 / (1 - rates[k]), 6);
      });
    });

    it('applies copy k mask to rows k*B .. (k+1)*B - 1 of a stacked batch', () => {
      // Two copies of a [B=4, 3, 5] activation stacked to [8, 3, 5].
      const x = tf.ones([2 * 4, 3, 5]);
      const rates = [0, 0.5];
      const out = nestedDropout(x, rates, 9);
      const values = out.dataSync();
      const copySize = 60;
      const full = values.slice(0, copySize);
      const ablated = values.slice(copySize);
      expect(out.shape).toEqual([8, 3, 5]);
      expect([...full].every((v) => v === 1)).toBe(true); // rate 0: identity
      expect([...ablated].every((v) => v === 0 || Math.abs(v - 2) < 1e-6)).toBe(true);
      expect([...ablated].some((v) => v === 0)).toBe(true);
      tf.dispose([x, out]);
    });

    it('rate 0 everywhere returns the very same tensor (identity, no work)', () => {
      const x = tf.randomNormal([6, 7]);
      expect(nestedDropout(x, [0], 1)).toBe(x);
      expect(nestedDropout(x, [0, 0, 0], 1)).toBe(x);
      x.dispose();
    });

    it('is reproducible from the seed and differs across seeds, steps and sites', () => {
      const a = maskRows(1000, [0.3], 42)[0];
      const b = maskRows(1000, [0.3], 42)[0];
      const c = maskRows(1000, [0.3], 43)[0];
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
      expect(dropoutStepSeed(1, 0)).not.toBe(dropoutStepSeed(1, 1));
      const x = tf.ones([1, 1000]);
      const sites = new DropoutSites([0.3], dropoutStepSeed(1, 0));
      const first = sites.apply(x);
      const second = sites.apply(x);
      expect(first.dataSync()).not.toEqual(second.dataSync());
      tf.dispose([x, first, second]);
    });

    it('passes gradient only through kept units, scaled', () => {
      const x = tf.ones([2, 100]);
      const rates = [0, 0.4];
      const grad = tf.grad((input: tf.Tensor) => tf.sum(nestedDropout(input, rates, 17)))(x);
      const mask = nestedDropoutMask(100, rates, 17);
      expect(Array.from(grad.dataSync())).toEqual(Array.from(mask.dataSync()));
      tf.dispose([x, grad, mask]);
    });

    it('rejects rates outside [0, 1)', () => {
      expect(() => nestedDropoutMask(10, [1], 1)).toThrow(/rate/);
      expect(() => nestedDropoutMask(10, [-0.1], 1)).toThrow(/rate/);
    });
  });
}

describe('nested dropout masks are the same on every backend', () => {
  it('cpu and wasm draw identical masks for the same seed', async () => {
    await selectBackend('cpu');
    const cpu = maskRows(5000, [0, 0.1, 0.19], 77);
    await selectBackend('wasm');
    const wasm = maskRows(5000, [0, 0.1, 0.19], 77);
    await selectBackend('cpu');
    expect(wasm).toEqual(cpu);
  });
});
