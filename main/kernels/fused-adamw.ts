// AdamW's update as ONE pass over each parameter's memory, in place, on the wasm backend. The
// tf-ops form (optimizer.ts) runs about a dozen elementwise kernels per variable, each a full
// read and write; for a 30522 x 128 embedding table that is ~100 ms of a ~1 s BERT-tiny step on
// this machine, against ~15 ms here. In place is only safe when nothing else holds the buffers:
// the backend's reference counts are checked, and anything shared takes the tf-ops path.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './kernel-types';

export interface AdamWStepConstants {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t. */
  correction1: number;
  correction2: number;
  /** lr * weight decay for decayed variables, else 0. */
  decayRate: number;
}

interface RefCounting {
  refCount(dataId: object): number;
}

/**
 * p -= lr * (m / c1) / (sqrt(v / c2) + eps) + decayRate * p with m, v updated from g first, exactly
 * as AdamW.apply's tf ops compute it. Returns false (nothing written) where it cannot run in place.
 */
export function adamWInPlace(variable: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, k: AdamWStepConstants): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  const backend = tf.backend() as unknown as WasmBackend & RefCounting;
  const tensors = [variable, m, v, g];
  if (tensors.some((t) => t.dtype !== 'float32' || t.size !== variable.size)) return false;
  // The gradient may be shared (read only); the three written buffers must be ours alone.
  if ([variable, m, v].some((t) => backend.refCount(t.dataId) !== 1)) return false;
  const [p, first, second, grad] = tensors.map((t) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo) as Float32Array);
  adamWLoop(p, first, second, grad, k);
  return true;
}

/** The update loop, on its own so V8 optimises it for Float32Array alone. */
function adamWLoop(p: Float32Array, first: Float32Array, second: Float32Array, grad: Float32Array, k: AdamWStepConstants): void {
  const { lr, beta1, beta2, epsilon, decayRate } = k;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  // Divisions hoisted: m / c1 * lr and sqrt(v / c2) = sqrt(v) / sqrt(c2).
  const stepScale = lr / k.correction1;
  const rootCorrection2 = Math.sqrt(k.correction2);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = grad[i];
    const mi = first[i] * beta1 + gi * keep1;
    const vi = second[i] * beta2 + gi * gi * keep2;
    first[i] = mi;
    second[i] = vi;
    const pi = p[i];
    p[i] = pi - (stepScale * mi) / (Math.sqrt(vi) / rootCorrection2 + epsilon) - pi * decayRate;
  }
}
