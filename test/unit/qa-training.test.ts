// Question answering through the trainer, on real SQuAD 2.0 questions (assets/datasets/squad-v2-excerpt.json):
// windows as CmpCrop inputs whose every crop keeps the answer at re-mapped positions
// (main/training/qa-encoding.ts), decoding of the span head's outputs back to text with the no-answer
// threshold (main/tasks/question-answering.ts), and a real training run: EM / F1 per evaluation,
// one prediction per question, and the held-out split scored with the threshold validation chose.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/kernels/backends';
import { builtinQaTokenizer } from '../../main/tasks/qa-tokenize';
import { questionAnsweringHead, scoreQuestions } from '../../main/tasks/question-answering';
import { cropIds, randomCrops } from '../../main/training/crops';
import { runTraining, TrainingControl } from '../../main/training/engine';
import type { EvalMessage, LabelledTexts, TrainerToParent } from '../../main/training/protocol';
import { cropPositions, cropSpan, encodeQaSplit } from '../../main/training/qa-encoding';
import { WordTokenizer } from '../../main/training/tokenizer';
import { mulberry32 } from '../../shared/random';
import { DEFAULT_RUN_CONFIG } from '../../shared/schemas';
import { parseSquadJson } from '../../shared/squad-format';

const ROOT = resolve(__dirname, '../..');
const rows = parseSquadJson(JSON.parse(readFileSync(join(ROOT, 'assets/datasets/squad-v2-excerpt.json'), 'utf8')));
const splitOf = (subset: typeof rows): LabelledTexts => ({
  texts: subset.map((r) => r.question),
  labels: subset.map(() => 0),
  textPairs: subset.map((r) => r.context),
  answers: subset.map((r) => ({ text: r.answers.text, start: r.answers.answer_start })),
});
const all = splitOf(rows);
const words = WordTokenizer.fit([...new Set(rows.flatMap((r) => [r.question, r.context]))], 8000);
const tokenizer = builtinQaTokenizer(words, { clsId: 7998, sepId: 7999 });

