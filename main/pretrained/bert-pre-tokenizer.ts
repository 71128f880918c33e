// The Bert normalizer and pre-tokenizer (tokenizers/src/normalizers/bert.rs,
// tokenizers/src/pre_tokenizers/bert.rs), as far as counting words for the WordPiece trainer
// (wordpiece-trainer.ts) needs; the saved tokenizer.json applies them again at encode time.

// tokenizers/src/normalizers/bert.rs `is_control`: Rust's unicode_categories `is_other` (Cc, Cf,
// Cs, Co, Cn) minus tab/newline/return, which count as whitespace; NUL and U+FFFD go too.
const CONTROL = /(?![\t\n\r])[\p{C}\uFFFD]/gu;
const WHITESPACE_CHAR = /\p{White_Space}/gu;
// `is_chinese_char`: the CJK Unified Ideographs blocks, each put between spaces.
const CHINESE = /[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B920}-\u{2CEAF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]/gu;
const NONSPACING_MARK = /\p{Mn}/gu;
// tokenizers/src/pre_tokenizers/bert.rs `is_bert_punc`: ASCII punctuation or Unicode P*.
const PUNCT = String.raw`\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E`;
// Split on whitespace (removed), then every punctuation character on its own (Isolated).
const PRE_TOKEN = new RegExp(String.raw`[${PUNCT}]|[^\p{White_Space}${PUNCT}]+`, 'gu');

/** Rust lowercases char by char (NormalizedString::lowercase); JS's toLowerCase differs only by the context rule for a final Σ. */
function lowercaseChars(text: string): string {
  return text.includes('Σ') ? Array.from(text, (c) => c.toLowerCase()).join('') : text.toLowerCase();
}

/** BertNormalizer with clean_text and handle_chinese_chars on, strip_accents unset (so it follows lowercase). */
export function bertNormalize(text: string, lowercase = true): string {
  let out = text.replace(CONTROL, '').replace(WHITESPACE_CHAR, ' ').replace(CHINESE, ' $& ');
  // Upstream order: strip accents (NFD, drop Mn) before lowercasing.
  if (lowercase) out = lowercaseChars(out.normalize('NFD').replace(NONSPACING_MARK, ''));
  return out;
}

/** BertPreTokenizer: the words of an already normalized text. */
export function bertPreTokenize(normalized: string): string[] {
  return normalized.match(PRE_TOKEN) ?? [];
}

