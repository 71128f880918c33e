// Estimated training FLOPs of one optimizer step of the transformer encoder (main/models/encoder.ts),
// counting the work the trainer really runs, so the two arms can be compared at equal compute.
//
// What runs (main/training/training-step.ts, copySpecs and copyLossRows; docs/method.md#copies):
// a step is `gradAccumulation` micro-batches of `batchSize` examples. Per micro-batch the baseline
// runs one copy of the model on the full inputs. The comparative arm runs 1 + crops + C copies: the
// full model on the full inputs, crop copy c on the crop-c inputs, and drop copy k (dropout
// 1-(1-p)^k) on the inputs of crop level min(k, crops), since crops and drops alternate. The copies
// of one crop level are padded to that level's longest input in the micro-batch (a cropped copy is
// shorter, a drop-only copy is full length), and padded positions go through every matmul, so they
// cost as much as real tokens.
//
// Formula (1 multiply-add = 2 FLOPs; biases, LayerNorm, GELU, softmax and dropout masks are
// elementwise and left out, they are O(L*d) against the O(L*d^2) matmuls):
//   per encoder layer, for a padded length L, model width d, FFN width f:
//     Q, K, V and output projections   4 * L * d * d   multiply-adds
//     attention scores Q.K^T            L * L * d       (all heads together: heads * L * L * d/heads)
//     attention-weighted values A.V     L * L * d
//     feed-forward in and out           2 * L * d * f
//   classifier head after pooling       d * numClasses
//   forward(L)  = 2 * (layers * (4*L*d^2 + 2*L^2*d + 2*L*d*f) + d*numClasses)
//   training(L) = 3 * forward(L)  (the usual estimate: the backward pass costs about twice the forward)
//   per step    = gradAccumulation * batchSize * sum over crop levels c of copies_c * E[training(Lmax_c)]
//   copies_c    = copies run at crop level c (copiesPerCropLevel): baseline [1]; comparative
//                 without crops [1 + C]; with K crops, level 0 holds the full model, level c = 1..K
//                 crop copy c plus drop copy c when c <= C, and level K also drop copies K+1..C
//   Lmax_c      = longest crop-c input of a micro-batch: the maximum of batchSize lengths drawn at
//                 random from the training split. Over a sample of lengths sorted l_1 <= .. <= l_n,
//                 P(Lmax_c = l_i) = (i/n)^B - ((i-1)/n)^B (draws with replacement: close to a
//                 shuffled epoch's draws without replacement when n >> B).
// Left out: the last, shorter micro-batch of an epoch (counted as a full one), and the wordpieces a
// pretrained tokenizer adds (the caller's lengths decide).
import type { ModelConfig } from './schemas';

type EncoderShape = Pick<ModelConfig, 'dim' | 'layers' | 'ffnDim'>;

/** Forward FLOPs of one sequence of `tokens` positions (real or padded). */
export function forwardFlops(model: EncoderShape, tokens: number, numClasses: number): number {
  const { dim: d, layers, ffnDim: f } = model;
  const L = tokens;
  const perLayerMacs = 4 * L * d * d + 2 * L * L * d + 2 * L * d * f;
  return 2 * (layers * perLayerMacs + d * numClasses);
}

/** Forward + backward FLOPs of one sequence. */
export function trainingFlops(model: EncoderShape, tokens: number, numClasses: number): number {
  return 3 * forwardFlops(model, tokens, numClasses);
}

/**
 * copies[c]: model copies one micro-batch runs at crop level c (0 = the full input), in the order
 * main/training/training-step.ts's copySpecs lays them out; they sum to 1 + crops + ablations.
 */
export function copiesPerCropLevel(loss: 'baseline' | 'comparative', ablations: number, crops: number): number[] {
  if (loss !== 'comparative') return [1];
  // The full model at level 0 and one crop copy at each level 1..crops ...
  const copies = Array.from({ length: crops + 1 }, () => 1);
  // ... and drop copy k on top of crop min(k, crops) (alternation; without crops all at level 0).
  for (let k = 1; k <= ablations; k++) copies[Math.min(k, crops)]++;
  return copies;
}

/**
 * E[cost(longest of `batch` lengths drawn at random, with replacement, from `lengths`)]: the
 * expected cost of a batch padded to its longest member, per example.
 */
export function expectedAtLongest(lengths: readonly number[], batch: number, cost: (length: number) => number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  const n = sorted.length;
  let expected = 0;
  let atMostPrevious = 0;
  for (let i = 1; i <= n; i++) {
    const atMost = (i / n) ** batch; // P(every draw is one of the i shortest)
    expected += cost(sorted[i - 1]) * (atMost - atMostPrevious);
    atMostPrevious = atMost;
  }
  return expected;
}

export interface StepFlopsInput {
  model: EncoderShape;
  numClasses: number;
  /**
   * lengthsByCrop[c]: token counts of a sample of training inputs at crop level c (0 = the full
   * input), already capped at maxLength; one list per level `copies` uses.
   */
  lengthsByCrop: ReadonlyArray<readonly number[]>;
  /** Examples per micro-batch (one padded forward per crop level). */
  batchSize: number;
  /** Micro-batches per optimizer step (gradient accumulation). */
  microBatches: number;
  /** Copies per crop level (copiesPerCropLevel). */
  copies: readonly number[];
}

/** Expected training FLOPs of one optimizer step (the formula at the top of this file). */
export function flopsPerStep(input: StepFlopsInput): number {
  const { model, numClasses, lengthsByCrop, batchSize, microBatches, copies } = input;
  if (lengthsByCrop.every((lengths) => lengths.length === 0)) return 0;
  if (copies.length > lengthsByCrop.length) throw new Error(`copies at ${copies.length} crop levels need lengths for each, got ${lengthsByCrop.length}`);
  const perExample = copies.reduce(
    (sum, count, level) => sum + count * expectedAtLongest(lengthsByCrop[level], batchSize, (L) => trainingFlops(model, L, numClasses)),
    0,
  );
  return microBatches * batchSize * perExample;
}

/** The table rows that count FLOPs (main/services/comparison-metrics.ts). */
export const isFlopsMetric = (metric: string): boolean => /(^|_)flops(_|$)/.test(metric);

const FLOP_PREFIXES: Array<[number, string]> = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** 1.2e12 -> "1.2 T": FLOP counts are unreadable as plain digits (the app, the CLI and the report alike). */
export function formatFlops(value: number): string {
  const [scale, prefix] = FLOP_PREFIXES.find(([s]) => Math.abs(value) >= s) ?? [1, ''];
  return `${Number((value / scale).toPrecision(3))} ${prefix}`.trim();
}
