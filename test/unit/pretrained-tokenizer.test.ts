// The pretrained tokenizers against hand-worked ids. Python's `tokenizers`/`transformers` are not
// installed here, so every expectation below was worked out by hand from the fixture files:
//   wordpiece/vocab.txt: id = line number from 0. [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4,
//     then the 32 ASCII punctuation marks ("!"=5 ... "."=18 ...), digits 37-46, a-z 47-72
//     (i=55), ##a-##z 73-98, then words: the=99 movie=101 film=102 was=103 not=105 good=106 bad=107 great=108 it=109 play=112 ##ing=113 un=115 ##believ=116
//     ##able=117 cafe=118 naive=119 hello=120 world=121 love=122 very=124 costs=292.
//   bpe/vocab.json: <s>=0 <pad>=1 </s>=2 <unk>=3, byte b -> id 4+b (GPT-2 byte-to-char map), then
//     one token per merge in merges.txt order from 260: Ġt=260 he=261 Ġthe=262 ll=263 He=264
//     Hell=265 Hello=266 Ġw=267 or=268 Ġwor=269 ld=270 Ġworld=271 in=272 ing=273 Ġc=274 af=275
//     Ġcaf=276 Ã©=277 ĠcafÃ©=278 Ġs=279 Ġsing=280 's=281, and <mask>=282.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTokenizer, type PretrainedTokenizer } from '../../main/pretrained/tokenizer';
import { tempDir } from '../helpers/temp-dir';

const FIXTURES = resolve(__dirname, '../fixtures/tokenizers');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function copyFixture(name: string): string {
  const dir = tempDir('comparo-tok-');
  cleanups.push(dir.cleanup);
  cpSync(join(FIXTURES, name), dir.path, { recursive: true });
  return dir.path;
}

