// A pretrained run's model rebuilt from one of its checkpoints (for prediction): the encoder
// described by the folder the checkpoint records, with the checkpoint's weights, and the folder's
// tokenizer encoding inputs exactly as training did.
import { join } from 'node:path';
import type { HeadReads } from '../models/families/family';
import { PretrainedEncoderClassifier } from '../models/pretrained-classifier';
import { encoderSpecs, headSpecs, type NamedTensor } from '../models/tensor-specs';
import { type HfConfig, maxSequenceLength, readHfConfig } from '../pretrained/hf-config';
import { loadTokenizer, type PretrainedTokenizer } from '../pretrained/tokenizer';
import type { Checkpoint } from './checkpoint';
import { encodePretrainedSegmented } from './segmented-encoding';

export interface PretrainedRunModel {
  model: PretrainedEncoderClassifier;
  tokenizer: PretrainedTokenizer;
  maxLength: number;
  /** Token ids of one input (with special tokens), as the engine encoded training examples. */
  encode(text: string, pair?: string): number[];
}

/**
 * The checkpoint's weights under our tensor names (they are stored in variable order: the
 * encoder's then the head's specs), with the config of the folder the checkpoint records.
 * `reads`: the run's task head's (main/tasks/task-head.ts), which says which head was trained.
 */
export function checkpointTensors(checkpoint: Checkpoint, outputs: number, reads: HeadReads = 'sequence'): { folder: string; config: HfConfig; weights: Map<string, NamedTensor> } {
  const folder = checkpoint.header.pretrained;
  if (!folder) throw new Error(`checkpoint of run ${checkpoint.header.runId} is a built-in model, not a pretrained one`);
  const config = readHfConfig(join(folder, 'config.json'));
  const specs = [...encoderSpecs(config), ...headSpecs(config, outputs, reads)];
  if (specs.length !== checkpoint.weights.length) {
    throw new Error(`the checkpoint holds ${checkpoint.weights.length} tensors but ${folder} describes ${specs.length}; was the model folder changed after training?`);
  }
  return { folder, config, weights: new Map(specs.map((spec, i) => [spec.name, { shape: spec.shape, data: checkpoint.weights[i] }])) };
}

/** `outputs`: the task head's outputWidth (classes, 1 for regression, 2 for QA); `maxLength`: the run's config.maxLength; `reads`: the task head's. */
export async function pretrainedRunModel(checkpoint: Checkpoint, outputs: number, maxLength: number, reads: HeadReads = 'sequence'): Promise<PretrainedRunModel> {
  const { folder, config, weights } = checkpointTensors(checkpoint, outputs, reads);
  const tokenizer = await loadTokenizer(folder);
  const model = new PretrainedEncoderClassifier(config, weights, { outputs, reads, seed: 0, sepId: tokenizer.sepId });
  const length = Math.min(maxLength, maxSequenceLength(config));
  return { model, tokenizer, maxLength: length, encode: (text, pair) => encodePretrainedSegmented(tokenizer, text, pair, length).ids };
}
