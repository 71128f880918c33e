// Reading a comparison against what a model that learned nothing scores, with badges that follow
// the test and means over the same runs as the difference: worked out by hand.
import { describe, expect, it } from 'vitest';
import { comparisonTable } from '../../main/services/comparison-service';
import { readAgainstReference, seededCoverage } from '../../main/services/comparison-reading';
import { referenceScores } from '../../main/services/reference-scores';
import { DEFAULT_RUN_CONFIG, type DatasetSummary, type RunStatus, type RunSummary } from '../../shared/schemas';
import { evidenceOf } from '../../shared/verdict';

function run(loss: 'baseline' | 'comparative', seed: number, accuracy: number | null, status: RunStatus = 'completed'): RunSummary {
  return {
    id: `${loss[0]}${seed}`, datasetId: 'd', comparisonId: 'c', name: `${loss} ${seed}`, loss, seed, status, backend: 'cpu',
    config: { ...DEFAULT_RUN_CONFIG, loss, seed }, step: 10, totalSteps: 10, createdAt: '', startedAt: null, finishedAt: null,
    error: null, checkpointStep: null, bestStep: null, dataHash: 'h', finalMetrics: accuracy === null ? {} : { accuracy, loss: 1 - accuracy },
  };
}
const ACCURACY = [{ metric: 'accuracy', source: 'accuracy' }];
const dataset = { task: 'classification', splits: { train: 20, validation: 10 } } as DatasetSummary;

describe('reference scores', () => {
  it('classification: always the most frequent training class, scored on the evaluated split', () => {
    // Train: 13 × class 1, 7 × class 0. Evaluated: 6 × class 1, 4 × class 0.
    const refs = referenceScores({
      task: 'classification',
      labelNames: ['bad', 'great'],
      train: { labels: [...Array(13).fill(1), ...Array(7).fill(0)] },
      evaluated: { labels: [...Array(6).fill(1), ...Array(4).fill(0)] },
    });
    expect(refs.accuracy).toEqual({ value: 0.6, rule: 'always “great”' });
    // F1 of "great": precision 0.6, recall 1 -> 0.75; "bad" scores 0; macro = 0.375.
    expect(refs.macro_f1.value).toBeCloseTo(0.375, 12);
    expect(refs.mcc.value).toBe(0);
    // Loss of predicting the smoothed training frequencies (14/22 great, 8/22 bad).
    expect(refs.loss.value).toBeCloseTo(-(6 * Math.log(14 / 22) + 4 * Math.log(8 / 22)) / 10, 12);
  });

  it('regression: always the training mean', () => {
    const refs = referenceScores({ task: 'regression', labelNames: [], train: { labels: [1, 2, 3] }, evaluated: { labels: [2, 4] } });
    // Mean 2: errors 0 and 2.
    expect(refs.mse.value).toBe(2);
    expect(refs.mae.value).toBe(1);
    expect(refs.pearson.value).toBe(0);
  });

  it('multi-label: each label predicted when more than half the training examples carry it', () => {
    const refs = referenceScores({
      task: 'multilabel',
      labelNames: ['a', 'b'],
      train: { labels: [0, 0, 0], labelSets: [[0], [0, 1], [0]] },
      evaluated: { labels: [0, 0], labelSets: [[0], [1]] },
    });
    // Always {a}: example 1 exact, example 2 a false positive and a miss. Micro F1 = 2/(2+1+1) = 0.5.
    expect(refs.micro_f1).toEqual({ value: 0.5, rule: 'always “a”' });
  });
});

describe('badges follow the test', () => {
  it('colours a difference only with a significant test, never from one seed', () => {
    expect(evidenceOf('accuracy', { n: 1, pT: null }, 0.05)).toBe('too_few_seeds');
    expect(evidenceOf('accuracy', { n: 3, pT: 0.42 }, 0.033)).toBe('no_evidence');
    expect(evidenceOf('accuracy', { n: 5, pT: 0.01 }, 0.02)).toBe('better');
    expect(evidenceOf('loss', { n: 5, pT: 0.01 }, 0.02)).toBe('worse');
    expect(evidenceOf('accuracy', { n: 4, pT: 0.03, test: 'unpaired' }, -0.1)).toBe('worse');
  });

  it('means and difference over the same complete seed pairs, and says which', () => {
    // Seed 3's comparative run was cancelled: its baseline (0.9) must not lift the baseline mean.
    const runs = [run('baseline', 1, 0.6), run('comparative', 1, 0.62), run('baseline', 2, 0.7), run('comparative', 2, 0.71), run('baseline', 3, 0.9), run('comparative', 3, null, 'cancelled')];
    const [row] = comparisonTable([1, 2, 3], runs, ACCURACY);
    expect(row.baselineMean).toBeCloseTo(0.65, 12);
    expect(row.comparativeMean).toBeCloseTo(0.665, 12);
    expect(row.meanDifference).toBeCloseTo(0.015, 12);
    expect(row.comparativeMean! - row.baselineMean!).toBeCloseTo(row.meanDifference!, 12);
    expect(row.evidence).toBe('no_evidence');
    expect(seededCoverage([1, 2, 3], runs).text).toBe('2 complete seed pairs of 3; seed 3: comparative cancelled');
  });

  it('warns when both arms are no better than always predicting the majority class', () => {
    const runs = [run('baseline', 1, 0.6), run('comparative', 1, 0.62), run('baseline', 2, 0.63), run('comparative', 2, 0.61)];
    const rows = comparisonTable([1, 2], runs, ACCURACY);
    const refs = { validation: { accuracy: { value: 0.65, rule: 'always “great”' } } };
    const read = readAgainstReference(refs, rows, { split: 'validation', examples: 60, checkpoint: 'selected' }, dataset);
    expect(read.table[0].reference).toEqual({ value: 0.65, rule: 'always “great”' });
    expect(read.warnings).toEqual([expect.stringMatching(/^Neither model is better than always “great”: accuracy 65\.0% on the validation split\./)]);
    // Above the reference: no warning.
    const fine = readAgainstReference({ validation: { accuracy: { value: 0.5, rule: 'always “great”' } } }, rows, { split: 'validation', examples: 60, checkpoint: 'selected' }, dataset);
    expect(fine.warnings).toEqual([]);
  });
});
