// Turning the start message's splits into encoded examples, with the checks that fail early (and
// name the split) on data the loss would otherwise silently mis-score.
import { mixSeed, mulberry32, shuffledIndices } from '../../shared/random';
import type { Task } from '../../shared/schemas';
import { taskHead } from '../tasks/registry';
import { encodeSegmented, randomCrops, cropIds, type SegmentedInput } from './crops';
import type { EvalExample } from './evaluation';
import { cropSpan } from './qa-encoding';
import type { LabelledTexts } from './protocol';
import type { WordTokenizer } from './tokenizer';
import type { StepInput } from './training-step';

/** Fails early, naming the split, on data the loss would otherwise silently mis-score. */
export function checkSplit(name: string, split: LabelledTexts, task: Task, numLabels: number): void {
  if (split.texts.length !== split.labels.length) {
    throw new Error(`The ${name} split has ${split.texts.length} texts but ${split.labels.length} labels.`);
  }
  taskHead(task).checkTargets(name, split, numLabels);
}

/** A seeded subset of `count` indices out of `total` (all of them when count is 0 or larger). */
export function cappedIndices(total: number, count: number, seed: number): number[] {
  if (count <= 0 || count >= total) return Array.from({ length: total }, (_, i) => i);
  return shuffledIndices(total, mulberry32(mixSeed(seed, 0x5ab))).slice(0, count).sort((a, b) => a - b);
}

/** Encodes the rows `indices` of a split; `index` is each example's row in the split. */
export function encodeSplit(split: LabelledTexts, indices: number[], tokenizer: WordTokenizer, maxLength: number, numLabels: number): EvalExample[] {
  // The built-in model reads one text: a pair is joined by a line break so both reach it.
  return encodeSplitWith(split, indices, numLabels, (text, pair, required) => encodeSegmented(tokenizer, pair == null ? text : `${text}\n${pair}`, maxLength, required));
}

/** Row encoder: a text, its pair text (if any) and its required segments -> a segmented input. */
export type RowEncoder = (text: string, pair: string | null | undefined, required: readonly number[]) => SegmentedInput;

export function encodeSplitWith(split: LabelledTexts, indices: number[], numLabels: number, encode: RowEncoder): EvalExample[] {
  return indices.map((i) => {
    const multiHot = split.labelSets ? Array.from({ length: numLabels }, (_, l) => (split.labelSets![i].includes(l) ? 1 : 0)) : undefined;
    return {
      index: i,
      input: encode(split.texts[i], split.textPairs?.[i], split.requiredSegments?.[i] ?? []),
      label: split.labels[i],
      multiHot,
    };
  });
}

/**
 * Data order of one epoch: a function of (seed, epoch) alone, not of a generator's running
 * state, so a resumed run can rebuild it from the epoch number.
 */
export function epochOrder(size: number, seed: number, epoch: number): number[] {
  return shuffledIndices(size, mulberry32(mixSeed(seed, 0x5f1, epoch)));
}

/**
 * A training micro-batch: the full inputs and, with CmpCrop on, `crops` nested crops per example,
 * drawn from (seed, micro-batch number, position) so resume and reruns draw the same crops.
 */
export function trainingInput(examples: readonly EvalExample[], crops: number, seed: number, microIndex: number): StepInput {
  const inputs: number[][][] = [examples.map((e) => e.input.ids)];
  // Question answering: each crop level moves the answer (cropSpan), so its targets are its own.
  const spans = examples[0]?.span ? [examples.map((e) => e.span!)] : undefined;
  if (crops > 0) {
    const kept = examples.map((e, i) => randomCrops(e.input, crops, mulberry32(mixSeed(seed, 0xc409, microIndex, i))));
    for (let c = 0; c < crops; c++) {
      inputs.push(examples.map((e, i) => cropIds(e.input, kept[i][c])));
      spans?.push(examples.map((e, i) => cropSpan(e.input, kept[i][c], e.span!)));
    }
  }
  return {
    inputs,
    labels: examples.map((e) => e.label),
    multiHot: examples[0]?.multiHot ? examples.map((e) => e.multiHot!) : undefined,
    spans,
  };
}
