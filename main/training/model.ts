// A small transformer encoder classifier written with raw tf variables and ops (not tf.layers),
// so that every dropout site is ours: each takes the per-copy rates and draws nested masks.
// All model copies (full model + ablated ones) are stacked on the batch axis and run as ONE
// batched forward pass; the copies share weights and differ only in their dropout masks.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/schemas';
import { DropoutSites } from './nested-dropout';
import { mixSeed, normalArray } from '../../shared/random';
import { biasGelu, layerNorm as fusedLayerNorm, maskedSoftmax } from './fused-kernels';

export interface ClassifierShape extends ModelConfig {
  /** Longest sequence the position embedding covers. */
  maxLength: number;
  numClasses: number;
}

interface EncoderBlock {
  // Separate query/key/value projections: a fused [dim, 3 * dim] one would need a split along
  // the feature axis, a strided copy that costs more than the two extra matMuls on wasm.
  queryWeight: tf.Variable;
  queryBias: tf.Variable;
  keyWeight: tf.Variable;
  keyBias: tf.Variable;
  valueWeight: tf.Variable;
  valueBias: tf.Variable;
  outWeight: tf.Variable;
  outBias: tf.Variable;
  attentionNormGain: tf.Variable;
  attentionNormBias: tf.Variable;
  ffnInWeight: tf.Variable;
  ffnInBias: tf.Variable;
  ffnOutWeight: tf.Variable;
  ffnOutBias: tf.Variable;
  ffnNormGain: tf.Variable;
  ffnNormBias: tf.Variable;
}

// Added to attention scores at padded key positions; softmax turns them into exact zeros.
const MASKED_SCORE = -1e9;
const LAYER_NORM_EPSILON = 1e-5;

function layerNorm(x: tf.Tensor2D, gain: tf.Variable, bias: tf.Variable): tf.Tensor2D {
  return fusedLayerNorm(x, gain as tf.Tensor1D, bias as tf.Tensor1D, LAYER_NORM_EPSILON);
}

function dense(x: tf.Tensor2D, weight: tf.Variable, bias: tf.Variable): tf.Tensor2D {
  return tf.add(tf.matMul(x, weight as tf.Tensor2D), bias);
}

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

export class TransformerClassifier {
  readonly variables: tf.Variable[] = [];
  private readonly tokenEmbedding: tf.Variable;
  private readonly positionEmbedding: tf.Variable;
  private readonly embeddingNormGain: tf.Variable;
  private readonly embeddingNormBias: tf.Variable;
  private readonly blocks: EncoderBlock[] = [];
  private readonly headWeight: tf.Variable;
  private readonly headBias: tf.Variable;
  private readonly headDim: number;
  private initCounter = 0;

  constructor(
    readonly shape: ClassifierShape,
    private readonly seed: number,
  ) {
    const { vocabSize, dim, layers, heads, ffnDim, maxLength, numClasses } = shape;
    if (dim % heads !== 0) throw new Error(`model dim ${dim} must be divisible by heads ${heads}`);
    this.headDim = dim / heads;
    // Embeddings are small (BERT's 0.02) because a LayerNorm follows; dense layers use Glorot
    // scale since this model trains from scratch, where 0.02 would start it nearly dead.
    this.tokenEmbedding = this.normal([vocabSize, dim], 0.02);
    this.positionEmbedding = this.normal([maxLength, dim], 0.02);
    this.embeddingNormGain = this.constant([dim], 1);
    this.embeddingNormBias = this.constant([dim], 0);
    for (let i = 0; i < layers; i++) {
      this.blocks.push({
        queryWeight: this.glorot(dim, dim),
        queryBias: this.constant([dim], 0),
        keyWeight: this.glorot(dim, dim),
        keyBias: this.constant([dim], 0),
        valueWeight: this.glorot(dim, dim),
        valueBias: this.constant([dim], 0),
        outWeight: this.glorot(dim, dim),
        outBias: this.constant([dim], 0),
        attentionNormGain: this.constant([dim], 1),
        attentionNormBias: this.constant([dim], 0),
        ffnInWeight: this.glorot(dim, ffnDim),
        ffnInBias: this.constant([ffnDim], 0),
        ffnOutWeight: this.glorot(ffnDim, dim),
        ffnOutBias: this.constant([dim], 0),
        ffnNormGain: this.constant([dim], 1),
        ffnNormBias: this.constant([dim], 0),
      });
    }
    this.headWeight = this.glorot(dim, numClasses);
    this.headBias = this.constant([numClasses], 0);
  }

  /**
   * ids: [B, T] int32 token ids, mask: [B, T] float (1 = token, 0 = padding). Returns logits
   * [rates.length * B, classes]: rows k*B .. (k+1)*B - 1 are copy k, run with every dropout site
   * at rates[k]. `stepSeed` fixes the dropout masks (see DropoutSites).
   */
  logits(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number): tf.Tensor2D {
    const copies = rates.length;
    // Copies share the embedding lookup and diverge from the first dropout site on.
    const stack = <T extends tf.Tensor>(t: T): T => (copies > 1 ? (repeatRows(t, copies) as T) : t);
    return tf.tidy(() => this.forward(ids, mask, rates, stepSeed, stack));
  }

