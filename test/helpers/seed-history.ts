// Finished runs written straight into a real SQLite history (through the same repositories the
// run service uses), so history, ad-hoc comparison and report tests need no minutes of training.
// Values are fixed numbers, so tests can check statistics against hand-computed ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../main/db/connection';
import { EvaluationsRepo } from '../../main/db/evaluations-repo';
import { MetricsRepo } from '../../main/db/metrics-repo';
import { RunsRepo } from '../../main/db/runs-repo';
import { DEFAULT_RUN_CONFIG, type RunConfig, type RunStatus, type RunSummary } from '../../shared/schemas';

export interface SeedRun {
  id: string;
  datasetId: string;
  dataHash: string;
  loss: 'baseline' | 'comparative';
  seed: number;
  accuracy: number;
  status?: RunStatus;
  name?: string;
  config?: Partial<RunConfig>;
  /** pid recorded as the run's owner (a live process keeps an active run active across reopen). */
  ownerPid?: number;
  comparisonId?: string | null;
  backend?: string;
}

/** Inserts finished runs with metrics, an evaluation (per-class scores, confusion, predictions), utility and a checkpoint folder. */
export function seedRuns(dataDir: string, runs: readonly SeedRun[]): void {
  const db = openDatabase(dataDir);
  try {
    const repo = new RunsRepo(db);
    const metrics = new MetricsRepo(db);
    const evaluations = new EvaluationsRepo(db);
    runs.forEach((r, i) => {
      const config = { ...DEFAULT_RUN_CONFIG, ...r.config, loss: r.loss, seed: r.seed };
      const status = r.status ?? 'completed';
      const summary: RunSummary = {
        id: r.id,
        datasetId: r.datasetId,
        comparisonId: r.comparisonId ?? null,
        name: r.name ?? `${r.loss} · seed ${r.seed}`,
        loss: r.loss,
        seed: r.seed,
        status,
        backend: r.backend ?? 'wasm',
        config,
        step: 20,
        totalSteps: 20,
        // Distinct, ordered creation times: arm order in ad-hoc comparisons follows them.
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        startedAt: null,
        finishedAt: null,
        error: null,
        checkpointStep: null,
        bestStep: null,
        dataHash: r.dataHash,
        finalMetrics: {},
      };
      repo.insert(summary, { pid: r.ownerPid ?? 999_999_999, started: null });
      db.prepare('UPDATE runs SET status = ?, backend = ? WHERE id = ?').run(status, summary.backend, r.id);
      if (status !== 'completed') return;
      repo.setFinalMetrics(r.id, { accuracy: r.accuracy, macro_f1: r.accuracy - 0.01, loss: 1 - r.accuracy, ms_per_step: 10 + i });
      metrics.insertMany(
        [10, 20].flatMap((step) => [
          { runId: r.id, step, epoch: step / 20, split: 'validation' as const, name: 'accuracy', value: r.accuracy - (20 - step) / 200 },
          { runId: r.id, step, epoch: step / 20, split: 'validation' as const, name: 'loss', value: 1 - r.accuracy },
          { runId: r.id, step, epoch: step / 20, split: 'train' as const, name: 'loss', value: 0.7 - step / 100 },
        ]),
      );
      const correct = Math.round(r.accuracy * 10);
      evaluations.insertEvaluation(r.id, {
        step: 20,
        epoch: 1,
        best: true,
        perClass: [
          { label: 'neg', precision: r.accuracy, recall: r.accuracy, f1: r.accuracy, support: 5 },
          { label: 'pos', precision: r.accuracy, recall: r.accuracy, f1: r.accuracy, support: 5 },
        ],
        confusion: [
          [Math.ceil(correct / 2), 5 - Math.ceil(correct / 2)],
          [5 - Math.floor(correct / 2), Math.floor(correct / 2)],
        ],
        predictions: Array.from({ length: 10 }, (_, k) => ({ index: k, predicted: k < correct ? k % 2 : 1 - (k % 2), gold: k % 2, confidence: 0.8 })),
      });
      evaluations.replaceUtility(r.id, 'drop', [0, 1, 2].map((k) => ({ k, rate: 1 - 0.9 ** k, metrics: { accuracy: r.accuracy - k * 0.05 } })));
      const checkpointDir = join(dataDir, 'checkpoints', r.id);
      mkdirSync(checkpointDir, { recursive: true });
      writeFileSync(join(checkpointDir, 'weights.bin'), Buffer.alloc(64));
      repo.setCheckpoint(r.id, join(checkpointDir, 'weights.bin'), 20);
    });
  } finally {
    db.close();
  }
}
