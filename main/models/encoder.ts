// The one transformer encoder every model runs: the built-in model trained from scratch
// (builtin-classifier.ts) and every pretrained family (pretrained-classifier.ts, families/).
// Post-LayerNorm blocks (self-attention, then the feed-forward network, each added back to its
// input and normalised), raw tf ops so that every dropout site is ours: each is a nested CmpDrop
// site (nested-dropout.ts). The model copies (full model + ablated ones) are stacked on the batch
// axis and run as ONE batched pass; they share weights and differ only in their dropout masks.
// A model supplies its embeddings (before their dropout site) and its head; the encoder does the rest.
import * as tf from '@tensorflow/tfjs';
import { biasErfGelu, biasGelu, layerNorm, maskedSoftmax } from '../kernels/fused-kernels';
import type { DropoutSites } from './nested-dropout';

// Added to attention scores at padded keys; softmax turns them into exact zeros (HF adds or fills
// in the dtype's minimum, which gives the same probabilities).
const MASKED_SCORE = -1e9;

export interface LinearWeights {
  weight: tf.Tensor;
  bias: tf.Tensor;
}

export interface NormWeights {
  gain: tf.Tensor;
  bias: tf.Tensor;
}

/** One encoder block's tensors. */
export interface BlockWeights {
  // Separate query/key/value projections: a fused [dim, 3 * dim] one would need a split along
  // the feature axis, a strided copy that costs more than the two extra matMuls on wasm.
  query: LinearWeights;
  key: LinearWeights;
  value: LinearWeights;
  attentionOutput: LinearWeights;
  attentionNorm: NormWeights;
  ffnIn: LinearWeights;
  ffnOut: LinearWeights;
  outputNorm: NormWeights;
}

/**
 * Model probability of each dropout site of a block (DropoutSites.apply): undefined runs the
 * site at the engine's rates as they are (the built-in model's sites are all at the run's p).
 */
export interface BlockDropout {
  attention?: number;
  attentionOutput?: number;
  ffnOutput?: number;
  /** False where the original has no dropout between the attention output and the residual (DistilBERT). */
  attentionOutputSite: boolean;
}

export interface EncoderSettings {
  hiddenSize: number;
  heads: number;
  layerNormEps: number;
  /** Linear weights in PyTorch's [out, in] layout (checkpoints; loading never transposes) rather than [in, out]. */
  weightsOutIn: boolean;
  /**
   * 'gelu': exact x * Phi(x), as the pretrained originals have it. 'quick-gelu': x * sigmoid(1.702 x)
   * (Hendrycks & Gimpel's approximation, GPT-2/CLIP "quick GELU"), the built-in model's: tfjs has
   * no GELU op and the erf form costs ~5x more on wasm. Both are fused with the bias add, natively
   * on wasm+openblas (fused-kernels.ts).
   */
  activation: 'gelu' | 'quick-gelu';
  dropout: BlockDropout;
}

/** Puts `copies` copies of a tensor on the batch axis (identity for inputs already stacked). */
export type CopyStacker = <T extends tf.Tensor>(t: T) => T;

export const alreadyStacked: CopyStacker = (t) => t;

/**
 * `copies` copies of x stacked on axis 0 (concat, not tile: wasm's Tile kernel is ~100x slower
 * for this). The gradient sums the copies' gradients as ONE sum over a leading axis (a native
 * column sum on wasm+openblas) instead of concat's split into `copies` tensors and their adds,
 * which a profile showed at ~2% of a BERT-tiny comparative step.
 */
function repeatRows(x: tf.Tensor, copies: number): tf.Tensor {
  const repeat = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.concat(new Array<tf.Tensor>(copies).fill(input), 0),
    gradFunc: (dy: tf.Tensor) => tf.reshape(tf.sum(tf.reshape(dy, [copies, input.size]), 0), input.shape),
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as (input: tf.Tensor) => tf.Tensor;
  return repeat(x);
}

/**
 * How `logits` stacks one input for every copy. 'summed-gradient': repeatRows above (the built-in
 * model). 'concat': a plain concat, whose gradient adds the copies one by one; the pretrained
 * classifier keeps it because the summed form rounds differently on the cpu backend, and its
 * runs' numbers must not move (unifying the two is a deliberate numerics change for later).
 */
export type CopyStacking = 'summed-gradient' | 'concat';

/** The stacker of `logits`: one input shared by every copy. */
export function repeatedCopies(copies: number, stacking: CopyStacking): CopyStacker {
  if (copies === 1) return alreadyStacked;
  if (stacking === 'concat') return <T extends tf.Tensor>(t: T): T => tf.concat(new Array<T>(copies).fill(t), 0) as T;
  return <T extends tf.Tensor>(t: T): T => repeatRows(t, copies) as T;
}


/** x [N, in] times the weight, plus bias. */
export function linear(x: tf.Tensor, weights: LinearWeights, outIn: boolean): tf.Tensor2D {
  return tf.add(tf.matMul(x as tf.Tensor2D, weights.weight as tf.Tensor2D, false, outIn), weights.bias);
}

