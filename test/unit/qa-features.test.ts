// Question-answering windows and decoding (main/tasks/qa-features.ts) and the offset-giving
// tokenizers (main/tasks/qa-tokenize.ts), on real SQuAD 2.0 dev questions
// (assets/datasets/squad-v2-excerpt.json): every answer survives tokenize -> window -> label ->
// one-hot logits -> decode, across many windows per context.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../main/pretrained/tokenizer';
import { contextWindows, decodeQaPredictions, prepareQaFeatures, type QaExample, type QaFeature, type QaLogits } from '../../main/tasks/qa-features';
import { builtinQaTokenizer, pretrainedQaTokenizer, wordTokensWithOffsets } from '../../main/tasks/qa-tokenize';
import { WordTokenizer } from '../../main/training/tokenizer';
import { normalizeAnswer } from '../../shared/squad-metrics';

const ROOT = resolve(__dirname, '../..');
interface SquadJson {
  data: { paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string; answer_start: number }[] }[] }[] }[];
}
const squad = JSON.parse(readFileSync(join(ROOT, 'assets/datasets/squad-v2-excerpt.json'), 'utf8')) as SquadJson;
const examples: QaExample[] = squad.data.flatMap((article) =>
  article.paragraphs.flatMap((paragraph) =>
    paragraph.qas.map((qa) => ({
      id: qa.id,
      question: qa.question,
      context: paragraph.context,
      answers: { text: qa.answers.map((a) => a.text), answerStart: qa.answers.map((a) => a.answer_start) },
    })),
  ),
);
const texts = [...new Set(examples.flatMap((e) => [e.question, e.context]))];
const words = WordTokenizer.fit(texts, 8000);
// The built-in vocabulary has no [CLS]/[SEP]; ids past it stand in for them.
const builtin = builtinQaTokenizer(words, { clsId: words.size, sepId: words.size + 1 });

/** Logits that put all weight on one span of one window (every other window flat). */
function oneHotLogits(features: readonly QaFeature[], target: number, start: number, end: number): QaLogits[] {
  return features.map((feature, i) => {
    const s = feature.inputIds.map(() => 0);
    const e = feature.inputIds.map(() => 0);
    if (i === target) {
      s[start] = 10;
      e[end] = 10;
    }
    return { start: s, end: e };
  });
}

function singleExample(context: string, answer: string, at = context.indexOf(answer)): QaExample {
  return { id: 'x', question: 'Where is it?', context, answers: { text: [answer], answerStart: [at] } };
}

describe('tokenizing with offsets', () => {
  it('the built-in tokenizer gives WordTokenizer.encode ids, and each token is its slice of the text', () => {
    for (const text of texts) {
      const { ids, offsets } = wordTokensWithOffsets(words, text);
      expect(ids).toEqual(words.encode(text, Number.MAX_SAFE_INTEGER));
      offsets.forEach(([from, to], i) => {
        if (ids[i] !== 1) expect(text.slice(from, to).toLowerCase()).toBe(words.vocabulary[ids[i]]);
      });
    }
  });

  it('keeps offsets right after multi-byte characters (é, emoji, flags)', () => {
    const context = 'Café crème 🎉 at 10€, then 🇨🇭 Zürich’s lake <br /> İstanbul.';
    const vocabulary = WordTokenizer.fit([context], 100);
    const { ids, offsets } = wordTokensWithOffsets(vocabulary, context);
    expect(ids).toEqual(vocabulary.encode(context, 1000));
    const slices = offsets.map(([from, to]) => context.slice(from, to));
    expect(slices).toContain('Zürich');
    expect(slices).toContain('🎉');
    expect(slices).toContain('€');
    // "İ" lower-cases to two code units: the word keeps its own span, and later offsets do not shift.
    expect(slices.at(-2)).toBe('İstanbul');
    expect(slices.at(-1)).toBe('.');
  });

  it('pretrained WordPiece and byte-level tokenizers: word-by-word ids equal the whole text’s, offsets cover each word', async () => {
    const text = 'Hello world, the café’s film (1990s) was not good 🎉 Zürich.';
    for (const [folder, scheme] of [['wordpiece', 'wordpiece'], ['json', 'wordpiece'], ['bpe', 'byte-level']] as const) {
      const tokenizer = await loadTokenizer(join(ROOT, 'test/fixtures/tokenizers', folder));
      const qa = pretrainedQaTokenizer(tokenizer, scheme);
      const { ids, offsets } = qa.tokenizeWithOffsets(text);
      expect(ids).toEqual(tokenizer.tokenize(text));
      const slices = new Set(offsets.map(([from, to]) => text.slice(from, to)));
      for (const word of ['Hello', 'world', ',', 'Zürich', scheme === 'wordpiece' ? '1990s' : '1990', 'café']) expect(slices.has(word), `${folder}: ${word}`).toBe(true);
      // Round trip through the windows on a one-word answer after the emoji.
      const example = singleExample(text, 'Zürich');
      const features = prepareQaFeatures([example], qa, { maxLength: 32, stride: 4 });
      const target = features.findIndex((f) => f.startPosition > 0);
      expect(target).toBeGreaterThanOrEqual(0);
      const [prediction] = decodeQaPredictions([example], features, oneHotLogits(features, target, features[target].startPosition, features[target].endPosition));
      expect(prediction.text).toBe('Zürich');
    }
  });
});

