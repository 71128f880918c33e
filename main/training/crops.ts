// CmpCrop (docs/method.md#copies): nested crops of the INPUT at the segment level.
// A text is split into segments (paragraphs when it has blank lines, else sentences); crop k
// keeps a subset of the segments crop k-1 kept, in original order, never dropping a segment the
// data marks as required. Sizes are drawn per example and sorted so each crop is smaller.
import { shuffledIndices } from '../../shared/random';
import { splitWords, type WordTokenizer } from './tokenizer';

// Sentence ends: . ! ? (possibly repeated, possibly followed by a closing quote/bracket).
const SENTENCE_END = /(?<=[.!?]+["')\]]?)\s+/u;
// With too few sentences to crop, the tokens are cut into this many equal chunks instead, so a
// one-sentence input can still be cropped (it has no natural unit smaller than itself).
const FALLBACK_CHUNKS = 4;

/** Paragraphs if the text has blank lines (multi-paragraph inputs), else sentences. */
export function splitSegments(text: string): string[] {
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  if (paragraphs.length > 1) return paragraphs;
  return text.split(SENTENCE_END).map((s) => s.trim()).filter(Boolean);
}

/**
 * Where splitSegments' segments begin in `text` (character indices, ascending, the first 0): the
 * same paragraph / sentence rule, for inputs tokenized with offsets (question answering contexts).
 */
export function segmentStarts(text: string): number[] {
  const starts = [0];
  const paragraphBreaks = [...text.matchAll(/\n\s*\n/g)];
  const breaks = paragraphBreaks.length > 0 ? paragraphBreaks : [...text.matchAll(new RegExp(SENTENCE_END.source, 'gu'))];
  for (const match of breaks) starts.push(match.index! + match[0].length);
  return starts;
}

export interface SegmentedInput {
  /** The full input: the concatenation of `segments`, at most maxLength ids. */
  ids: number[];
  /** Token ids of each visible (non-empty, within maxLength) segment, in order. */
  segments: number[][];
  /** Indices into `segments` that every crop must keep. */
  required: number[];
  /** Special tokens around the input and every crop ([CLS] ... [SEP] of a pretrained tokenizer). */
  before?: number[];
  after?: number[];
}

/**
 * Encodes a text segment by segment, truncated to maxLength in total (segments past the cut are
 * not visible to the full model, so they must not reappear in a crop either). `required` indexes
 * splitSegments(text).
 */
export function encodeSegmented(tokenizer: WordTokenizer, text: string, maxLength: number, required: readonly number[] = []): SegmentedInput {
  const raw = splitSegments(text);
  const segments: number[][] = [];
  const requiredOut: number[] = [];
  let used = 0;
  raw.forEach((segment, index) => {
    if (used >= maxLength) return;
    // A segment with no tokens (e.g. only markup) would encode as [UNK]: skip it instead.
    if (splitWords(segment).length === 0) return;
    const ids = tokenizer.encode(segment, maxLength - used);
    if (required.includes(index)) requiredOut.push(segments.length);
    segments.push(ids);
    used += ids.length;
  });
  if (segments.length === 0) segments.push(tokenizer.encode(text, maxLength));
  if (segments.length < 2 && requiredOut.length === 0) {
    const flat = segments.flat();
    const size = Math.max(1, Math.ceil(flat.length / FALLBACK_CHUNKS));
    const chunks: number[][] = [];
    for (let i = 0; i < flat.length; i += size) chunks.push(flat.slice(i, i + size));
    return { ids: flat, segments: chunks, required: [] };
  }
  return { ids: segments.flat(), segments, required: requiredOut };
}

/**
 * Nested subsets of the optional (non-required) segments: level k keeps `counts[k]` of the
 * segments level k-1 kept (counts must not increase). Returns the kept segment indices per level,
 * required ones included, sorted (original order).
 */
export function nestedSubsets(segmentCount: number, required: readonly number[], counts: readonly number[], next: () => number): number[][] {
  const requiredSet = new Set(required);
  let kept = Array.from({ length: segmentCount }, (_, i) => i).filter((i) => !requiredSet.has(i));
  return counts.map((count) => {
    // A random subset of the previous level: shuffle it, keep the first `count`.
    const order = shuffledIndices(kept.length, next);
    kept = order.slice(0, Math.min(count, kept.length)).map((i) => kept[i]);
    return [...kept, ...required].sort((a, b) => a - b);
  });
}

/**
 * CmpCrop for training: `crops` nested crops of one input with sizes drawn at random (uniform over
 * the allowed numbers of optional segments, distinct where the range allows) and sorted so each
 * crop is smaller. A crop is never empty: with no required segment at least one is kept. An input
 * that cannot be cropped (one optional segment, nothing required) yields full-size "crops".
 */
export function randomCrops(input: SegmentedInput, crops: number, next: () => number): number[][] {
  const optional = input.segments.length - input.required.length;
  const low = input.required.length > 0 ? 0 : 1;
  const high = optional - 1; // strictly fewer than the full input
  const all = Array.from({ length: input.segments.length }, (_, i) => i);
  if (high < low) return Array.from({ length: crops }, () => all);
  const pool = Array.from({ length: high - low + 1 }, (_, i) => low + i);
  const sizes = shuffledIndices(pool.length, next)
    .slice(0, crops)
    .map((i) => pool[i]);
  // Fewer distinct sizes than crops: repeat draws (ties are allowed then, never growth).
  while (sizes.length < crops) sizes.push(pool[Math.floor(next() * pool.length)]);
  sizes.sort((a, b) => b - a);
  return nestedSubsets(input.segments.length, input.required, sizes, next);
}

/** Crops keeping a share of the optional segments per level (neuronal utility's schedule). */
export function shareCrops(input: SegmentedInput, shares: readonly number[], next: () => number): number[][] {
  const optional = input.segments.length - input.required.length;
  const floor = input.required.length > 0 ? 0 : 1;
  const counts = shares.map((share) => Math.max(floor, Math.round(optional * share)));
  return nestedSubsets(input.segments.length, input.required, counts, next);
}

/** The token ids of the kept segments, in original order. */
export function cropIds(input: SegmentedInput, kept: readonly number[]): number[] {
  const ids = kept.flatMap((index) => input.segments[index]);
  return input.before || input.after ? [...(input.before ?? []), ...ids, ...(input.after ?? [])] : ids;
}
