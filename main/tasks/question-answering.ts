// Extractive question answering, as Hugging Face's `*ForQuestionAnswering` heads and run_qa.py:
// two outputs per token (start and end logits), each a softmax over the window's positions masked
// to its context and the first token ("no answer"); the loss of a window is the mean of the start
// and end cross-entropies. The comparative objective ranks the start losses and the end losses
// separately and averages the two (the reference's CmpQA, docs/method.md#question-answering).
// Scoring decodes each question's windows to text (qa-features.ts) and applies the official SQuAD
// metrics (shared/squad-metrics.ts), with SQuAD 2.0's no-answer threshold chosen on validation.
import * as tf from '@tensorflow/tfjs';
import { scoreAnswer, type SquadReference, squadV2Evaluate } from '../../shared/squad-metrics';
import { decodeQaPredictions, type QaExample, type QaFeature, type QaLogits } from './qa-features';
import { type AnswerWindow, meanOf, type RowTargets, repeatRows, type ScoredExample, type SpanTarget, type TaskHead } from './task-head';

// Added to the logits of positions outside the context; softmax gives them exact zeros.
const OUTSIDE_CONTEXT = -1e9;

/** Start or end logits [rows, T] to per-row cross-entropy against `positions`, masked to `allowed` [rows, T]. */
function maskedPositionCrossEntropy(logits: tf.Tensor2D, positions: tf.Tensor1D, allowed: tf.Tensor2D): tf.Tensor1D {
  const masked = tf.add(logits, tf.mul(tf.sub(1, allowed), OUTSIDE_CONTEXT));
  const oneHot = tf.cast(tf.oneHot(positions, logits.shape[1]), 'float32');
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(masked), oneHot), 1)) as tf.Tensor1D;
}

/** 1 where a position may hold an answer end: inside [contextStart, contextStop), or 0 ("no answer"). */
function allowedPositions(rows: number, length: number, targets: RowTargets): tf.Tensor2D {
  const positions = tf.reshape(tf.range(0, length, 1, 'int32'), [1, length]);
  const from = tf.reshape(targets.contextStart!, [rows, 1]);
  const to = tf.reshape(targets.contextStop!, [rows, 1]);
  const inside = tf.logicalAnd(tf.greaterEqual(positions, from), tf.less(positions, to));
  return tf.cast(tf.logicalOr(inside, tf.equal(positions, 0)), 'float32') as tf.Tensor2D;
}

/** [start losses, end losses], each [rows], from outputs [rows, 2T] (all start logits, then all end logits). */
function startEndLosses(outputs: tf.Tensor2D, targets: RowTargets): tf.Tensor1D[] {
  return tf.tidy(() => {
    const [rows, width] = outputs.shape;
    const length = width / 2;
    const allowed = allowedPositions(rows, length, targets);
    const start = tf.slice(outputs, [0, 0], [rows, length]);
    const end = tf.slice(outputs, [0, length], [rows, length]);
    return [maskedPositionCrossEntropy(start, targets.spanStart!, allowed), maskedPositionCrossEntropy(end, targets.spanEnd!, allowed)];
  });
}

const int32 = (values: number[]) => tf.tensor1d(values, 'int32');

export interface QuestionScore {
  /** The question's row in the split (its windows share it). */
  index: number;
  id: string;
  answer: string;
  /** Where the best span starts in the context (null when no span was valid). */
  answerStart: number | null;
  noAnswerProbability: number;
}

/** Each question's best span over its windows (outputs [2T] per window), in first-window order. */
export function decodeWindows(examples: readonly ScoredExample[], outputs: readonly (readonly number[])[], maxAnswerLength?: number): QuestionScore[] {
  const questions = new Map<string, { index: number; window: AnswerWindow; example: number }>();
  const qaExamples: QaExample[] = [];
  const features: QaFeature[] = [];
  const logits: QaLogits[] = [];
  examples.forEach((scored, i) => {
    const window = scored.window;
    if (!window) throw new Error(`Question answering output ${i} has no window to decode it with.`);
    let question = questions.get(window.id);
    if (!question) {
      question = { index: scored.index, window, example: qaExamples.length };
      questions.set(window.id, question);
      qaExamples.push({ id: window.id, question: '', context: window.context, answers: { text: window.answers, answerStart: [] } });
    }
    const length = outputs[i].length / 2;
    const offsets = window.offsets.slice(0, length);
    features.push({ exampleIndex: question.example, exampleId: window.id, inputIds: [], typeIds: [], offsets: offsets as QaFeature['offsets'], startPosition: 0, endPosition: 0 });
    logits.push({ start: outputs[i].slice(0, length), end: outputs[i].slice(length) });
  });
  // The best span always: whether "no answer" wins is the threshold's decision (scoreQuestions).
  const decoded = decodeQaPredictions(qaExamples, features, logits, { allowNoAnswer: false, maxAnswerLength });
  const ordered = [...questions.values()];
  return decoded.map((prediction, k) => ({
    index: ordered[k].index,
    id: prediction.exampleId,
    answer: prediction.text,
    answerStart: prediction.span ? prediction.span[0] : null,
    noAnswerProbability: prediction.noAnswerProbability,
  }));
}

