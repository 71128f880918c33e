// The built-in model, trained from scratch: the shared encoder (encoder.ts) over token + position
// embeddings, quick GELU, LayerNorm epsilon 1e-5, dense weights in [in, out] layout, every dropout
// site at the run's rates, and a head over the masked mean of the final hidden states.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/schemas';
import { mixSeed, normalArray } from '../../shared/random';
import { layerNorm } from '../kernels/fused-kernels';
import { CopiesClassifier } from './copies-classifier';
import { type BlockWeights, type CopyStacker, linear, type LinearWeights, type NormWeights, tokenOutputs, TransformerEncoder } from './encoder';
import { DropoutSites } from './nested-dropout';

export interface ClassifierShape extends ModelConfig {
  /** Longest sequence the position embedding covers. */
  maxLength: number;
  /** Outputs per input ('sequence') or per token ('tokens', question answering's start and end). */
  numClasses: number;
  /** The task head's input (main/tasks/task-head.ts reads); default 'sequence'. */
  reads?: 'sequence' | 'tokens';
}

const LAYER_NORM_EPSILON = 1e-5;

export class TransformerClassifier extends CopiesClassifier {
  private readonly tokenEmbedding: tf.Variable;
  private readonly positionEmbedding: tf.Variable;
  private readonly embeddingNorm: NormWeights;
  private readonly encoder: TransformerEncoder;
  private readonly head: LinearWeights;
  private initCounter = 0;

  constructor(
    readonly shape: ClassifierShape,
    private readonly seed: number,
  ) {
    super('summed-gradient');
    const { vocabSize, dim, layers, heads, ffnDim, maxLength, numClasses } = shape;
    if (dim % heads !== 0) throw new Error(`model dim ${dim} must be divisible by heads ${heads}`);
    // Created in this order, each initialiser drawing from the next seed: checkpoints store the
    // variables in this order, and a run's initial weights depend on it.
    // Embeddings are small (BERT's 0.02) because a LayerNorm follows; dense layers use Glorot
    // scale since this model trains from scratch, where 0.02 would start it nearly dead.
    this.tokenEmbedding = this.normal([vocabSize, dim], 0.02);
    this.positionEmbedding = this.normal([maxLength, dim], 0.02);
    this.embeddingNorm = this.norm(dim);
    const blocks: BlockWeights[] = [];
    for (let i = 0; i < layers; i++) {
      const query = this.dense(dim, dim);
      const key = this.dense(dim, dim);
      const value = this.dense(dim, dim);
      const attentionOutput = this.dense(dim, dim);
      const attentionNorm = this.norm(dim);
      const ffnIn = this.dense(dim, ffnDim);
      const ffnOut = this.dense(ffnDim, dim);
      const outputNorm = this.norm(dim);
      blocks.push({ query, key, value, attentionOutput, attentionNorm, ffnIn, ffnOut, outputNorm });
    }
    this.head = this.dense(dim, numClasses);
    this.encoder = new TransformerEncoder(
      { hiddenSize: dim, heads, layerNormEps: LAYER_NORM_EPSILON, weightsOutIn: false, activation: 'quick-gelu', dropout: { attentionOutputSite: true } },
      blocks,
    );
  }

  protected override forward(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number, stack: CopyStacker): tf.Tensor2D {
    const [inputRows, length] = ids.shape;
    if (length > this.shape.maxLength) throw new Error(`sequence length ${length} > maxLength ${this.shape.maxLength}`);
    const { dim } = this.shape;
    const sites = new DropoutSites(rates, stepSeed);
    const tokens = tf.reshape(tf.gather(this.tokenEmbedding, tf.reshape(ids, [inputRows * length])), [inputRows, length, dim]);
    // Positions are a contiguous prefix of the table: a slice, whose gradient is a cheap pad.
    const positions = tf.slice(this.positionEmbedding, [0, 0], [length, dim]);
    const embedded = layerNorm(
      tf.reshape(tf.add(tokens, positions), [inputRows * length, dim]),
      this.embeddingNorm.gain as tf.Tensor1D,
      this.embeddingNorm.bias as tf.Tensor1D,
      LAYER_NORM_EPSILON,
    );
    const { hidden, copyMask } = this.encoder.encode(embedded, mask, sites, stack);
    const rows = copyMask.shape[0];
    if (this.shape.reads === 'tokens') return tokenOutputs(hidden, rows, length, this.head, false);
    // Masked mean pooling over real tokens only.
    const hidden3d = tf.reshape(hidden, [rows, length, dim]);
    const weights = tf.reshape(copyMask, [rows, length, 1]);
    const pooled = tf.div(tf.sum(tf.mul(hidden3d, weights), 1), tf.sum(weights, 1)) as tf.Tensor2D;
    return linear(sites.apply(pooled), this.head, false);
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

  /** Glorot-scaled [fanIn, fanOut] weight, then a zero bias. */
  private dense(fanIn: number, fanOut: number): LinearWeights {
    const weight = this.normal([fanIn, fanOut], Math.sqrt(2 / (fanIn + fanOut)));
    return { weight, bias: this.constant([fanOut], 0) };
  }

  /** LayerNorm gain (ones), then bias (zeros). */
  private norm(width: number): NormWeights {
    const gain = this.constant([width], 1);
    return { gain, bias: this.constant([width], 0) };
  }

  private constant(shape: number[], value: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.register(new Float32Array(size).fill(value), shape);
  }
}
