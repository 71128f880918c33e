// The HTML report per task, on generated report data: regression gets scatters and residuals in
// place of confusion matrices, multi-label per-label scores and a plain "does not apply", and
// every section says which split its numbers are on.
import { describe, expect, it } from 'vitest';
import { confusionDifference } from '../../shared/comparison-analysis';
import { regressionErrors, type SeedPredictions } from '../../shared/regression-analysis';
import { NOT_APPLICABLE, viewEvaluationText, type ViewEvaluation } from '../../shared/comparison-views';
import { DEFAULT_RUN_CONFIG, type ComparisonTableRow, type DatasetSummary, type Headline, type LossKind, type RunDetail } from '../../shared/schemas';
import type { DatasetTask } from '../../shared/tasks';
import { renderHtmlReport } from '../../main/services/report/html-report';
import type { ReportData } from '../../main/services/report/report-data';

const dataset = (task: DatasetTask, labels: string[]): DatasetSummary => ({
  id: 'd1',
  name: 'generated',
  fileName: 'generated.csv',
  format: 'csv',
  rows: 300,
  textColumn: 'text',
  labelColumn: 'label',
  labels,
  labelCounts: {},
  splits: { train: 200, validation: 50, test: 50 },
  contentHash: 'hash',
  createdAt: '2024-01-01T00:00:00Z',
  task,
});

function run(loss: LossKind, seed: number, finalMetrics: Record<string, number>): RunDetail {
  return {
    run: {
      id: `${loss}-${seed}`,
      datasetId: 'd1',
      comparisonId: 'c1',
      name: `${loss} ${seed}`,
      loss,
      seed,
      status: 'completed',
      backend: 'wasm',
      config: { ...DEFAULT_RUN_CONFIG, loss, seed },
      step: 10,
      totalSteps: 10,
      createdAt: '2024-01-01T00:00:00Z',
      startedAt: null,
      finishedAt: null,
      error: null,
      checkpointStep: null,
      bestStep: 10,
      dataHash: 'hash',
      finalMetrics,
    },
    metrics: [5, 10].map((step) => ({ step, epoch: step / 10, split: 'validation' as const, name: Object.keys(finalMetrics)[0], value: step / 20 })),
    evaluations: [],
    utility: [],
  };
}

const stats = (verdict: string) => ({ n: 1, t: null, df: null, pT: null, wilcoxonW: null, pWilcoxon: null, ciLow: null, ciHigh: null, effectSize: null, seedsNeeded: null, verdict });
const row = (metric: string): ComparisonTableRow => ({
  metric,
  baseline: [0.5],
  comparative: [0.6],
  baselineMean: 0.5,
  comparativeMean: 0.6,
  meanDifference: 0.1,
  stats: stats(`${metric} verdict`),
});

function report(task: DatasetTask, labels: string[], headline: Headline, table: ComparisonTableRow[], views: Partial<ReportData['views']>): string {
  const evaluation: ViewEvaluation = { split: headline.split, examples: headline.examples, runs: 2, missing: 0 };
  const runDetails = [run('baseline', 1, { [table[0].metric]: 0.5 }), run('comparative', 1, { [table[0].metric]: 0.6 })];
  return renderHtmlReport({
    detail: {
      comparison: { id: 'c1', datasetId: 'd1', seeds: [1], config: DEFAULT_RUN_CONFIG, status: 'completed', runIds: runDetails.map((r) => r.run.id), createdAt: '2024-01-01T00:00:00Z' },
      runs: runDetails.map((r) => r.run),
      table,
      headline,
    },
    dataset: dataset(task, labels),
    runDetails,
    arms: new Map(runDetails.map((r) => [r.run.id, r.run.loss])),
    views: {
      task,
      evaluation,
      evaluationNote: viewEvaluationText(evaluation),
      perClass: [],
      confusion: { baseline: [], comparative: [], difference: [] },
      scatter: null,
      examples: { mode: 'none', limit: 200, perSeed: [], fixedTotal: 0, brokenTotal: 0, fixed: [], broken: [] },
      ...views,
    },
    generatedAt: '2024-01-02T00:00:00Z',
    appVersion: 'test',
  });
}

