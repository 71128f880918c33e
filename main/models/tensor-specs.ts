// A family's tensors under our names, derived from its descriptor (families/): the HF names
// without the family prefix ("encoder.layer.0.attention.self.query.weight"), the head's as the
// original names them ("classifier.*", BERT's "pooler.dense.*", "qa_outputs.*"). Linear weights stay in PyTorch's
// [out, in] layout, so loading and exporting never transpose. The order is the variables' order,
// which checkpoints store: the embeddings, then each block, then the head.
import type { FamilyHead, HeadReads, HfConfig, ModelFamily, TensorSpec } from './families/family';
import { embeddingWidth } from './hf-config';
import { familyOf } from './registry';

export type { TensorSpec } from './families/family';

/** A tensor's values as read from or written to a file. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export type TensorMap = Map<string, NamedTensor>;

const linear = (name: string, out: number, inputs: number): TensorSpec[] => [
  { name: `${name}.weight`, shape: [out, inputs] },
  { name: `${name}.bias`, shape: [out] },
];
const norm = (name: string, width: number): TensorSpec[] => [
  { name: `${name}.weight`, shape: [width] },
  { name: `${name}.bias`, shape: [width] },
];

/** The encoder's tensors (embeddings and blocks), in forward order. */
export function encoderSpecs(config: HfConfig): TensorSpec[] {
  const family = familyOf(config);
  const h = config.hidden_size;
  const e = embeddingWidth(config);
  const specs: TensorSpec[] = [
    { name: 'embeddings.word_embeddings.weight', shape: [config.vocab_size, e] },
    { name: 'embeddings.position_embeddings.weight', shape: [config.max_position_embeddings, e] },
  ];
  if (family.embeddings.tokenTypes) specs.push({ name: 'embeddings.token_type_embeddings.weight', shape: [config.type_vocab_size, e] });
  specs.push(...norm('embeddings.LayerNorm', e));
  if (e !== h) specs.push(...linear('embeddings_project', h, e));
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const names = family.block(i);
    specs.push(
      ...linear(names.query, h, h),
      ...linear(names.key, h, h),
      ...linear(names.value, h, h),
      ...linear(names.attentionOutput, h, h),
      ...norm(names.attentionNorm, h),
      ...linear(names.ffnIn, config.intermediate_size, h),
      ...linear(names.ffnOut, h, config.intermediate_size),
      ...norm(names.outputNorm, h),
    );
  }
  return specs;
}

/** The family's head for a task head that reads `reads` (main/tasks/task-head.ts): the one place that picks it. */
export function familyHead(family: ModelFamily, reads: HeadReads = 'sequence'): FamilyHead {
  return family.heads[reads];
}

/** The task head's tensors: hidden-wide layers, then one row per output. */
export function headSpecs(config: HfConfig, outputs: number, reads: HeadReads = 'sequence'): TensorSpec[] {
  const { layers } = familyHead(familyOf(config), reads);
  const h = config.hidden_size;
  return layers.flatMap((layer, i) => linear(layer.name, i === layers.length - 1 ? outputs : h, h));
}

/**
 * Head tensors outside the base model (the classifier proper, qa_outputs) of any of the family's
 * heads: at a checkpoint's top level, replaced whole for other labels. The heads' names differ,
 * so a name tells which head it belongs to.
 */
export function isTaskHeadTensor(family: ModelFamily, name: string): boolean {
  return Object.values(family.heads).some((head) => head.layers.some((layer) => !layer.inBaseModel && (name === `${layer.name}.weight` || name === `${layer.name}.bias`)));
}

/** The name of the head's last weight (its rows are the outputs), ours and a checkpoint's. */
export function outputWeightName(family: ModelFamily, reads: HeadReads = 'sequence'): string {
  const { layers } = familyHead(family, reads);
  return `${layers[layers.length - 1].name}.weight`;
}

/** The checkpoint name of one of our tensors (HF's *ForSequenceClassification / *ForQuestionAnswering layout). */
export function huggingFaceName(family: ModelFamily, name: string): string {
  return isTaskHeadTensor(family, name) ? name : `${family.prefix}.${name}`;
}