  /**
   * Like `logits`, but each copy has its own input (CmpCrop): ids/mask [rates.length * B, T],
   * rows k*B .. (k+1)*B - 1 holding copy k's (cropped, padded) input.
   */
  stackedLogits(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number): tf.Tensor2D {
    if (ids.shape[0] % rates.length !== 0) throw new Error(`rows ${ids.shape[0]} not a multiple of ${rates.length} copies`);
    return tf.tidy(() => this.forward(ids, mask, rates, stepSeed, (t) => t));
  }

  private forward(
    ids: tf.Tensor2D,
    mask: tf.Tensor2D,
    rates: number[],
    stepSeed: number,
    stack: <T extends tf.Tensor>(t: T) => T,
  ): tf.Tensor2D {
    const [inputRows, length] = ids.shape;
    if (length > this.shape.maxLength) throw new Error(`sequence length ${length} > maxLength ${this.shape.maxLength}`);
    const { dim } = this.shape;
    const sites = new DropoutSites(rates, stepSeed);
    const tokens = tf.reshape(tf.gather(this.tokenEmbedding, tf.reshape(ids, [inputRows * length])), [inputRows, length, dim]);
    // Positions are a contiguous prefix of the table: a slice, whose gradient is a cheap pad.
    const positions = tf.slice(this.positionEmbedding, [0, 0], [length, dim]);
    const embedded = layerNorm(
      tf.reshape(tf.add(tokens, positions), [inputRows * length, dim]),
      this.embeddingNormGain,
      this.embeddingNormBias,
    );
    let hidden = sites.apply(stack(embedded)) as tf.Tensor2D;
    const copyMask = stack(mask);
    const rows = copyMask.shape[0];
    const scoreBias = tf.reshape(tf.mul(tf.sub(1, copyMask), MASKED_SCORE), [rows, 1, 1, length]);
    for (const block of this.blocks) hidden = this.encoderBlock(block, hidden, scoreBias, rows, length, sites);

    // Masked mean pooling over real tokens only.
    const hidden3d = tf.reshape(hidden, [rows, length, dim]);
    const weights = tf.reshape(copyMask, [rows, length, 1]);
    const pooled = tf.div(tf.sum(tf.mul(hidden3d, weights), 1), tf.sum(weights, 1)) as tf.Tensor2D;
    return dense(sites.apply(pooled) as tf.Tensor2D, this.headWeight, this.headBias);
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
    this.variables.length = 0;
  }

  private encoderBlock(
    block: EncoderBlock,
    hidden: tf.Tensor2D,
    scoreBias: tf.Tensor,
    rows: number,
    length: number,
    sites: DropoutSites,
  ): tf.Tensor2D {
    const { dim, heads } = this.shape;
    const headDim = this.headDim;
    const toHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [rows, length, heads, headDim]), [0, 2, 1, 3]);
    // Scale the queries rather than the [rows, heads, T, T] scores: a smaller tensor.
    const query = toHeads(tf.mul(dense(hidden, block.queryWeight, block.queryBias), 1 / Math.sqrt(headDim)));
    const key = toHeads(dense(hidden, block.keyWeight, block.keyBias));
    const value = toHeads(dense(hidden, block.valueWeight, block.valueBias));
    const scores = tf.matMul(query, key, false, true) as tf.Tensor4D;
    const attention = sites.apply(maskedSoftmax(scores, scoreBias as tf.Tensor4D));
    const context = tf.reshape(tf.transpose(tf.matMul(attention, value), [0, 2, 1, 3]), [rows * length, dim]);
    const attended = sites.apply(dense(context as tf.Tensor2D, block.outWeight, block.outBias));
    const afterAttention = layerNorm(
      tf.add(hidden, attended),
      block.attentionNormGain,
      block.attentionNormBias,
    );
    // GELU in its sigmoid form, x * sigmoid(1.702 x) (Hendrycks & Gimpel's approximation, GPT-2/
    // CLIP "quick GELU"): tfjs has no GELU op and the erf form costs ~5x more on wasm. Fused with
    // the bias add, natively on wasm+openblas (fused-kernels.ts).
    const expanded = biasGelu(tf.matMul(afterAttention, block.ffnInWeight as tf.Tensor2D), block.ffnInBias as tf.Tensor1D);
    const ffnOut = sites.apply(dense(expanded as tf.Tensor2D, block.ffnOutWeight, block.ffnOutBias));
    return layerNorm(tf.add(afterAttention, ffnOut), block.ffnNormGain, block.ffnNormBias);
  }

  private register(values: Float32Array, shape: number[]): tf.Variable {
    const initial = tf.tensor(values, shape, 'float32');
    const variable = tf.variable(initial, true);
    initial.dispose(); // the variable keeps its own reference to the data
    this.variables.push(variable);
    return variable;
  }

  private normal(shape: number[], std: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.register(normalArray(size, std, mixSeed(this.seed, this.initCounter++)), shape);
  }

  private glorot(fanIn: number, fanOut: number): tf.Variable {
    return this.normal([fanIn, fanOut], Math.sqrt(2 / (fanIn + fanOut)));
  }

  private constant(shape: number[], value: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.register(new Float32Array(size).fill(value), shape);
  }
}
