// shared/squad-format.ts on the real SQuAD 2.0 excerpt and on broken copies of it: every wrong
// field is named by its JSON path.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codePointToUtf16Index, parseSquadJson, SquadFormatError } from '../../shared/squad-format';

const EXCERPT = join(resolve(__dirname, '../..'), 'assets/datasets/squad-v2-excerpt.json');
const load = () => JSON.parse(readFileSync(EXCERPT, 'utf8'));

function errorOf(document: unknown): SquadFormatError {
  try {
    parseSquadJson(document);
  } catch (error) {
    if (error instanceof SquadFormatError) return error;
    throw error;
  }
  throw new Error('expected a SquadFormatError');
}

describe('reading SQuAD JSON', () => {
  it('flattens the excerpt: 952 questions, 485 answerable, answers where they say they are', () => {
    const rows = parseSquadJson(load());
    expect(rows.length).toBe(952);
    expect(rows.filter((r) => !r.isImpossible).length).toBe(485);
    expect(rows[0]).toMatchObject({
      id: '56e16182e3433e1400422e28',
      title: 'Computational_complexity_theory',
      answers: { text: ['Computational complexity theory', 'Computational complexity theory', 'Computational complexity theory'], answer_start: [0, 0, 0] },
      isImpossible: false,
    });
    for (const row of rows) {
      row.answers.text.forEach((text, i) => expect(row.context.slice(row.answers.answer_start[i], row.answers.answer_start[i] + text.length)).toBe(text));
      expect(row.answers.text.length === 0).toBe(row.isImpossible);
    }
  });

  it('reads SQuAD v1.1 (no is_impossible) and counts answer_start in code points, as the files do', () => {
    const context = '🎉 Party in Zürich';
    const rows = parseSquadJson({ version: '1.1', data: [{ title: 't', paragraphs: [{ context, qas: [{ id: 'a', question: 'Where?', answers: [{ text: 'Zürich', answer_start: 11 }] }] }] }] });
    expect(rows[0].answers.answer_start).toEqual([12]);
    expect(context.slice(12, 18)).toBe('Zürich');
    expect(codePointToUtf16Index(context, 100)).toBe(-1);
  });

  it('names the JSON path of a wrong field', () => {
    const wrongType = load();
    wrongType.data[1].paragraphs[2].qas[3].answers[0].answer_start = '12';
    expect(errorOf(wrongType).message).toMatch(/^data\[1\]\.paragraphs\[2\]\.qas\[3\]\.answers\[0\]\.answer_start: expected a character position .*got the string "12"/);
    const missing = load();
    delete missing.data[0].paragraphs[5].context;
    expect(errorOf(missing).path).toEqual(['data', 0, 'paragraphs', 5, 'context']);
    const duplicate = load();
    duplicate.data[2].paragraphs[0].qas[1].id = duplicate.data[0].paragraphs[0].qas[0].id;
    expect(errorOf(duplicate).message).toMatch(/^data\[2\]\.paragraphs\[0\]\.qas\[1\]\.id: duplicate id .* \(first at data\[0\]\.paragraphs\[0\]\.qas\[0\]\)/);
    expect(errorOf({ data: 'x' }).message).toMatch(/^data: expected an array of articles/);
    expect(errorOf([]).message).toMatch(/^\(root\): expected a SQuAD object/);
  });

  it('refuses an answer whose text is not at its answer_start', () => {
    const shifted = load();
    shifted.data[0].paragraphs[0].qas[1].answers[0].answer_start += 1;
    expect(errorOf(shifted).message).toBe(
      'data[0].paragraphs[0].qas[1].answers[0].answer_start: the answer "inherent difficulty" is not at character 176 of the context (found "nherent difficulty,")',
    );
    const tooFar = load();
    tooFar.data[0].paragraphs[0].qas[0].answers[0].answer_start = 100000;
    expect(errorOf(tooFar).message).toMatch(/is not at character 100000 of the context \(the context has only \d+ characters\)/);
  });

  it('refuses answers that contradict is_impossible', () => {
    const doc = load();
    const impossible = doc.data[0].paragraphs.flatMap((p: { qas: { is_impossible: boolean }[] }) => p.qas).find((q: { is_impossible: boolean }) => q.is_impossible);
    impossible.answers = [{ text: 'x', answer_start: 0 }];
    expect(errorOf(doc).message).toMatch(/answers: is_impossible is true, so answers must be empty/);
  });
});
