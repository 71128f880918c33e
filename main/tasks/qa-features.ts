// Extractive question answering, the parts that need no tensors: turning (question, context,
// answers) into fixed-length windows with answer token positions, and turning per-token start/end
// logits back into answer text. A port of Hugging Face's examples/pytorch/question-answering
// (run_qa.py prepare_train_features / prepare_validation_features, utils_qa.py
// postprocess_qa_predictions), which is what published SQuAD fine-tuning numbers come from;
// docs/method.md#question-answering-foundations says how it fits the comparative loss.
//
// Character positions are JavaScript string indices (UTF-16 code units). SQuAD files count
// answer_start in Unicode code points (Python strings); converting is the reader's job.
import type { CharSpan, QaTokenizer } from './qa-tokenize';

export interface QaExample {
  id: string;
  question: string;
  context: string;
  /** The reference answers; training labels use the first. Empty lists: no answer (SQuAD 2.0). */
  answers: { text: readonly string[]; answerStart: readonly number[] };
}

export interface QaFeatureOptions {
  /** Tokens per window, special tokens included (run_qa.py max_seq_length, default 384). */
  maxLength?: number;
  /** Context tokens shared by consecutive windows (run_qa.py doc_stride, default 128). */
  stride?: number;
}

/** One window of one example. */
export interface QaFeature {
  exampleIndex: number;
  exampleId: string;
  inputIds: number[];
  typeIds: number[];
  /** Per token: its span in the context for context tokens; null for the question and special tokens. */
  offsets: (CharSpan | null)[];
  /** Token positions of the first answer when it lies wholly in this window's context, else 0 and 0 (the "no answer" token). */
  startPosition: number;
  endPosition: number;
}

/** The context-token ranges [start, stop) of the windows: Hugging Face tokenizers' overflow with stride. */
export function contextWindows(contextTokens: number, capacity: number, stride: number): [number, number][] {
  if (contextTokens <= capacity) return [[0, contextTokens]];
  const windows: [number, number][] = [];
  for (let start = 0; ; start += capacity - stride) {
    const stop = Math.min(start + capacity, contextTokens);
    windows.push([start, stop]);
    if (stop === contextTokens) return windows;
  }
}

/** Windows of every example, with training labels and the offsets decoding needs. */
export function prepareQaFeatures(examples: readonly QaExample[], tokenizer: QaTokenizer, options: QaFeatureOptions = {}): QaFeature[] {
  const maxLength = options.maxLength ?? 384;
  const stride = options.stride ?? 128;
  const { prefix, middle, suffix, contextTypeId } = tokenizer.layout;
  if (prefix.length === 0) throw new Error('The pair layout needs a prefix token: its position stands for "no answer".');
  const features: QaFeature[] = [];
  examples.forEach((example, exampleIndex) => {
    // run_qa.py strips the question's leading whitespace: it only costs window room.
    const question = tokenizer.tokenizeWithOffsets(example.question.trimStart()).ids;
    const context = tokenizer.tokenizeWithOffsets(example.context);
    const head = prefix.length + question.length + middle.length;
    const capacity = maxLength - head - suffix.length;
    // As the fast tokenizers refuse: a window must advance, so its context room must exceed the stride.
    if (capacity <= stride) {
      throw new Error(`Question ${example.id} takes ${question.length} tokens, which leaves ${capacity} context tokens per window of ${maxLength}; that must be more than the stride ${stride}.`);
    }
    for (const [first, stop] of contextWindows(context.ids.length, capacity, stride)) {
      const windowOffsets = context.offsets.slice(first, stop);
      const [startPosition, endPosition] = answerPositions(example, windowOffsets, head);
      features.push({
        exampleIndex,
        exampleId: example.id,
        inputIds: [...prefix, ...question, ...middle, ...context.ids.slice(first, stop), ...suffix],
        typeIds: [...Array<number>(head).fill(0), ...Array<number>(stop - first + suffix.length).fill(contextTypeId)],
        offsets: [...Array<null>(head).fill(null), ...windowOffsets, ...Array<null>(suffix.length).fill(null)],
        startPosition,
        endPosition,
      });
    }
  });
  return features;
}

/**
 * prepare_train_features' labelling: the last token starting at or before the answer's first
 * character, and the first token (from the right) ending at or after its last. One deliberate
 * difference: Hugging Face's start walk runs on through the [SEP] and padding (their offsets are
 * (0, 0)) when the answer starts at the window's last context token, which labels that [SEP];
 * here the walk stops at the window's end.
 */
