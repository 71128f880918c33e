// What a pretrained model family is, as data over the one shared encoder (../encoder.ts), in the
// manner of Hugging Face's modeling_<family>.py files registered by model_type: how its config.json
// reads, what its tensors are called, how its embeddings
// and task heads differ. Adding a family is one file in this folder plus its line in ../registry.ts.
import type { z } from 'zod';

/**
 * A checkpoint's config.json in the names every family shares (the BERT names, which is what
 * Hugging Face's attribute_map maps a family's own names to: DistilBERT's dim is hidden_size),
 * with the file's own keys kept as read.
 */
export interface HfConfig {
  /** A registered family (../registry.ts). */
  model_type: string;
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  layer_norm_eps: number;
  max_position_embeddings: number;
  /** 0 where the family has no token type embeddings (DistilBERT). */
  type_vocab_size: number;
  pad_token_id: number;
  hidden_dropout_prob: number;
  attention_probs_dropout_prob: number;
  /** The head's dropout; absent or null: hidden_dropout_prob (as in the originals). */
  classifier_dropout?: number | null;
  initializer_range: number;
  /** ELECTRA: the embedding width; embeddings_project maps it to hidden_size when they differ. */
  embedding_size?: number;
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
  num_labels?: number;
  problem_type?: 'single_label_classification' | 'regression' | 'multi_label_classification' | null;
  architectures?: string[];
  [key: string]: unknown;
}

export interface TensorSpec {
  name: string;
  shape: number[];
}

/** Our names of one encoder block's tensors (without the family prefix and .weight/.bias). */
export interface BlockNames {
  query: string;
  key: string;
  value: string;
  attentionOutput: string;
  attentionNorm: string;
  ffnIn: string;
  ffnOut: string;
  outputNorm: string;
}

export type HeadActivation = 'tanh' | 'gelu' | 'relu';

/**
 * What a task head reads (main/tasks/task-head.ts's reads): the first token's final hidden state
 * ('sequence', *ForSequenceClassification) or every token's ('tokens', *ForQuestionAnswering).
 */
export type HeadReads = 'sequence' | 'tokens';

/** One linear layer of a task head; the last one has one row per output. */
export interface HeadLayer {
  /** Our tensor name without .weight/.bias ('pooler.dense', 'classifier.out_proj'). */
  name: string;
  /** Nested dropout on this layer's input, at the head's dropout probability (FamilyHead.dropout). */
  dropoutBefore: boolean;
  activation?: HeadActivation;
  /**
   * Part of the base model (BERT's pooler): stored under the family prefix, and kept when the
   * classifier is replaced for another label count. Other head layers sit at the top level.
   */
  inBaseModel?: boolean;
}

/** One of the original's task heads over the encoder, and the transformers class that has it. */
export interface FamilyHead {
  /** The transformers class an export of this head loads as (config.json's architectures). */
  readonly architecture: string;
  readonly layers: readonly HeadLayer[];
  /** Probability of the dropout before each layer marked dropoutBefore. */
  dropout(config: HfConfig): number;
}

export interface ModelFamily {
  /** config.json's model_type. */
  readonly modelType: string;
  /** As people write it: 'DistilBERT'. */
  readonly label: string;
  /** HF's base_model_prefix: encoder tensors of a *ForSequenceClassification / *ForQuestionAnswering checkpoint start with it. */
  readonly prefix: string;
  /** The tokenizer the original ships: WordPiece (vocab.txt) or byte-level BPE (vocab.json + merges.txt). */
  readonly tokenizer: 'wordpiece' | 'bpe';
  /** config.json (already known to have this model_type) to HfConfig; zod, so an error names the field. */
  readonly configSchema: z.ZodType<HfConfig>;
  /** What a Hugging Face export writes as config.json: the family's own keys (configSchema inverted). */
  configJson(config: HfConfig): Record<string, unknown>;
  readonly embeddings: {
    /** Token type (segment) embeddings added to the tokens: BERT, ELECTRA, RoBERTa (one type). */
    tokenTypes: boolean;
    /** RoBERTa: positions count from pad_token_id + 1 over real tokens; padding sits at pad_token_id. */
    positionsAfterPadding: boolean;
    /** ELECTRA: embeddings of embedding_size, mapped to hidden_size by embeddings_project after their dropout. */
    projected: boolean;
  };
  /** Our names of block i's tensors. */
  block(index: number): BlockNames;
  /** Dropout between the attention output projection and its residual add (all but DistilBERT). */
  readonly attentionOutputDropout: boolean;
  /**
   * The original's heads, by what they read: 'sequence' the *ForSequenceClassification head over
   * the first token, 'tokens' the *ForQuestionAnswering one (qa_outputs) over every token.
   */
  readonly heads: Readonly<Record<HeadReads, FamilyHead>>;
}