describe('question answering windows as CmpCrop inputs', () => {
  const windows = encodeQaSplit(all, all.texts.map((_, i) => i), tokenizer, { maxLength: 128, stride: 40 });

  it('cuts long contexts into several windows, each labelled on its own tokens', () => {
    expect(windows.length).toBeGreaterThan(all.texts.length * 1.5);
    const answered = windows.filter((w) => w.span!.start > 0);
    expect(answered.length).toBeGreaterThan(300);
    for (const w of answered) {
      const [from, to] = [w.window!.offsets[w.span!.start]![0], w.window!.offsets[w.span!.end]![1]];
      const gold = all.answers![w.index].text[0];
      // Word-level tokens cover the answer's words (possessives may widen it by a token).
      expect(w.window!.context.slice(from, to).toLowerCase()).toContain(gold.toLowerCase().replace(/'s$/, '').split(' ')[0]);
      expect(w.span!.contextStart).toBeLessThanOrEqual(w.span!.start);
      expect(w.span!.end).toBeLessThan(w.span!.contextStop);
    }
  });

  it('every crop keeps the answer tokens, in order, at the re-mapped positions', () => {
    let checked = 0;
    let shorter = 0;
    windows.forEach((w, i) => {
      const crops = randomCrops(w.input, 3, mulberry32(1000 + i));
      for (const kept of crops) {
        const ids = cropIds(w.input, kept);
        const span = cropSpan(w.input, kept, w.span!);
        const positions = cropPositions(w.input, kept);
        expect(positions.length).toBe(ids.length);
        positions.forEach((p, j) => expect(ids[j]).toBe(w.input.ids[p]));
        expect(positions.every((p, j) => j === 0 || p > positions[j - 1])).toBe(true);
        expect(span.contextStart).toBe(w.input.before!.length);
        expect(ids.length - span.contextStop).toBe(w.input.after!.length);
        if (w.span!.start > 0) {
          expect(ids.slice(span.start, span.end + 1)).toEqual(w.input.ids.slice(w.span!.start, w.span!.end + 1));
          expect(positions[span.start]).toBe(w.span!.start);
          checked++;
        } else {
          expect([span.start, span.end]).toEqual([0, 0]);
        }
        if (ids.length < w.input.ids.length) shorter++;
      }
    });
    expect(checked).toBeGreaterThan(900);
    expect(shorter).toBeGreaterThan(windows.length);
  });
});

describe('the span head', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('loss: mean of start and end cross-entropies over the context and [CLS] only', () => {
    // One row, T = 4: context is positions 2..3; position 1 (the question) must not count.
    const outputs = tf.tensor2d([[0, 5, 1, 2, 0, 9, 3, 1]]);
    const targets = questionAnsweringHead.rowTargets({ labels: [0], spans: [[{ start: 2, end: 3, contextStart: 2, contextStop: 4 }]] }, 1);
    const [start, end] = questionAnsweringHead.perExampleLossParts!(outputs, targets).map((t) => t.dataSync()[0]);
    const ce = (logits: number[], gold: number) => -logits[gold] + Math.log(logits.reduce((s, x) => s + Math.exp(x), 0));
    expect(start).toBeCloseTo(ce([0, 1, 2], 1), 5);
    expect(end).toBeCloseTo(ce([0, 3, 1], 2), 5);
    expect(questionAnsweringHead.perExampleLoss(outputs, targets).dataSync()[0]).toBeCloseTo((start + end) / 2, 6);
  });

  it('scores SQuAD 2.0: the threshold chosen on the split, or the one given, decides "no answer"', () => {
    const questions = [
      { index: 0, id: 'a', answer: 'Paris', answerStart: 0, noAnswerProbability: 0.1 },
      { index: 1, id: 'b', answer: 'London', answerStart: 0, noAnswerProbability: 0.9 },
      { index: 2, id: 'c', answer: 'Rome', answerStart: 0, noAnswerProbability: 0.3 },
    ];
    const gold: Record<string, string[]> = { a: ['Paris'], b: [], c: ['Milan'] };
    const chosen = scoreQuestions(questions, (id) => gold[id]);
    // Best: answer a (right), refuse b (right); c is wrong either way, so the search stops at a's 0.1.
    expect(chosen.metrics.no_answer_threshold).toBe(0.1);
    expect(chosen.finals).toEqual(['Paris', '', '']);
    expect(chosen.metrics.exact_match).toBeCloseTo(2 / 3, 10);
    const given = scoreQuestions(questions, (id) => gold[id], 0.95);
    expect(given.finals).toEqual(['Paris', 'London', 'Rome']);
    expect(given.metrics.exact_match).toBeCloseTo(1 / 3, 10);
    expect(given.metrics.no_answer_f1).toBe(0);
  });
});

describe('training a reader', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('comparative with CmpCrop: EM / F1 on validation, the test split with validation’s threshold, utility per crop level', async () => {
    const contexts = [...new Set(rows.map((r) => r.context))];
    const role = (r: (typeof rows)[number]) => contexts.indexOf(r.context) % 6;
    const train = splitOf(rows.filter((r) => role(r) > 1).slice(0, 160));
    const validation = splitOf(rows.filter((r) => role(r) === 0).slice(0, 60));
    const test = splitOf(rows.filter((r) => role(r) === 1).slice(0, 60));
    const messages: TrainerToParent[] = [];
    const outcome = await runTraining(
      {
        type: 'start', runId: 'qa', labelNames: [], task: 'qa', progressIntervalMs: 0, train, validation, test,
        config: { ...DEFAULT_RUN_CONFIG, crops: 1, ablations: 1, epochs: 1, batchSize: 16, maxLength: 128, utilityLevels: 1, utilityDraws: 1, model: { vocabSize: 3000, dim: 16, layers: 1, heads: 2, ffnDim: 32 } },
      },
      { control: new TrainingControl(), emit: (m) => messages.push(m) },
    );
    expect(outcome).toBe('done');
    const evals = messages.filter((m): m is EvalMessage => m.type === 'eval');
    const last = evals.filter((e) => e.split === 'validation').at(-1)!;
    for (const name of ['exact_match', 'f1', 'has_answer_f1', 'no_answer_f1', 'no_answer_threshold', 'loss']) expect(Number.isFinite(last.metrics[name])).toBe(true);
    expect(last.predictions).toHaveLength(60);
    for (const p of last.predictions!) {
      expect(p.gold).toBe(1);
      expect(typeof p.answer).toBe('string');
      if (p.answer !== '') expect(validation.textPairs![p.index]!.slice(p.answerStart, p.answerStart! + p.answer!.length)).toBe(p.answer);
    }
    const held = evals.find((e) => e.split === 'test')!;
    expect(held.metrics.no_answer_threshold).toBe(last.metrics.no_answer_threshold);
    expect(held.predictions).toHaveLength(60);
    const crop = messages.find((m) => m.type === 'utility' && m.kind === 'crop');
    expect(crop && crop.type === 'utility' && crop.levels.map((l) => Number.isFinite(l.metrics.f1))).toEqual([true, true]);
    const progress = messages.flatMap((m) => (m.type === 'progress' ? m.samples : []));
    expect(progress[0].copyLosses).toHaveLength(3); // full, crop 1, crop 1 + drop 1
  }, 120_000);
});