describe('windows', () => {
  it('steps by capacity - stride and ends with the window that reaches the end (Hugging Face overflow)', () => {
    expect(contextWindows(10, 20, 4)).toEqual([[0, 10]]);
    expect(contextWindows(20, 8, 3)).toEqual([[0, 8], [5, 13], [10, 18], [15, 20]]);
    expect(contextWindows(13, 8, 3)).toEqual([[0, 8], [5, 13]]);
  });

  it('lays out [CLS] question [SEP] context [SEP] within the maximum length, offsets only on context tokens', () => {
    const features = prepareQaFeatures(examples.slice(0, 40), builtin, { maxLength: 64, stride: 16 });
    for (const feature of features) {
      const example = examples[feature.exampleIndex];
      const question = wordTokensWithOffsets(words, example.question).ids.length;
      expect(feature.inputIds.length).toBeLessThanOrEqual(64);
      expect(feature.inputIds[0]).toBe(words.size);
      expect(feature.inputIds[1 + question]).toBe(words.size + 1);
      expect(feature.inputIds.at(-1)).toBe(words.size + 1);
      expect(feature.offsets.slice(0, 2 + question).every((o) => o === null)).toBe(true);
      expect(feature.offsets.at(-1)).toBeNull();
      expect(feature.offsets.slice(2 + question, -1).every((o) => o !== null)).toBe(true);
      expect(feature.typeIds.slice(2 + question)).toEqual(feature.typeIds.slice(2 + question).map(() => 1));
    }
  });

  it('refuses a question that leaves no more context room than the stride', () => {
    expect(() => prepareQaFeatures(examples.slice(0, 1), builtin, { maxLength: 20, stride: 16 })).toThrow(/more than the stride 16/);
  });
});

describe('labels and decoding on real SQuAD questions, many windows per context', () => {
  const answerable = examples.filter((e) => e.answers.text.length > 0);
  const features = prepareQaFeatures(answerable, builtin, { maxLength: 64, stride: 16 });
  const byExample = answerable.map(() => [] as number[]);
  features.forEach((f, i) => byExample[f.exampleIndex].push(i));

  /** Whether the answer starts at a token's start and ends at a token's end (the word tokenizer keeps "Myhill's" whole). */
  const aligned = (example: QaExample): boolean => {
    const offsets = wordTokensWithOffsets(words, example.context).offsets;
    const start = example.answers.answerStart[0];
    const end = start + example.answers.text[0].length;
    return offsets.some((o) => o[0] === start) && offsets.some((o) => o[1] === end);
  };
  // The only excerpt answers that end inside a word token: possessives.
  const MID_TOKEN_ANSWERS = answerable.filter((e) => !aligned(e)).map((e) => e.id).sort();

  it('splits long contexts into many windows', () => {
    expect(MID_TOKEN_ANSWERS.length).toBe(3);
    expect(answerable.length).toBe(485);
    expect(Math.max(...byExample.map((list) => list.length))).toBeGreaterThanOrEqual(8);
    expect(features.length).toBeGreaterThan(answerable.length * 3);
  });

  it('labels a window with the answer exactly when the answer lies wholly in its context, else 0 and 0', () => {
    let inside = 0;
    for (const feature of features) {
      const example = answerable[feature.exampleIndex];
      const startChar = example.answers.answerStart[0];
      const endChar = startChar + example.answers.text[0].length;
      const spans = feature.offsets.filter((o) => o !== null);
      const contains = spans[0][0] <= startChar && spans.at(-1)![1] >= endChar;
      if (!contains) {
        expect([feature.startPosition, feature.endPosition]).toEqual([0, 0]);
        continue;
      }
      inside += 1;
      const from = feature.offsets[feature.startPosition]!;
      const to = feature.offsets[feature.endPosition]!;
      expect(feature.endPosition).toBeGreaterThanOrEqual(feature.startPosition);
      // The labelled tokens cover the answer and no more than the words it touches.
      expect(from[0]).toBeLessThanOrEqual(startChar);
      expect(to[1]).toBeGreaterThanOrEqual(endChar);
    }
    expect(inside).toBeGreaterThan(answerable.length);
  });

  it('recovers every answer (after the official normalisation) from one-hot logits at its labelled span', () => {
    let checked = 0;
    const misaligned = new Set<string>();
    answerable.forEach((example, exampleIndex) => {
      const own = byExample[exampleIndex].map((i) => features[i]);
      for (let w = 0; w < own.length; w += 1) {
        if (own[w].startPosition === 0) continue;
        const logits = oneHotLogits(own, w, own[w].startPosition, own[w].endPosition);
        const [prediction] = decodeQaPredictions([example], own.map((f) => ({ ...f, exampleIndex: 0 })), logits, { maxAnswerLength: 64 });
        const answer = example.answers.text[0];
        if (aligned(example)) {
          expect(normalizeAnswer(prediction.text), example.id).toBe(normalizeAnswer(answer));
        } else {
          // The answer ends inside a word token ("John Myhill" of "John Myhill's"): the tokens that cover it.
          expect(prediction.text.startsWith(answer), example.id).toBe(true);
          expect(prediction.text.length).toBeLessThanOrEqual(answer.length + 2);
          misaligned.add(example.id);
        }
        checked += 1;
      }
    });
    expect([...misaligned].sort()).toEqual(MID_TOKEN_ANSWERS);
    // Some answers are longer than any window's overlap allows; nearly all are in some window.
    expect(checked).toBeGreaterThan(answerable.length);
    const reachable = answerable.filter((_, i) => byExample[i].some((f) => features[f].startPosition > 0)).length;
    expect(reachable).toBeGreaterThanOrEqual(answerable.length - 5);
  });
});

