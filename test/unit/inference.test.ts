// The pieces of main/inference that need no model: the LRU of loaded predictors, reading files to
// predict (with the import's file:line:column errors), the CSV that comes back, and the naming of
// outputs (the evaluation's softmax / sigmoid).
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { readInputTable, predictionsCsv } from '../../main/inference/prediction-file';
import { PredictorCache } from '../../main/inference/predictor-cache';
import { inLengthBatches, type Predictor, predictionOf } from '../../main/inference/predictor';
import { AppError } from '../../shared/errors';

function fakePredictor(name: string, bytes: number, disposed: string[]): Predictor {
  return { description: name, hasHead: true, task: 'classification', labelNames: [], bytes, predict: () => [], dispose: () => disposed.push(name) };
}

describe('PredictorCache', () => {
  it('keeps the most recently used models within the count and byte limits, disposing the rest', async () => {
    const disposed: string[] = [];
    const cache = new PredictorCache({ maxEntries: 2, maxBytes: 100 });
    let loads = 0;
    const get = (name: string, bytes = 10) => cache.get(name, () => (loads++, fakePredictor(name, bytes, disposed)));
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent: b goes first
    expect(loads).toBe(2);
    await get('c');
    expect(disposed).toEqual(['b']);
    expect(cache.has('a') && cache.has('c')).toBe(true);
    await get('big', 95); // over the byte budget with anything else: only it stays
    expect(disposed).toEqual(['b', 'a', 'c']);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(disposed).toEqual(['b', 'a', 'c', 'big']);
  });
});

describe('files to predict', () => {
  it('reads text and text_pair from JSON Lines, and a single-column CSV', () => {
    const table = readInputTable('in.jsonl', '{"id": 1, "text": "good", "text_pair": "fine"}\n\n{"id": 2, "text": "bad"}\n');
    expect(table.inputs).toEqual([{ text: 'good', textPair: 'fine' }, { text: 'bad' }]);
    expect(readInputTable('in.csv', 'review\n"a, quoted text"\nplain\n').inputs).toEqual([{ text: 'a, quoted text' }, { text: 'plain' }]);
    // The training dataset's own column names are understood too.
    expect(readInputTable('in.tsv', 'q\tcontext2\nwhat\tthat\n', { textColumn: 'q', textPairColumn: 'context2' }).inputs).toEqual([{ text: 'what', textPair: 'that' }]);
  });

  it('names the file, line and column of what is wrong', () => {
    const located = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        if (e instanceof AppError) return { ...e.location, message: e.message };
        throw e;
      }
      throw new Error('expected a failure');
    };
    expect(located(() => readInputTable('x.jsonl', '{"text": "a"}\n{"text": 5'))).toMatchObject({ file: 'x.jsonl', line: 2, column: 11, message: expect.stringMatching(/invalid JSON/) });
    expect(located(() => readInputTable('x.jsonl', '{"text": "a"}\n{"id": 3}\n'))).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/no text \("text"\)/) });
    expect(located(() => readInputTable('x.jsonl', '{"text": {"nested": 1}}\n'))).toMatchObject({ line: 1, column: 10, message: expect.stringMatching(/must be text, found a JSON object/) });
    expect(located(() => readInputTable('x.csv', 'a,b\n1,2\n'))).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/no "text" column.*"a", "b"/) });
  });

  it('writes every input column, the prediction and one probability per label, never clobbering an input column', () => {
    const table = readInputTable('in.csv', 'text,p_pos\n"hello, world",x\n');
    const csv = predictionsCsv(table, [predictionOf('classification', ['neg', 'pos'], [0, Math.log(3)])], ['neg', 'pos'], false);
    const parsed = Papa.parse<string[]>(csv.trim());
    expect(parsed.data[0]).toEqual(['text', 'p_pos', 'predicted_label', 'p_neg', 'p_pos_2']);
    expect(parsed.data[1].slice(0, 3)).toEqual(['hello, world', 'x', 'pos']);
    expect(Number(parsed.data[1][3])).toBeCloseTo(0.25, 12);
    expect(Number(parsed.data[1][4])).toBeCloseTo(0.75, 12);
  });
});

describe('naming outputs', () => {
  it('softmax for classes, sigmoid per label for multilabel, the value for regression', () => {
    const c = predictionOf('classification', ['a', 'b', 'c'], [1, 3, 2]);
    expect(c.label).toBe('b');
    expect(Object.values(c.probabilities).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    const m = predictionOf('multilabel', ['x', 'y', 'z'], [2, -1, 0.5]);
    expect(m.label).toBe('x|z');
    expect(m.probabilities.y).toBeCloseTo(1 / (1 + Math.E), 12);
    expect(predictionOf('regression', [], [0.42])).toEqual({ logits: [0.42], label: '0.42', probabilities: {}, value: 0.42 });
  });

  it('batches by length and returns results in input order', () => {
    const lengths = [5, 1, 4, 2, 3];
    const batches: number[][] = [];
    const out = inLengthBatches(lengths.length, 2, (i) => lengths[i], (indices) => (batches.push(indices), indices.map((i) => `r${i}`)));
    expect(batches).toEqual([[1, 3], [4, 2], [0]]);
    expect(out).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });
});
