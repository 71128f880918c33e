// Learns a WordPiece vocabulary from a corpus the way Hugging Face `tokenizers` does, so that a
// vocabulary trained here and saved as tokenizer.json behaves like one trained with
// `BertWordPieceTokenizer.train_from_iterator`. Upstream, `WordPieceTrainer`
// (tokenizers/src/models/wordpiece/trainer.rs) is `BpeTrainer`
// (tokenizers/src/models/bpe/trainer.rs) with continuing_subword_prefix "##": BPE merges are
// learned and the resulting BPE vocabulary becomes the WordPiece vocabulary as is
// (`WordPiece::from_bpe` keeps the vocab and the prefix, drops the merges). The words are counted
// after the Bert normalizer and pre-tokenizer (tokenizers/src/normalizers/bert.rs,
// tokenizers/src/pre_tokenizers/bert.rs), which the saved tokenizer.json applies again at encode time.
//
// Where the Rust code's result depends on hash-map iteration order (randomly seeded per process,
// so not reproducible even upstream) we pick a fixed order instead; each place says which.
import { bertNormalize, bertPreTokenize } from './bert-pre-tokenizer';
import { wordPieceTokenizerJson, type TokenizerJson } from './tokenizer-json';

export { bertNormalize, bertPreTokenize } from './bert-pre-tokenizer';

/** BpeTrainer's options (tokenizers/src/models/bpe/trainer.rs), defaults as there. */
export interface BpeTrainerOptions {
  /** Stop once the vocabulary has this many tokens. Default 30000. */
  vocabSize?: number;
  /** A pair seen fewer times than this is never merged. Default 0. */
  minFrequency?: number;
  /** Added first, in this order (duplicates once). Default none. */
  specialTokens?: readonly string[];
  /** Keep only this many characters (the most frequent). Default no limit. */
  limitAlphabet?: number | null;
  /** Characters always kept, seen or not (only the first character of each string counts). */
  initialAlphabet?: Iterable<string>;
  /** Marks every piece that does not start a word. Default none (plain BPE). */
  continuingSubwordPrefix?: string | null;
  /** No merge makes a token longer than this many characters (upstream's `<` check, see mergeWord). */
  maxTokenLength?: number | null;
}

/** WordPiece options; defaults are those of HF's BertWordPieceTokenizer.train (bindings/python/py_src/tokenizers/implementations/bert_wordpiece.py). */
export interface WordPieceTrainerOptions extends BpeTrainerOptions {
  /** Lowercase (and, as BertNormalizer does when strip_accents is unset, strip accents). Default true. */
  lowercase?: boolean;
}

export interface TrainedVocabulary {
  /** token -> id, in id order. */
  vocab: Map<string, number>;
  /** The merges in the order they were learned (rank), as the two token strings. */
  merges: [string, string][];
}

export const DEFAULT_SPECIAL_TOKENS: readonly string[] = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

const WORDPIECE_DEFAULTS = {
  vocabSize: 30000,
  // BertWordPieceTokenizer.train's 2, not the bare WordPieceTrainer's 0: the same preset that
  // gives limit_alphabet 1000 and the five specials, so the defaults form one coherent recipe.
  minFrequency: 2,
  specialTokens: DEFAULT_SPECIAL_TOKENS,
  limitAlphabet: 1000,
  continuingSubwordPrefix: '##',
  lowercase: true,
} as const;

/** BpeTrainer::feed: how often each pre-tokenized word occurs (Map order: first occurrence). */
export function countWords(texts: Iterable<string>, lowercase = true): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of bertPreTokenize(bertNormalize(text, lowercase))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// BpeTrainer::do_train.

// A pair of token ids as one number, ordered as Rust orders the tuple (first id, then second).
const PAIR_BASE = 2 ** 26;
const pairKey = (a: number, b: number) => a * PAIR_BASE + b;
const pairLeft = (key: number) => Math.floor(key / PAIR_BASE);
const pairRight = (key: number) => key % PAIR_BASE;

