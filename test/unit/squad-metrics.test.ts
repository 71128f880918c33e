// shared/squad-metrics.ts against the official SQuAD 2.0 evaluation script itself
// (test/reference/squad_v2_eval.py, run with python3): the same predictions on real SQuAD 2.0 dev
// questions (assets/datasets/squad-v2-excerpt.json) must give the same report, number by number.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exactMatch, normalizeAnswer, scoreAnswer, squadV2Evaluate, tokenF1, type SquadReference, type SquadV2Report } from '../../shared/squad-metrics';

const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'test/reference/squad_v2_eval.py');
const EXCERPT = join(ROOT, 'assets/datasets/squad-v2-excerpt.json');

interface SquadJson {
  version?: string;
  data: { title: string; paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string; answer_start: number }[]; is_impossible?: boolean }[] }[] }[];
}

const work = mkdtempSync(join(tmpdir(), 'squad-metrics-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the official script; fails (never skips) when python3 cannot run it. */
function officialReport(dataFile: string, predictions: Map<string, string>, probabilities: Map<string, number> | undefined, threshold?: number): Record<string, number> {
  const tag = `${Math.random().toString(36).slice(2)}`;
  const predFile = join(work, `pred-${tag}.json`);
  const outFile = join(work, `eval-${tag}.json`);
  writeFileSync(predFile, JSON.stringify(Object.fromEntries(predictions)));
  const args = [SCRIPT, dataFile, predFile, '-o', outFile];
  if (probabilities) {
    const naFile = join(work, `na-${tag}.json`);
    writeFileSync(naFile, JSON.stringify(Object.fromEntries(probabilities)));
    args.push('-n', naFile);
  }
  if (threshold !== undefined) args.push('-t', String(threshold));
  const run = spawnSync('python3', args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw new Error(`python3 is needed to run the official SQuAD script (${SCRIPT}): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`the official SQuAD script failed (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(readFileSync(outFile, 'utf8')) as Record<string, number>;
}

function expectSameReport(ours: SquadV2Report, official: Record<string, number>): void {
  expect(Object.keys(ours).sort()).toEqual(Object.keys(official).sort());
  for (const [key, value] of Object.entries(official)) {
    const mine = ours[key as keyof SquadV2Report]!;
    if (Math.abs(mine - value) > 1e-9) throw new Error(`${key}: ours ${mine}, official ${value}`);
  }
}

function referencesOf(json: SquadJson): { references: SquadReference[]; contexts: string[]; golds: { text: string; answer_start: number }[][] } {
  const references: SquadReference[] = [];
  const contexts: string[] = [];
  const golds: { text: string; answer_start: number }[][] = [];
  for (const article of json.data) {
    for (const paragraph of article.paragraphs) {
      for (const qa of paragraph.qas) {
        references.push({ id: qa.id, answers: qa.answers.map((a) => a.text) });
        contexts.push(paragraph.context);
        golds.push(qa.answers);
      }
    }
  }
  return { references, contexts, golds };
}

/** Deterministic predictions of every kind: exact, exact after normalisation, partial, empty, wrong. */
function buildPredictions(json: SquadJson): { predictions: Map<string, string>; probabilities: Map<string, number> } {
  const { references, contexts, golds } = referencesOf(json);
  const predictions = new Map<string, string>();
  const probabilities = new Map<string, number>();
  references.forEach((reference, i) => {
    const context = contexts[i];
    const gold = golds[i][0];
    let predicted: string;
    if (gold) {
      const end = gold.answer_start + gold.text.length;
      switch (i % 6) {
        case 0: predicted = gold.text; break;
        case 1: predicted = `The ${gold.text.toUpperCase()}!`; break;
        case 2: predicted = context.slice(Math.max(0, gold.answer_start - 20), end); break;
        case 3: predicted = ''; break;
        case 4: predicted = golds[(i + 37) % golds.length][0]?.text ?? 'nothing at all'; break;
        default: predicted = gold.text.split(' ').slice(0, Math.max(1, Math.ceil(gold.text.split(' ').length / 2))).join(' ');
      }
    } else {
      predicted = i % 3 === 0 ? '' : context.split(' ').slice(i % 7, (i % 7) + 3).join(' ');
    }
    predictions.set(reference.id, predicted);
    // Rounded to twentieths so many questions tie: the best-threshold search must break ties as the script does.
    // Informative (unanswerable questions lean high) so the best threshold is not trivially 0.
    const noise = ((i * 7919) % 1000) / 1000;
    probabilities.set(reference.id, Math.round((0.6 * noise + (gold ? 0 : 0.4)) * 20) / 20);
  });
  return { predictions, probabilities };
}

describe('SQuAD normalisation, exact match and F1', () => {
  it('normalises as the official script: case, ASCII punctuation, articles, whitespace', () => {
    expect(normalizeAnswer('  The  Cat, sat on A mat!  ')).toBe('cat sat on mat');
    expect(normalizeAnswer('Theatre an-the')).toBe('theatre anthe');
    // Python's \b is Unicode-aware: the "a" in "éa" is not a word.
    expect(normalizeAnswer('éa a ña')).toBe('éa ña');
    expect(exactMatch('the Denver Broncos', 'Denver Broncos.')).toBe(1);
    expect(tokenF1('Denver Broncos', 'the Denver team')).toBeCloseTo(0.5, 12);
  });

  it('scores an unanswerable question as 1 only for the empty prediction', () => {
    expect(scoreAnswer([], '')).toEqual({ exact: 1, f1: 1 });
    expect(scoreAnswer([], 'Paris')).toEqual({ exact: 0, f1: 0 });
    expect(scoreAnswer(['Paris', 'in Paris, France'], 'Paris France')).toEqual({ exact: 0, f1: 0.8 });
  });
});

describe('SQuAD 2.0 report against the official evaluate-v2.0.py', () => {
  const json = JSON.parse(readFileSync(EXCERPT, 'utf8')) as SquadJson;
  const { references } = referencesOf(json);
  const { predictions, probabilities } = buildPredictions(json);

  it('the excerpt has answerable and unanswerable questions', () => {
    expect(references.length).toBe(952);
    expect(references.filter((r) => r.answers.length === 0).length).toBe(952 - 485);
  });

  it('equals the script on 952 real dev questions, with no-answer probabilities', () => {
    const official = officialReport(EXCERPT, predictions, probabilities);
    const ours = squadV2Evaluate(references, predictions, { noAnswerProbabilities: probabilities });
    expectSameReport(ours, official);
    // The fixture is not degenerate: every kind of score occurs.
    expect(ours.exact).toBeGreaterThan(20);
    expect(ours.exact).toBeLessThan(80);
    expect(ours.f1).toBeGreaterThan(ours.exact);
    expect(ours.best_f1!).toBeGreaterThan(ours.f1);
    expect(ours.best_f1_thresh).toBeGreaterThan(0);
  });

  it('equals the script with a no-answer threshold of 0.5 and without probabilities', () => {
    expectSameReport(squadV2Evaluate(references, predictions, { noAnswerProbabilities: probabilities, noAnswerThreshold: 0.5 }), officialReport(EXCERPT, predictions, probabilities, 0.5));
    expectSameReport(squadV2Evaluate(references, predictions), officialReport(EXCERPT, predictions, undefined));
  });

  it('equals the script on text where Python and JavaScript string rules differ', () => {
    const contexts = ['Éa café\u00a0au lait', 'the\u001fcat naïve—the end', 'A\u2009B an_a the', '\ufeffzero width', '(1990s) — «quoted»'];
    const answers = [['Éa café'], ['cat naïve—the'], ['B an_a'], ['zero width'], ['«quoted»', '1990s']];
    const guesses = ['É café', 'the\u001fcat naïve the', 'a\u2009b an_a', '\ufeffzero width', '"quoted"'];
    const tricky: SquadJson = {
      version: 'v2.0',
      data: [{ title: 't', paragraphs: contexts.map((context, i) => ({ context, qas: [{ id: `q${i}`, question: '?', answers: answers[i].map((text) => ({ text, answer_start: 0 })) }] })) }],
    };
    const file = join(work, 'tricky.json');
    writeFileSync(file, JSON.stringify(tricky));
    const refs = contexts.map((_, i) => ({ id: `q${i}`, answers: answers[i] }));
    const preds = new Map(guesses.map((g, i) => [`q${i}`, g]));
    const probs = new Map(guesses.map((_, i) => [`q${i}`, i / 10]));
    expectSameReport(squadV2Evaluate(refs, preds, { noAnswerProbabilities: probs }), officialReport(file, preds, probs));
  });

  it('names a question without a prediction', () => {
    expect(() => squadV2Evaluate(references, new Map())).toThrow(/No prediction for question 56e16182e3433e1400422e28/);
  });
});
