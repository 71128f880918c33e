// Masked-language-model inputs, as BERT pretraining and Hugging Face's collators build them
// (transformers' DataCollatorForLanguageModeling.torch_mask_tokens, and
// DataCollatorForWholeWordMask for whole words): each position is chosen for prediction with
// probability p (0.15), never a special token or padding; of the chosen ones 80% become [MASK],
// 10% a uniformly random token of the vocabulary, 10% stay as they are. Only chosen positions
// carry a label; every other position has IGNORE_LABEL and adds nothing to the loss.
// Whole-word masking chooses words instead of tokens (a word's continuation pieces follow its
// first piece) until about p of the tokens are chosen, then applies 80/10/10 per token.
// Draws come from the caller's seeded generator (shared/random.ts), so a run is reproducible and a
// resumed run continues with the same masks.

/** The label of a position that is not predicted (PyTorch's cross-entropy ignore_index). */
export const IGNORE_LABEL = -100;

export interface MaskingOptions {
  /** Share of tokens chosen for prediction (BERT: 0.15). */
  probability: number;
  maskId: number;
  /** Random replacements are drawn from [0, vocabSize), as the collator's randint(len(tokenizer)). */
  vocabSize: number;
  /** Ids never chosen: [CLS], [SEP], [PAD] and the like. */
  specialIds: ReadonlySet<number>;
  /** Whole-word masking: per position, whether the token starts a word (false = a continuation piece). */
  wordStarts?: readonly boolean[];
}

export interface MaskedSequence {
  inputIds: number[];
  /** The original id where the position is predicted, else IGNORE_LABEL. */
  labels: number[];
}

/** Which positions to predict, token by token: independent Bernoulli(p) draws over ordinary tokens. */
function chooseTokens(ids: readonly number[], o: MaskingOptions, random: () => number): boolean[] {
  return ids.map((id) => !o.specialIds.has(id) && random() < o.probability);
}

/**
 * Which positions to predict, word by word: the ordinary tokens grouped into words, the words
 * shuffled, and whole words taken while they fit in max(1, round(p x tokens)) — the collator's
 * _whole_word_mask, which skips a word that would overshoot and goes on with the next.
 */
function chooseWords(ids: readonly number[], o: MaskingOptions, starts: readonly boolean[], random: () => number): boolean[] {
  if (starts.length !== ids.length) throw new Error(`wordStarts has ${starts.length} entries for ${ids.length} tokens`);
  const words: number[][] = [];
  ids.forEach((id, i) => {
    if (o.specialIds.has(id)) return;
    const last = words[words.length - 1];
    if (!starts[i] && last && last[last.length - 1] === i - 1) last.push(i);
    else words.push([i]);
  });
  for (let i = words.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [words[i], words[j]] = [words[j], words[i]];
  }
  const tokens = words.reduce((n, w) => n + w.length, 0);
  const budget = Math.max(1, Math.round(tokens * o.probability));
  const chosen = ids.map(() => false);
  let taken = 0;
  for (const word of words) {
    if (taken >= budget) break;
    if (taken + word.length > budget) continue;
    for (const i of word) chosen[i] = true;
    taken += word.length;
  }
  return chosen;
}

/** One sequence's MLM inputs and labels. */
export function maskTokens(ids: readonly number[], options: MaskingOptions, random: () => number): MaskedSequence {
  if (!(options.probability > 0 && options.probability < 1)) throw new Error(`the masking probability must be in (0, 1), got ${options.probability}`);
  const chosen = options.wordStarts ? chooseWords(ids, options, options.wordStarts, random) : chooseTokens(ids, options, random);
  const inputIds = [...ids];
  const labels = ids.map((id, i) => (chosen[i] ? id : IGNORE_LABEL));
  for (let i = 0; i < ids.length; i++) {
    if (!chosen[i]) continue;
    const r = random();
    // 80% [MASK]; of the other 20%, half a random token (the collator's bernoulli(0.5) on the rest).
    if (r < 0.8) inputIds[i] = options.maskId;
    else if (r < 0.9) inputIds[i] = Math.floor(random() * options.vocabSize);
  }
  return { inputIds, labels };
}

/** Word starts of WordPiece tokens: a piece that begins with "##" continues the word before it. */
export function wordPieceStarts(tokens: readonly string[]): boolean[] {
  return tokens.map((t) => !t.startsWith('##'));
}
