// Tokenizing with character offsets, which extractive question answering needs to map a token span
// back to context text (main/tasks/qa-features.ts). Neither of Comparo's tokenizers gives offsets:
// the built-in word tokenizer (main/training/tokenizer.ts) returns ids only, and
// @huggingface/tokenizers' Encoding has no offset mapping. So this file re-tokenizes in pieces whose
// place in the text is known, and checks that the pieces give the very ids the tokenizer gives for
// the whole text: a mismatch throws, it never mislabels an answer silently.
//
// main/tasks cannot import main/training or main/pretrained (training imports tasks: a room cycle,
// test/unit/layering.test.ts), so the tokenizers come in as the structural types below, and the
// word tokenizer's two patterns are repeated here; test/unit/qa-features.test.ts checks the ids
// against WordTokenizer.encode on the SQuAD excerpt.

/** [start, end) into the tokenized text, in JavaScript string indices (UTF-16 code units). */
export type CharSpan = readonly [number, number];

export interface TokensWithOffsets {
  ids: number[];
  offsets: CharSpan[];
}

/** How a question and a context are joined: prefix + question + middle + context + suffix. */
export interface PairLayout {
  /** Starts with the token whose position stands for "no answer" ([CLS], <s>): never empty. */
  prefix: readonly number[];
  middle: readonly number[];
  suffix: readonly number[];
  /** Type id of the context tokens (1 for BERT-style pairs, 0 for RoBERTa). */
  contextTypeId: number;
}

/** A tokenizer as question answering uses it: ids with offsets, and the pair layout. */
export interface QaTokenizer {
  readonly layout: PairLayout;
  /** No special tokens. */
  tokenizeWithOffsets(text: string): TokensWithOffsets;
}

