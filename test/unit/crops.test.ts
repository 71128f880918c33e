// CmpCrop (nested segment-level input crops) and its alternation with CmpDrop (docs/method.md#copies).
import { describe, expect, it } from 'vitest';
import { cropIds, encodeSegmented, randomCrops, shareCrops, splitSegments } from '../../main/training/crops';
import { encodeSplit, trainingInput } from '../../main/training/data';
import { WordTokenizer } from '../../main/training/tokenizer';
import { copySpecs } from '../../main/training/training-step';
import { mulberry32 } from '../../shared/random';

const isSubset = (a: number[], b: number[]) => a.every((x) => b.includes(x));
const isSorted = (a: number[]) => a.every((x, i) => i === 0 || a[i - 1] < x);

describe('splitSegments', () => {
  it('splits sentences, or paragraphs when the text has blank lines', () => {
    expect(splitSegments('Good film. Bad ending! Why? Fine')).toEqual(['Good film.', 'Bad ending!', 'Why?', 'Fine']);
    expect(splitSegments('First para. Two sentences.\n\nSecond para.')).toEqual(['First para. Two sentences.', 'Second para.']);
  });
});

describe('nested crops', () => {
  const text = 'One a. Two b. Three c. Four d. Five e. Six f. Seven g. Eight h.';
  const tokenizer = WordTokenizer.fit([text], 100);

  it('keep a nested, strictly shrinking subset in original order, with required segments always kept', () => {
    const input = encodeSegmented(tokenizer, text, 64, [2, 5]);
    expect(input.segments).toHaveLength(8);
    expect(input.required).toEqual([2, 5]);
    for (let seed = 0; seed < 30; seed++) {
      const crops = randomCrops(input, 3, mulberry32(seed));
      expect(crops).toHaveLength(3);
      let previous = input.segments.map((_, i) => i);
      for (const kept of crops) {
        expect(isSorted(kept)).toBe(true);
        expect(isSubset(kept, previous)).toBe(true);
        expect(kept.length).toBeLessThan(previous.length); // 6 optional segments: room for 3 distinct sizes
        expect(kept).toContain(2);
        expect(kept).toContain(5);
        previous = kept;
      }
      // The crop's ids are the kept segments' ids in order: a subsequence of the full input.
      expect(cropIds(input, crops[2])).toEqual(crops[2].flatMap((i) => input.segments[i]));
    }
  });

  it('draws sizes at random per example (different seeds, different crops)', () => {
    const input = encodeSegmented(tokenizer, text, 64);
    const sizes = new Set(Array.from({ length: 20 }, (_, s) => randomCrops(input, 1, mulberry32(s))[0].length));
    expect(sizes.size).toBeGreaterThan(2);
  });

  it('never crops past maxLength, falls back to token chunks for a single sentence, never empties an input', () => {
    const truncated = encodeSegmented(tokenizer, text, 7);
    expect(truncated.ids).toHaveLength(7);
    expect(truncated.segments.flat()).toEqual(truncated.ids);
    const single = encodeSegmented(tokenizer, 'one a two b three c four d', 64);
    expect(single.segments.length).toBe(4);
    const crops = randomCrops(single, 2, mulberry32(1));
    expect(crops.every((kept) => kept.length >= 1)).toBe(true);
    const shares = shareCrops(encodeSegmented(tokenizer, text, 64), [0.75, 0.5, 0.25, 0], mulberry32(3));
    expect(shares.map((k) => k.length)).toEqual([6, 4, 2, 1]);
  });

  it('trainingInput gives one input per crop level, seeded by the micro-batch number', () => {
    const examples = [text, 'Alpha a. Beta b. Gamma c.'].map((t, index) => ({ index, input: encodeSegmented(tokenizer, t, 64), label: 0 }));
    const a = trainingInput(examples, 2, 5, 0);
    expect(a.inputs).toHaveLength(3);
    expect(a.inputs[2][0].length).toBeLessThan(a.inputs[1][0].length);
    expect(trainingInput(examples, 2, 5, 0)).toEqual(a);
    expect(trainingInput(examples, 2, 5, 1).inputs[1]).not.toEqual(a.inputs[1]);
  });
});

describe('required segments from the start message', () => {
  it('flow from LabelledTexts.requiredSegments into every training crop', () => {
    const texts = ['P one is here.\n\nP two answers it.\n\nP three.\n\nP four.\n\nP five.'];
    const tokenizer = WordTokenizer.fit(texts, 50);
    const examples = encodeSplit({ texts, labels: [0], requiredSegments: [[1]] }, [0], tokenizer, 64, 2);
    expect(examples[0].input.required).toEqual([1]);
    const answer = examples[0].input.segments[1];
    for (let micro = 0; micro < 10; micro++) {
      const { inputs } = trainingInput(examples, 2, 3, micro);
      for (const crop of inputs.slice(1)) {
        const ids = crop[0];
        expect(ids.join(',')).toContain(answer.join(','));
      }
    }
  });
});

describe('copySpecs', () => {
  const p = 0.1;
  it('alternates crops and drops as the doc states: crop 1; crop 1 + drop 1; crop 2 + drop 1; ...', () => {
    const specs = copySpecs({ loss: 'comparative', ablations: 2, crops: 2, dropout: p });
    expect(specs.map((s) => s.crop)).toEqual([0, 1, 1, 2, 2]);
    expect(specs.map((s) => s.rate)).toEqual([0, 0, 1 - (1 - p), 1 - (1 - p), 1 - (1 - p) ** 2]);
    const moreDrops = copySpecs({ loss: 'comparative', ablations: 3, crops: 1, dropout: p });
    expect(moreDrops.map((s) => [s.crop, s.rate > 0 ? Math.round(Math.log(1 - s.rate) / Math.log(1 - p)) : 0])).toEqual([
      [0, 0], [1, 0], [1, 1], [1, 2], [1, 3],
    ]);
    expect(copySpecs({ loss: 'comparative', ablations: 2, crops: 0, dropout: p }).map((s) => s.crop)).toEqual([0, 0, 0]);
    expect(copySpecs({ loss: 'baseline', ablations: 2, crops: 2, dropout: p })).toEqual([{ rate: p, crop: 0 }]);
  });
});