describe('edge cases', () => {
  it('an answer at the very end of the context, and one ending a window, point at their own tokens (not [SEP])', () => {
    const context = 'one two three four five six seven eight nine ten eleven twelve Denver';
    const example = singleExample(context, 'Denver');
    const features = prepareQaFeatures([example], builtin, { maxLength: 12, stride: 2 });
    const last = features.at(-1)!;
    expect(last.startPosition).toBe(last.inputIds.length - 2);
    expect(last.endPosition).toBe(last.inputIds.length - 2);
    const [prediction] = decodeQaPredictions([example], features, oneHotLogits(features, features.length - 1, last.startPosition, last.endPosition));
    expect(prediction.text).toBe('Denver');
    // "five" is the last context token of the first window (4 question tokens + 3 specials leave 5).
    const mid = singleExample(context, 'five');
    const [first] = prepareQaFeatures([mid], builtin, { maxLength: 12, stride: 2 });
    expect(first.offsets[first.startPosition]).toEqual([context.indexOf('five'), context.indexOf('five') + 4]);
    expect(first.endPosition).toBe(first.startPosition);
    expect(first.endPosition).toBe(first.inputIds.length - 2);
  });

  it('respects the maximum answer length and skips spans outside the context or reversed', () => {
    const context = 'alpha beta gamma delta epsilon zeta eta theta';
    const example = singleExample(context, 'gamma');
    const [feature] = prepareQaFeatures([example], builtin, { maxLength: 64, stride: 16 });
    const first = feature.offsets.findIndex((o) => o !== null); // "alpha"
    const start = feature.inputIds.map(() => 0);
    const end = feature.inputIds.map(() => 0);
    // Token k of the context is first + k: 0 alpha 1 beta 2 gamma 3 delta 4 epsilon 5 zeta 6 eta 7 theta.
    start[1] = 50; // a question token: outside the context, never chosen
    start[first] = 9;
    start[first + 2] = 5;
    start[first + 5] = 8;
    end[first + 7] = 9;
    end[first + 2] = 5;
    end[first + 3] = 8; // with start 5: reversed (score 16), skipped
    const decode = (maxAnswerLength: number) => decodeQaPredictions([example], [feature], [{ start, end }], { maxAnswerLength })[0].text;
    expect(decode(30)).toBe(context); // 0..7, score 18
    expect(decode(4)).toBe('alpha beta gamma delta'); // 0..3 (17) ties 5..7 (17): the earlier start candidate wins, as in utils_qa.py
    expect(decode(3)).toBe('zeta eta theta'); // 5..7, 17
    expect(decode(2)).toBe('gamma delta'); // 2..3, 13; reversed 5..3 would score 16
    expect(decode(1)).toBe('gamma'); // 2..2, 10
  });

  it('SQuAD 2.0: the lowest null score over windows against the best span, through the threshold', () => {
    const context = 'one two three four five six seven eight nine ten eleven twelve Denver';
    const example = singleExample(context, 'Denver');
    const features = prepareQaFeatures([example], builtin, { maxLength: 12, stride: 2 });
    expect(features.length).toBeGreaterThan(2);
    const last = features.at(-1)!;
    const logits = oneHotLogits(features, features.length - 1, last.startPosition, last.endPosition); // span score 20
    logits.forEach((l, i) => {
      (l.start as number[])[0] = 12 + i; // null scores 24, 26, ...: the lowest, 24, is the example's
      (l.end as number[])[0] = 12 + i;
    });
    const [withNull] = decodeQaPredictions([example], features, logits, { allowNoAnswer: true });
    expect(withNull).toMatchObject({ text: '', span: null, nullScore: 24, bestSpanScore: 20, scoreDiff: 4 });
    expect(withNull.noAnswerProbability).toBeCloseTo(1 / (1 + Math.exp(-4)), 12);
    expect(decodeQaPredictions([example], features, logits, { allowNoAnswer: true, nullScoreDiffThreshold: 4 })[0].text).toBe('Denver');
    expect(decodeQaPredictions([example], features, logits)[0].text).toBe('Denver');
  });
});