// The same WordPiece vocabulary loaded two ways must behave identically.
describe.each(['wordpiece', 'json'])('WordPiece tokenizer (%s folder)', (folder) => {
  let tokenizer: PretrainedTokenizer;
  const load = async () => (tokenizer ??= await loadTokenizer(join(FIXTURES, folder)));

  it('knows its special ids and vocabulary size', async () => {
    await load();
    expect([tokenizer.padId, tokenizer.clsId, tokenizer.sepId, tokenizer.vocabSize]).toEqual([0, 2, 3, 293]);
  });

  it('lowercases, splits punctuation and uses ## continuation pieces', async () => {
    await load();
    // "the movie was unbelievable !" -> unbelievable has no whole entry; longest prefix "un", then
    // the longest "##" piece "##believ", then "##able".
    expect(tokenizer.encode('The movie was unbelievable!')).toEqual({
      ids: [2, 99, 101, 103, 115, 116, 117, 5, 3],
      typeIds: [0, 0, 0, 0, 0, 0, 0, 0, 0],
    });
    // "playing" -> play ##ing; without special tokens from tokenize().
    expect(tokenizer.tokenize('Playing')).toEqual([112, 113]);
  });

  it('strips accents when lowercasing, and maps unknown words to [UNK] whole', async () => {
    await load();
    // Café -> cafe, naïve -> naive. "€100" is one word (€ is a currency sign, not punctuation) and
    // € is not in the vocabulary, so the whole word is [UNK]; each CJK character is its own word
    // (both unknown); the emoji is unknown too.
    expect(tokenizer.encode('Café naïve costs €100 日本 😀').ids).toEqual([2, 118, 119, 292, 1, 1, 1, 1, 3]);
    expect(tokenizer.encode('').ids).toEqual([2, 3]);
  });

  it('encodes pairs with type id 1 for the second text and its [SEP]', async () => {
    await load();
    // [CLS] i love it . [SEP] good movie [SEP]
    expect(tokenizer.encode('I love it.', 'Good movie')).toEqual({
      ids: [2, 55, 122, 109, 18, 3, 106, 101, 3],
      typeIds: [0, 0, 0, 0, 0, 0, 1, 1, 1],
    });
    expect(tokenizer.withSpecialTokens([120], [121])).toEqual({ ids: [2, 120, 3, 121, 3], typeIds: [0, 0, 0, 1, 1] });
  });

  it('truncates with each strategy', async () => {
    await load();
    // First text: i love it . (4 tokens); second: good movie was very bad (5). Pair specials: 3.
    const first = 'I love it.';
    const second = 'Good movie was very bad';
    // maxLength 8 -> budget 5: both must be cut, each gets 2, the longer (second) the odd one: 3.
    expect(tokenizer.encode(first, second, { maxLength: 8 }).ids).toEqual([2, 55, 122, 3, 106, 101, 103, 3]);
    // maxLength 10 -> budget 7: as if taking one token at a time off the longer text: 4+5 -> 4+4,
    // then on the tie the first gives one up -> 3+4.
    expect(tokenizer.encode(first, second, { maxLength: 10, truncation: 'longest_first' }).ids).toEqual([2, 55, 122, 109, 3, 106, 101, 103, 124, 3]);
    // A first text of 3 tokens with budget 6 is left whole; only the longer second is cut to 3.
    expect(tokenizer.encode('I love it', second, { maxLength: 9 }).ids).toEqual([2, 55, 122, 109, 3, 106, 101, 103, 3]);
    // only_first: budget 7 - 5 = 2 tokens of the first text remain.
    expect(tokenizer.encode(first, second, { maxLength: 10, truncation: 'only_first' }).ids).toEqual([2, 55, 122, 3, 106, 101, 103, 124, 107, 3]);
    // only_second: budget 7 - 4 = 3 tokens of the second.
    expect(tokenizer.encode(first, second, { maxLength: 10, truncation: 'only_second' })).toEqual({
      ids: [2, 55, 122, 109, 18, 3, 106, 101, 103, 3],
      typeIds: [0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
    });
    // A single text keeps its head: [CLS] the movie [SEP].
    expect(tokenizer.encode('The movie was great', undefined, { maxLength: 4 }).ids).toEqual([2, 99, 101, 3]);
    // Cases that cannot be satisfied say why instead of returning an over-long sequence.
    expect(() => tokenizer.encode(first, second, { maxLength: 7, truncation: 'only_first' })).toThrow(/second text alone has 5 tokens/);
    expect(() => tokenizer.encode(first, undefined, { maxLength: 4, truncation: 'only_second' })).toThrow(/needs a pair/);
    expect(() => tokenizer.encode(first, second, { maxLength: 2 })).toThrow(/smaller than the 3 special tokens/);
  });
});

describe('WordPiece from vocab.txt with tokenizer_config.json settings', () => {
  it('keeps case when do_lower_case is false', async () => {
    const folder = copyFixture('wordpiece');
    writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false }));
    const tokenizer = await loadTokenizer(folder);
    // "Hello" starts with "H", which is not in the (lowercase-only) vocabulary -> [UNK].
    expect(tokenizer.encode('Hello world').ids).toEqual([2, 1, 121, 3]);
  });

  it('lists the files it was built from, for export', async () => {
    const tokenizer = await loadTokenizer(join(FIXTURES, 'wordpiece'));
    expect(tokenizer.files).toEqual([join(FIXTURES, 'wordpiece/vocab.txt'), join(FIXTURES, 'wordpiece/tokenizer_config.json')]);
  });
});