/** Vocabulary under construction: id -> string and string -> id. */
class Vocab {
  readonly ids = new Map<string, number>();
  readonly tokens: string[] = [];

  /** The id of `token`, adding it at the end when new. */
  add(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      if (id >= PAIR_BASE) throw new Error(`vocabulary over ${PAIR_BASE} tokens is not supported`);
      this.tokens.push(token);
      this.ids.set(token, id);
    }
    return id;
  }
}

/** A word as symbols (token ids) and their lengths in characters (upstream `Word`, len 1 per char). */
interface Word {
  symbols: number[];
  lengths: number[];
}

/** A heap entry (upstream `Merge`): a pair, its count when pushed, the words it may occur in. */
interface Merge {
  pair: number;
  count: number;
  pos: number[];
  seq: number;
}

/**
 * Max-heap in `impl Ord for Merge` order: higher count first, then the smaller pair. Entries equal
 * in both (one pair queued twice) come out in push order; upstream leaves that to the heap's layout.
 */
class MergeQueue {
  private readonly heap: Merge[] = [];
  private pushed = 0;

  get size(): number {
    return this.heap.length;
  }

  push(pair: number, count: number, pos: number[]): void {
    this.heap.push({ pair, count, pos, seq: this.pushed++ });
    this.up(this.heap.length - 1);
  }

