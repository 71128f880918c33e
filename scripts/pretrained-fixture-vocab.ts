// Tokenizer files of the tiny pretrained fixtures: a small WordPiece vocabulary (BERT, ELECTRA)
// and a small byte-level BPE (RoBERTa), enough to tokenize the hand-checked test sentences into
// real subwords. Written by scripts/generate-pretrained-fixtures.ts.

const WORDS = [
  'the', 'a', 'an', 'this', 'that', 'it', 'i', 'is', 'was', 'not', 'and', 'but', 'of', 'to', 'in',
  'movie', 'film', 'plot', 'acting', 'story', 'good', 'great', 'bad', 'terrible', 'boring', 'fun',
  'love', 'hate', 'like', 'liked', 'very', 'really', 'so', 'too', 'what', 'who', 'did', 'you', 'think',
  'play', 'act', 'watch', 'end', 'dog', 'cat', 'sat', 'on', 'mat', 'un', 'happy', 'how',
];
const PIECES = ['##s', '##ing', '##ed', '##er', '##ly', '##able', '##y', '##ness'];
const PUNCTUATION = ['.', ',', '!', '?', "'", '-', '"', ':'];

/** vocab.txt: specials, single characters and their ## forms, punctuation, whole words, pieces. */
export function wordPieceVocab(): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
  return ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...PUNCTUATION, ...letters, ...letters.map((l) => `##${l}`), ...WORDS, ...PIECES];
}

/** GPT-2's bytes_to_unicode: every byte gets a printable character (byte-level BPE's alphabet). */
export function byteLevelAlphabet(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const chars = new Map<number, string>();
  for (const b of printable) chars.set(b, String.fromCharCode(b));
  let extra = 0;
  for (let b = 0; b < 256; b++) if (!chars.has(b)) chars.set(b, String.fromCharCode(256 + extra++));
  return Array.from({ length: 256 }, (_, b) => chars.get(b)!);
}

/** Merges that build a few whole words, each with and without the leading space marker Ġ. */
export function bpeMerges(): [string, string][] {
  const merges: [string, string][] = [];
  const seen = new Set<string>();
  const build = (word: string) => {
    // Left-to-right merges: ((a b) c) d ..., so each prefix is a token of its own.
    const symbols = word.startsWith('Ġ') ? ['Ġ', ...word.slice(1).split('')] : word.split('');
    let left = symbols[0];
    for (const right of symbols.slice(1)) {
      const key = `${left} ${right}`;
      if (!seen.has(key)) {
        seen.add(key);
        merges.push([left, right]);
      }
      left += right;
    }
  };
  for (const word of ['the', 'movie', 'was', 'great', 'terrible', 'film', 'plot', 'love', 'good', 'bad', 'not', 'this']) {
    build(`Ġ${word}`);
    build(word);
  }
  return merges;
}

/** vocab.json: <s> <pad> </s> <unk>, the 256 byte characters, every merge result, <mask>. */
export function bpeVocab(): Record<string, number> {
  const tokens = ['<s>', '<pad>', '</s>', '<unk>', ...byteLevelAlphabet()];
  for (const [a, b] of bpeMerges()) if (!tokens.includes(a + b)) tokens.push(a + b);
  tokens.push('<mask>');
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}