const onTest: Headline = { split: 'test', examples: 50, checkpoint: 'selected' };
const onValidation: Headline = { split: 'validation', examples: 50, checkpoint: 'selected' };
const section = (page: string, id: string) => page.match(new RegExp(`<section id="${id}">[\\s\\S]*?</section>`))?.[0] ?? '';

describe('HTML report per task', () => {
  it('regression: scatters per arm and a residual histogram instead of confusion matrices, on the test split', () => {
    const predictions: SeedPredictions[] = [
      { arm: 'baseline', seed: 1, predictions: [0, 1, 2, 3].map((i) => ({ index: i, predicted: i + 1, gold: i, confidence: 1 })) },
      { arm: 'comparative', seed: 1, predictions: [0, 1, 2, 3].map((i) => ({ index: i, predicted: i + 0.1, gold: i, confidence: 0.1 })) },
    ];
    const page = report('regression', [], onTest, [row('pearson'), row('mse'), row('validation_pearson')], { scatter: regressionErrors(predictions) });
    expect(page).toContain('Final metrics per seed, on the held-out test split, 50 examples');
    expect(page).toContain('Measured on the held-out test split, 50 examples.');
    // The validation rows below a test headline say what they are.
    expect(page).toMatch(/Below: on the validation split \(used to select the checkpoint: optimistic\)<\/th><\/tr><tr data-metric="validation_pearson">/);
    const scatter = section(page, 'scatter');
    expect(scatter).toContain('On the held-out test split (50 examples)');
    expect(scatter.match(/<svg /g)).toHaveLength(3); // baseline, comparative, residuals
    expect(scatter).toContain('baseline: predicted against gold');
    expect(scatter).toMatch(/<th scope="row" class="baseline">baseline<\/th><td>4<\/td><td>1\.000<\/td>/);
    expect(page).not.toContain('class="matrix"');
    expect(section(page, 'per-class-section')).toContain(NOT_APPLICABLE.perClassRegression);
    // The verdict follows the task's headline metric (the configured selection metric is accuracy, which regression has not).
    expect(section(page, 'verdict')).toContain('<strong>Pearson r:</strong> pearson verdict');
    expect(section(page, 'curves')).toContain('Validation pearson');
  });

  it('multi-label: per-label scores side by side, and confusion matrices said plainly not to apply', () => {
    const scores = (f1: number) => ({ precision: f1, recall: f1, f1 });
    const perClass = [{ label: 'sports', support: 7, baseline: scores(0.5), comparative: scores(0.75), delta: scores(0.25) }];
    const page = report('multilabel', ['politics', 'sports'], onValidation, [row('micro_f1')], { perClass });
    const perLabel = section(page, 'per-class-section');
    expect(perLabel).toContain('<h2>Per label</h2>');
    expect(perLabel).toContain('On the validation split (50 examples)');
    expect(perLabel).toMatch(/<th scope="row">sports<\/th><td>7<\/td><td>0\.500<\/td>/);
    expect(perLabel).toMatch(/<td class="better">\+0\.250<\/td><\/tr>/);
    const confusion = section(page, 'confusion');
    expect(confusion).toContain('Does not apply to this dataset.');
    expect(confusion).toContain('several labels at once');
    expect(page).toContain('Final metrics per seed, on the validation split (used to select the checkpoint: optimistic)');
  });

  it('classification keeps its confusion matrices, labelled with the split they are on', () => {
    const baseline = [
      [3, 1],
      [0, 4],
    ];
    const comparative = [
      [4, 0],
      [1, 3],
    ];
    const page = report('classification', ['neg', 'pos'], onTest, [row('accuracy')], {
      confusion: { baseline, comparative, difference: confusionDifference(baseline, comparative) },
    });
    const confusion = section(page, 'confusion');
    expect(confusion).toContain('On the held-out test split (50 examples), at each run’s selected checkpoint');
    expect(confusion.match(/class="matrix"/g)).toHaveLength(3);
    expect(section(page, 'curves')).toContain('Training trajectory on the validation split');
  });
});