/** One native pass each way on wasm+openblas (fused-kernels.ts), the same tf ops elsewhere. */
export function normalise(x: tf.Tensor, weights: NormWeights, eps: number): tf.Tensor2D {
  return layerNorm(x as tf.Tensor2D, weights.gain as tf.Tensor1D, weights.bias as tf.Tensor1D, eps);
}

/**
 * Per-token outputs of a `*ForQuestionAnswering`-style head: hidden [rows * T, hidden] through a
 * linear layer to [rows * T, outputs], laid out as [rows, outputs * T], output channel major (all
 * start logits of a row, then all its end logits), the layout main/tasks/question-answering.ts reads.
 */
export function tokenOutputs(hidden: tf.Tensor2D, rows: number, length: number, head: LinearWeights, outIn: boolean): tf.Tensor2D {
  const perToken = linear(hidden, head, outIn);
  const outputs = perToken.shape[1];
  return tf.reshape(tf.transpose(tf.reshape(perToken, [rows, length, outputs]), [0, 2, 1]), [rows, outputs * length]);
}

export interface EncodedCopies {
  /** Final hidden states [copies * B * T, hidden]. */
  hidden: tf.Tensor2D;
  /** The attention mask of every copy [copies * B, T] (1 = token). */
  copyMask: tf.Tensor2D;
}

export class TransformerEncoder {
  private readonly headDim: number;

  constructor(
    readonly settings: EncoderSettings,
    readonly blocks: readonly BlockWeights[],
  ) {
    const { hiddenSize, heads } = settings;
    if (hiddenSize % heads !== 0) throw new Error(`model dim ${hiddenSize} must be divisible by heads ${heads}`);
    this.headDim = hiddenSize / heads;
  }

  /**
   * `embedded`: one copy's embeddings [B * T, width], before their dropout site (probability
   * `embeddingsDropout`, see DropoutSites); mask [B, T] (or already stacked, with `stack` the
   * identity). Copies share the lookup and diverge from that first site on. `project` maps the
   * embeddings to the hidden width after their dropout (ELECTRA's embeddings_project).
   */
  encode(
    embedded: tf.Tensor2D,
    mask: tf.Tensor2D,
    sites: DropoutSites,
    stack: CopyStacker,
    embeddingsDropout?: number,
    project?: (x: tf.Tensor2D) => tf.Tensor2D,
  ): EncodedCopies {
    const length = mask.shape[1];
    let hidden = sites.apply(stack(embedded), embeddingsDropout) as tf.Tensor2D;
    if (project) hidden = project(hidden);
    const copyMask = stack(mask);
    const rows = copyMask.shape[0];
    const scoreBias = tf.reshape(tf.mul(tf.sub(1, copyMask), MASKED_SCORE), [rows, 1, 1, length]);
    for (const block of this.blocks) hidden = this.block(block, hidden, scoreBias, rows, length, sites);
    return { hidden, copyMask };
  }

  private block(block: BlockWeights, hidden: tf.Tensor2D, scoreBias: tf.Tensor, rows: number, length: number, sites: DropoutSites): tf.Tensor2D {
    const { hiddenSize: dim, heads, layerNormEps: eps, weightsOutIn: outIn, dropout } = this.settings;
    const headDim = this.headDim;
    const toHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [rows, length, heads, headDim]), [0, 2, 1, 3]);
    // Scaling the queries equals scaling the scores (as HF does), on a smaller tensor.
    const query = toHeads(tf.mul(linear(hidden, block.query, outIn), 1 / Math.sqrt(headDim)));
    const key = toHeads(linear(hidden, block.key, outIn));
    const value = toHeads(linear(hidden, block.value, outIn));
    // softmax(scores + bias) as one native pass on wasm+openblas, else exactly those two tf ops.
    const probabilities = sites.apply(maskedSoftmax(tf.matMul(query, key, false, true) as tf.Tensor4D, scoreBias as tf.Tensor4D), dropout.attention);
    const context = tf.reshape(tf.transpose(tf.matMul(probabilities, value), [0, 2, 1, 3]), [rows * length, dim]);
    const projected = linear(context, block.attentionOutput, outIn);
    const attended = dropout.attentionOutputSite ? sites.apply(projected, dropout.attentionOutput) : projected;
    const afterAttention = normalise(tf.add(hidden, attended), block.attentionNorm, eps);
    // The bias add goes into the (native, on wasm+openblas) GELU pass: one tensor pass fewer.
    const activate = this.settings.activation === 'gelu' ? biasErfGelu : biasGelu;
    const expanded = activate(tf.matMul(afterAttention, block.ffnIn.weight as tf.Tensor2D, false, outIn), block.ffnIn.bias as tf.Tensor1D);
    const ffnOut = sites.apply(linear(expanded, block.ffnOut, outIn), dropout.ffnOutput);
    return normalise(tf.add(afterAttention, ffnOut), block.outputNorm, eps);
  }
}
