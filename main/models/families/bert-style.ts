// The BERT layout, shared by the families whose modeling code copies BERT's layers (as
// transformers marks them, "Copied from transformers.models.bert.modeling_bert"): ELECTRA and
// RoBERTa read the same config fields and name their tensors the same way; their families differ
// only in embeddings and head.
import { z } from 'zod';
import { headConfigFields, positiveInt, probability } from './config-fields';
import type { BlockNames, HfConfig } from './family';

/** config.json of a BERT-layout family: already the shared names (family.ts's HfConfig). */
export function bertStyleConfigSchema(modelType: string) {
  return z
    .object({
      model_type: z.literal(modelType),
      vocab_size: positiveInt,
      hidden_size: positiveInt,
      num_hidden_layers: positiveInt,
      num_attention_heads: positiveInt,
      intermediate_size: positiveInt,
      // Only the exact erf GELU is implemented; the originals' "gelu" is that one.
      hidden_act: z.literal('gelu').default('gelu'),
      layer_norm_eps: z.number().positive().default(1e-12),
      max_position_embeddings: positiveInt,
      type_vocab_size: positiveInt.default(2),
      pad_token_id: z.number().int().min(0).default(0),
      hidden_dropout_prob: probability.default(0.1),
      attention_probs_dropout_prob: probability.default(0.1),
      classifier_dropout: probability.nullable().optional(),
      initializer_range: z.number().positive().default(0.02),
      embedding_size: positiveInt.optional(),
      position_embedding_type: z.literal('absolute').default('absolute'),
      ...headConfigFields,
    })
    .passthrough();
}

/** The names are already the shared ones: config.json is the config as parsed. */
export const bertStyleConfigJson = (config: HfConfig): Record<string, unknown> => ({ ...config });

export function bertStyleBlock(index: number): BlockNames {
  const layer = `encoder.layer.${index}`;
  return {
    query: `${layer}.attention.self.query`,
    key: `${layer}.attention.self.key`,
    value: `${layer}.attention.self.value`,
    attentionOutput: `${layer}.attention.output.dense`,
    attentionNorm: `${layer}.attention.output.LayerNorm`,
    ffnIn: `${layer}.intermediate.dense`,
    ffnOut: `${layer}.output.dense`,
    outputNorm: `${layer}.output.LayerNorm`,
  };
}
