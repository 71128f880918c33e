// Subword tokenizers of pretrained encoders (BERT/ELECTRA WordPiece, RoBERTa byte-level BPE),
// loaded from a model folder in the Hugging Face layout. Tokenizing is done by
// @huggingface/tokenizers; this file picks the files, fills in what the library lacks
// (truncation, RoBERTa's all-zero type ids) and exposes ids only, which is all the engine needs.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { AppError } from '../../shared/errors';
import { isRecord, readJsonFile } from './json-file';
import {
  byteLevelBpeTokenizerJson,
  normalisePostProcessor,
  parseMergesTxt,
  parseVocabTxt,
  tokenName,
  wordPieceTokenizerJson,
  type TokenizerJson,
  type TokenizerSettings,
} from './tokenizer-json';
import { truncatePair, type TruncationStrategy } from './truncation';

export interface EncodedText {
  ids: number[];
  typeIds: number[];
}

export interface EncodeOptions {
  maxLength?: number;
  truncation?: TruncationStrategy;
}

export interface PretrainedTokenizer {
  readonly vocabSize: number;
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  /** [MASK] / <mask>, for masked-language-model pretraining; null when the vocabulary has none. */
  readonly maskId: number | null;
  /** Ids of the special tokens ([CLS], [SEP], [PAD], [MASK], ...): never masked for prediction. */
  readonly specialIds: ReadonlySet<number>;
  /** The vocabulary entry of an id ("##ing"), for whole-word masking; undefined outside it. */
  tokenOf(id: number): string | undefined;
  /** With special tokens; truncated to maxLength (special tokens included) when given. */
  encode(text: string, pair?: string, options?: EncodeOptions): EncodedText;
  /** No special tokens (for crop segments). */
  tokenize(text: string): number[];
  withSpecialTokens(first: number[], second?: number[]): EncodedText;
  /** Absolute paths of the tokenizer files, copied on export. */
  readonly files: string[];
}

export type TokenizerKind = 'tokenizer.json' | 'wordpiece' | 'bpe';

/** Which files make a tokenizer, in the order they are preferred. */
export const TOKENIZER_FILE_SETS: Record<TokenizerKind, string[]> = {
  'tokenizer.json': ['tokenizer.json'],
  bpe: ['vocab.json', 'merges.txt'],
  wordpiece: ['vocab.txt'],
};
const SETTINGS_FILES = ['tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json'];

/** The tokenizer layout of a folder, or null when it has none of the file sets. */
export function detectTokenizerKind(folder: string): TokenizerKind | null {
  for (const kind of Object.keys(TOKENIZER_FILE_SETS) as TokenizerKind[]) {
    if (TOKENIZER_FILE_SETS[kind].every((file) => existsSync(join(folder, file)))) return kind;
  }
  return null;
}

export const MISSING_TOKENIZER_HINT = 'tokenizer.json, or vocab.txt (WordPiece), or vocab.json + merges.txt (byte-level BPE)';

async function readSettings(folder: string): Promise<TokenizerSettings> {
  const settings: TokenizerSettings = {};
  // special_tokens_map.json first so tokenizer_config.json (the newer, fuller file) wins.
  for (const file of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const path = join(folder, file);
    if (!existsSync(path)) continue;
    const value = await readJsonFile(path);
    if (!isRecord(value)) throw new AppError('bad_input', `${path}: expected a JSON object`);
    Object.assign(settings, value);
  }
  return settings;
}

async function buildTokenizerJson(folder: string, kind: TokenizerKind, settings: TokenizerSettings): Promise<TokenizerJson> {
  if (kind === 'tokenizer.json') {
    const path = join(folder, 'tokenizer.json');
    const json = await readJsonFile(path);
    if (!isRecord(json) || !isRecord(json.model)) throw new AppError('bad_input', `${path}: expected a tokenizer.json object with a "model"`);
    // The library insists on these keys; older files leave some out.
    return normalisePostProcessor({ added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null, decoder: null, ...json, model: json.model });
  }
  if (kind === 'bpe') {
    const vocabPath = join(folder, 'vocab.json');
    const vocab = await readJsonFile(vocabPath);
    if (!isRecord(vocab)) throw new AppError('bad_input', `${vocabPath}: expected a JSON object of token -> id`);
    const merges = parseMergesTxt(await readFile(join(folder, 'merges.txt'), 'utf8'));
    return byteLevelBpeTokenizerJson(vocab as Record<string, number>, merges, settings, vocabPath);
  }
  const vocabPath = join(folder, 'vocab.txt');
  return wordPieceTokenizerJson(parseVocabTxt(await readFile(vocabPath, 'utf8')), settings, vocabPath);
}

function findId(library: Tokenizer, candidates: (string | undefined)[], role: string, folder: string): number {
  for (const name of candidates) {
    const id = name === undefined ? undefined : library.token_to_id(name);
    if (id !== undefined) return id;
  }
  const names = candidates.filter((name) => name !== undefined).join(' or ');
  throw new AppError('bad_input', `the tokenizer in ${folder} has no ${role} token (looked for ${names})`);
}

