// BERT's masked-language-model head over the shared encoder, as transformers' BertForMaskedLM has
// it (modeling_bert.py's BertLMPredictionHead): a transform (dense, GELU, LayerNorm) of each
// predicted position's final hidden state, then a decoder whose weight IS the word-embedding
// table (tied) plus its own bias. Logits are computed at the predicted positions only: at 15% of
// the tokens that is ~7x less decoder work than every position, and the loss is the same
// (masked positions alone carry it; the loss is main/training/mlm-loss.ts's). BertForMaskedLM has no pooler, so
// an export has none; fine-tuning a classifier from it initialises the pooler fresh.
import * as tf from '@tensorflow/tfjs';
import { mixSeed, normalArray } from '../../shared/random';
import { layerNorm } from '../kernels/fused-kernels';
import { linear, type LinearWeights } from './encoder';
import type { HfConfig } from './families/family';
import { gelu, PretrainedEncoderClassifier } from './pretrained-classifier';
import { encoderSpecs, huggingFaceName, type NamedTensor, type TensorMap } from './tensor-specs';
import { familyOf } from './registry';

/** The head's tensors under their checkpoint names (BertForMaskedLM / BertForPreTraining). */
export const MLM_HEAD = {
  dense: 'cls.predictions.transform.dense',
  norm: 'cls.predictions.transform.LayerNorm',
  bias: 'cls.predictions.bias',
  /** Older checkpoints store the decoder bias under this name as well (it is the same tensor). */
  decoderBias: 'cls.predictions.decoder.bias',
} as const;

export const MASKED_LM_ARCHITECTURE = 'BertForMaskedLM';

/** One batch of masked sequences: ids and mask [B, T], and the flat positions (b * T + t) predicted with their original ids. */
export interface MaskedBatch {
  ids: tf.Tensor2D;
  mask: tf.Tensor2D;
  positions: Int32Array;
  targets: Int32Array;
}

function headSpecs(config: HfConfig): { name: string; shape: number[] }[] {
  const h = config.hidden_size;
  return [
    { name: `${MLM_HEAD.dense}.weight`, shape: [h, h] },
    { name: `${MLM_HEAD.dense}.bias`, shape: [h] },
    { name: `${MLM_HEAD.norm}.weight`, shape: [h] },
    { name: `${MLM_HEAD.norm}.bias`, shape: [h] },
    { name: MLM_HEAD.bias, shape: [config.vocab_size] },
  ];
}

/** A fresh tensor as BertPreTrainedModel._init_weights makes it: N(0, initializer_range) weights, zero biases, unit LayerNorm gains. */
function freshValues(name: string, size: number, config: HfConfig, seed: number): Float32Array {
  if (/LayerNorm\.weight$/.test(name)) return new Float32Array(size).fill(1);
  if (name.endsWith('.bias') || name === MLM_HEAD.bias) return new Float32Array(size);
  return normalArray(size, config.initializer_range, seed);
}

/**
 * Fresh encoder tensors (our names, main/models/tensor-specs.ts) for a model trained from scratch;
 * the padding row of the word embeddings is zero, as nn.Embedding(padding_idx) initialises it.
 */
export function freshEncoderWeights(config: HfConfig, seed: number): TensorMap {
  const weights: TensorMap = new Map();
  encoderSpecs(config).forEach((spec, index) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = freshValues(spec.name, size, config, mixSeed(seed, 0xe4c0, index));
    if (spec.name === 'embeddings.word_embeddings.weight') data.fill(0, config.pad_token_id * spec.shape[1], (config.pad_token_id + 1) * spec.shape[1]);
    weights.set(spec.name, { shape: [...spec.shape], data });
  });
  return weights;
}

export class MaskedLanguageModel {
  /** What the optimizer updates: the encoder's tensors and the head's (not the unused classifier head the encoder class carries). */
  readonly variables: tf.Variable[];
  private readonly head = new Map<string, tf.Variable>();
  private readonly encoderNames: string[];

