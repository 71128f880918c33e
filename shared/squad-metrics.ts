// SQuAD scoring: exact match and token F1 after the official answer normalisation, the maximum over
// the reference answers, and the SQuAD 2.0 report with the best no-answer threshold. A port of the
// official evaluation script ("evaluate-v2.0.py", vendored unchanged in test/reference/squad_v2_eval.py,
// which test/unit/squad-metrics.test.ts runs to check every number here). Where JavaScript and
// Python disagree on a primitive (what is whitespace, where a word boundary is), the Python meaning
// is rebuilt explicitly, because the point of these numbers is to be comparable with published ones.

/** Python's str.split() whitespace (str.isspace): JS \s minus U+FEFF, plus U+001C..U+001F and U+0085. */
const PYTHON_WHITESPACE = /[\t\n\v\f\r \u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
/** Python's string.punctuation (ASCII only, as the official script removes). */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
// Python's re.UNICODE \b around a|an|the: a word character is a Unicode letter, digit or "_"; JS's
// \b knows only ASCII word characters, so "éa" would lose its "a" there.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** Lower-case, drop ASCII punctuation, replace the articles a/an/the by spaces, collapse whitespace. */
export function normalizeAnswer(text: string): string {
  const lowered = text.toLowerCase();
  let unpunctuated = '';
  for (const ch of lowered) if (!PUNCTUATION.has(ch)) unpunctuated += ch;
  return splitPythonWhitespace(unpunctuated.replace(ARTICLES, ' ')).join(' ');
}

function splitPythonWhitespace(text: string): string[] {
  return text.split(PYTHON_WHITESPACE).filter((part) => part.length > 0);
}

/** The normalised answer's tokens (none for an empty answer). */
export function answerTokens(text: string): string[] {
  return text ? splitPythonWhitespace(normalizeAnswer(text)) : [];
}

/** 1 when both answers normalise to the same text, else 0. */
export function exactMatch(gold: string, predicted: string): number {
  return normalizeAnswer(gold) === normalizeAnswer(predicted) ? 1 : 0;
}

/** Token F1 of the normalised answers; when either is empty, 1 if both are, else 0. */
export function tokenF1(gold: string, predicted: string): number {
  const goldTokens = answerTokens(gold);
  const predictedTokens = answerTokens(predicted);
  if (goldTokens.length === 0 || predictedTokens.length === 0) {
    return goldTokens.length === predictedTokens.length ? 1 : 0;
  }
  // Multiset intersection, as collections.Counter & Counter.
  const goldCounts = new Map<string, number>();
  for (const token of goldTokens) goldCounts.set(token, (goldCounts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predictedTokens) {
    const left = goldCounts.get(token) ?? 0;
    if (left > 0) {
      same += 1;
      goldCounts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predictedTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface AnswerScore {
  exact: number;
  f1: number;
}

/**
 * Exact match and F1 of one prediction, each the maximum over the reference answers. References
 * that normalise to nothing are ignored; with none left (an unanswerable question, `[]`), the only
 * correct answer is the empty string.
 */
export function scoreAnswer(goldAnswers: readonly string[], predicted: string): AnswerScore {
  const golds = goldAnswers.filter((answer) => normalizeAnswer(answer));
  if (golds.length === 0) golds.push('');
  return {
    exact: Math.max(...golds.map((gold) => exactMatch(gold, predicted))),
    f1: Math.max(...golds.map((gold) => tokenF1(gold, predicted))),
  };
}

/** One question to score: its reference answers ([] when unanswerable). */
export interface SquadReference {
  id: string;
  answers: readonly string[];
}

export interface SquadV2Options {
  /** The model's probability that each question has no answer; enables the best-threshold search. */
  noAnswerProbabilities?: ReadonlyMap<string, number>;
  /** A question whose no-answer probability exceeds this is scored as answered "" (default 1, the script's). */
  noAnswerThreshold?: number;
}

/** The official script's report; percentages 0..100. HasAns / NoAns only when such questions exist. */
export interface SquadV2Report {
  exact: number;
  f1: number;
  total: number;
  HasAns_exact?: number;
  HasAns_f1?: number;
  HasAns_total?: number;
  NoAns_exact?: number;
  NoAns_f1?: number;
  NoAns_total?: number;
  best_exact?: number;
  best_exact_thresh?: number;
  best_f1?: number;
  best_f1_thresh?: number;
}

/**
 * The SQuAD 2.0 report over `references` (in dataset order) for `predictions` (question id ->
 * answer text, "" for "no answer"). Every question needs a prediction: the official script crashes
 * on a missing answerable one, so this says which is missing instead.
 */
export function squadV2Evaluate(references: readonly SquadReference[], predictions: ReadonlyMap<string, string>, options: SquadV2Options = {}): SquadV2Report {
  if (references.length === 0) throw new Error('SQuAD scoring needs at least one question.');
  const threshold = options.noAnswerThreshold ?? 1;
  const probabilities = options.noAnswerProbabilities;
  const hasAnswer = new Map<string, boolean>();
  const exactRaw = new Map<string, number>();
  const f1Raw = new Map<string, number>();
  for (const reference of references) {
    hasAnswer.set(reference.id, reference.answers.length > 0);
    const predicted = predictions.get(reference.id);
    if (predicted === undefined) throw new Error(`No prediction for question ${reference.id}.`);
    const score = scoreAnswer(reference.answers, predicted);
    exactRaw.set(reference.id, score.exact);
    f1Raw.set(reference.id, score.f1);
  }
  const probabilityOf = (id: string): number => {
    if (!probabilities) return 0;
    const p = probabilities.get(id);
    if (p === undefined) throw new Error(`No no-answer probability for question ${id}.`);
    return p;
  };
  // apply_no_ans_threshold: above the threshold the question counts as answered "".
  const thresholded = (raw: Map<string, number>) =>
    new Map([...raw].map(([id, score]) => [id, probabilityOf(id) > threshold ? Number(!hasAnswer.get(id)) : score]));
  const exact = thresholded(exactRaw);
  const f1 = thresholded(f1Raw);
  const ids = references.map((r) => r.id);
  const percent = (scores: Map<string, number>, subset: readonly string[]) => (100 * subset.reduce((sum, id) => sum + scores.get(id)!, 0)) / subset.length;
  const report: SquadV2Report = { exact: percent(exact, ids), f1: percent(f1, ids), total: ids.length };
  const answerable = ids.filter((id) => hasAnswer.get(id));
  const unanswerable = ids.filter((id) => !hasAnswer.get(id));
  if (answerable.length) Object.assign(report, { HasAns_exact: percent(exact, answerable), HasAns_f1: percent(f1, answerable), HasAns_total: answerable.length });
  if (unanswerable.length) Object.assign(report, { NoAns_exact: percent(exact, unanswerable), NoAns_f1: percent(f1, unanswerable), NoAns_total: unanswerable.length });
  if (probabilities) {
    const bestExact = findBestThreshold(references, predictions, exactRaw, probabilities, hasAnswer);
    const bestF1 = findBestThreshold(references, predictions, f1Raw, probabilities, hasAnswer);
    Object.assign(report, { best_exact: bestExact.score, best_exact_thresh: bestExact.threshold, best_f1: bestF1.score, best_f1_thresh: bestF1.threshold });
  }
  return report;
}

/**
 * find_best_thresh: start from "every question answered ''" (all no-answer questions right), then
 * admit the questions in order of rising no-answer probability, each adding its own score if it
 * has an answer or losing 1 if it has none and the prediction is not empty; keep the best running
 * total and the probability where it was reached. Ties keep the probabilities' own order, as
 * Python's stable sort over the dict's insertion order does.
 */
function findBestThreshold(
  references: readonly SquadReference[],
  predictions: ReadonlyMap<string, string>,
  scores: ReadonlyMap<string, number>,
  probabilities: ReadonlyMap<string, number>,
  hasAnswer: ReadonlyMap<string, boolean>,
): { score: number; threshold: number } {
  let current = references.filter((r) => r.answers.length === 0).length;
  let best = current;
  let bestThreshold = 0;
  const order = [...probabilities.keys()].sort((a, b) => probabilities.get(a)! - probabilities.get(b)!);
  for (const id of order) {
    if (!scores.has(id)) continue;
    current += hasAnswer.get(id) ? scores.get(id)! : predictions.get(id) ? -1 : 0;
    if (current > best) {
      best = current;
      bestThreshold = probabilities.get(id)!;
    }
  }
  return { score: (100 * best) / scores.size, threshold: bestThreshold };
}
