// A pretrained family's sequence classifier (BERT, ELECTRA, RoBERTa, DistilBERT, ...: the
// descriptors of families/), written from the published architectures (the Hugging Face modeling
// code) over the shared encoder: post-LayerNorm blocks, exact (erf) GELU, LayerNorm epsilon from
// the config, absolute positions (RoBERTa's offset by pad_token_id + 1), token type ids where the
// family has them, and the family's head: *ForSequenceClassification's over the first token, or
// *ForQuestionAnswering's qa_outputs over every token. Dropout sits exactly where the originals have it, and
// every site is a nested CmpDrop site keeping the model's own probability (DropoutSites).
import * as tf from '@tensorflow/tfjs';
import { mixSeed, normalArray } from '../../shared/random';
import { erfGeluOps, layerNorm } from '../kernels/fused-kernels';
import { CopiesClassifier } from './copies-classifier';
import { alreadyStacked, type BlockWeights, type CopyStacker, linear, type LinearWeights, type NormWeights, tokenOutputs, TransformerEncoder } from './encoder';
import type { FamilyHead, HeadActivation, HeadReads, HfConfig, ModelFamily } from './families/family';
import { embeddingWidth, maxSequenceLength, positionOffset } from './hf-config';
import { DropoutSites } from './nested-dropout';
import { familyOf } from './registry';
import { encoderSpecs, familyHead, headSpecs, type NamedTensor, type TensorMap, type TensorSpec } from './tensor-specs';

export interface EncoderOptions {
  /** Model outputs: classes, 1 for regression, labels for multi-label; per token with 'tokens' (2: start, end). */
  outputs: number;
  /**
   * What the head reads (main/tasks/task-head.ts): 'sequence' (default) the family's
   * *ForSequenceClassification head, one output row per input; 'tokens' its *ForQuestionAnswering
   * qa_outputs, outputs per token laid out [rows, outputs * T] (encoder.ts's tokenOutputs).
   */
  reads?: HeadReads;
  /** Seeds the fresh head (N(0, initializer_range), zero bias) when the checkpoint has none. */
  seed: number;
  /** [SEP]'s id: token type ids are 0 up to and including the first [SEP], then 1 (pairs). */
  sepId?: number;
  /**
   * The run's dropout p, the unit of the ablation rates the engine passes: a site whose config
   * probability is q runs at 1 - (1 - q)^k when the engine asks for 1 - (1 - p)^k (siteRate in
   * nested-dropout.ts). Default: hidden_dropout_prob.
   */
  referenceDropout?: number;
}

