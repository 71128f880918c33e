// Dropout over model copies stacked on the batch axis, with NESTED masks (CmpDrop, see
// shared/docs/comparative-loss.md): one uniform tensor u per dropout site per step, shaped like
// ONE copy's activation, reused by every copy k (keep where u >= rate_k). Since rates grow with k,
// every unit dropped by copy k is also dropped by copy k + 1. All copies then run as one batched
// forward: a few large ops, which is what the wasm backend is fast at.
import * as tf from '@tensorflow/tfjs';
import { mixSeed, mulberry32 } from './random';

/** Seed shared by every dropout site of one training step: reproducible per (run seed, step). */
export function dropoutStepSeed(runSeed: number, step: number): number {
  return mixSeed(runSeed, step, 0x0d2);
}

/** Seed of the uniform draw u at one dropout site (numbered in forward order) within a step. */
export function dropoutSiteSeed(stepSeed: number, site: number): number {
  return mixSeed(stepSeed, site);
}

/**
 * Multiplicative mask for `rates.length` copies of an activation whose per-copy shape is
 * `copyShape`: values 0 (dropped) or 1 / (1 - rate_k) (kept), copies laid out one after another
 * (matching [n * B, ...] stacking). Built in one JS pass so the backend sees a single upload.
 */
export function nestedDropoutMask(copyShape: number[], rates: number[], seed: number): Float32Array {
  for (const rate of rates) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  }
  const size = copyShape.reduce((a, b) => a * b, 1);
  const uniform = new Float32Array(size);
  const next = mulberry32(seed);
  for (let i = 0; i < size; i++) uniform[i] = next();
  const mask = new Float32Array(size * rates.length);
  rates.forEach((rate, copy) => {
    const scale = 1 / (1 - rate);
    const offset = copy * size;
    for (let i = 0; i < size; i++) mask[offset + i] = uniform[i] >= rate ? scale : 0;
  });
  return mask;
}

/**
 * Applies nested dropout to x: [rates.length * B, ...] (copy k occupies rows k*B .. (k+1)*B - 1).
 * Copies at rate 0 are left untouched (their mask is exactly 1), and if every rate is 0 x is
 * returned as is, so the full model / evaluation path pays nothing.
 */
export function nestedDropout(x: tf.Tensor, rates: number[], seed: number): tf.Tensor {
  if (rates.every((rate) => rate === 0)) return x;
  const copies = rates.length;
  if (x.shape[0] % copies !== 0) {
    throw new Error(`leading dimension ${x.shape[0]} is not a multiple of ${copies} copies`);
  }
  const copyShape = [x.shape[0] / copies, ...x.shape.slice(1)];
  const mask = tf.tensor(nestedDropoutMask(copyShape, rates, seed), x.shape, 'float32');
  const out = tf.mul(x, mask);
  mask.dispose();
  return out;
}

/**
 * Hands out one seed per dropout site, in call order, for one forward pass. The model calls
 * `apply` at each site; the same step seed gives the same masks.
 */
export class DropoutSites {
  private site = 0;

  constructor(
    readonly rates: number[],
    private readonly stepSeed: number,
  ) {}

  get active(): boolean {
    return this.rates.some((rate) => rate > 0);
  }

  apply(x: tf.Tensor): tf.Tensor {
    const seed = dropoutSiteSeed(this.stepSeed, this.site++);
    return nestedDropout(x, this.rates, seed);
  }
}