function answerPositions(example: QaExample, window: readonly CharSpan[], head: number): [number, number] {
  if (example.answers.answerStart.length === 0 || window.length === 0) return [0, 0];
  const startChar = example.answers.answerStart[0];
  const endChar = startChar + example.answers.text[0].length;
  if (!(window[0][0] <= startChar && window[window.length - 1][1] >= endChar)) return [0, 0];
  let start = 0;
  while (start < window.length && window[start][0] <= startChar) start += 1;
  let end = window.length - 1;
  while (end >= 0 && window[end][1] >= endChar) end -= 1;
  start -= 1;
  end = Math.max(end + 1, 0);
  // Tokens of one word can share the word's span (main/tasks/qa-tokenize.ts), where the walks above
  // would stop at opposite ends of the word (end before start): widen both to the whole word. With
  // distinct spans, as fast tokenizers give, this changes nothing.
  const sameSpan = (a: CharSpan, b: CharSpan) => a[0] === b[0] && a[1] === b[1];
  while (start > 0 && sameSpan(window[start - 1], window[start])) start -= 1;
  while (end < window.length - 1 && sameSpan(window[end + 1], window[end])) end += 1;
  return [head + start, head + end];
}

export interface QaLogits {
  start: readonly number[];
  end: readonly number[];
}

export interface QaDecodeOptions {
  /** Start and end candidates per window (utils_qa.py n_best_size, default 20). */
  nBest?: number;
  /** Longest answer in tokens (max_answer_length, default 30). */
  maxAnswerLength?: number;
  /** SQuAD 2.0: the "no answer" choice competes (version_2_with_negative, default false). */
  allowNoAnswer?: boolean;
  /** Predict no answer when the null score beats the best span's by more than this (null_score_diff_threshold, default 0). */
  nullScoreDiffThreshold?: number;
}

export interface QaPrediction {
  exampleId: string;
  /** The answer text ("" for no answer). */
  text: string;
  /** Its span in the context, or null for no answer. */
  span: CharSpan | null;
  /** Best span's start + end logit (-Infinity when no span was valid). */
  bestSpanScore: number;
  /** Lowest "no answer" score (start + end logit at position 0) over the example's windows. */
  nullScore: number;
  /** nullScore - bestSpanScore; above the threshold means no answer. */
  scoreDiff: number;
  /** sigmoid(scoreDiff): the model's probability of no answer, the scale the official SQuAD 2.0 script's threshold search reads. */
  noAnswerProbability: number;
}

/** The n largest values' indices, largest first (numpy argsort reversed, ties by lower index). */
function topIndices(values: readonly number[], n: number): number[] {
  return values
    .map((value, index) => ({ value, index }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .slice(0, n)
    .map((entry) => entry.index);
}

/**
 * postprocess_qa_predictions: per example, every pair of a top-n start and a top-n end over all its
 * windows, skipping tokens outside the context, end before start and spans longer than the
 * maximum; the best by start + end logit is mapped to text through the offsets. With no answers
 * allowed, the example's lowest null score competes through the threshold. Where Hugging Face
 * invents the answer "empty" for an example without a single valid span, this predicts "".
 */
export function decodeQaPredictions(examples: readonly QaExample[], features: readonly QaFeature[], logits: readonly QaLogits[], options: QaDecodeOptions = {}): QaPrediction[] {
  if (logits.length !== features.length) throw new Error(`Got logits for ${logits.length} windows but there are ${features.length}.`);
  const nBest = options.nBest ?? 20;
  const maxAnswerLength = options.maxAnswerLength ?? 30;
  const threshold = options.nullScoreDiffThreshold ?? 0;
  const byExample = examples.map(() => [] as number[]);
  features.forEach((feature, index) => byExample[feature.exampleIndex].push(index));
  return examples.map((example, exampleIndex) => {
    let nullScore = Infinity;
    let best: { score: number; span: CharSpan } | null = null;
    for (const featureIndex of byExample[exampleIndex]) {
      const { start, end } = logits[featureIndex];
      const offsets = features[featureIndex].offsets;
      nullScore = Math.min(nullScore, start[0] + end[0]);
      const ends = topIndices(end, nBest);
      for (const s of topIndices(start, nBest)) {
        for (const e of ends) {
          if (s >= offsets.length || e >= offsets.length) continue;
          const startSpan = offsets[s];
          const endSpan = offsets[e];
          if (!startSpan || !endSpan) continue;
          if (e < s || e - s + 1 > maxAnswerLength) continue;
          const score = start[s] + end[e];
          // Strictly greater: the first candidate in Hugging Face's (stable) sort order wins ties.
          if (!best || score > best.score) best = { score, span: [startSpan[0], endSpan[1]] };
        }
      }
    }
    const bestSpanScore = best ? best.score : -Infinity;
    const scoreDiff = nullScore - bestSpanScore;
    const noAnswer = !best || (options.allowNoAnswer === true && scoreDiff > threshold);
    const span = noAnswer ? null : best!.span;
    return {
      exampleId: example.id,
      text: span ? example.context.slice(span[0], span[1]) : '',
      span,
      bestSpanScore,
      nullScore,
      scoreDiff,
      noAnswerProbability: 1 / (1 + Math.exp(-scoreDiff)),
    };
  });
}
