// The addon's fused elementwise kernels (native/openblas/elementwise.c, main/training/fused-
// kernels.ts) against the pure-JS cpu backend: quick GELU with its bias, LayerNorm, attention's
// masked softmax and nested dropout, forward and gradients, to 1e-4; sizes that split over 2
// threads and odd ones. The dropout masks must be bit-identical to the tf-ops path's (the
// comparative loss's copies see exactly the same units dropped). Skipped where the addon was not
// built.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { biasErfGelu, biasGelu, fusedKernelsActive, layerNorm, maskedSoftmax, setFusedKernels } from '../../main/kernels/fused-kernels';
import { nestedDropout } from '../../main/models/nested-dropout';
import { loadOpenBlas } from '../../main/kernels/openblas-kernels';
import { mulberry32 } from '../../shared/random';
import { acceleratorSkipNote } from '../helpers/accelerator';

const random = mulberry32(9);
const values = (size: number, scale = 2) => Float32Array.from({ length: size }, () => (random() * 2 - 1) * scale);
// [rows, cols]: 2 threads (>= 2 * 65536 elements), one thread, odd sizes.
const SHAPES: Array<[number, number]> = [[600, 256], [37, 11], [5, 128]];
const data = SHAPES.map(([rows, cols]) => ({ x: values(rows * cols), gain: values(cols, 1.5), bias: values(cols), dy: values(rows * cols) }));
const RATES = [0, 0.1, 0.19];
// Attention: [B, heads, T, T] scores with T = cols, B * heads * T rows in all.
const attention = SHAPES.map(([rows, cols]) => {
  const [batch, heads, keys] = [Math.max(1, Math.floor(rows / (2 * cols))) * 2, 2, cols];
  const size = batch * heads * keys * keys;
  // Per example a different number of padded keys (bias -1e9, as model.ts): 0, 1, 2, 0, ...
  const padding = Float32Array.from({ length: batch * keys }, (_, k) => (k % keys >= keys - (Math.floor(k / keys) % 3) ? -1e9 : 0));
  return { shape: [batch, heads, keys, keys] as [number, number, number, number], scores: values(size, 4), dy: values(size), padding };
});

/** Outputs and gradients (w.r.t. x, gain/bias) of GELU, LayerNorm and dropout, as flat arrays. */
function results(): number[][] {
  return tf.tidy(() => {
    const out: tf.Tensor[] = [];
    SHAPES.forEach(([rows, cols], i) => {
      const x = tf.tensor2d(data[i].x, [rows, cols]);
      const gain = tf.tensor1d(data[i].gain);
      const bias = tf.tensor1d(data[i].bias);
      const dy = tf.tensor2d(data[i].dy, [rows, cols]);
      // The weighted sum makes every output element's gradient different (dy), not all ones.
      const weighted = (f: (...t: tf.Tensor[]) => tf.Tensor) => (...t: tf.Tensor[]) => tf.sum(tf.mul(f(...t), dy));
      out.push(biasGelu(x, bias), ...tf.grads(weighted((p, q) => biasGelu(p as tf.Tensor2D, q as tf.Tensor1D)))([x, bias]));
      out.push(biasErfGelu(x, bias), ...tf.grads(weighted((p, q) => biasErfGelu(p as tf.Tensor2D, q as tf.Tensor1D)))([x, bias]));
      out.push(layerNorm(x, gain, bias, 1e-5));
      // BERT's eps (pretrained encoders take it from the config).
      out.push(...tf.grads(weighted((p, g, b) => layerNorm(p as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-12)))([x, gain, bias]));
      out.push(...tf.grads(weighted((p, g, b) => layerNorm(p as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5)))([x, gain, bias]));
      const a = attention[i];
      const scores = tf.tensor4d(a.scores, a.shape);
      const mask = tf.tensor4d(a.padding, [a.shape[0], 1, 1, a.shape[3]]);
      const dyScores = tf.tensor4d(a.dy, a.shape);
      out.push(maskedSoftmax(scores, mask));
      out.push(tf.grad((p: tf.Tensor) => tf.sum(tf.mul(maskedSoftmax(p as tf.Tensor4D, mask), dyScores)))(scores));
      if (rows % RATES.length === 0) {
        out.push(nestedDropout(x, RATES, 77), tf.grad(weighted((p) => nestedDropout(p, RATES, 77)))(x));
      }
    });
    return out.map((t) => Array.from(t.dataSync()));
  });
}

