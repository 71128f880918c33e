// The cross-model comparative loss (Zhu et al., arXiv:2301.03765), exactly as stated in
// docs/method.md#objective: per example, the list [l0, l1..lC, b] must be ordered (less
// ablation => lower loss); every pair i < j that is out of order is penalised by a hinge.
import * as tf from '@tensorflow/tfjs';
import type { CmpTarget } from '../../shared/vocabulary';

export type { CmpTarget };

export interface ComparativeLossOptions {
  target: CmpTarget;
  /** T in max(0, (l_i - l_j) / T). */
  temperature: number;
}

/** p_k = 1 - (1 - p)^k for k = 1..C: the rate at which ablated copy k runs every dropout site. */
export function ablationRates(p: number, C: number): number[] {
  return Array.from({ length: C }, (_, i) => 1 - (1 - p) ** (i + 1));
}

/**
 * The dummy loss b, per example, as a [batch, 1] tensor. Runs inside `detachedDummy`'s forward
 * pass, so none of these ops (min, less, ...) is ever on the gradient tape.
 */
function dummyLoss(taskLosses: tf.Tensor2D, target: CmpTarget): tf.Tensor2D {
  const [batch, copies] = taskLosses.shape;
  if (target === 'ultra') return tf.zeros([batch, 1]);
  if (target === 'best') return tf.min(taskLosses, 1, true);
  // 'first': compare the full model with the best ablated copy.
  const full = tf.slice(taskLosses, [0, 0], [batch, 1]);
  const bestAblated = tf.min(tf.slice(taskLosses, [0, 1], [batch, copies - 1]), 1, true);
  // Arithmetic select (no tf.where): fullWins is 1 where l0 < min(l1..lC).
  const fullWins = tf.cast(tf.less(full, bestAblated), 'float32');
  const midpoint = tf.div(tf.add(full, bestAblated), 2);
  return tf.add(tf.mul(fullWins, midpoint), tf.mul(tf.sub(1, fullWins), bestAblated)) as tf.Tensor2D;
}

/**
 * b is a detached baseline: tfjs has no stopGradient, so we wrap its computation in a custom
 * gradient that returns zeros. Ops inside a customGrad forward are not recorded on the tape.
 */
function detachedDummy(taskLosses: tf.Tensor2D, target: CmpTarget): tf.Tensor2D {
  const detach = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor2D;
    return { value: dummyLoss(x, target), gradFunc: () => tf.zerosLike(x) };
  });
  return detach(taskLosses) as tf.Tensor2D;
}

/**
 * max(0, x) whose subgradient at x = 0 is 1 (like torch.clamp(min=0), the reference's choice), so
 * the exact ties that 'best'/'first' create on purpose still pass gradient. The mask is a cast,
 * not tf.where, because where-on-a-gradient-condition breaks on the wasm backend.
 */
const hinge = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const active = tf.cast(tf.greaterEqual(x, 0), 'float32');
  save([active]);
  return {
    value: tf.relu(x),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]),
  };
});

/** Constant [m, m] mask with 1 where i < j (the pairs that count). */
function upperPairsMask(m: number): tf.Tensor2D {
  const values = new Float32Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) values[i * m + j] = 1;
  return tf.tensor2d(values, [m, m]);
}

/**
 * taskLosses: [batch, 1 + C], column 0 the full model's per-example task loss, column k the
 * k-th ablated copy's. Returns the batch mean of
 *   Lcmp = (1/P) * sum_{i<j} max(0, (l_i - l_j) / T),  P = (C + 2)(C + 1) / 2,
 * over [l0..lC, b]. All pairs come from one broadcast l[:, :, None] - l[:, None, :] times a
 * constant triangular mask: a handful of large ops instead of P small ones.
 */
export function comparativeLoss(taskLosses: tf.Tensor2D, options: ComparativeLossOptions): tf.Scalar {
  if (!(options.temperature > 0)) throw new Error(`temperature must be > 0, got ${options.temperature}`);
  const copies = taskLosses.shape[1];
  if (copies < 1) throw new Error('taskLosses needs at least the full model column');
  return tf.tidy(() => {
    const listed = tf.concat([taskLosses, detachedDummy(taskLosses, options.target)], 1);
    const m = copies + 1; // C + 2 entries
    const pairs = m * (m - 1) / 2; // P
    const differences = tf.sub(tf.expandDims(listed, 2), tf.expandDims(listed, 1)); // [B, m, m]
    const hinged = hinge(tf.div(differences, options.temperature));
    const perExample = tf.sum(tf.mul(hinged, upperPairsMask(m)), [1, 2]);
    return tf.mean(tf.div(perExample, pairs)) as tf.Scalar;
  });
}
