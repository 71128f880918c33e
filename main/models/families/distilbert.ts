// DistilBERT (Sanh et al. 2019; transformers' modeling_distilbert.py): BERT's post-LayerNorm
// blocks under other names (q_lin ... out_lin, sa_layer_norm, ffn.lin1/lin2, output_layer_norm),
// no token type embeddings, no pooler, LayerNorm epsilon fixed at 1e-12 in the code, and no
// dropout between out_lin and the residual (MultiHeadSelfAttention drops the attention weights
// only). Head (DistilBertForSequenceClassification): pre_classifier over the first token, ReLU,
// dropout(seq_classif_dropout), classifier. DistilBertForQuestionAnswering: dropout(qa_dropout)
// on every token's hidden state, then qa_outputs. config.json has its own names (dim, n_layers, ...),
// which HF's attribute_map maps to hidden_size, num_hidden_layers, ...: we do the same.
import { z } from 'zod';
import { headConfigFields, positiveInt, probability } from './config-fields';
import type { BlockNames, HfConfig, ModelFamily } from './family';
import { questionAnsweringHead, sequenceClassificationHead } from './heads';

/** DistilBertConfig's qa_dropout default. */
const QA_DROPOUT = 0.1;

const configSchema = z
  .object({
    model_type: z.literal('distilbert'),
    vocab_size: positiveInt,
    dim: positiveInt,
    n_layers: positiveInt,
    n_heads: positiveInt,
    hidden_dim: positiveInt,
    // Only the exact erf GELU is implemented; DistilBertConfig's default "gelu" is that one.
    activation: z.literal('gelu').default('gelu'),
    max_position_embeddings: positiveInt,
    dropout: probability.default(0.1),
    attention_dropout: probability.default(0.1),
    seq_classif_dropout: probability.default(0.2),
    // No default here: an export writes back only the keys the source config had.
    qa_dropout: probability.optional(),
    initializer_range: z.number().positive().default(0.02),
    pad_token_id: z.number().int().min(0).default(0),
    // Sinusoidal positions are frozen in the original; fine-tuning here would train them.
    sinusoidal_pos_embds: z.literal(false).default(false),
    ...headConfigFields,
  })
  .passthrough()
  .transform(
    (config): HfConfig => ({
      ...config,
      hidden_size: config.dim,
      num_hidden_layers: config.n_layers,
      num_attention_heads: config.n_heads,
      intermediate_size: config.hidden_dim,
      hidden_dropout_prob: config.dropout,
      attention_probs_dropout_prob: config.attention_dropout,
      classifier_dropout: config.seq_classif_dropout,
      layer_norm_eps: 1e-12,
      type_vocab_size: 0,
    }),
  );

/** The shared names the schema adds; an export leaves them out, as DistilBertConfig.to_dict() does. */
const SHARED_NAMES = [
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'classifier_dropout',
  'layer_norm_eps',
  'type_vocab_size',
];

function block(index: number): BlockNames {
  const layer = `transformer.layer.${index}`;
  return {
    query: `${layer}.attention.q_lin`,
    key: `${layer}.attention.k_lin`,
    value: `${layer}.attention.v_lin`,
    attentionOutput: `${layer}.attention.out_lin`,
    attentionNorm: `${layer}.sa_layer_norm`,
    ffnIn: `${layer}.ffn.lin1`,
    ffnOut: `${layer}.ffn.lin2`,
    outputNorm: `${layer}.output_layer_norm`,
  };
}

export const distilbert: ModelFamily = {
  modelType: 'distilbert',
  label: 'DistilBERT',
  prefix: 'distilbert',
  tokenizer: 'wordpiece',
  configSchema,
  configJson: (config) => Object.fromEntries(Object.entries(config).filter(([key]) => !SHARED_NAMES.includes(key))),
  embeddings: { tokenTypes: false, positionsAfterPadding: false, projected: false },
  block,
  attentionOutputDropout: false,
  heads: {
    sequence: sequenceClassificationHead('DistilBertForSequenceClassification', [
      { name: 'pre_classifier', dropoutBefore: false, activation: 'relu' },
      { name: 'classifier', dropoutBefore: true },
    ]),
    tokens: questionAnsweringHead('DistilBertForQuestionAnswering', (config) => (config.qa_dropout as number | undefined) ?? QA_DROPOUT),
  },
};
