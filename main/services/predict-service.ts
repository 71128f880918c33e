// Predictions from trained runs: the Playground's texts and whole files. Resolves runs to their
// best checkpoints here (the database lives on this side) and leaves the models themselves to the
// predictor process, so a long file never stalls the event loop that serves the UI.
import { basename } from 'node:path';
import { AppError } from '../../shared/errors';
import type { RunPrediction } from '../../shared/predict';
import type { PredictorClient } from '../inference/predictor-client';
import { runModelSource } from '../inference/model-source';
import type { DatasetService } from './dataset-service';
import type { EventBus } from './event-bus';
import type { RunService } from './run-service';

/** Progress events at most this often (a file of a few rows sends none). */
const PROGRESS_EVERY_MS = 200;

export class PredictService {
  constructor(
    private readonly runs: RunService,
    private readonly datasets: DatasetService,
    private readonly events: EventBus,
    private readonly client: PredictorClient,
    private readonly dataDir: string,
  ) {}

  private source(runId: string) {
    const run = this.runs.get(runId);
    const dataset = this.datasets.get(run.datasetId);
    return { run, dataset, source: runModelSource(run, dataset, this.dataDir) };
  }

  async predictText(runIds: string[], text: string, textPair?: string): Promise<{ results: RunPrediction[] }> {
    const input = textPair === undefined || textPair === '' ? { text } : { text, textPair };
    const results: RunPrediction[] = [];
    // One after another: they share the predictor process, which answers one request at a time.
    for (const runId of runIds) {
      let runName = runId;
      try {
        const { run, source } = this.source(runId);
        runName = run.name;
        const result = await this.client.predict(source, [input]);
        const p = result.predictions![0];
        results.push({
          ok: true,
          runId,
          runName,
          label: p.label,
          probabilities: p.probabilities,
          labels: result.labelNames,
          logits: p.logits,
          ...(p.value !== undefined ? { value: p.value } : {}),
          ...(p.answer ? { answer: p.answer } : {}),
          ms: result.predictMs,
          loadMs: result.loadMs,
          backend: this.client.backend,
        });
      } catch (e) {
        const error = e instanceof AppError ? e.toValue() : { code: 'internal' as const, message: `Predicting with run ${runId} failed: ${(e as Error).message}` };
        results.push({ ok: false, runId, runName, error });
      }
    }
    return { results };
  }

  async predictFile(runId: string, fileName: string, content: string) {
    const { dataset, source } = this.source(runId);
    const columns = { textColumn: dataset.mapping?.textColumn ?? dataset.textColumn, textPairColumn: dataset.mapping?.textPairColumn };
    const started = performance.now();
    let lastSent = 0;
    // Parsing, predicting and writing the CSV all happen in the predictor process.
    const result = await this.client.predictFile(source, fileName, content, columns, (done, total) => {
      if (done < total && Date.now() - lastSent < PROGRESS_EVERY_MS) return;
      lastSent = Date.now();
      this.events.emit('predict.progress', { runId, fileName, done, total });
    });
    const stem = basename(fileName).replace(/\.[^.]+$/, '');
    return { csv: result.csv, fileName: `${stem}.predictions.csv`, rows: result.rows, ms: performance.now() - started };
  }

  close(): void {
    this.client.close();
  }
}
