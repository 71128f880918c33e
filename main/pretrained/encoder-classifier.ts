// BERT / ELECTRA / RoBERTa sequence classifiers, written from the published architecture (the
// Hugging Face modeling code): post-LayerNorm encoder layers, exact (erf) GELU, LayerNorm epsilon
// from the config, absolute positions (RoBERTa's offset by pad_token_id + 1), token type ids,
// and each family's head. Dropout sits exactly where the originals have it (embeddings output,
// attention probabilities, attention output, FFN output, the head), and every site is a nested
// CmpDrop site: copies stacked on the batch axis share one uniform draw per site and step.
import * as tf from '@tensorflow/tfjs';
import { mixSeed, normalArray } from '../../shared/random';
import type { SequenceClassifier } from '../training/classifier';
import { biasErfGelu, erfGeluOps, layerNorm as fusedLayerNorm, maskedSoftmax } from '../training/fused-kernels';
import { dropoutSiteSeed, nestedDropout } from '../training/nested-dropout';
import { classifierDropout, embeddingWidth, type HfConfig, positionOffset } from './hf-config';
import type { NamedTensor, TensorMap } from './safetensors';
import { encoderSpecs, headSpecs, type TensorSpec } from './weight-names';

// Added to attention scores at padded keys; softmax turns them into exact zeros (HF adds the
// dtype's minimum, which gives the same probabilities).
const MASKED_SCORE = -1e9;

export interface EncoderOptions {
  /** Model outputs: classes, 1 for regression, labels for multi-label. */
  outputs: number;
  /** Seeds the fresh head (N(0, initializer_range), zero bias) when the checkpoint has none. */
  seed: number;
  /** [SEP]'s id: token type ids are 0 up to and including the first [SEP], then 1 (pairs). */
  sepId?: number;
  /**
   * The run's dropout p, the unit of the ablation rates the engine passes: a site whose config
   * probability is q runs at 1 - (1 - q)^k when the engine asks for 1 - (1 - p)^k. So every site
   * keeps the model's own probability (the paper uses the model's p), and p only fixes the level k.
   * Default: hidden_dropout_prob.
   */
  referenceDropout?: number;
}

/** Rate of a site with config probability q for an engine rate r = 1 - (1 - p)^k. */
export function siteRate(rate: number, siteProbability: number, reference: number): number {
  if (rate === 0 || siteProbability === 0) return 0;
  if (!(reference > 0 && reference < 1)) return rate;
  const k = Math.log1p(-rate) / Math.log1p(-reference);
  return Math.min(1 - 2 ** -24, -Math.expm1(k * Math.log1p(-siteProbability)));
}

/** Exact GELU x * Phi(x) (fused-kernels.ts's erfGeluOps: tf ops with a written-out gradient). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return erfGeluOps(x);
}

/** Per-site nested dropout: site n's masks come from dropoutSiteSeed(stepSeed, n), as in DropoutSites. */
class Sites {
  private site = 0;
  constructor(
    private readonly rates: readonly number[],
    private readonly stepSeed: number,
    private readonly reference: number,
  ) {}

  apply(x: tf.Tensor, probability: number): tf.Tensor {
    const seed = dropoutSiteSeed(this.stepSeed, this.site++);
    return nestedDropout(x, this.rates.map((r) => siteRate(r, probability, this.reference)), seed);
  }
}

export class PretrainedEncoderClassifier implements SequenceClassifier {
  readonly variables: tf.Variable[] = [];
  private readonly byName = new Map<string, tf.Variable>();
  private readonly specs: TensorSpec[];
  private readonly headDim: number;
  private readonly reference: number;

