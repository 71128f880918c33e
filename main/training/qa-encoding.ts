// Question answering splits as the trainer's examples: every question cut into run_qa-style windows
// (main/tasks/qa-features.ts), each window one example in the shape CmpCrop works on (crops.ts):
// the question and special tokens kept aside (`before` / `after`), the window's context as its
// sentences (paragraphs for multi-paragraph contexts), the sentences holding the answer required,
// so every crop keeps the answer; cropSpan moves the answer's token positions for each crop.
import { prepareQaFeatures, type QaExample } from '../tasks/qa-features';
import type { QaTokenizer } from '../tasks/qa-tokenize';
import type { SpanTarget } from '../tasks/registry';
import { segmentStarts, type SegmentedInput } from './crops';
import type { EvalExample } from './evaluation';
import type { LabelledTexts } from './protocol';

export interface QaWindowSettings {
  maxLength: number;
  stride: number;
}

/** A split's questions `indices` as windows; each window's `index` is its question's row. */
export function encodeQaSplit(split: LabelledTexts, indices: readonly number[], tokenizer: QaTokenizer, settings: QaWindowSettings): EvalExample[] {
  const { answers, textPairs } = split;
  if (!answers || !textPairs) throw new Error('A question answering split needs contexts (textPairs) and answers.');
  const examples: QaExample[] = indices.map((i) => {
    const context = textPairs[i];
    if (context == null) throw new Error(`Question ${i} has no context.`);
    return { id: String(i), question: split.texts[i], context, answers: { text: answers[i].text, answerStart: answers[i].start } };
  });
  const features = prepareQaFeatures(examples, tokenizer, { maxLength: settings.maxLength, stride: settings.stride });
  const starts = examples.map((e) => segmentStarts(e.context));
  return features.map((feature) => {
    const example = examples[feature.exampleIndex];
    const contextStart = feature.offsets.findIndex((o) => o !== null);
    const contextStop = contextStart < 0 ? contextStart : feature.offsets.length - [...feature.offsets].reverse().findIndex((o) => o !== null);
    const input = windowInput(feature.inputIds, feature.offsets, contextStart, contextStop, starts[feature.exampleIndex], feature.startPosition, feature.endPosition);
    const span: SpanTarget = { start: feature.startPosition, end: feature.endPosition, contextStart: Math.max(contextStart, 0), contextStop: Math.max(contextStop, 0) };
    return {
      index: indices[feature.exampleIndex],
      input,
      label: 0,
      span,
      window: { id: example.id, context: example.context, answers: example.answers.text, offsets: feature.offsets },
    };
  });
}

/** The window as segments: one per context sentence (by the sentence its tokens start in). */
function windowInput(
  ids: number[],
  offsets: readonly (readonly [number, number] | null)[],
  contextStart: number,
  contextStop: number,
  sentenceStarts: readonly number[],
  answerStart: number,
  answerEnd: number,
): SegmentedInput {
  if (contextStart < 0) return { ids, segments: [[]], required: [0], before: ids, after: [] };
  const segments: number[][] = [];
  const required: number[] = [];
  let sentence = -1;
  for (let t = contextStart; t < contextStop; t++) {
    const at = offsets[t]![0];
    let s = sentence < 0 ? 0 : sentence;
    while (s + 1 < sentenceStarts.length && sentenceStarts[s + 1] <= at) s++;
    if (s !== sentence || segments.length === 0) {
      segments.push([]);
      sentence = s;
    }
    segments[segments.length - 1].push(ids[t]);
    const answered = answerStart > 0 && t >= answerStart && t <= answerEnd;
    if (answered && required.at(-1) !== segments.length - 1) required.push(segments.length - 1);
  }
  return { ids, segments, required, before: ids.slice(0, contextStart), after: ids.slice(contextStop) };
}

/** The answer and context positions in a crop keeping segments `kept` (ascending) of `input`. */
export function cropSpan(input: SegmentedInput, kept: readonly number[], full: SpanTarget): SpanTarget {
  const before = input.before?.length ?? 0;
  let length = 0;
  let shift = 0;
  let position = before;
  const keptSet = new Set(kept);
  // Full-input position of each segment's first token, and where it lands in the crop.
  let cropped = { start: 0, end: 0 };
  input.segments.forEach((segment, index) => {
    const first = position;
    position += segment.length;
    if (!keptSet.has(index)) {
      shift += segment.length;
      return;
    }
    length += segment.length;
    if (full.start > 0 && full.start >= first && full.start < position) cropped = { ...cropped, start: full.start - shift };
    if (full.start > 0 && full.end >= first && full.end < position) cropped = { ...cropped, end: full.end - shift };
  });
  return { start: cropped.start, end: cropped.end, contextStart: before, contextStop: before + length };
}

/** For each token of a crop, its position in the full input (to score crop outputs on the full window). */
export function cropPositions(input: SegmentedInput, kept: readonly number[]): number[] {
  const before = input.before?.length ?? 0;
  const positions = Array.from({ length: before }, (_, i) => i);
  let position = before;
  const keptSet = new Set(kept);
  input.segments.forEach((segment, index) => {
    if (keptSet.has(index)) for (let t = 0; t < segment.length; t++) positions.push(position + t);
    position += segment.length;
  });
  for (let t = 0; t < (input.after?.length ?? 0); t++) positions.push(position + t);
  return positions;
}
