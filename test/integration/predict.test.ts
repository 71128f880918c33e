// Predictions through the services: a real trained run (real trainer process, real SQLite file),
// the real predictor process, and the embedded IMDB reviews. The strongest check is that the
// Playground's numbers are the evaluation's numbers: predicting the validation texts gives the
// labels and confidences the trainer stored at the best evaluation.
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { RunPrediction } from '../../shared/predict';
import type { DatasetPreview, DatasetSummary, PredictionRow, RunDetail, RunSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { until } from '../helpers/wait-for-events';
import { tempDir } from '../helpers/temp-dir';

const TINY = { epochs: 1, maxTrainExamples: 128, maxLength: 48, utilityLevels: 0, model: { vocabSize: 1500, dim: 32, ffnDim: 64 } };


describe('predictions from trained runs', () => {
  const dir = tempDir();
  let services: Services;
  let dataset: DatasetSummary;
  let run: RunSummary;
  let cancelled: RunSummary;

  beforeAll(async () => {
    services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick', maxParallelRuns: 1 });
    dataset = value(await services.dispatch('datasets.importEmbedded', {}));
    run = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: TINY }));
    // One trainer at a time (maxParallelRuns 1): this run waits behind the first, so cancelling it
    // is immediate and it never reaches an evaluation, however loaded the machine is.
    cancelled = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: TINY }));
    value(await services.dispatch('runs.cancel', { id: cancelled.id }));
    await until(services, ['run.status'], async () => value<RunDetail>(await services.dispatch('runs.get', { id: run.id })).run.status === 'completed');
  }, 150_000);
  afterAll(async () => {
    await services.close();
    dir.cleanup();
  });

  it('gives each run a label and probabilities over every label that sum to 1', async () => {
    const { results } = value<{ results: RunPrediction[] }>(
      await services.dispatch('predict.text', { runIds: [run.id], text: 'A wonderful, moving film with a brilliant cast. I loved it.' }),
    );
    expect(results).toHaveLength(1);
    const r = results[0];
    if (!r.ok) throw new Error(r.error.message);
    expect(r.labels).toEqual(dataset.labels);
    expect(Object.keys(r.probabilities).sort()).toEqual([...dataset.labels].sort());
    expect(Object.values(r.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(r.probabilities[r.label]).toBe(Math.max(...Object.values(r.probabilities)));
    expect(r.logits).toHaveLength(dataset.labels.length);
  });

  it('predicts a file like the evaluation scored the validation split at the best step', async () => {
    const detail = value<RunDetail>(await services.dispatch('runs.get', { id: run.id }));
    const bestStep = detail.evaluations.find((e) => e.best)!.step;
    const stored = value<{ rows: PredictionRow[] }>(await services.dispatch('runs.predictions', { id: run.id, step: bestStep })).rows;
    const preview = value<DatasetPreview>(await services.dispatch('datasets.preview', { id: dataset.id, limit: 1000 }));
    const validation = preview.rows.filter((row) => row.split === 'validation').slice(0, 60);
    expect(validation.length).toBeGreaterThan(10);
    const jsonl = validation.map((row) => JSON.stringify({ id: `v${row.text.length}`, text: row.text })).join('\n') + '\n';

    const file = value<{ csv: string; rows: number; fileName: string }>(await services.dispatch('predict.file', { runId: run.id, fileName: 'val.jsonl', content: jsonl }));
    expect(file.rows).toBe(validation.length);
    expect(file.fileName).toBe('val.predictions.csv');
    const parsed = Papa.parse<Record<string, string>>(file.csv, { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toEqual(['id', 'text', 'predicted_label', ...dataset.labels.map((l) => `p_${l}`)]);
    parsed.data.forEach((row, i) => {
      const expected = stored.find((p) => p.index === i)!;
      expect(row.text).toBe(validation[i].text);
      expect(row.predicted_label).toBe(dataset.labels[expected.predicted]);
      expect(Number(row[`p_${row.predicted_label}`])).toBeCloseTo(expected.confidence, 3);
      const sum = dataset.labels.reduce((s, l) => s + Number(row[`p_${l}`]), 0);
      expect(sum).toBeCloseTo(1, 5);
    });
  });

  it('sends progress events while a long file is predicted, ending at its row count', async () => {
    const events: Array<{ done: number; total: number }> = [];
    const off = services.onEvent((name, payload) => name === 'predict.progress' && events.push(payload as { done: number; total: number }));
    const content = ['text', ...Array.from({ length: 600 }, (_, i) => `review number ${i} was ${i % 2 ? 'great' : 'awful'}`)].join('\n');
    const file = value<{ rows: number }>(await services.dispatch('predict.file', { runId: run.id, fileName: 'many.csv', content }));
    off();
    expect(file.rows).toBe(600);
    expect(events.length).toBeGreaterThan(0);
    expect(events[events.length - 1]).toMatchObject({ done: 600, total: 600, runId: run.id, fileName: 'many.csv' });
  });

  it('answers a run without a saved model with an error value naming why, beside the runs that have one', async () => {
    expect(value<RunDetail>(await services.dispatch('runs.get', { id: cancelled.id })).run.status).toBe('cancelled');
    const { results } = value<{ results: RunPrediction[] }>(await services.dispatch('predict.text', { runIds: [run.id, cancelled.id], text: 'dull' }));
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    const failed = results[1];
    if (failed.ok) throw new Error('expected an error value');
    expect(failed.error.message).toMatch(/has no saved model: it was cancelled before its first evaluation/);
    const file = await services.dispatch('predict.file', { runId: cancelled.id, fileName: 'x.jsonl', content: '{"text":"a"}\n' });
    expect(file).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('refuses a malformed file with file:line:column', async () => {
    const bad = await services.dispatch('predict.file', { runId: run.id, fileName: 'texts.jsonl', content: '{"text": "fine"}\n{"text": oops}\n' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_input', location: { file: 'texts.jsonl', line: 2, column: 10 } } });
    const noText = await services.dispatch('predict.file', { runId: run.id, fileName: 'texts.csv', content: 'id,words\n1,hello\n' });
    expect(noText.ok).toBe(false);
    if (!noText.ok) expect(noText.error.message).toMatch(/no "text" column/);
    const unknown = await services.dispatch('predict.text', { runIds: ['r-nope'], text: 'x' });
    expect(value<{ results: RunPrediction[] }>(unknown).results[0]).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
