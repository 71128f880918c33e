// Encoding for pretrained tokenizers in the shape CmpCrop works on (crops.ts): the
// text split into segments (paragraphs or sentences), each tokenized without special tokens, and
// the special tokens kept aside (`before`/`after`) so every crop is again [CLS] ... [SEP]. A
// second text (pair tasks) is one required segment: crops remove sentences of the first text only.
import { type SegmentedInput, splitSegments } from './crops';
import type { PretrainedTokenizer } from '../pretrained/tokenizer';
import { truncatePair } from '../pretrained/truncation';

// Below any real id: marks where the post-processor puts the first and second sequence.
const FIRST = -1;
const SECOND = -2;
const FALLBACK_CHUNKS = 4;

/** The special tokens around one text or a pair: [before] first [middle] second [after]. */
export function specialLayout(tokenizer: PretrainedTokenizer, pair: boolean): { before: number[]; middle: number[]; after: number[] } {
  const ids = tokenizer.withSpecialTokens([FIRST], pair ? [SECOND] : undefined).ids;
  const first = ids.indexOf(FIRST);
  const second = pair ? ids.indexOf(SECOND) : first;
  return { before: ids.slice(0, first), middle: pair ? ids.slice(first + 1, second) : [], after: ids.slice(second + 1) };
}

export function encodePretrainedSegmented(
  tokenizer: PretrainedTokenizer,
  text: string,
  pair: string | undefined,
  maxLength: number,
  required: readonly number[] = [],
): SegmentedInput {
  const layout = specialLayout(tokenizer, pair !== undefined);
  const budget = maxLength - layout.before.length - layout.middle.length - layout.after.length;
  if (budget < 1) throw new Error(`maxLength ${maxLength} leaves no room for text next to the special tokens`);
  // A leading space before every later segment keeps byte-level BPE's word-start marks (Ġ) as the
  // whole text would have them; WordPiece ignores it.
  const raw = splitSegments(text).map((segment, index) => ({ index, ids: tokenizer.tokenize(index === 0 ? segment : ` ${segment}`) }));
  const pieces = raw.filter((segment) => segment.ids.length > 0);
  const second = pair === undefined ? undefined : tokenizer.tokenize(pair);
  const [keptFirst, keptSecond] = truncatePair(pieces.flatMap((p) => p.ids), second, budget, 'longest_first');
  const segments: number[][] = [];
  const requiredOut: number[] = [];
  let used = 0;
  for (const piece of pieces) {
    if (used >= keptFirst.length) break;
    const ids = piece.ids.slice(0, keptFirst.length - used);
    if (required.includes(piece.index)) requiredOut.push(segments.length);
    segments.push(ids);
    used += ids.length;
  }
  if (keptSecond !== undefined) {
    requiredOut.push(segments.length);
    segments.push([...layout.middle, ...keptSecond]);
  } else if (segments.length < 2 && requiredOut.length === 0) {
    // One sentence: cut into equal chunks so it can still be cropped (as encodeSegmented does).
    const flat = segments.flat();
    const size = Math.max(1, Math.ceil(flat.length / FALLBACK_CHUNKS));
    segments.length = 0;
    for (let i = 0; i < flat.length; i += size) segments.push(flat.slice(i, i + size));
  }
  if (segments.length === 0) segments.push([]);
  return { ids: [...layout.before, ...segments.flat(), ...layout.after], segments, required: requiredOut, before: layout.before, after: layout.after };
}