function expectClose(actual: number[][], expected: number[][], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i].length);
    const worst = row.reduce((most, v, j) => Math.max(most, Math.abs(v - expected[i][j]) / Math.max(1, Math.abs(expected[i][j]))), 0);
    expect(worst, `result ${i}`).toBeLessThan(tolerance);
  });
}

const addon = loadOpenBlas();

describe.skipIf(addon === null)(`fused native kernels (wasm+openblas)${acceleratorSkipNote(addon)}`, () => {
  const threads = addon?.threads() ?? 1;
  afterAll(async () => {
    addon?.setThreads(threads);
    setFusedKernels(true);
    await selectBackend('cpu');
  });

  it('match the pure-JS cpu backend to 1e-4, forward and gradients, on 1 and 2 threads', async () => {
    await selectBackend('cpu');
    const expected = results();
    expect(await selectBackend('wasm+openblas')).toBe('wasm+openblas');
    expect(fusedKernelsActive()).toBe(true);
    for (const count of [1, 2]) {
      addon?.setThreads(count);
      expectClose(results(), expected, 1e-4);
    }
  });

  it('draw bit-identical nested dropout masks and outputs to the tf-ops path', async () => {
    expect(await selectBackend('wasm+openblas')).toBe('wasm+openblas');
    const x = tf.tensor2d(values(3 * 70000), [3, 70000]);
    const dy = tf.tensor2d(values(3 * 70000), [3, 70000]);
    const run = () => tf.tidy(() => {
      const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(nestedDropout(p, RATES, 5), dy)))(x);
      return [Array.from(nestedDropout(x, RATES, 5).dataSync()), Array.from(grad.dataSync())];
    });
    addon?.setThreads(2);
    const fused = run();
    setFusedKernels(false);
    const ops = run();
    setFusedKernels(true);
    expect(fused[0]).toEqual(ops[0]);
    expect(fused[1]).toEqual(ops[1]);
    // Nested: every unit copy 1 drops is dropped by copy 2 as well.
    const copySize = 70000;
    const input = x.dataSync();
    let violations = 0;
    for (let i = 0; i < copySize; i++) {
      if (fused[0][copySize + i] === 0 && input[copySize + i] !== 0 && fused[0][2 * copySize + i] !== 0) violations++;
    }
    expect(violations).toBe(0);
    x.dispose();
    dy.dispose();
  });

  it('compute the exact GELU with erf within 1e-7 (float32), forward and derivative', async () => {
    expect(await selectBackend('wasm+openblas')).toBe('wasm+openblas');
    // erf by its Taylor series in double: below 1e-12 off for |z| <= 4.3 (|x| <= 6).
    const erf = (z: number) => {
      let term = z;
      let sum = z;
      for (let n = 1; n < 200 && Math.abs(term) > 1e-17; n++) {
        term *= (-z * z) / n;
        sum += term / (2 * n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    const xs = Float32Array.from({ length: 2 * 12001 }, (_, i) => (i % 12001) / 1000 - 6);
    const [out, grad] = tf.tidy(() => {
      const x = tf.tensor2d(xs, [2, 12001]);
      const zero = tf.zeros([12001]) as tf.Tensor1D;
      return [biasErfGelu(x, zero).dataSync(), tf.grad((p: tf.Tensor) => tf.sum(biasErfGelu(p as tf.Tensor2D, zero)))(x).dataSync()];
    });
    let worstCdf = 0;
    let worstGrad = 0;
    xs.forEach((x, i) => {
      const cdf = 0.5 * (1 + erf(x / Math.SQRT2));
      // Phi = out / x; the erf error is twice Phi's, less the output's own float32 rounding (half an
      // ulp of out, which no erf can avoid). Near 0 that rounding dominates: skipped.
      const halfUlp = out[i] === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(out[i]))) - 24);
      if (Math.abs(x) > 0.5) worstCdf = Math.max(worstCdf, (2 * Math.max(0, Math.abs(out[i] - x * cdf) - halfUlp)) / Math.abs(x));
      const exact = cdf + (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);
      worstGrad = Math.max(worstGrad, Math.abs(grad[i] - exact));
    });
    expect(worstCdf).toBeLessThan(1e-7);
    expect(worstGrad).toBeLessThan(1e-6);
  });
});
