// Estimated training FLOPs of the built-in transformer (main/training/model.ts), so the two arms
// can be compared at equal compute: the comparative arm runs 1 + C copies per step, the baseline one.
//
// Formula (1 multiply-add = 2 FLOPs; biases, LayerNorm, GELU, softmax and dropout masks are
// elementwise and left out, they are O(L*d) against the O(L*d^2) matmuls):
//   per encoder layer, for a sequence of L real tokens, model width d, FFN width f:
//     Q, K, V and output projections   4 * L * d * d   multiply-adds
//     attention scores Q.K^T            L * L * d       (all heads together: heads * L * L * d/heads)
//     attention-weighted values A.V     L * L * d
//     feed-forward in and out           2 * L * d * f
//   classifier head after pooling       d * numClasses
//   forward(L) = 2 * (layers * (4*L*d^2 + 2*L^2*d + 2*L*d*f) + d*numClasses)
//   training   = 3 * forward  (the usual estimate: the backward pass costs about twice the forward)
//   per step   = copies * sum over the step's examples of training(L_i), copies = 1 (+ C comparative)
// L is each example's real token count (capped at maxLength); padding positions are not counted,
// so this is the work the model needs, not what a padded batch happens to spend.
import type { ModelConfig } from './schemas';

/** Forward FLOPs of one sequence of `tokens` real tokens. */
export function forwardFlops(model: Pick<ModelConfig, 'dim' | 'layers' | 'ffnDim'>, tokens: number, numClasses: number): number {
  const { dim: d, layers, ffnDim: f } = model;
  const L = tokens;
  const perLayerMacs = 4 * L * d * d + 2 * L * L * d + 2 * L * d * f;
  return 2 * (layers * perLayerMacs + d * numClasses);
}

/** Forward + backward FLOPs of one sequence. */
export function trainingFlops(model: Pick<ModelConfig, 'dim' | 'layers' | 'ffnDim'>, tokens: number, numClasses: number): number {
  return 3 * forwardFlops(model, tokens, numClasses);
}

export interface StepFlopsInput {
  model: Pick<ModelConfig, 'dim' | 'layers' | 'ffnDim'>;
  numClasses: number;
  /** Real token counts of the training examples (already capped at maxLength). */
  lengths: readonly number[];
  /** Examples per optimizer step (batch size x gradient accumulation). */
  examplesPerStep: number;
  /** Model copies per step: 1 for the baseline, 1 + C for the comparative loss. */
  copies: number;
}

/**
 * Expected training FLOPs of one optimizer step: examples are drawn from the training split, so
 * the expected cost per example is the mean of trainingFlops over the split's lengths.
 */
export function flopsPerStep(input: StepFlopsInput): number {
  const { model, numClasses, lengths, examplesPerStep, copies } = input;
  if (lengths.length === 0) return 0;
  let total = 0;
  for (const L of lengths) total += trainingFlops(model, L, numClasses);
  return copies * examplesPerStep * (total / lengths.length);
}

/** Copies one step runs for an arm: the comparative loss adds C ablated copies. */
export function copiesPerStep(loss: 'baseline' | 'comparative', ablations: number): number {
  return loss === 'comparative' ? 1 + ablations : 1;
}