/**
 * The official SQuAD 2.0 numbers, as fractions. With unanswerable questions and no threshold
 * given, the threshold is the one the official script's best-F1 search picks on these questions;
 * answers whose no-answer probability exceeds it become "". Without unanswerable questions
 * (SQuAD 1.1) the threshold is 1: every question is answered.
 */
export function scoreQuestions(questions: readonly QuestionScore[], goldOf: (id: string) => readonly string[], threshold?: number) {
  const references: SquadReference[] = questions.map((q) => ({ id: q.id, answers: goldOf(q.id) }));
  const unanswerable = references.some((r) => r.answers.length === 0);
  let chosen = threshold;
  if (chosen === undefined) {
    chosen = 1;
    if (unanswerable) {
      const raw = new Map(questions.map((q) => [q.id, q.answer]));
      const probabilities = new Map(questions.map((q) => [q.id, q.noAnswerProbability]));
      chosen = squadV2Evaluate(references, raw, { noAnswerProbabilities: probabilities }).best_f1_thresh!;
    }
  }
  const finals = questions.map((q) => (q.noAnswerProbability > chosen! ? '' : q.answer));
  const report = squadV2Evaluate(references, new Map(questions.map((q, i) => [q.id, finals[i]])));
  const metrics: Record<string, number> = { exact_match: report.exact / 100, f1: report.f1 / 100, no_answer_threshold: chosen };
  if (report.HasAns_total !== undefined && report.NoAns_total !== undefined) {
    Object.assign(metrics, {
      has_answer_exact_match: report.HasAns_exact! / 100,
      has_answer_f1: report.HasAns_f1! / 100,
      no_answer_exact_match: report.NoAns_exact! / 100,
      no_answer_f1: report.NoAns_f1! / 100,
    });
  }
  return { metrics, finals };
}

export const questionAnsweringHead: TaskHead = {
  task: 'qa',
  reads: 'tokens',
  outputWidth: () => 2,
  defaultSelectionMetric: 'f1',
  tableMetrics: ['exact_match', 'f1', 'has_answer_f1', 'no_answer_f1', 'loss'],
  checkTargets(splitName, split) {
    if (!split.answers) throw new Error(`The ${splitName} split has no answers: question answering needs each question's answers (an empty list when it has none).`);
  },
  rowTargets(batch, copies, crop = 0) {
    const spans: readonly SpanTarget[] | undefined = batch.spans?.[crop];
    if (!spans) throw new Error(`No answer spans for crop level ${crop}.`);
    const rows = repeatRows(spans, copies);
    return {
      spanStart: int32(rows.map((s) => s.start)),
      spanEnd: int32(rows.map((s) => s.end)),
      contextStart: int32(rows.map((s) => s.contextStart)),
      contextStop: int32(rows.map((s) => s.contextStop)),
    };
  },
  perExampleLossParts: startEndLosses,
  perExampleLoss: (outputs, targets) =>
    tf.tidy(() => {
      const [start, end] = startEndLosses(outputs, targets);
      return tf.div(tf.add(start, end), 2) as tf.Tensor1D;
    }),
  probabilities: () => [],
  score(examples, outputs, losses, _labelNames, options = {}) {
    const questions = decodeWindows(examples, outputs, options.maxAnswerLength);
    const gold = new Map(examples.map((e) => [e.window!.id, e.window!.answers]));
    const { metrics, finals } = scoreQuestions(questions, (id) => gold.get(id)!, options.noAnswerThreshold);
    metrics.loss = meanOf(losses);
    return {
      metrics,
      predictions: questions.map((q, i) => {
        const { exact, f1 } = scoreAnswer(gold.get(q.id)!, finals[i]);
        const confidence = finals[i] === '' ? q.noAnswerProbability : 1 - q.noAnswerProbability;
        const start = finals[i] === '' || q.answerStart === null ? {} : { answerStart: q.answerStart };
        return { index: q.index, predicted: exact, gold: 1, confidence, answer: finals[i], ...start, f1 };
      }),
    };
  },
};
