// `comparisons.analysis` and the HTML report for each task and split, over a real SQLite file with
// scripted trainers: a folder with a test split (views show the test evaluation, its predictions
// and its texts), a regression CSV (scatter and |error| examples) and a multi-label JSONL
// (per-label scores, no matrices, no examples).
import { afterEach, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import { channels } from '../../shared/contract';
import type { ReportFile } from '../../shared/history';
import type { ComparisonSummary, DatasetSummary, RunSummary } from '../../shared/schemas';
import type { EvalMessage } from '../../shared/trainer-protocol';
import { value } from '../helpers/contract-result';
import { ScriptedTrainer, scriptedLauncher } from '../helpers/scripted-trainer';
import { writeMultilabelJsonl, writeRegressionCsv, writeSplitFolder } from '../helpers/task-datasets';
import { tempDir } from '../helpers/temp-dir';

type Script = (loss: RunSummary['loss'], t: ScriptedTrainer) => { evals: Array<Omit<EvalMessage, 'type' | 'epoch'>>; final: Record<string, number> };

describe('comparisons.analysis per task and split', () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** Imports `file`, starts a one-seed comparison and plays `script` through both trainers. */
  async function compare(write: (folder: string) => string, script: Script) {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const trainers: ScriptedTrainer[] = [];
    const services: Services = openServices({
      dataDir: dir.path,
      transport: 'cli',
      maxParallelRuns: 2,
      launcher: scriptedLauncher(trainers),
    });
    // Closed before its folder is removed.
    cleanups.unshift(() => services.close());
    const dataset = value<DatasetSummary>(await services.dispatch('datasets.importPath', { path: write(dir.path) }));
    const c = value<ComparisonSummary>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 1, config: { batchSize: 8 } }));
    const runs = value<RunSummary[]>(await services.dispatch('runs.list', {}));
    for (const t of trainers) {
      const loss = runs.find((r) => r.id === t.started!.runId)!.loss;
      const { evals, final } = script(loss, t);
      t.say({ type: 'ready', backend: 'wasm' });
      for (const e of evals) t.say({ type: 'eval', epoch: e.step / 10, ...e });
      t.say({ type: 'done', metrics: final, elapsedMs: 1000, msPerStep: 100, bestStep: 10 });
      t.exit(0, null);
    }
    const analysis = channels['comparisons.analysis'].response.parse(value(await services.dispatch('comparisons.analysis', { id: c.id })));
    const html = value<ReportFile>(await services.dispatch('comparisons.report', { id: c.id, format: 'html' })).content;
    return { analysis, html, dataset, trainers };
  }

  const section = (page: string, id: string) => page.match(new RegExp(`<section id="${id}">[\\s\\S]*?</section>`))?.[0] ?? '';

  it('a dataset with a test split: every evaluated view shows the test evaluation, its predictions and its texts', async () => {
    const sizes = { train: 24, validation: 8, test: 8 };
    // Validation: both arms right on every example; test: the baseline misses example 0, the comparative example 1.
    const { analysis, html, trainers } = await compare(
      (folder) => writeSplitFolder(folder, sizes),
      (loss, t) => {
        const testGold = t.started!.test!.labels;
        const testPredicted = testGold.map((g, i) => ((loss === 'baseline' ? i === 0 : i === 1) ? 1 - g : g));
        const confusion = (gold: readonly number[], predicted: number[]) => {
          const m = [
            [0, 0],
            [0, 0],
          ];
          gold.forEach((g, i) => (m[g][predicted[i]] += 1));
          return m;
        };
        const validationGold = t.started!.validation.labels;
        return {
          evals: [
            {
              step: 10,
              best: true,
              metrics: { accuracy: 1, loss: 0.1 },
              confusion: confusion(validationGold, [...validationGold]),
              predictions: validationGold.map((g, index) => ({ index, predicted: g, gold: g, confidence: 0.9 })),
            },
            {
              step: 10,
              split: 'test',
              metrics: { accuracy: 7 / 8, loss: 0.3 },
              confusion: confusion(testGold, testPredicted),
              predictions: testGold.map((g, index) => ({ index, predicted: testPredicted[index], gold: g, confidence: 0.8 })),
            },
          ],
          final: { accuracy: 1, loss: 0.1, test_accuracy: 7 / 8, test_loss: 0.3 },
        };
      },
    );
    expect(analysis.evaluation).toEqual({ split: 'test', examples: 8, runs: 2, missing: 0 });
    expect(analysis.evaluationNote).toMatch(/^On the held-out test split \(8 examples\)/);
    // Test confusion: one miss per arm, so 7 of 8 on the diagonal (validation would have all 8).
    const diagonal = (m: number[][]) => m.reduce((a, row, i) => a + (row[i] ?? 0), 0);
    expect(diagonal(analysis.confusion.baseline)).toBe(7);
    expect(diagonal(analysis.confusion.comparative)).toBe(7);
    // Test example 0 fixed, example 1 broken: the texts are the test split's, not validation's.
    const testTexts = trainers[0].started!.test!.texts;
    expect(analysis.examples.mode).toBe('correctness');
    expect(analysis.examples.fixed.map((e) => [e.index, e.text])).toEqual([[0, testTexts[0]]]);
    expect(analysis.examples.broken.map((e) => [e.index, e.text])).toEqual([[1, testTexts[1]]]);
    expect(trainers[0].started!.validation.texts).not.toContain(testTexts[0]);

    expect(html).toContain('Final metrics per seed, on the held-out test split, 8 examples');
    expect(section(html, 'confusion')).toContain('On the held-out test split (8 examples)');
  });

  it('regression: a scatter per arm, residuals and |error| examples; no classes, no matrices', async () => {
    const { analysis, html, dataset } = await compare(
      (folder) => writeRegressionCsv(folder, 40),
      (loss, t) => {
        const gold = t.started!.validation.labels;
        // The comparative arm is exact; the baseline is off by 2 on the first example, exact elsewhere.
        const predicted = gold.map((g, i) => (loss === 'baseline' && i === 0 ? g + 2 : g));
        return {
          evals: [
            {
              step: 10,
              best: true,
              metrics: { pearson: loss === 'baseline' ? 0.8 : 0.9, mse: 0.1, loss: 0.1 },
              predictions: gold.map((g, index) => ({ index, predicted: predicted[index], gold: g, confidence: Math.abs(predicted[index] - g) })),
            },
          ],
          final: { pearson: loss === 'baseline' ? 0.8 : 0.9, spearman: 0.8, mse: 0.1, mae: 0.1, loss: 0.1 },
        };
      },
    );
    expect(analysis.task).toBe('regression');
    expect(analysis.evaluation.split).toBe('validation');
    expect(analysis.curves.map((c) => c.metric)).toEqual(['pearson', 'mse', 'loss']);
    expect(analysis.perClass).toEqual([]);
    expect(analysis.confusion.baseline).toEqual([]);
    const validation = dataset.splits.validation;
    const [baseline, comparative] = analysis.scatter!.arms;
    expect(baseline.total).toBe(validation);
    expect(baseline.gold).toHaveLength(validation);
    expect(baseline.mae).toBeCloseTo(2 / validation, 12);
    expect(comparative.mae).toBe(0);
    expect(analysis.examples.mode).toBe('error');
    expect(analysis.examples.fixed.map((e) => [e.index, e.baseline.confidence, e.comparative.confidence])).toEqual([[0, 2, 0]]);
    expect(analysis.examples.fixed[0].text.length).toBeGreaterThan(0);
    expect(analysis.examples.brokenTotal).toBe(0);

    expect(section(html, 'scatter').match(/<svg /g)).toHaveLength(3);
    expect(html).not.toContain('class="matrix"');
    expect(html).toContain('Final metrics per seed, on the validation split (used to select the checkpoint: optimistic)');
  });

  it('multi-label: per-label scores side by side, no matrices and no example lists', async () => {
    const { analysis, html } = await compare(
      (folder) => writeMultilabelJsonl(folder, 60),
      (loss, t) => {
        const labels = t.started!.labelNames;
        const f1 = loss === 'baseline' ? 0.5 : 0.7;
        return {
          evals: [
            {
              step: 10,
              best: true,
              metrics: { micro_f1: f1, macro_f1: f1, loss: 0.2 },
              perClass: labels.map((label) => ({ label, precision: f1, recall: f1, f1, support: 3 })),
              predictions: t.started!.validation.texts.map((_, index) => ({ index, predicted: 0, gold: 0, confidence: 0.6 })),
            },
          ],
          final: { micro_f1: f1, macro_f1: f1, loss: 0.2 },
        };
      },
    );
    expect(analysis.task).toBe('multilabel');
    expect(analysis.perClass.map((r) => r.label)).toEqual(analysis.labels);
    expect(analysis.perClass[0].delta!.f1).toBeCloseTo(0.2, 12);
    expect(analysis.confusion.baseline).toEqual([]);
    expect(analysis.scatter).toBeNull();
    expect(analysis.examples).toMatchObject({ mode: 'none', fixed: [], broken: [] });
    expect(analysis.examples.note).toMatch(/summary/);
    expect(analysis.curves[0].metric).toBe('micro_f1');

    expect(section(html, 'per-class-section')).toContain('<h2>Per label</h2>');
    expect(section(html, 'confusion')).toContain('Does not apply to this dataset.');
  });
});
