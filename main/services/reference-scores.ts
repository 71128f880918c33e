// What a model that learned nothing from the texts scores, on the split a comparison's table is
// on: the reference every result is read against. Classification: always the most frequent
// training class (accuracy and macro F1 of that, MCC 0, and the loss of predicting the training
// class frequencies). Regression: always the training mean (its MSE and MAE; no correlation).
// Multi-label: each label predicted when more than half the training examples carry it. Scored
// with the same metric functions as the runs (shared/metrics.ts), so the numbers compare directly.
import { accuracy, confusionMatrix, macroF1, matthewsCorrelation, meanAbsoluteError, meanSquaredError, multilabelF1 } from '../../shared/metrics';
import type { TrainerTask } from '../../shared/tasks';

export interface Reference {
  value: number;
  /** How the reference predicts, in words: "always “great”". */
  rule: string;
}

interface Split {
  labels: number[];
  labelSets?: number[][];
  /** Question answering: each question's reference answers ([] = unanswerable). */
  answers?: { text: string[] }[];
}

export interface ReferenceInput {
  task: TrainerTask;
  labelNames: readonly string[];
  train: Split;
  /** The split the table is on (validation or test). */
  evaluated: Split;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function classification({ labelNames, train, evaluated }: ReferenceInput): Record<string, Reference> {
  const k = labelNames.length;
  const counts = new Array<number>(k).fill(0);
  for (const y of train.labels) counts[y] += 1;
  const majority = counts.indexOf(Math.max(...counts));
  const rule = `always “${labelNames[majority]}”`;
  const gold = evaluated.labels;
  const predicted = gold.map(() => majority);
  // Add-one smoothing: a class absent from training must not make the reference loss infinite.
  const p = counts.map((c) => (c + 1) / (train.labels.length + k));
  return {
    accuracy: { value: accuracy(predicted, gold), rule },
    macro_f1: { value: macroF1(predicted, gold, k), rule },
    mcc: { value: matthewsCorrelation(confusionMatrix(predicted, gold, k)), rule },
    loss: { value: mean(gold.map((y) => -Math.log(p[y]))), rule: 'the training class frequencies' },
  };
}

function regression({ train, evaluated }: ReferenceInput): Record<string, Reference> {
  const mu = mean(train.labels);
  const rule = `always the training mean (${mu.toPrecision(4)})`;
  const predicted = evaluated.labels.map(() => mu);
  const mse = meanSquaredError(predicted, evaluated.labels);
  return {
    mse: { value: mse, rule },
    mae: { value: meanAbsoluteError(predicted, evaluated.labels), rule },
    // The trainer's regression loss is the squared error (main/tasks/regression.ts).
    loss: { value: mse, rule },
    pearson: { value: 0, rule: 'no correlation (a constant prediction)' },
    spearman: { value: 0, rule: 'no correlation (a constant prediction)' },
  };
}

function multilabel({ labelNames, train, evaluated }: ReferenceInput): Record<string, Reference> {
  const k = labelNames.length;
  const trainSets = train.labelSets ?? [];
  const share = labelNames.map((_, j) => trainSets.filter((set) => set.includes(j)).length / Math.max(1, trainSets.length));
  const always = labelNames.flatMap((_, j) => (share[j] > 0.5 ? [j] : []));
  const goldSets = evaluated.labelSets ?? [];
  const predicted = goldSets.map(() => always);
  const scores = multilabelF1(predicted, goldSets, k);
  const rule = always.length === 0 ? 'never any label' : `always ${always.map((j) => `“${labelNames[j]}”`).join(' + ')}`;
  const clip = (q: number) => Math.min(1 - 1e-6, Math.max(1e-6, q));
  const bce = mean(goldSets.map((set) => mean(labelNames.map((_, j) => -(set.includes(j) ? Math.log(clip(share[j])) : Math.log(1 - clip(share[j])))))));
  return {
    micro_f1: { value: scores.micro_f1, rule },
    macro_f1: { value: scores.macro_f1, rule },
    loss: { value: bce, rule: 'the training label frequencies' },
  };
}

/**
 * Question answering: always answering "no answer", what a reader that learned nothing scores on
 * SQuAD 2.0 (right on exactly the unanswerable questions; 0 on SQuAD 1.1, where every question has one).
 */
function questionAnswering({ evaluated }: ReferenceInput): Record<string, Reference> {
  const answers = evaluated.answers ?? [];
  const unanswerable = answers.filter((a) => a.text.length === 0).length / Math.max(1, answers.length);
  const rule = 'always “no answer”';
  const scores: Record<string, Reference> = { exact_match: { value: unanswerable, rule }, f1: { value: unanswerable, rule } };
  if (unanswerable > 0 && unanswerable < 1) Object.assign(scores, { has_answer_f1: { value: 0, rule }, no_answer_f1: { value: 1, rule } });
  return scores;
}

/** Reference scores by metric name (the table's base metrics); empty when the split is empty. */
export function referenceScores(input: ReferenceInput): Record<string, Reference> {
  if (input.evaluated.labels.length === 0 || input.train.labels.length === 0) return {};
  if (input.task === 'regression') return regression(input);
  if (input.task === 'multilabel') return multilabel(input);
  if (input.task === 'qa') return questionAnswering(input);
  return classification(input);
}
