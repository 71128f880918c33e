// Dropout over model copies stacked on the batch axis, with NESTED masks (CmpDrop, see
// docs/method.md#copies): one uniform tensor u per dropout site per step, shaped like
// ONE copy's activation, reused by every copy k (keep where u >= rate_k, scale by 1/(1-rate_k)).
// Since rates grow with k, every unit dropped by copy k is also dropped by copy k + 1. All copies
// then run as one batched forward: a few large ops, which is what the wasm backend is fast at.
import * as tf from '@tensorflow/tfjs';
import { mixSeed, uniformArray } from '../../shared/random';
import { fusedNestedDropout } from '../kernels/fused-kernels';

/** Seed shared by every dropout site of one training step: reproducible per (run seed, step). */
export function dropoutStepSeed(runSeed: number, step: number): number {
  return mixSeed(runSeed, step, 0x0d2);
}

/** Seed of the uniform draw u at one dropout site (numbered in forward order) within a step. */
export function dropoutSiteSeed(stepSeed: number, site: number): number {
  return mixSeed(stepSeed, site);
}

function checkRates(rates: readonly number[]): void {
  for (const rate of rates) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  }
}

/**
 * Multiplicative mask [rates.length, copySize]: row k holds 0 (dropped) or 1/(1 - rate_k) (kept)
 * for each unit of one copy. u is drawn in JS from `seed` (reproducible on every backend); the
 * comparison runs on the backend as floor(u + (1 - rate_k)), which is 1 exactly when
 * u >= rate_k (u < 1), in three broadcast ops over all copies at once. Float rounding of the sum
 * is monotone in rate_k, so the masks stay exactly nested.
 */
export function nestedDropoutMask(copySize: number, rates: readonly number[], seed: number): tf.Tensor2D {
  checkRates(rates);
  return tf.tidy(() => {
    const uniform = tf.tensor2d(uniformArray(copySize, seed), [1, copySize]);
    const keepShift = tf.tensor2d(rates.map((rate) => 1 - rate), [rates.length, 1]);
    const scale = tf.tensor2d(rates.map((rate) => 1 / (1 - rate)), [rates.length, 1]);
    return tf.mul(tf.floor(tf.add(uniform, keepShift)), scale) as tf.Tensor2D;
  });
}

/**
 * Applies nested dropout to x: [rates.length * B, ...] (copy k occupies rows k*B .. (k+1)*B - 1).
 * If every rate is 0, x is returned as is: the full model and evaluation pay nothing.
 */
export function nestedDropout(x: tf.Tensor, rates: readonly number[], seed: number): tf.Tensor {
  checkRates(rates);
  if (rates.every((rate) => rate === 0)) return x;
  const copies = rates.length;
  if (x.shape[0] % copies !== 0) {
    throw new Error(`leading dimension ${x.shape[0]} is not a multiple of ${copies} copies`);
  }
  const copySize = x.size / copies;
  return tf.tidy(() => {
    // wasm+openblas: one native pass, same float32 arithmetic, so the same masks and outputs.
    const fused = fusedNestedDropout(tf.reshape(x, [copies, copySize]), () => tf.tensor1d(uniformArray(copySize, seed)), rates);
    if (fused) return tf.reshape(fused, x.shape);
    const mask = nestedDropoutMask(copySize, rates, seed);
    return tf.reshape(tf.mul(tf.reshape(x, [copies, copySize]), mask), x.shape);
  });
}

/**
 * Rate of a site whose model probability is q when the engine asks for r = 1 - (1 - p)^k, p being
 * the run's dropout (`reference`): 1 - (1 - q)^k. So a pretrained model keeps its own probability
 * at every site (the paper uses the model's p), and p only fixes the ablation level k.
 */
export function siteRate(rate: number, siteProbability: number, reference: number): number {
  if (rate === 0 || siteProbability === 0) return 0;
  if (!(reference > 0 && reference < 1)) return rate;
  const k = Math.log1p(-rate) / Math.log1p(-reference);
  return Math.min(1 - 2 ** -24, -Math.expm1(k * Math.log1p(-siteProbability)));
}

/**
 * Hands out one seed per dropout site, in call order, for one forward pass. The model calls
 * `apply` at each site; the same step seed gives the same masks. A site given its own
 * probability runs at siteRate(rate, probability, reference); one without runs at the engine's
 * rates as they are (the built-in model, whose every site is at the run's p).
 */
export class DropoutSites {
  private site = 0;

  constructor(
    readonly rates: readonly number[],
    private readonly stepSeed: number,
    private readonly reference?: number,
  ) {}

  apply(x: tf.Tensor, probability?: number): tf.Tensor {
    const seed = dropoutSiteSeed(this.stepSeed, this.site++);
    if (probability === undefined || this.reference === undefined) return nestedDropout(x, this.rates, seed);
    const reference = this.reference;
    return nestedDropout(x, this.rates.map((rate) => siteRate(rate, probability, reference)), seed);
  }
}