  /**
   * `encoder` holds the encoder weights; `checkpoint` (checkpoint names) may hold the head, which
   * is otherwise initialised fresh from `seed`.
   */
  constructor(
    readonly encoder: PretrainedEncoderClassifier,
    checkpoint: TensorMap,
    seed: number,
  ) {
    const { config } = encoder;
    if (familyOf(config).modelType !== 'bert') {
      throw new Error(`masked-language-model pretraining takes BERT-layout models (model_type "bert"); this one is "${config.model_type}", whose pretraining head differs`);
    }
    this.encoderNames = encoderSpecs(config).map((spec) => spec.name);
    headSpecs(config).forEach((spec, index) => {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const stored = checkpoint.get(spec.name) ?? (spec.name === MLM_HEAD.bias ? checkpoint.get(MLM_HEAD.decoderBias) : undefined);
      const fits = stored && stored.data.length === size;
      const values = fits ? stored.data : freshValues(spec.name, size, config, mixSeed(seed, 0x4d4c, index));
      const initial = tf.tensor(values, spec.shape, 'float32');
      this.head.set(spec.name, tf.variable(initial, true));
      // The variable alone must hold the buffer: AdamW updates it in place only then (main/kernels/fused-adamw.ts),
      // and a first step that took the other path would round differently from a resumed run's.
      initial.dispose();
    });
    this.variables = [...this.encoderNames.map((name) => encoder.tensor(name)), ...this.head.values()];
  }

  get config(): HfConfig {
    return this.encoder.config;
  }

  /** Vocabulary logits [P, vocab] at the batch's predicted positions. */
  logitsAt(batch: Pick<MaskedBatch, 'ids' | 'mask' | 'positions'>, stepSeed: number, train: boolean): tf.Tensor2D {
    return this.logitsWithSummary(batch, stepSeed, train, false).tokens;
  }

  /**
   * The predicted positions' logits and, with `summary`, the same head's logits [B, vocab] at each
   * block's first ([CLS]) position (main/training/summary-loss.ts), from one encoder pass.
   */
  logitsWithSummary(batch: Pick<MaskedBatch, 'ids' | 'mask' | 'positions'>, stepSeed: number, train: boolean, summary: boolean): { tokens: tf.Tensor2D; summary?: tf.Tensor2D } {
    const [rows, length] = batch.ids.shape;
    const [tokens, firsts] = tf.tidy(() => {
      const hidden = this.encoder.hiddenStates(batch.ids, batch.mask, stepSeed, train);
      const predicted = this.predictionHead(tf.gather(hidden, tf.tensor1d(batch.positions, 'int32')) as tf.Tensor2D);
      if (!summary) return [predicted];
      const starts = Int32Array.from({ length: rows }, (_, b) => b * length);
      return [predicted, this.predictionHead(tf.gather(hidden, tf.tensor1d(starts, 'int32')) as tf.Tensor2D)];
    }) as tf.Tensor2D[];
    return firsts ? { tokens, summary: firsts } : { tokens };
  }

  /** BertLMPredictionHead: transform (dense, GELU, LayerNorm), then the tied decoder plus its bias. */
  private predictionHead(states: tf.Tensor2D): tf.Tensor2D {
    const dense: LinearWeights = { weight: this.w(`${MLM_HEAD.dense}.weight`), bias: this.w(`${MLM_HEAD.dense}.bias`) };
    const transformed = layerNorm(
      gelu(linear(states, dense, true)) as tf.Tensor2D,
      this.w(`${MLM_HEAD.norm}.weight`) as tf.Tensor1D,
      this.w(`${MLM_HEAD.norm}.bias`) as tf.Tensor1D,
      this.config.layer_norm_eps,
    );
    const embeddings = this.encoder.tensor('embeddings.word_embeddings.weight') as tf.Tensor2D;
    return tf.add(tf.matMul(transformed, embeddings, false, true), this.w(MLM_HEAD.bias)) as tf.Tensor2D;
  }

  /** Every tensor under its BertForMaskedLM checkpoint name, sorted (stable file bytes); the tied decoder weight is the embeddings. */
  checkpointTensors(): TensorMap {
    const family = familyOf(this.config);
    const out: [string, NamedTensor][] = [];
    for (const name of this.encoderNames) out.push([huggingFaceName(family, name), this.read(this.encoder.tensor(name))]);
    for (const [name, variable] of this.head) out.push([name, this.read(variable)]);
    return new Map(out.sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  dispose(): void {
    for (const variable of this.head.values()) variable.dispose();
    this.head.clear();
    this.encoder.dispose();
  }

  private read(variable: tf.Variable): NamedTensor {
    return { shape: [...variable.shape], data: new Float32Array(variable.dataSync() as Float32Array) };
  }

  private w(name: string): tf.Variable {
    const variable = this.head.get(name);
    if (!variable) throw new Error(`no tensor ${name} in the masked-language-model head`);
    return variable;
  }
}
