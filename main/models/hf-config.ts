// config.json of a Hugging Face checkpoint checked by its family's schema (families/), so a wrong
// or unsupported config fails with the file and field named; and what the encoder derives from it.
import type { HfConfig } from './families/family';
import { familyOf, findFamily, modelFamilies } from './registry';

export type { HfConfig } from './families/family';

function supported(): string {
  return modelFamilies().map((family) => family.modelType).join(', ');
}

export function parseHfConfig(json: unknown, file: string): HfConfig {
  const modelType = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).model_type : undefined;
  const family = findFamily(modelType);
  if (!family) {
    throw new Error(`${file}: unsupported or invalid config (model_type: ${JSON.stringify(modelType ?? null)} is not one of ${supported()}).`);
  }
  const parsed = family.configSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file}: unsupported or invalid ${family.label} config (${issues}). Supported: model_type ${supported()} with the exact GELU ("gelu") and absolute positions.`);
  }
  const config = parsed.data;
  if (config.hidden_size % config.num_attention_heads !== 0) {
    throw new Error(`${file}: hidden_size ${config.hidden_size} is not divisible by num_attention_heads ${config.num_attention_heads}.`);
  }
  return config;
}

/** Width of the token/position embeddings (ELECTRA's may be smaller than the hidden size). */
export function embeddingWidth(config: HfConfig): number {
  return familyOf(config).embeddings.projected ? (config.embedding_size ?? config.hidden_size) : config.hidden_size;
}


/** RoBERTa numbers positions from pad_token_id + 1: that many table rows are never used by text. */
export function positionOffset(config: HfConfig): number {
  return familyOf(config).embeddings.positionsAfterPadding ? config.pad_token_id + 1 : 0;
}

/** Longest input (special tokens included) the position table covers. */
export function maxSequenceLength(config: HfConfig): number {
  return config.max_position_embeddings - positionOffset(config);
}

/** Labels in id order from id2label, when the config has them. */
export function configLabels(config: HfConfig): string[] | null {
  if (!config.id2label) return null;
  const labels = Object.entries(config.id2label).sort((a, b) => Number(a[0]) - Number(b[0])).map(([, name]) => name);
  return labels.length > 0 ? labels : null;
}
