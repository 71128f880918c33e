// Builds the tokenizer.json object (the Hugging Face `tokenizers` serialisation) that a model folder
// would have shipped, from the older vocabulary files (vocab.txt for WordPiece; vocab.json +
// merges.txt for byte-level BPE). We hand that object to @huggingface/tokenizers instead of
// hand-writing a second WordPiece/BPE implementation: one library does the tokenizing for every
// folder layout, so a folder with tokenizer.json and one with only vocab.txt give the same ids.

export type TokenizerJson = Record<string, unknown> & { model: Record<string, unknown> };

/** The subset of tokenizer_config.json / special_tokens_map.json that changes tokenization. */
export interface TokenizerSettings {
  do_lower_case?: boolean;
  strip_accents?: boolean | null;
  tokenize_chinese_chars?: boolean;
  add_prefix_space?: boolean;
  unk_token?: unknown;
  cls_token?: unknown;
  sep_token?: unknown;
  pad_token?: unknown;
  mask_token?: unknown;
  bos_token?: unknown;
  eos_token?: unknown;
  [key: string]: unknown;
}

/** Special tokens appear either as plain strings or as AddedToken objects ({ content, lstrip, ... }). */
export function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

interface SpecialToken {
  id: number;
  content: string;
  lstrip?: boolean;
}

function addedTokens(specials: SpecialToken[]) {
  return specials.map((token) => ({
    id: token.id,
    content: token.content,
    single_word: false,
    lstrip: token.lstrip ?? false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
}

function specialsPresent(vocab: Map<string, number>, names: (string | undefined)[], lstrip: string[] = []): SpecialToken[] {
  const seen = new Set<string>();
  const result: SpecialToken[] = [];
  for (const name of names) {
    if (!name || seen.has(name) || !vocab.has(name)) continue;
    seen.add(name);
    result.push({ id: vocab.get(name)!, content: name, lstrip: lstrip.includes(name) });
  }
  return result.sort((a, b) => a.id - b.id);
}

/** TemplateProcessing as `tokenizers` serialises it; `typeIdB` is 1 for BERT, 0 for RoBERTa. */
export function templateProcessing(
  cls: [string, number],
  sep: [string, number],
  pairPrefix: 'sep' | 'none',
  typeIdB: number,
): Record<string, unknown> {
  const special = (name: string, typeId: number) => ({ SpecialToken: { id: name, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const pairStart = pairPrefix === 'sep' ? [special(sep[0], typeIdB)] : [];
  return {
    type: 'TemplateProcessing',
    single: [special(cls[0], 0), sequence('A', 0), special(sep[0], 0)],
    pair: [special(cls[0], 0), sequence('A', 0), special(sep[0], 0), ...pairStart, sequence('B', typeIdB), special(sep[0], typeIdB)],
    special_tokens: Object.fromEntries(
      [cls, sep].map(([name, id]) => [name, { id: name, ids: [id], tokens: [name] }]),
    ),
  };
}

/** vocab.txt: one token per line, the line number (from 0) is its id. */
export function parseVocabTxt(text: string): Map<string, number> {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return new Map(lines.map((token, id) => [token, id]));
}

function required(vocab: Map<string, number>, name: string, file: string): number {
  const id = vocab.get(name);
  if (id === undefined) throw new Error(`${file} has no "${name}" token, which this tokenizer needs`);
  return id;
}

/**
 * BERT/ELECTRA WordPiece (BertTokenizerFast's conversion): BertNormalizer (lowercase and accent
 * stripping per do_lower_case/strip_accents), BertPreTokenizer, WordPiece with "##" continuation,
 * and [CLS] $A [SEP] / [CLS] $A [SEP] $B:1 [SEP]:1.
 */
export function wordPieceTokenizerJson(vocab: Map<string, number>, settings: TokenizerSettings, file = 'vocab.txt'): TokenizerJson {
  const unk = tokenName(settings.unk_token) ?? '[UNK]';
  const cls = tokenName(settings.cls_token) ?? '[CLS]';
  const sep = tokenName(settings.sep_token) ?? '[SEP]';
  const pad = tokenName(settings.pad_token) ?? '[PAD]';
  const mask = tokenName(settings.mask_token) ?? '[MASK]';
  required(vocab, unk, file);
  const clsId = required(vocab, cls, file);
  const sepId = required(vocab, sep, file);
  // HF's BertTokenizer defaults: lowercase on, accents follow lowercase, CJK characters split.
  const lowercase = settings.do_lower_case ?? true;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens(specialsPresent(vocab, [pad, unk, cls, sep, mask])),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: settings.tokenize_chinese_chars ?? true,
      strip_accents: settings.strip_accents ?? null,
      lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: templateProcessing([cls, clsId], [sep, sepId], 'none', 1),
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: unk,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab),
    },
  };
}

/** merges.txt: an optional "#version" header, then one "left right" pair per line, by rank. */
export function parseMergesTxt(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line, index) => line.trim() !== '' && !(index === 0 && line.startsWith('#version')));
}

/**
 * RoBERTa byte-level BPE (RobertaTokenizerFast's conversion): ByteLevel pre-tokenizer (prefix space
 * per add_prefix_space, off by default like roberta-base), BPE without continuation markers,
 * <s> $A </s> and <s> $A </s> </s> $B </s>. Type ids are all 0, as RoBERTa has no segment embedding.
 */
export function byteLevelBpeTokenizerJson(
  vocabObject: Record<string, number>,
  merges: string[],
  settings: TokenizerSettings,
  file = 'vocab.json',
): TokenizerJson {
  const vocab = new Map(Object.entries(vocabObject));
  const bos = tokenName(settings.cls_token) ?? tokenName(settings.bos_token) ?? '<s>';
  const eos = tokenName(settings.sep_token) ?? tokenName(settings.eos_token) ?? '</s>';
  const unk = tokenName(settings.unk_token) ?? '<unk>';
  const pad = tokenName(settings.pad_token) ?? '<pad>';
  const mask = tokenName(settings.mask_token) ?? '<mask>';
  const clsId = required(vocab, bos, file);
  const sepId = required(vocab, eos, file);
  const addPrefixSpace = settings.add_prefix_space ?? false;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    // <mask> swallows the space before it in RoBERTa (lstrip), so "a <mask>" masks the word " x".
    added_tokens: addedTokens(specialsPresent(vocab, [bos, pad, eos, unk, mask], [mask])),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true },
    post_processor: templateProcessing([bos, clsId], [eos, sepId], 'sep', 0),
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: vocab.has(unk) ? unk : null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: vocabObject,
      merges,
    },
  };
}

/**
 * The JS port's RobertaProcessing gives the second sequence type id 1, while the Rust library (what
 * produced the model's training data) sets every type id to 0. Rewriting it to the equivalent
 * template keeps real roberta tokenizer.json files faithful.
 */
export function normalisePostProcessor(json: TokenizerJson): TokenizerJson {
  const post = json.post_processor as { type?: string; cls?: [string, number]; sep?: [string, number] } | null | undefined;
  if (post?.type === 'RobertaProcessing' && post.cls && post.sep) {
    return { ...json, post_processor: templateProcessing(post.cls, post.sep, 'sep', 0) };
  }
  return json;
}
