// AdamW (Loshchilov & Hutter: decoupled weight decay, as torch.optim.AdamW) with global-norm
// clipping. Written here rather than using tf.train.adam because tfjs has no AdamW, and because
// checkpoints need the moments and step count as plain arrays (resume must continue identically).
import * as tf from '@tensorflow/tfjs';
import { adamWInPlace } from '../kernels/fused-adamw';

export interface AdamWOptions {
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** One in-place pass per variable where the backend allows it (fused-adamw.ts); default true. */
  fused?: boolean;
}

export interface AdamWState {
  step: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

/**
 * Whether a variable is decayed. Biases and LayerNorm gains/biases are the only rank-1 variables
 * of our models (weights and embedding tables are matrices), and BERT-style recipes exempt them.
 */
export function decays(variable: tf.Variable): boolean {
  return variable.rank >= 2;
}

function zeroVariable(like: tf.Variable): tf.Variable {
  const zeros = tf.zerosLike(like);
  const variable = tf.variable(zeros, false);
  zeros.dispose(); // the variable holds its own reference to the data
  return variable;
}

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  step = 0;

  constructor(
    private readonly variables: tf.Variable[],
    private readonly options: AdamWOptions,
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.m = variables.map((v) => zeroVariable(v));
    this.v = variables.map((v) => zeroVariable(v));
  }

  /** One update with `lr`: p -= lr * wd * p (decoupled), then the bias-corrected Adam step. */
  apply(grads: readonly tf.Tensor[], lr: number): void {
    this.step++;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        const g = grads[i];
        const decayRate = this.options.weightDecay > 0 && decays(variable) ? lr * this.options.weightDecay : 0;
        const constants = { lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, correction1, correction2, decayRate };
        if (this.options.fused !== false && adamWInPlace(variable, this.m[i], this.v[i], g, constants)) return;
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon));
        let next = tf.sub(variable, tf.mul(update, lr));
        if (this.options.weightDecay > 0 && decays(variable)) next = tf.sub(next, tf.mul(variable, lr * this.options.weightDecay));
        variable.assign(next);
      });
    });
  }

  getState(): AdamWState {
    return {
      step: this.step,
      firstMoments: this.m.map((t) => t.dataSync() as Float32Array).map((a) => new Float32Array(a)),
      secondMoments: this.v.map((t) => t.dataSync() as Float32Array).map((a) => new Float32Array(a)),
    };
  }

  setState(state: AdamWState): void {
    this.step = state.step;
    tf.tidy(() => {
      this.m.forEach((t, i) => t.assign(tf.tensor(state.firstMoments[i], t.shape)));
      this.v.forEach((t, i) => t.assign(tf.tensor(state.secondMoments[i], t.shape)));
    });
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}

/** sqrt of the sum of squares of every gradient entry (computed before any clipping). */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  const total = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))));
  const value = total.dataSync()[0];
  total.dispose();
  return value;
}

/** Scales every gradient by clip / norm when norm > clip (clip 0 = off). Returns new tensors. */
export function clipGradients(grads: readonly tf.Tensor[], norm: number, clip: number): tf.Tensor[] {
  const scale = clip > 0 && norm > clip ? clip / norm : 1;
  return grads.map((g) => tf.mul(g, scale));
}