/** Exact GELU x * Phi(x) (fused-kernels.ts's erfGeluOps: tf ops with a written-out gradient). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return erfGeluOps(x);
}

const HEAD_ACTIVATIONS: Record<HeadActivation, (x: tf.Tensor) => tf.Tensor> = { tanh: tf.tanh, gelu, relu: tf.relu };

export class PretrainedEncoderClassifier extends CopiesClassifier {
  readonly family: ModelFamily;
  private readonly byName = new Map<string, tf.Variable>();
  private readonly specs: TensorSpec[];
  private readonly reference: number;
  private readonly encoder: TransformerEncoder;
  private readonly head: FamilyHead;

  /** `weights` holds our-named tensors (tensor-specs.ts); any head tensor absent is initialised fresh. */
  constructor(
    readonly config: HfConfig,
    weights: Map<string, NamedTensor>,
    readonly options: EncoderOptions,
  ) {
    super('concat');
    this.family = familyOf(config);
    this.reference = options.referenceDropout ?? config.hidden_dropout_prob;
    this.head = familyHead(this.family, options.reads);
    const head = headSpecs(config, options.outputs, options.reads);
    const headNames = new Set(head.map((spec) => spec.name));
    this.specs = [...encoderSpecs(config), ...head];
    this.specs.forEach((spec, index) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      let values = weights.get(spec.name)?.data;
      if (!values) {
        if (!headNames.has(spec.name)) throw new Error(`weights for ${spec.name} are missing`);
        values = spec.name.endsWith('.bias') ? new Float32Array(size) : normalArray(size, config.initializer_range, mixSeed(options.seed, 0x4ead, index));
      }
      const initial = tf.tensor(values, spec.shape, 'float32');
      const variable = tf.variable(initial, true);
      initial.dispose();
      this.variables.push(variable);
      this.byName.set(spec.name, variable);
    });
    const blocks: BlockWeights[] = [];
    for (let i = 0; i < config.num_hidden_layers; i++) {
      const names = this.family.block(i);
      blocks.push({
        query: this.linearWeights(names.query),
        key: this.linearWeights(names.key),
        value: this.linearWeights(names.value),
        attentionOutput: this.linearWeights(names.attentionOutput),
        attentionNorm: this.normWeights(names.attentionNorm),
        ffnIn: this.linearWeights(names.ffnIn),
        ffnOut: this.linearWeights(names.ffnOut),
        outputNorm: this.normWeights(names.outputNorm),
      });
    }
    const dropout = {
      attention: config.attention_probs_dropout_prob,
      attentionOutput: config.hidden_dropout_prob,
      ffnOutput: config.hidden_dropout_prob,
      attentionOutputSite: this.family.attentionOutputDropout,
    };
    const settings = { hiddenSize: config.hidden_size, heads: config.num_attention_heads, layerNormEps: config.layer_norm_eps, weightsOutIn: true, activation: 'gelu', dropout } as const;
    this.encoder = new TransformerEncoder(settings, blocks);
  }

  /** Current weights under our names (tensor-specs.ts), in variable order. */
  namedWeights(): TensorMap {
    const out: TensorMap = new Map();
    this.specs.forEach((spec, i) => out.set(spec.name, { shape: [...spec.shape], data: new Float32Array(this.variables[i].dataSync() as Float32Array) }));
    return out;
  }

  /** Final hidden states [B, T, hidden] of the full model (no dropout): for reference checks. */
  lastHiddenState(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => {
      const [rows, length] = ids.shape;
      const sites = new DropoutSites([0], 0, this.reference);
      const hidden = this.encode(ids, mask, sites, alreadyStacked);
      return tf.reshape(hidden, [rows, length, this.config.hidden_size]) as tf.Tensor3D;
    });
  }

  /**
   * Final hidden states [B * T, hidden] of one copy, for heads outside this class (the
   * masked-language-model head of masked-lm.ts): every dropout site at the model's own
   * probability when `train`, none otherwise.
   */
  hiddenStates(ids: tf.Tensor2D, mask: tf.Tensor2D, stepSeed: number, train: boolean): tf.Tensor2D {
    const sites = new DropoutSites([train ? this.reference : 0], stepSeed, this.reference);
    return this.encode(ids, mask, sites, alreadyStacked);
  }

  /** One of the model's tensors by our name (tensor-specs.ts), e.g. the word embeddings a tied decoder reads. */
  tensor(name: string): tf.Variable {
    return this.w(name);
  }

  override dispose(): void {
    super.dispose();
    this.byName.clear();
  }

  protected override forward(ids: tf.Tensor2D, mask: tf.Tensor2D, rates: number[], stepSeed: number, stack: CopyStacker): tf.Tensor2D {
    const sites = new DropoutSites(rates, stepSeed, this.reference);
    const hidden = this.encode(ids, mask, sites, stack);
    const length = ids.shape[1];
    const dim = this.config.hidden_size;
    const rows = hidden.shape[0] / length;
    const tokens = this.options.reads === 'tokens';
    // A sequence head reads the first token ([CLS] / <s>); a token head every token.
    let x: tf.Tensor = tokens ? hidden : tf.reshape(tf.slice(tf.reshape(hidden, [rows, length, dim]), [0, 0, 0], [rows, 1, dim]), [rows, dim]);
    const { layers } = this.head;
    const p = this.head.dropout(this.config);
    for (const [i, layer] of layers.entries()) {
      if (layer.dropoutBefore) x = sites.apply(x, p);
      const weights = this.linearWeights(layer.name);
      if (tokens && i === layers.length - 1) return tokenOutputs(x as tf.Tensor2D, rows, length, weights, true);
      x = linear(x, weights, true);
      if (layer.activation) x = HEAD_ACTIVATIONS[layer.activation](x);
    }
    return x as tf.Tensor2D;
  }

  private w(name: string): tf.Variable {
    const variable = this.byName.get(name);
    if (!variable) throw new Error(`no tensor ${name} in this ${this.config.model_type} model`);
    return variable;
  }

  private linearWeights(name: string): LinearWeights {
    return { weight: this.w(`${name}.weight`), bias: this.w(`${name}.bias`) };
  }

  private normWeights(name: string): NormWeights {
    return { gain: this.w(`${name}.weight`), bias: this.w(`${name}.bias`) };
  }

  /**
   * Position and token type ids, computed here from the inputs so every caller (training, crops,
   * utility, evaluation) gets them right without carrying them around. RoBERTa: padding_idx + 1 +
   * running count of real tokens, padding_idx at padding (HF's create_position_ids_from_input_ids,
   * with the mask marking padding). Types: the segment number, counted in [SEP]s seen before.
   */
  private inputIds(ids: tf.Tensor2D, mask: tf.Tensor2D): { positions: Int32Array | null; types: Int32Array | null } {
    const [rows, length] = ids.shape;
    const { embeddings } = this.family;
    let positions: Int32Array | null = null;
    if (embeddings.positionsAfterPadding) {
      const offset = positionOffset(this.config);
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
    if (embeddings.tokenTypes && sepId !== undefined && this.config.type_vocab_size > 1) {
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

  /** The family's embeddings, then the shared encoder: hidden states [copies * B * T, hidden]. */
  private encode(ids: tf.Tensor2D, mask: tf.Tensor2D, sites: DropoutSites, stack: CopyStacker): tf.Tensor2D {
    const { config } = this;
    const [inputRows, length] = ids.shape;
    const maxLength = maxSequenceLength(config);
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
    if (this.family.embeddings.tokenTypes) {
      summed = types
        ? tf.add(summed, tf.reshape(tf.gather(table('token_type_embeddings'), tf.tensor1d(types, 'int32')), [inputRows, length, width]))
        : tf.add(summed, tf.slice(table('token_type_embeddings'), [0, 0], [1, width]));
    }
    const norm = this.normWeights('embeddings.LayerNorm');
    const embedded = layerNorm(tf.reshape(summed, [n, width]) as tf.Tensor2D, norm.gain as tf.Tensor1D, norm.bias as tf.Tensor1D, config.layer_norm_eps);
    const project = width === config.hidden_size ? undefined : (x: tf.Tensor2D) => linear(x, this.linearWeights('embeddings_project'), true);
    return this.encoder.encode(embedded, mask, sites, stack, config.hidden_dropout_prob, project).hidden;
  }
}
