import { describe, expect, it } from 'vitest';
import { PAD_ID, splitWords, UNK_ID, WordTokenizer } from '../../main/training/tokenizer';

describe('splitWords', () => {
  it('lowercases, strips HTML such as <br /> and separates punctuation', () => {
    expect(splitWords('Great movie!<br /><br />I LOVED it, didn\'t you?')).toEqual([
      'great', 'movie', '!', 'i', 'loved', 'it', ',', "didn't", 'you', '?',
    ]);
  });

  it('keeps letters from other scripts and digits together', () => {
    expect(splitWords('Café 2001: Élan')).toEqual(['café', '2001', ':', 'élan']);
  });
});

describe('WordTokenizer', () => {
  const texts = ['b a c a', 'c a b', 'd a'];

  it('puts [PAD]=0 and [UNK]=1 first, then tokens by frequency, ties alphabetical', () => {
    // Counts: a 4, b 2, c 2, d 1 -> a, then b before c (tie broken alphabetically), then d.
    const tokenizer = WordTokenizer.fit(texts, 10);
    expect(tokenizer.vocabulary).toEqual(['[PAD]', '[UNK]', 'a', 'b', 'c', 'd']);
    expect(PAD_ID).toBe(0);
    expect(UNK_ID).toBe(1);
  });

  it('caps the vocabulary at vocabSize entries, specials included', () => {
    const tokenizer = WordTokenizer.fit(texts, 4);
    expect(tokenizer.vocabulary).toEqual(['[PAD]', '[UNK]', 'a', 'b']);
    expect(tokenizer.encode('a c d z', 10)).toEqual([2, UNK_ID, UNK_ID, UNK_ID]);
  });

  it('does not depend on the order of the training texts', () => {
    const reversed = WordTokenizer.fit([...texts].reverse(), 10);
    expect(reversed.vocabulary).toEqual(WordTokenizer.fit(texts, 10).vocabulary);
  });

  it('truncates to maxLength, keeping the beginning', () => {
    const tokenizer = WordTokenizer.fit(texts, 10);
    expect(tokenizer.encode('a b c d a b', 3)).toEqual([2, 3, 4]);
  });

  it('never returns an empty sequence', () => {
    const tokenizer = WordTokenizer.fit(texts, 10);
    expect(tokenizer.encode('<br />', 5)).toEqual([UNK_ID]);
    expect(tokenizer.encode('', 5)).toEqual([UNK_ID]);
  });
});