  /** `weights` holds our-named tensors (weight-names.ts); any head tensor absent is initialised fresh. */
  constructor(
    readonly config: HfConfig,
    weights: Map<string, NamedTensor>,
    readonly options: EncoderOptions,
  ) {
    this.headDim = config.hidden_size / config.num_attention_heads;
    this.reference = options.referenceDropout ?? config.hidden_dropout_prob;
    this.specs = [...encoderSpecs(config), ...headSpecs(config, options.outputs)];
    this.specs.forEach((spec, index) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      let values = weights.get(spec.name)?.data;
      if (!values) {
        if (!spec.name.startsWith('classifier.') && !spec.name.startsWith('pooler.')) throw new Error(`weights for ${spec.name} are missing`);
        values = spec.name.endsWith('.bias') ? new Float32Array(size) : normalArray(size, config.initializer_range, mixSeed(options.seed, 0x4ead, index));
      }
      const initial = tf.tensor(values, spec.shape, 'float32');
      const variable = tf.variable(initial, true);
      initial.dispose();
      this.variables.push(variable);
      this.byName.set(spec.name, variable);
    });
  }

  /** Current weights under our names (weight-names.ts), in variable order. */
  namedWeights(): TensorMap {
    const out: TensorMap = new Map();
    this.specs.forEach((spec, i) => out.set(spec.name, { shape: [...spec.shape], data: new Float32Array(this.variables[i].dataSync() as Float32Array) }));
    return out;
  }

  logits(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number): tf.Tensor2D {
    const copies = rates.length;
    // concat, not tile: wasm's Tile kernel is far slower.
    const stack = <T extends tf.Tensor>(t: T): T => (copies > 1 ? tf.concat(new Array<T>(copies).fill(t), 0) : t);
    return tf.tidy(() => this.forward(ids, mask, rates, stepSeed, stack));
  }

  stackedLogits(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number): tf.Tensor2D {
    if (ids.shape[0] % rates.length !== 0) throw new Error(`rows ${ids.shape[0]} not a multiple of ${rates.length} copies`);
    return tf.tidy(() => this.forward(ids, mask, rates, stepSeed, (t) => t));
  }

  /** Final hidden states [B, T, hidden] of the full model (no dropout): for reference checks. */
  lastHiddenState(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const [rows, length] = ids.shape;
      const sites = new Sites([0], 0, this.reference);
      const hidden = this.encode(ids, mask, sites, (t) => t);
      return tf.reshape(hidden, [rows, length, this.config.hidden_size]) as tf.Tensor3D;
    });
  }

  dispose(): void {
    for (const variable of this.variables) variable.dispose();
    this.variables.length = 0;
    this.byName.clear();
  }

  private w(name: string): tf.Tensor {
    const variable = this.byName.get(name);
    if (!variable) throw new Error(`no tensor ${name} in this ${this.config.model_type} model`);
    return variable;
  }

  /** nn.Linear: x [N, in] times weight [out, in] transposed, plus bias. */
  private linear(x: tf.Tensor, name: string): tf.Tensor2D {
    return tf.add(tf.matMul(x as tf.Tensor2D, this.w(`${name}.weight`) as tf.Tensor2D, false, true), this.w(`${name}.bias`));
  }

  /** One native pass each way on wasm+openblas (fused-kernels.ts), the same tf ops elsewhere; eps from the config. */
  private layerNorm(x: tf.Tensor, name: string): tf.Tensor2D {
    return fusedLayerNorm(x as tf.Tensor2D, this.w(`${name}.weight`) as tf.Tensor1D, this.w(`${name}.bias`) as tf.Tensor1D, this.config.layer_norm_eps);
  }

  /**
   * Position and token type ids, computed here from the inputs so every caller (training, crops,
   * utility, evaluation) gets them right without carrying them around. RoBERTa: padding_idx + 1 +
   * running count of real tokens, padding_idx at padding (HF's create_position_ids_from_input_ids,
   * with the mask marking padding). Types: the segment number, counted in [SEP]s seen before.
   */
  private inputIds(ids: tf.Tensor2D, mask: tf.Tensor2D): { positions: Int32Array | null; types: Int32Array | null } {
    const [rows, length] = ids.shape;
    const offset = positionOffset(this.config);
    let positions: Int32Array | null = null;
    if (this.config.model_type === 'roberta') {
      const real = mask.dataSync();
      positions = new Int32Array(rows * length);
      for (let r = 0; r < rows; r++) {
        let count = 0;
        for (let t = 0; t < length; t++) {
          const i = r * length + t;
          if (real[i] > 0) count++;
          positions[i] = real[i] > 0 ? offset - 1 + count : offset - 1;
        }
      }
    }
    const { sepId } = this.options;
    let types: Int32Array | null = null;
    if (sepId !== undefined && this.config.type_vocab_size > 1) {
      const tokens = ids.dataSync();
      const top = this.config.type_vocab_size - 1;
      let any = false;
      types = new Int32Array(rows * length);
      for (let r = 0; r < rows; r++) {
        let seen = 0;
        for (let t = 0; t < length; t++) {
          const i = r * length + t;
          types[i] = Math.min(seen, top);
          if (types[i] > 0) any = true;
          if (tokens[i] === sepId) seen++;
        }
      }
      if (!any) types = null;
    }
    return { positions, types };
  }

  /** Embeddings + encoder layers: hidden states [copies * B * T, hidden]. */
  private encode(ids: tf.Tensor2D, mask: tf.Tensor2D, sites: Sites, stack: <T extends tf.Tensor>(t: T) => T): tf.Tensor2D {
    const { config } = this;
    const [inputRows, length] = ids.shape;
    const maxLength = config.max_position_embeddings - positionOffset(config);
    if (length > maxLength) throw new Error(`sequence length ${length} > ${maxLength}, the longest this ${config.model_type} model takes`);
    const width = embeddingWidth(config);
    const n = inputRows * length;
    const { positions, types } = this.inputIds(ids, mask);
    const table = (name: string) => this.w(`embeddings.${name}.weight`) as tf.Tensor2D;
    let summed: tf.Tensor = tf.reshape(tf.gather(table('word_embeddings'), tf.reshape(ids, [n])), [inputRows, length, width]);
    // Plain positions 0..T-1 are a prefix of the table: a slice, whose gradient is a cheap pad.
    summed = positions
      ? tf.add(summed, tf.reshape(tf.gather(table('position_embeddings'), tf.tensor1d(positions, 'int32')), [inputRows, length, width]))
      : tf.add(summed, tf.slice(table('position_embeddings'), [0, 0], [length, width]));
    summed = types
      ? tf.add(summed, tf.reshape(tf.gather(table('token_type_embeddings'), tf.tensor1d(types, 'int32')), [inputRows, length, width]))
      : tf.add(summed, tf.slice(table('token_type_embeddings'), [0, 0], [1, width]));
    const embedded = this.layerNorm(tf.reshape(summed, [n, width]), 'embeddings.LayerNorm');
    // Copies share the lookup and diverge from the first dropout site on.
    let hidden = sites.apply(stack(embedded), config.hidden_dropout_prob) as tf.Tensor2D;
    if (width !== config.hidden_size) hidden = this.linear(hidden, 'embeddings_project');
    const copyMask = stack(mask);
    const rows = copyMask.shape[0];
    const scoreBias = tf.reshape(tf.mul(tf.sub(1, copyMask), MASKED_SCORE), [rows, 1, 1, length]);
    for (let i = 0; i < config.num_hidden_layers; i++) hidden = this.layer(`encoder.layer.${i}`, hidden, scoreBias, rows, length, sites);
    return hidden;
  }

  private layer(name: string, hidden: tf.Tensor2D, scoreBias: tf.Tensor, rows: number, length: number, sites: Sites): tf.Tensor2D {
    const { hidden_size: dim, num_attention_heads: heads, hidden_dropout_prob: p, attention_probs_dropout_prob: pAttention } = this.config;
    const headDim = this.headDim;
    const toHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [rows, length, heads, headDim]), [0, 2, 1, 3]);
    // Scaling the queries equals scaling the scores (as HF does), on a smaller tensor.
    const query = toHeads(tf.mul(this.linear(hidden, `${name}.attention.self.query`), 1 / Math.sqrt(headDim)));
    const key = toHeads(this.linear(hidden, `${name}.attention.self.key`));
    const value = toHeads(this.linear(hidden, `${name}.attention.self.value`));
    // softmax(scores + bias) as one native pass on wasm+openblas, else exactly those two tf ops.
    const probabilities = sites.apply(maskedSoftmax(tf.matMul(query, key, false, true) as tf.Tensor4D, scoreBias as tf.Tensor4D), pAttention);
    const context = tf.reshape(tf.transpose(tf.matMul(probabilities, value), [0, 2, 1, 3]), [rows * length, dim]);
    const attended = sites.apply(this.linear(context, `${name}.attention.output.dense`), p);
    const afterAttention = this.layerNorm(tf.add(hidden, attended), `${name}.attention.output.LayerNorm`);
    // The bias add goes into the (native, on wasm+openblas) GELU pass: one tensor pass fewer.
    const intermediate = `${name}.intermediate.dense`;
    const expanded = biasErfGelu(tf.matMul(afterAttention, this.w(`${intermediate}.weight`) as tf.Tensor2D, false, true), this.w(`${intermediate}.bias`) as tf.Tensor1D);
    const ffnOut = sites.apply(this.linear(expanded, `${name}.output.dense`), p);
    return this.layerNorm(tf.add(afterAttention, ffnOut), `${name}.output.LayerNorm`);
  }

  private forward(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number, stack: <T extends tf.Tensor>(t: T) => T): tf.Tensor2D {
    const sites = new Sites(rates, stepSeed, this.reference);
    const hidden = this.encode(ids, mask, sites, stack);
    const length = ids.shape[1];
    const dim = this.config.hidden_size;
    const rows = hidden.shape[0] / length;
    // Every head reads the first token ([CLS] / <s>).
    const first = tf.reshape(tf.slice(tf.reshape(hidden, [rows, length, dim]), [0, 0, 0], [rows, 1, dim]), [rows, dim]);
    const p = classifierDropout(this.config);
    if (this.config.model_type === 'bert') {
      const pooled = tf.tanh(this.linear(first, 'pooler.dense'));
      return this.linear(sites.apply(pooled, p), 'classifier');
    }
    const activation = this.config.model_type === 'electra' ? gelu : tf.tanh;
    const inner = activation(this.linear(sites.apply(first, p), 'classifier.dense'));
    return this.linear(sites.apply(inner, p), 'classifier.out_proj');
  }
}