class LibraryTokenizer implements PretrainedTokenizer {
  readonly vocabSize: number;
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly maskId: number | null;
  readonly specialIds: ReadonlySet<number>;
  private readonly specialsSingle: number;
  private readonly specialsPair: number;

  constructor(
    private readonly library: Tokenizer,
    settings: TokenizerSettings,
    folder: string,
    readonly files: string[],
  ) {
    // Highest id + 1 (added tokens may sit above the base vocabulary): the embedding rows needed.
    let highest = -1;
    for (const id of library.get_vocab(true).values()) highest = Math.max(highest, id);
    this.vocabSize = highest + 1;
    this.padId = findId(library, [tokenName(settings.pad_token), '[PAD]', '<pad>'], 'padding', folder);
    this.clsId = findId(library, [tokenName(settings.cls_token), tokenName(settings.bos_token), '[CLS]', '<s>'], 'start ([CLS])', folder);
    this.sepId = findId(library, [tokenName(settings.sep_token), tokenName(settings.eos_token), '[SEP]', '</s>'], 'separator ([SEP])', folder);
    const mask = [tokenName(settings.mask_token), '[MASK]', '<mask>'].map((name) => (name === undefined ? undefined : library.token_to_id(name))).find((id) => id !== undefined);
    this.maskId = mask ?? null;
    const specials = [this.padId, this.clsId, this.sepId, ...(mask === undefined ? [] : [mask])];
    for (const name of [tokenName(settings.unk_token), '[UNK]', '<unk>']) {
      const id = name === undefined ? undefined : library.token_to_id(name);
      if (id !== undefined) specials.push(id);
    }
    this.specialIds = new Set(specials);
    this.specialsSingle = this.withSpecialTokens([]).ids.length;
    this.specialsPair = this.withSpecialTokens([], []).ids.length;
  }

  tokenOf(id: number): string | undefined {
    return this.library.id_to_token(id);
  }

  tokenize(text: string): number[] {
    return this.library.encode(text, { add_special_tokens: false }).ids;
  }

  withSpecialTokens(first: number[], second?: number[]): EncodedText {
    const post = this.library.post_processor;
    if (!post) {
      const ids = [...first, ...(second ?? [])];
      return { ids, typeIds: [...first.map(() => 0), ...(second ?? []).map(() => 1)] };
    }
    // The post-processors only splice the sequences between their special tokens, so ids can go
    // through in place of token strings; the special tokens come back as strings to look up.
    const output = post(first as unknown as string[], (second ?? null) as unknown as string[], true) as {
      tokens: (string | number)[];
      tokens_pair?: (string | number)[] | null;
      token_type_ids?: number[];
    };
    const items = [...output.tokens, ...(output.tokens_pair ?? [])];
    const ids = items.map((item) => (typeof item === 'number' ? item : this.specialId(item)));
    const typeIds = output.token_type_ids ?? ids.map(() => 0);
    return { ids, typeIds: typeIds.length === ids.length ? typeIds : ids.map(() => 0) };
  }

  encode(text: string, pair?: string, options: EncodeOptions = {}): EncodedText {
    let first = this.tokenize(text);
    let second = pair === undefined ? undefined : this.tokenize(pair);
    if (options.maxLength !== undefined) {
      const specials = second === undefined ? this.specialsSingle : this.specialsPair;
      if (options.maxLength < specials) {
        throw new AppError('invalid_request', `maxLength ${options.maxLength} is smaller than the ${specials} special tokens it must hold`);
      }
      [first, second] = truncatePair(first, second, options.maxLength - specials, options.truncation ?? 'longest_first');
    }
    return this.withSpecialTokens(first, second);
  }

  private specialId(token: string): number {
    const id = this.library.token_to_id(token);
    if (id === undefined) throw new AppError('bad_input', `the tokenizer's template uses "${token}", which is not in its vocabulary`);
    return id;
  }
}

/** Loads the tokenizer of a model folder: tokenizer.json, else vocab.json + merges.txt, else vocab.txt. */
export async function loadTokenizer(folder: string): Promise<PretrainedTokenizer> {
  const root = resolve(folder);
  const kind = detectTokenizerKind(root);
  if (!kind) throw new AppError('not_found', `no tokenizer in ${root}: put ${MISSING_TOKENIZER_HINT} there`);
  const settings = await readSettings(root);
  const json = await buildTokenizerJson(root, kind, settings);
  let library: Tokenizer;
  try {
    library = new Tokenizer(json, settings);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('bad_input', `the tokenizer in ${root} cannot be built: ${message}`);
  }
  const files = [...TOKENIZER_FILE_SETS[kind], ...SETTINGS_FILES].map((file) => join(root, file)).filter((path) => existsSync(path));
  return new LibraryTokenizer(library, settings, root, files);
}