  pop(): Merge | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top !== undefined && last !== undefined && heap.length > 0) {
      heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private before(a: Merge, b: Merge): boolean {
    if (a.count !== b.count) return a.count > b.count;
    if (a.pair !== b.pair) return a.pair < b.pair;
    return a.seq < b.seq;
  }

  private up(index: number): void {
    const heap = this.heap;
    const item = heap[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(item, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = item;
  }

  private down(index: number): void {
    const heap = this.heap;
    const item = heap[index]!;
    const half = heap.length >> 1;
    while (index < half) {
      let child = 2 * index + 1;
      if (child + 1 < heap.length && this.before(heap[child + 1]!, heap[child]!)) child++;
      if (!this.before(heap[child]!, item)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = item;
  }
}

/** Positions (word indices) per pair; a word is listed once per pair (upstream uses a set). */
class PairPositions extends Map<number, number[]> {
  note(pair: number, word: number): void {
    const list = this.get(pair);
    if (list === undefined) this.set(pair, [word]);
    else if (list[list.length - 1] !== word) list.push(word); // a word's pairs are noted together
  }
}

interface BpeConfig {
  vocabSize: number;
  minFrequency: number;
  specialTokens: readonly string[];
  limitAlphabet: number | null;
  initialAlphabet: Set<number>;
  prefix: string | null;
  maxTokenLength: number;
}

function bpeConfig(options: BpeTrainerOptions): BpeConfig {
  const initialAlphabet = new Set<number>();
  for (const text of options.initialAlphabet ?? []) {
    // As the Python binding does: only the first character of each string.
    const code = text.codePointAt(0);
    if (code !== undefined) initialAlphabet.add(code);
  }
  return {
    vocabSize: options.vocabSize ?? 30000,
    minFrequency: options.minFrequency ?? 0,
    specialTokens: options.specialTokens ?? [],
    limitAlphabet: options.limitAlphabet ?? null,
    initialAlphabet,
    prefix: options.continuingSubwordPrefix ?? null,
    maxTokenLength: options.maxTokenLength ?? Infinity,
  };
}

/** compute_alphabet: every character of the corpus (and the initial alphabet), the rarest dropped past limitAlphabet. */
function addAlphabet(counts: Map<string, number>, config: BpeConfig, vocab: Vocab): void {
  const frequency = new Map<number, number>();
  for (const [word, count] of counts) {
    for (const char of word) {
      const code = char.codePointAt(0)!;
      frequency.set(code, (frequency.get(code) ?? 0) + count);
    }
  }
  // usize::MAX upstream: the initial alphabet outranks every seen character.
  for (const code of config.initialAlphabet) frequency.set(code, Infinity);
  let kept = [...frequency];
  const toRemove = config.limitAlphabet === null ? 0 : Math.max(0, kept.length - config.limitAlphabet);
  if (toRemove > 0) {
    // Upstream sorts by count only (unstable, over hash order), so equal counts fall arbitrarily;
    // here the higher code point goes first among equals.
    kept.sort((a, b) => a[1] - b[1] || b[0] - a[0]);
    kept = kept.slice(toRemove);
  }
  kept.sort((a, b) => a[0] - b[0]); // by code point, as upstream, for determinism
  for (const [code] of kept) vocab.add(String.fromCodePoint(code));
}

/**
 * tokenize_words: each word as its kept characters; every character but the word's first gets the
 * prefix (the first is by position, so a word whose first character was dropped has none unprefixed).
 * Prefixed forms get ids in word order: here the Map's order, upstream the hash map's.
 */
function splitWords(counts: Map<string, number>, config: BpeConfig, vocab: Vocab): { words: Word[]; wordCounts: number[] } {
  const words: Word[] = [];
  const wordCounts: number[] = [];
  for (const [word, count] of counts) {
    const symbols: number[] = [];
    let first = true;
    for (const char of word) {
      if (vocab.ids.has(char)) symbols.push(vocab.add(!first && config.prefix !== null ? config.prefix + char : char));
      first = false;
    }
    words.push({ symbols, lengths: symbols.map(() => 1) });
    wordCounts.push(count);
  }
  return { words, wordCounts };
}

/** count_pairs: the count of every adjacent pair, weighted by word count, and the words holding it. */
function countPairs(words: Word[], wordCounts: number[]): { pairCounts: Map<number, number>; positions: PairPositions } {
  const pairCounts = new Map<number, number>();
  const positions = new PairPositions();
  words.forEach(({ symbols }, index) => {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const pair = pairKey(symbols[i]!, symbols[i + 1]!);
      pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + wordCounts[index]!);
      positions.note(pair, index);
    }
  });
  return { pairCounts, positions };
}

/**
 * Word::merge (tokenizers/src/models/bpe/word.rs): replaces each (c1, c2), left to right, by
 * `replacement`, reporting the pairs lost (-1) and formed (+1). A formed pair is reported only when
 * the two lengths sum to under maxLength — upstream's strict `<`, kept as is.
 */
function mergeWord(word: Word, c1: number, c2: number, replacement: number, maxLength: number, change: (pair: number, delta: number) => void): void {
  const { symbols, lengths } = word;
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] !== c1 || i + 1 >= symbols.length || symbols[i + 1] !== c2) continue;
    const second = symbols[i + 1]!;
    const length = lengths[i]! + lengths[i + 1]!;
    if (i > 0) {
      change(pairKey(symbols[i - 1]!, c1), -1);
      if (lengths[i - 1]! + length < maxLength) change(pairKey(symbols[i - 1]!, replacement), 1);
    }
    symbols.splice(i, 2, replacement);
    lengths.splice(i, 2, length);
    if (i < symbols.length - 1) {
      change(pairKey(second, symbols[i + 1]!), -1);
      if (lengths[i + 1]! + length < maxLength) change(pairKey(replacement, symbols[i + 1]!), 1);
    }
  }
}

/** The merged token: left + right, the right's continuing prefix removed. */
function mergedToken(left: string, right: string, prefix: string | null): string {
  return prefix !== null && right.startsWith(prefix) ? left + right.slice(prefix.length) : left + right;
}

