// config.json of a Hugging Face BERT / ELECTRA / RoBERTa checkpoint: the fields the encoder needs,
// checked with zod so a wrong or unsupported config fails with the file and field named.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const FAMILIES = ['bert', 'electra', 'roberta'] as const;
export type Family = (typeof FAMILIES)[number];

export const ProblemTypeSchema = z.enum(['single_label_classification', 'regression', 'multi_label_classification']);
export type ProblemType = z.infer<typeof ProblemTypeSchema>;

const HfConfigSchema = z
  .object({
    model_type: z.enum(FAMILIES),
    vocab_size: z.number().int().positive(),
    hidden_size: z.number().int().positive(),
    num_hidden_layers: z.number().int().positive(),
    num_attention_heads: z.number().int().positive(),
    intermediate_size: z.number().int().positive(),
    // Only the exact erf GELU is implemented; the originals' "gelu" is that one.
    hidden_act: z.literal('gelu').default('gelu'),
    layer_norm_eps: z.number().positive().default(1e-12),
    max_position_embeddings: z.number().int().positive(),
    type_vocab_size: z.number().int().positive().default(2),
    pad_token_id: z.number().int().min(0).default(0),
    hidden_dropout_prob: z.number().min(0).max(1).default(0.1),
    attention_probs_dropout_prob: z.number().min(0).max(1).default(0.1),
    classifier_dropout: z.number().min(0).max(1).nullable().optional(),
    initializer_range: z.number().positive().default(0.02),
    /** ELECTRA: the embedding width; embeddings_project maps it to hidden_size when they differ. */
    embedding_size: z.number().int().positive().optional(),
    position_embedding_type: z.literal('absolute').default('absolute'),
    id2label: z.record(z.string(), z.string()).optional(),
    label2id: z.record(z.string(), z.number().int()).optional(),
    num_labels: z.number().int().positive().optional(),
    problem_type: ProblemTypeSchema.nullable().optional(),
    architectures: z.array(z.string()).optional(),
  })
  .passthrough();

export type HfConfig = z.infer<typeof HfConfigSchema>;

export function parseHfConfig(json: unknown, file: string): HfConfig {
  const parsed = HfConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file}: unsupported or invalid config (${issues}). Supported: model_type bert, electra or roberta with hidden_act "gelu" and absolute positions.`);
  }
  const config = parsed.data;
  if (config.hidden_size % config.num_attention_heads !== 0) {
    throw new Error(`${file}: hidden_size ${config.hidden_size} is not divisible by num_attention_heads ${config.num_attention_heads}.`);
  }
  return config;
}

export function readHfConfig(path: string): HfConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${path}: missing; a Hugging Face model folder needs config.json.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message}).`);
  }
  return parseHfConfig(json, path);
}

/** Width of the token/position embeddings (ELECTRA's may be smaller than the hidden size). */
export function embeddingWidth(config: HfConfig): number {
  return config.model_type === 'electra' ? (config.embedding_size ?? config.hidden_size) : config.hidden_size;
}

/** The classifier head's dropout: classifier_dropout when set, else hidden_dropout_prob (as in the originals). */
export function classifierDropout(config: HfConfig): number {
  return config.classifier_dropout ?? config.hidden_dropout_prob;
}

/** RoBERTa numbers positions from pad_token_id + 1: that many table rows are never used by text. */
export function positionOffset(config: HfConfig): number {
  return config.model_type === 'roberta' ? config.pad_token_id + 1 : 0;
}

/** Longest input (special tokens included) the position table covers. */
export function maxSequenceLength(config: HfConfig): number {
  return config.max_position_embeddings - positionOffset(config);
}

/** Labels in id order from id2label, when the config has them for `count` outputs. */
export function configLabels(config: HfConfig): string[] | null {
  if (!config.id2label) return null;
  const labels = Object.entries(config.id2label).sort((a, b) => Number(a[0]) - Number(b[0])).map(([, name]) => name);
  return labels.length > 0 ? labels : null;
}
