// Token counts of training texts at every crop level, encoded and cropped the way the trainer does
// it (main/training/crops.ts, main/training/data.ts), for the FLOPs estimate of shared/flops.ts.
// The built-in word tokenizer's count does not depend on its vocabulary (an unknown word is one
// [UNK]), so a tokenizer that knows no words gives the trainer's exact lengths.
import { mixSeed, mulberry32 } from '../../shared/random';
import { cropIds, encodeSegmented, randomCrops } from '../training/crops';
import { SPECIAL_TOKENS, WordTokenizer } from '../training/tokenizer';

const COUNTING_TOKENIZER = WordTokenizer.fromVocabulary(SPECIAL_TOKENS);

/**
 * lengths[c][i]: text i's token count at crop level c (0 = the full input, at most maxLength),
 * one random draw of `crops` nested crops per text (fixed seed: the estimate is an expectation,
 * not any run's own draw).
 */
export function lengthsByCropLevel(texts: readonly string[], maxLength: number, crops: number, seed = 0): number[][] {
  const levels = Array.from({ length: crops + 1 }, (): number[] => []);
  texts.forEach((text, i) => {
    const input = encodeSegmented(COUNTING_TOKENIZER, text, maxLength);
    levels[0].push(input.ids.length);
    if (crops === 0) return;
    const kept = randomCrops(input, crops, mulberry32(mixSeed(seed, 0xf10, i)));
    kept.forEach((segments, c) => levels[c + 1].push(cropIds(input, segments).length));
  });
  return levels;
}