describe('RoBERTa byte-level BPE from vocab.json + merges.txt', () => {
  let tokenizer: PretrainedTokenizer;
  const load = async () => (tokenizer ??= await loadTokenizer(join(FIXTURES, 'bpe')));

  it('knows its special ids', async () => {
    await load();
    expect([tokenizer.padId, tokenizer.clsId, tokenizer.sepId, tokenizer.vocabSize]).toEqual([1, 0, 2, 283]);
  });

  it('applies merges by rank, case-sensitively, with Ġ marking a leading space', async () => {
    await load();
    // "Hello": l+l (rank 4) first, then H+e (5), He+ll (6), Hell+o (7) -> Hello.
    // " world": Ġ+w (8), o+r (9), Ġw+or (10), l+d (11), Ġwor+ld (12) -> Ġworld.
    expect(tokenizer.encode('Hello world')).toEqual({ ids: [0, 266, 271, 2], typeIds: [0, 0, 0, 0] });
    // "the" at the start has no space, and "t h" has no merge (only "Ġ t" does): t=4+0x74, he.
    // " café" is the bytes Ġ c a f C3 A9 -> Ġc, af, Ġcaf, Ã©, ĠcafÃ© (the accent stays).
    expect(tokenizer.encode('the café').ids).toEqual([0, 120, 261, 278, 2]);
    // " singing": both i+n (13) merge before Ġ+s (20), then in+g (14) twice -> Ġ s ing ing,
    // then Ġs, then Ġs+ing (21) -> Ġsing ing.
    expect(tokenizer.tokenize(' singing')).toEqual([280, 273]);
    // "it's" -> "it" and "'s" (the pre-tokenizer splits contractions); no merge for i+t.
    expect(tokenizer.tokenize("it's")).toEqual([4 + 0x69, 4 + 0x74, 281]);
  });

  it('never needs <unk>: unknown characters become their UTF-8 bytes', async () => {
    await load();
    // 😀 = F0 9F 98 80.
    expect(tokenizer.tokenize('😀')).toEqual([4 + 0xf0, 4 + 0x9f, 4 + 0x98, 4 + 0x80]);
  });

  it('keeps <mask> whole and lets it swallow the space before it', async () => {
    await load();
    expect(tokenizer.encode('Hello <mask>').ids).toEqual([0, 266, 282, 2]);
  });

  it('encodes pairs as <s> A </s></s> B </s> with all type ids 0', async () => {
    await load();
    expect(tokenizer.encode('Hello world', 'the café')).toEqual({
      ids: [0, 266, 271, 2, 2, 120, 261, 278, 2],
      typeIds: [0, 0, 0, 0, 0, 0, 0, 0, 0],
    });
    // Four special tokens in a pair: maxLength 6 leaves 2, one per text.
    expect(tokenizer.encode('Hello world', 'the café', { maxLength: 6 }).ids).toEqual([0, 266, 2, 2, 120, 2]);
  });

  it('gives type ids 0 for a tokenizer.json with RobertaProcessing (as the Rust library does)', async () => {
    const folder = copyFixture('bpe');
    const vocab = JSON.parse(readFileSync(join(folder, 'vocab.json'), 'utf8'));
    const merges = readFileSync(join(folder, 'merges.txt'), 'utf8').split('\n').slice(1).filter(Boolean);
    writeFileSync(
      join(folder, 'tokenizer.json'),
      JSON.stringify({
        version: '1.0',
        added_tokens: [{ id: 0, content: '<s>', special: true }, { id: 2, content: '</s>', special: true }],
        normalizer: null,
        pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
        post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
        decoder: { type: 'ByteLevel' },
        model: { type: 'BPE', vocab, merges, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '' },
      }),
    );
    const fromJson = await loadTokenizer(folder);
    expect(fromJson.files[0]).toBe(join(folder, 'tokenizer.json'));
    expect(fromJson.encode('Hello world', 'the café')).toEqual(await load().then((t) => t.encode('Hello world', 'the café')));
  });
});

describe('folders without a usable tokenizer', () => {
  it('names the folder and the files to put there', async () => {
    const dir = tempDir('comparo-tok-');
    cleanups.push(dir.cleanup);
    await expect(loadTokenizer(dir.path)).rejects.toThrow(`no tokenizer in ${dir.path}: put tokenizer.json, or vocab.txt (WordPiece), or vocab.json + merges.txt`);
  });

  it('reports a malformed tokenizer.json at its line and column', async () => {
    const folder = copyFixture('json');
    writeFileSync(join(folder, 'tokenizer.json'), '{\n  "model": {\n    "type": "WordPiece",\n  }\n}\n');
    const error = await loadTokenizer(folder).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad_input', location: { file: join(folder, 'tokenizer.json'), line: 4, column: 3 } });
  });
});
