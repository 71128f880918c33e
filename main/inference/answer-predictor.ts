// Question answering predictions of a run's model, exactly as its evaluation made them: the same
// windows (main/training/qa-encoding.ts), the same forward pass with dropout off, the same decoding
// of the best span over a question's windows, and "no answer" when its probability exceeds the
// threshold the run chose on its validation split (main/tasks/question-answering.ts).
import { chunk } from '../training/batching';
import { stepInputOf } from '../training/evaluation';
import { encodeQaSplit } from '../training/qa-encoding';
import type { RunModel } from '../training/run-model';
import { evaluationBatch } from '../training/training-step';
import { decodeWindows } from '../tasks/question-answering';
import type { RunConfig } from '../../shared/schemas';
import type { PredictInput, Prediction } from './predictor';

const WINDOW_BATCH = 32;

export function predictAnswers(setup: RunModel, config: RunConfig, noAnswerThreshold: number, inputs: readonly PredictInput[]): Prediction[] {
  if (!setup.qaTokenizer) throw new Error('This run does not answer questions.');
  const missing = inputs.findIndex((input) => !input.textPair);
  if (missing >= 0) throw new Error(`Input ${missing + 1} has a question but no context: a reader answers from a context (text_pair).`);
  const split = {
    texts: inputs.map((input) => input.text),
    labels: inputs.map(() => 0),
    textPairs: inputs.map((input) => input.textPair!),
    answers: inputs.map(() => ({ text: [], start: [] })),
  };
  const stride = config.qaStride > 0 ? config.qaStride : Math.floor(setup.maxLength / 3);
  const windows = encodeQaSplit(split, inputs.map((_, i) => i), setup.qaTokenizer, { maxLength: setup.maxLength, stride });
  const outputs = chunk(windows, WINDOW_BATCH).flatMap((batch) => evaluationBatch(setup.model, stepInputOf(batch), 'qa').outputs);
  const questions = decodeWindows(windows, outputs, config.qaMaxAnswerLength);
  return questions.map((q) => {
    const refused = q.noAnswerProbability > noAnswerThreshold;
    return {
      logits: [],
      label: refused ? '' : q.answer,
      probabilities: {},
      answer: { start: refused ? null : q.answerStart, noAnswerProbability: q.noAnswerProbability, noAnswerThreshold },
    };
  });
}
