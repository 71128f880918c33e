// A run's best model, rebuilt the way the trainer builds it (training/run-model.ts: the built-in
// transformer with the checkpoint's word vocabulary, or the pretrained encoder and tokenizer of
// the folder it was fine-tuned from) and run exactly as the evaluation runs it: same encoding,
// same forward pass (training-step's evaluationBatch, dropout off), same probabilities.
import * as tf from '@tensorflow/tfjs';
import { readCheckpoint } from '../training/checkpoint';
import { buildRunModel } from '../training/run-model';
import { evaluationBatch } from '../training/training-step';
import { taskHead } from '../tasks/registry';
import { predictAnswers } from './answer-predictor';
import type { ModelSource } from './model-source';
import { inLengthBatches, type PredictInput, type Prediction, type Predictor, predictionOf } from './predictor';

export const PREDICT_BATCH_SIZE = 64;

export async function loadRunPredictor(source: Extract<ModelSource, { kind: 'run' }>): Promise<Predictor> {
  const { config, task, labelNames } = source;
  const checkpoint = readCheckpoint(source.checkpointPath);
  const head = taskHead(task);
  const outputs = head.outputWidth(labelNames.length);
  // The header as a resume point: its vocabulary / pretrained folder rebuilds the same model.
  const setup = await buildRunModel(config, { outputs, reads: head.reads }, 0, () => [], checkpoint.header);
  const { model } = setup;
  const shapes = model.variables.map((v) => v.shape.join('x'));
  const stored = checkpoint.header.shapes.slice(0, checkpoint.weights.length).map((s) => s.join('x'));
  if (shapes.join(',') !== stored.join(',')) {
    model.dispose();
    throw new Error(`${source.checkpointPath} does not fit run ${source.runId}'s model (${stored.length} stored arrays, ${shapes.length} expected): was it written by another version of Comparo?`);
  }
  tf.tidy(() => model.variables.forEach((variable, i) => variable.assign(tf.tensor(checkpoint.weights[i], variable.shape))));
  const bytes = checkpoint.weights.reduce((sum, w) => sum + w.byteLength, 0);
  const encode = (input: PredictInput) => setup.encodeRow(input.text, input.textPair ?? null, []).ids;

  return {
    description: `run ${source.runId} (best step ${checkpoint.header.step})`,
    hasHead: true,
    task,
    labelNames,
    bytes,
    predict(inputs: readonly PredictInput[]): Prediction[] {
      // v1-style data chose no threshold: 1 answers every question.
      if (task === 'qa') return predictAnswers(setup, config, checkpoint.header.bestMetrics?.no_answer_threshold ?? 1, inputs);
      const encoded = inputs.map(encode);
      return inLengthBatches(encoded.length, PREDICT_BATCH_SIZE, (i) => encoded[i].length, (indices) => {
        const ids = indices.map((i) => encoded[i]);
        // Targets only feed the loss evaluationBatch also returns; predictions ignore it.
        const multiHot = task === 'multilabel' ? ids.map(() => new Array<number>(outputs).fill(0)) : undefined;
        const { outputs: logits } = evaluationBatch(model, { inputs: [ids], labels: ids.map(() => 0), multiHot }, task);
        return logits.map((row) => predictionOf(task, labelNames, row));
      });
    },
    dispose: () => model.dispose(),
  };
}
