// Word-level tokenizer built from the training texts. Hand-written on purpose: it is tiny, fully
// deterministic (same texts => same ids on every machine), needs no model hub access and no
// native code. Pretrained models bring their own subword tokenizers (main/pretrained/tokenizer.ts).

export const PAD_ID = 0;
export const UNK_ID = 1;
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]'] as const;

// Words (letters/digits, with inner apostrophes as in "don't") or any single punctuation mark.
const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:'[\p{L}]+)*|[^\s\p{L}\p{N}]/gu;
// IMDB-style markup such as "<br />": removed before splitting so it does not become tokens.
const HTML_TAG_PATTERN = /<[^>]{0,200}>/g;

/** Lowercases, strips HTML tags and splits into words and punctuation marks. */
export function splitWords(text: string): string[] {
  const cleaned = text.toLowerCase().replace(HTML_TAG_PATTERN, ' ');
  return cleaned.match(TOKEN_PATTERN) ?? [];
}

export class WordTokenizer {
  private readonly idByToken: Map<string, number>;

  private constructor(readonly vocabulary: readonly string[]) {
    this.idByToken = new Map(vocabulary.map((token, id) => [token, id]));
  }

  /**
   * Vocabulary = [PAD], [UNK], then the most frequent tokens until `vocabSize` entries in all.
   * Ties in frequency are broken alphabetically so the result does not depend on text order.
   */
  static fit(texts: readonly string[], vocabSize: number): WordTokenizer {
    if (vocabSize < SPECIAL_TOKENS.length) throw new Error(`vocabSize must be >= ${SPECIAL_TOKENS.length}`);
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const token of splitWords(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    const ranked = [...counts.entries()]
      .filter(([token]) => !(SPECIAL_TOKENS as readonly string[]).includes(token))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, vocabSize - SPECIAL_TOKENS.length)
      .map(([token]) => token);
    return new WordTokenizer([...SPECIAL_TOKENS, ...ranked]);
  }

  static fromVocabulary(vocabulary: readonly string[]): WordTokenizer {
    return new WordTokenizer(vocabulary);
  }

  get size(): number {
    return this.vocabulary.length;
  }

  /**
   * Token ids, truncated to maxLength (the head of the text is kept). Never empty: a text with no
   * tokens becomes [UNK], so every sequence has at least one unmasked position to pool over.
   */
  encode(text: string, maxLength: number): number[] {
    const ids = splitWords(text)
      .slice(0, maxLength)
      .map((token) => this.idByToken.get(token) ?? UNK_ID);
    return ids.length > 0 ? ids : [UNK_ID];
  }
}