// Same patterns as main/training/tokenizer.ts (see the header for why they are repeated).
const WORD_PATTERN = /[\p{L}\p{N}]+(?:'[\p{L}]+)*|[^\s\p{L}\p{N}]/gu;
const HTML_TAG_PATTERN = /<[^>]{0,200}>/g;
const UNK_ID = 1;

/** The built-in word tokenizer's vocabulary (WordTokenizer.vocabulary: [PAD], [UNK], words). */
export interface WordVocabulary {
  readonly vocabulary: readonly string[];
}

/**
 * Word tokens with offsets. The word tokenizer lower-cases the whole text and then splits; here the
 * original text is split and each word lower-cased, then split again, because lower-casing can
 * change a word's length ("İ" becomes "i" plus a combining dot) and would shift every later offset.
 * Tags are blanked to spaces of their own length for the same reason. A word that lower-cases to
 * several tokens gives each the word's span when lengths changed.
 */
export function wordTokensWithOffsets(tokenizer: WordVocabulary, text: string): TokensWithOffsets {
  const idOf = vocabularyIndex(tokenizer.vocabulary);
  const blanked = text.replace(HTML_TAG_PATTERN, (tag) => ' '.repeat(tag.length));
  const ids: number[] = [];
  const offsets: CharSpan[] = [];
  for (const match of blanked.matchAll(WORD_PATTERN)) {
    const start = match.index;
    const word = match[0];
    const lower = word.toLowerCase();
    const pieces = lower.match(WORD_PATTERN) ?? [];
    let cursor = 0;
    for (const piece of pieces) {
      ids.push(idOf.get(piece) ?? UNK_ID);
      if (lower.length === word.length) {
        const at = lower.indexOf(piece, cursor);
        offsets.push([start + at, start + at + piece.length]);
        cursor = at + piece.length;
      } else {
        offsets.push([start, start + word.length]);
      }
    }
  }
  return { ids, offsets };
}

const indexCache = new WeakMap<readonly string[], Map<string, number>>();
function vocabularyIndex(vocabulary: readonly string[]): Map<string, number> {
  let index = indexCache.get(vocabulary);
  if (!index) {
    index = new Map(vocabulary.map((token, id) => [token, id]));
    indexCache.set(vocabulary, index);
  }
  return index;
}

/**
 * The built-in tokenizer for question answering. Its vocabulary has no [CLS] or [SEP]; the caller
 * names the ids that play them (the QA head's wiring reserves them), so the "no answer" position
 * exists as in the pretrained layouts.
 */
export function builtinQaTokenizer(tokenizer: WordVocabulary, specials: { clsId: number; sepId: number }): QaTokenizer {
  return {
    layout: { prefix: [specials.clsId], middle: [specials.sepId], suffix: [specials.sepId], contextTypeId: 1 },
    tokenizeWithOffsets: (text) => wordTokensWithOffsets(tokenizer, text),
  };
}

/** What this file needs of a pretrained tokenizer (main/pretrained/tokenizer.ts PretrainedTokenizer has it). */
export interface IdTokenizer {
  readonly clsId: number;
  readonly sepId: number;
  /** Ids without special tokens. */
  tokenize(text: string): number[];
}

export type PreTokenizerScheme = 'wordpiece' | 'byte-level';

// BERT's pre-tokenizer: whitespace separates, and every punctuation mark (ASCII symbols and Unicode
// P*) and CJK ideograph is a word of its own. WordPiece then works word by word, so each word
// tokenized alone gives the ids it gets inside the text.
const BERT_SEPARATE = String.raw`\p{P}!-\/:-@\[-\u0060{-~\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}`;
const BERT_WORDS = new RegExp(String.raw`[^\s${BERT_SEPARATE}]+|[${BERT_SEPARATE}]`, 'gu');
// GPT-2 / RoBERTa byte-level pre-tokenizer: words keep the space before them.
const BYTE_LEVEL_WORDS = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Ids with offsets from a pretrained tokenizer, by tokenizing its pre-tokenizer's words one at a
 * time. Every token of a word gets the word's span (less a leading space, as Hugging Face's
 * trim_offsets), so a decoded answer is whole words, as in BERT's original SQuAD code. Throws when
 * the words' ids differ from the whole text's (a tokenizer whose pre-tokenizer is not the scheme's).
 */
export function pretrainedTokensWithOffsets(tokenizer: IdTokenizer, scheme: PreTokenizerScheme, text: string): TokensWithOffsets {
  const ids: number[] = [];
  const offsets: CharSpan[] = [];
  for (const match of text.matchAll(scheme === 'wordpiece' ? BERT_WORDS : BYTE_LEVEL_WORDS)) {
    const word = match[0];
    const pieces = tokenizer.tokenize(word);
    const lead = word.length - word.trimStart().length;
    const span: CharSpan = lead === word.length ? [match.index, match.index + word.length] : [match.index + lead, match.index + word.length];
    for (const id of pieces) {
      ids.push(id);
      offsets.push(span);
    }
  }
  const whole = tokenizer.tokenize(text);
  if (whole.length !== ids.length || whole.some((id, i) => id !== ids[i])) {
    throw new Error(`Tokenizing "${text.slice(0, 40)}…" word by word (${scheme}) gives other ids than the whole text, so its character offsets are unknown; this tokenizer needs its own offset rule.`);
  }
  return { ids, offsets };
}

/** A pretrained tokenizer for question answering: BERT layout for WordPiece, RoBERTa's for byte-level BPE. */
export function pretrainedQaTokenizer(tokenizer: IdTokenizer, scheme: PreTokenizerScheme): QaTokenizer {
  const layout: PairLayout =
    scheme === 'wordpiece'
      ? { prefix: [tokenizer.clsId], middle: [tokenizer.sepId], suffix: [tokenizer.sepId], contextTypeId: 1 }
      : { prefix: [tokenizer.clsId], middle: [tokenizer.sepId, tokenizer.sepId], suffix: [tokenizer.sepId], contextTypeId: 0 };
  return { layout, tokenizeWithOffsets: (text) => pretrainedTokensWithOffsets(tokenizer, scheme, text) };
}
