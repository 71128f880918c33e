// A checkpoint's tensor names and ours: which of a safetensors file's tensors the model takes,
// under our names (main/models/tensor-specs.ts: the HF names without the family prefix; the
// task head's at the top level, as *ForSequenceClassification and *ForQuestionAnswering save them).
import type { HeadReads, HfConfig } from '../models/families/family';
import { familyOf } from '../models/registry';
import { encoderSpecs, headSpecs, isTaskHeadTensor, type NamedTensor, outputWeightName, type TensorMap } from '../models/tensor-specs';

export { encoderSpecs, familyHead, headSpecs, huggingFaceName, outputWeightName, type TensorSpec } from '../models/tensor-specs';

export interface ResolvedWeights {
  /** Our name -> tensor, for every encoder and head tensor found in the checkpoint. */
  tensors: Map<string, NamedTensor>;
  /** Head tensors absent from the checkpoint (or sized for another label count): initialised fresh. */
  missingHead: string[];
}

/** Whether a checkpoint stores its encoder under the family prefix ("bert.embeddings.*") or bare. */
function checkpointPrefix(checkpoint: TensorMap, config: HfConfig): string {
  const { prefix } = familyOf(config);
  return checkpoint.has(`${prefix}.embeddings.word_embeddings.weight`) ? `${prefix}.` : '';
}

/**
 * Picks our tensors out of a checkpoint: with or without the family prefix (a bare BertModel
 * saves "embeddings.*", BertForSequenceClassification "bert.embeddings.*"), older "gamma"/"beta"
 * LayerNorm names accepted. Extra tensors (pre-training heads such as cls.*, lm_head.* or
 * DistilBERT's vocab_*, and the head `reads` does not pick: a classifier when building qa_outputs)
 * are ignored. A missing or mis-shaped encoder tensor is an error naming the tensor and the file.
 */
export function resolveWeights(checkpoint: TensorMap, config: HfConfig, outputs: number, file: string, reads: HeadReads = 'sequence'): ResolvedWeights {
  const family = familyOf(config);
  const prefix = checkpointPrefix(checkpoint, config);
  const lookup = (name: string, withPrefix: boolean): NamedTensor | undefined => {
    const full = (withPrefix ? prefix : '') + name;
    return checkpoint.get(full) ?? checkpoint.get(full.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'));
  };
  const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  const tensors = new Map<string, NamedTensor>();
  for (const spec of encoderSpecs(config)) {
    const found = lookup(spec.name, true);
    if (!found) throw new Error(`${file}: tensor ${prefix}${spec.name} is missing (config.json describes a ${family.modelType} model with ${config.num_hidden_layers} layers).`);
    if (!sameShape(found.shape, spec.shape)) {
      throw new Error(`${file}: tensor ${prefix}${spec.name} has shape ${JSON.stringify(found.shape)}, config.json implies ${JSON.stringify(spec.shape)}.`);
    }
    tensors.set(spec.name, found);
  }
  const missingHead: string[] = [];
  const head = headSpecs(config, outputs, reads);
  for (const spec of head) {
    // Base-model head layers (BERT's pooler) live under the family prefix, the classifier at the top level.
    const found = isTaskHeadTensor(family, spec.name) ? checkpoint.get(spec.name) : lookup(spec.name, true);
    if (found && sameShape(found.shape, spec.shape)) tensors.set(spec.name, found);
    else missingHead.push(spec.name);
  }
  // A classifier sized for other labels is replaced whole: half an old head would be meaningless.
  if (missingHead.some((name) => isTaskHeadTensor(family, name))) {
    for (const spec of head) {
      if (isTaskHeadTensor(family, spec.name) && tensors.delete(spec.name)) missingHead.push(spec.name);
    }
  }
  return { tensors, missingHead: [...new Set(missingHead)] };
}

/** Outputs of the `reads` head a checkpoint holds (its last layer's rows), or null when it has none. */
export function checkpointHeadOutputs(checkpoint: TensorMap, config: HfConfig, reads: HeadReads = 'sequence'): number | null {
  return checkpoint.get(outputWeightName(familyOf(config), reads))?.shape[0] ?? null;
}
