// A pretrained model folder (Hugging Face layout or Comparo's TF.js export), read by the same
// loader training uses (main/pretrained). An exported fine-tuned model has its head: logits and
// probabilities under its config's id2label. A raw pretrained encoder has none: it gives the
// final hidden state of its first token ([CLS] / <s>) instead.
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../../shared/schemas';
import { PretrainedEncoderClassifier } from '../models/pretrained-classifier';
import { configLabels, type HfConfig, maxSequenceLength } from '../pretrained/hf-config';
import { readPretrainedFolder } from '../pretrained/load';
import type { TensorMap } from '../pretrained/safetensors';
import { encodePretrainedSegmented } from '../training/segmented-encoding';
import { loadTokenizer } from '../pretrained/tokenizer';
import { checkpointHeadOutputs, resolveWeights } from '../pretrained/weight-names';
import { padRows } from '../training/batching';
import { evaluationBatch } from '../training/training-step';
import { inLengthBatches, type PredictInput, type Prediction, type Predictor, predictionOf } from './predictor';
import { PREDICT_BATCH_SIZE } from './run-predictor';

/** Longest input, as training caps it (RunConfig.maxLength allows at most 512). */
const MAX_LENGTH = 512;

function taskOf(config: HfConfig): Task {
  if (config.problem_type === 'regression') return 'regression';
  return config.problem_type === 'multi_label_classification' ? 'multilabel' : 'classification';
}

/** Outputs of the head the folder holds (its classifier's rows), or of its config. */
function headOutputs(config: HfConfig, tensors: TensorMap): number {
  return checkpointHeadOutputs(tensors, config) ?? configLabels(config)?.length ?? config.num_labels ?? 2;
}

export async function loadFolderPredictor(folder: string): Promise<Predictor> {
  const tokenizer = await loadTokenizer(folder);
  const checkpoint = readPretrainedFolder(folder);
  const { config } = checkpoint;
  const outputs = headOutputs(config, checkpoint.tensors);
  const resolved = resolveWeights(checkpoint.tensors, config, outputs, checkpoint.source);
  const model = new PretrainedEncoderClassifier(config, resolved.tensors, { outputs, seed: 0, sepId: tokenizer.sepId });
  const hasHead = resolved.missingHead.length === 0;
  const task = taskOf(config);
  const labelNames = hasHead ? (configLabels(config) ?? Array.from({ length: outputs }, (_, i) => `LABEL_${i}`)) : [];
  if (hasHead && task !== 'regression' && labelNames.length !== outputs) {
    model.dispose();
    throw new Error(`${folder}: config.json names ${labelNames.length} labels (id2label) but the classifier has ${outputs} outputs.`);
  }
  const maxLength = Math.min(MAX_LENGTH, maxSequenceLength(config));
  const encode = (input: PredictInput) => encodePretrainedSegmented(tokenizer, input.text, input.textPair, maxLength).ids;
  const inBatches = <T>(inputs: readonly PredictInput[], run: (ids: number[][]) => T[]): T[] => {
    const encoded = inputs.map(encode);
    return inLengthBatches(encoded.length, PREDICT_BATCH_SIZE, (i) => encoded[i].length, (indices) => run(indices.map((i) => encoded[i])));
  };
  const bytes = model.variables.reduce((sum, v) => sum + v.size * 4, 0);

  return {
    description: folder,
    hasHead,
    task,
    labelNames,
    bytes,
    predict(inputs: readonly PredictInput[]): Prediction[] {
      if (!hasHead) throw new Error(`${folder} is a pretrained encoder without a fine-tuned head: it gives hidden states (cls_hidden), not labels.`);
      return inBatches(inputs, (ids) => {
        const multiHot = task === 'multilabel' ? ids.map(() => new Array<number>(outputs).fill(0)) : undefined;
        return evaluationBatch(model, { inputs: [ids], labels: ids.map(() => 0), multiHot }, task).outputs.map((row) => predictionOf(task, labelNames, row));
      });
    },
    clsHidden(inputs: readonly PredictInput[]): number[][] {
      return inBatches(inputs, (rows) => {
        const { ids, mask } = padRows(rows, Math.max(1, ...rows.map((r) => r.length)));
        const first = tf.tidy(() => {
          const hidden = model.lastHiddenState(ids, mask);
          return tf.squeeze(tf.slice(hidden, [0, 0, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
        });
        ids.dispose();
        mask.dispose();
        const values = first.arraySync();
        first.dispose();
        return values;
      });
    },
    dispose: () => model.dispose(),
  };
}