/** BpeTrainer::do_train on word counts: the BPE vocabulary and merges. */
export function trainBpeFromCounts(counts: Map<string, number>, options: BpeTrainerOptions = {}): TrainedVocabulary {
  const config = bpeConfig(options);
  const vocab = new Vocab();
  for (const token of config.specialTokens) vocab.add(token);
  addAlphabet(counts, config, vocab);
  const { words, wordCounts } = splitWords(counts, config, vocab);
  const { pairCounts, positions } = countPairs(words, wordCounts);

  const queue = new MergeQueue();
  const enqueue = (found: PairPositions) => {
    for (const [pair, pos] of found) {
      const count = pairCounts.get(pair)!;
      if (count > 0) queue.push(pair, count, pos);
    }
  };
  enqueue(positions);

  const merges: [string, string][] = [];
  while (vocab.tokens.length < config.vocabSize) {
    const top = queue.pop();
    if (top === undefined) break;
    // Counts only change in pairCounts; a stale entry goes back with its current count.
    const current = pairCounts.get(top.pair)!;
    if (top.count !== current) {
      queue.push(top.pair, current, top.pos);
      continue;
    }
    if (top.count < 1 || config.minFrequency > top.count) break;

    const left = pairLeft(top.pair);
    const right = pairRight(top.pair);
    const leftToken = vocab.tokens[left]!;
    const rightToken = vocab.tokens[right]!;
    const newId = vocab.add(mergedToken(leftToken, rightToken, config.prefix));
    merges.push([leftToken, rightToken]);

    const formed = new PairPositions();
    for (const index of top.pos) {
      const count = wordCounts[index]!;
      mergeWord(words[index]!, left, right, newId, config.maxTokenLength, (pair, delta) => {
        pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + delta * count);
        if (delta > 0) formed.note(pair, index);
      });
    }
    enqueue(formed);
  }
  return { vocab: new Map(vocab.tokens.map((token, id) => [token, id])), merges };
}

function wordPieceBpeOptions(options: WordPieceTrainerOptions): BpeTrainerOptions {
  return {
    vocabSize: options.vocabSize ?? WORDPIECE_DEFAULTS.vocabSize,
    minFrequency: options.minFrequency ?? WORDPIECE_DEFAULTS.minFrequency,
    specialTokens: options.specialTokens ?? WORDPIECE_DEFAULTS.specialTokens,
    limitAlphabet: options.limitAlphabet === undefined ? WORDPIECE_DEFAULTS.limitAlphabet : options.limitAlphabet,
    initialAlphabet: options.initialAlphabet ?? [],
    continuingSubwordPrefix:
      options.continuingSubwordPrefix === undefined ? WORDPIECE_DEFAULTS.continuingSubwordPrefix : options.continuingSubwordPrefix,
    maxTokenLength: options.maxTokenLength ?? null,
  };
}

/**
 * WordPieceTrainer on word counts: BpeTrainer with the "##" prefix; the vocabulary is the BPE
 * vocabulary unchanged (WordPiece::from_bpe). Pass `null` to turn a default off (e.g. the prefix).
 */
export function trainWordPieceFromCounts(counts: Map<string, number>, options: WordPieceTrainerOptions = {}): TrainedVocabulary {
  return trainBpeFromCounts(counts, wordPieceBpeOptions(options));
}

/** WordPieceTrainer on raw texts: Bert-normalized, Bert-pre-tokenized, counted, trained. */
export function trainWordPiece(texts: Iterable<string>, options: WordPieceTrainerOptions = {}): TrainedVocabulary {
  return trainWordPieceFromCounts(countWords(texts, options.lowercase ?? WORDPIECE_DEFAULTS.lowercase), options);
}

/**
 * The tokenizer.json object of a vocabulary trained on `texts` (the pipeline of
 * main/pretrained/tokenizer-json.ts's wordPieceTokenizerJson, which uses the "##" prefix, so the
 * prefix cannot be changed here). The special tokens must include [UNK], [CLS] and [SEP].
 */
export function wordPieceTokenizerFile(texts: Iterable<string>, options: Omit<WordPieceTrainerOptions, 'continuingSubwordPrefix'> = {}): TokenizerJson {
  const { vocab } = trainWordPiece(texts, { ...options, continuingSubwordPrefix: '##' });
  return wordPieceTokenizerJson(vocab, { do_lower_case: options.lowercase ?? WORDPIECE_DEFAULTS.lowercase }, 'the trained vocabulary');
}
