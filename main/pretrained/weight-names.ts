// Tensor names of the three families as Hugging Face stores them, and the mapping between a
// checkpoint's names and ours. Ours are the HF names without the family prefix
// ("encoder.layer.0.attention.self.query.weight"); the heads keep theirs ("classifier.*",
// BERT's "pooler.dense.*"). Linear weights stay in PyTorch's [out, in] layout, so loading and
// exporting never transpose.
import { embeddingWidth, type Family, type HfConfig } from './hf-config';
import type { NamedTensor, TensorMap } from './safetensors';

export interface TensorSpec {
  name: string;
  shape: number[];
}

const linear = (name: string, out: number, inputs: number): TensorSpec[] => [
  { name: `${name}.weight`, shape: [out, inputs] },
  { name: `${name}.bias`, shape: [out] },
];
const norm = (name: string, width: number): TensorSpec[] => [
  { name: `${name}.weight`, shape: [width] },
  { name: `${name}.bias`, shape: [width] },
];

/** The encoder's tensors (embeddings and layers), in forward order. */
export function encoderSpecs(config: HfConfig): TensorSpec[] {
  const h = config.hidden_size;
  const e = embeddingWidth(config);
  const specs: TensorSpec[] = [
    { name: 'embeddings.word_embeddings.weight', shape: [config.vocab_size, e] },
    { name: 'embeddings.position_embeddings.weight', shape: [config.max_position_embeddings, e] },
    { name: 'embeddings.token_type_embeddings.weight', shape: [config.type_vocab_size, e] },
    ...norm('embeddings.LayerNorm', e),
  ];
  if (e !== h) specs.push(...linear('embeddings_project', h, e));
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `encoder.layer.${i}`;
    specs.push(
      ...linear(`${layer}.attention.self.query`, h, h),
      ...linear(`${layer}.attention.self.key`, h, h),
      ...linear(`${layer}.attention.self.value`, h, h),
      ...linear(`${layer}.attention.output.dense`, h, h),
      ...norm(`${layer}.attention.output.LayerNorm`, h),
      ...linear(`${layer}.intermediate.dense`, config.intermediate_size, h),
      ...linear(`${layer}.output.dense`, h, config.intermediate_size),
      ...norm(`${layer}.output.LayerNorm`, h),
    );
  }
  return specs;
}

/** The sequence-classification head: BERT's pooler + classifier, or ELECTRA/RoBERTa's two-layer head. */
export function headSpecs(config: HfConfig, outputs: number): TensorSpec[] {
  const h = config.hidden_size;
  if (config.model_type === 'bert') return [...linear('pooler.dense', h, h), ...linear('classifier', outputs, h)];
  return [...linear('classifier.dense', h, h), ...linear('classifier.out_proj', outputs, h)];
}

/** The checkpoint name of one of our tensors (HF's *ForSequenceClassification layout). */
export function huggingFaceName(family: Family, name: string): string {
  return name.startsWith('classifier.') ? name : `${family}.${name}`;
}

export const ARCHITECTURES: Record<Family, string> = {
  bert: 'BertForSequenceClassification',
  electra: 'ElectraForSequenceClassification',
  roberta: 'RobertaForSequenceClassification',
};

export interface ResolvedWeights {
  /** Our name -> tensor, for every encoder and head tensor found in the checkpoint. */
  tensors: Map<string, NamedTensor>;
  /** Head tensors absent from the checkpoint (or sized for another label count): initialised fresh. */
  missingHead: string[];
}

/**
 * Picks our tensors out of a checkpoint: with or without the family prefix (a bare BertModel
 * saves "embeddings.*", BertForSequenceClassification "bert.embeddings.*"), older "gamma"/"beta"
 * LayerNorm names accepted. Extra tensors (pre-training heads such as cls.* or lm_head.*) are
 * ignored. A missing or mis-shaped encoder tensor is an error naming the tensor and the file.
 */
export function resolveWeights(checkpoint: TensorMap, config: HfConfig, outputs: number, file: string): ResolvedWeights {
  const family = config.model_type;
  const prefix = checkpoint.has(`${family}.embeddings.word_embeddings.weight`) ? `${family}.` : '';
  const lookup = (name: string, withPrefix: boolean): NamedTensor | undefined => {
    const full = (withPrefix ? prefix : '') + name;
    return checkpoint.get(full) ?? checkpoint.get(full.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'));
  };
  const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  const tensors = new Map<string, NamedTensor>();
  for (const spec of encoderSpecs(config)) {
    const found = lookup(spec.name, true);
    if (!found) throw new Error(`${file}: tensor ${prefix}${spec.name} is missing (config.json describes a ${family} model with ${config.num_hidden_layers} layers).`);
    if (!sameShape(found.shape, spec.shape)) {
      throw new Error(`${file}: tensor ${prefix}${spec.name} has shape ${JSON.stringify(found.shape)}, config.json implies ${JSON.stringify(spec.shape)}.`);
    }
    tensors.set(spec.name, found);
  }
  const missingHead: string[] = [];
  for (const spec of headSpecs(config, outputs)) {
    // The pooler lives under the family prefix, the classifier at the top level.
    const found = spec.name.startsWith('pooler.') ? lookup(spec.name, true) : checkpoint.get(spec.name);
    if (found && sameShape(found.shape, spec.shape)) tensors.set(spec.name, found);
    else missingHead.push(spec.name);
  }
  // A classifier sized for other labels is replaced whole: half an old head would be meaningless.
  if (missingHead.some((name) => name.startsWith('classifier.'))) {
    for (const spec of headSpecs(config, outputs)) {
      if (spec.name.startsWith('classifier.') && tensors.delete(spec.name)) missingHead.push(spec.name);
    }
  }
  return { tensors, missingHead: [...new Set(missingHead)] };
}
