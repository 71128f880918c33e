// Every trainable task end to end through the real CLI (`npm run cli -- compare --seeds 2`): a
// regression CSV, a multi-label JSONL and a folder with its own test split each finish a
// comparison whose JSON names the split of its headline numbers and carries that task's metrics.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ComparisonDetail } from '../../shared/schemas';
import { writeMultilabelJsonl, writeRegressionCsv, writeSplitFolder } from '../helpers/task-datasets';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.cleanup());

function compare(dataset: string, ...extra: string[]): ComparisonDetail {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', join(dir.path, 'data'), 'compare', '--dataset', dataset, '--seeds', '2', '--preset', 'quick', '--json', ...extra],
    { encoding: 'utf8', timeout: 280_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ComparisonDetail;
}

const metricsOf = (d: ComparisonDetail) => d.table.map((row) => row.metric);

describe('compare --seeds 2 on each task', () => {
  it('regression CSV: Pearson / Spearman / MSE / MAE on validation, said so', () => {
    const d = compare(writeRegressionCsv(dir.path));
    expect(d.comparison.status).toBe('completed');
    expect(d.headline).toEqual({ split: 'validation', examples: expect.any(Number), checkpoint: 'selected' });
    expect(metricsOf(d)).toEqual(expect.arrayContaining(['pearson', 'spearman', 'mse', 'mae', 'loss']));
    expect(metricsOf(d)).not.toContain('accuracy');
    for (const run of d.runs) {
      expect(run.status).toBe('completed');
      // The derived score is mostly sentiment: a model that trained correlates with it.
      expect(Number.isFinite(run.finalMetrics.pearson)).toBe(true);
    }
    const pearson = d.table.find((row) => row.metric === 'pearson')!;
    expect(pearson.baseline).toHaveLength(2);
    expect(pearson.stats?.n).toBe(2);
  }, 300_000);

  it('multi-label JSONL: micro / macro F1 with per-label scores', () => {
    const d = compare(writeMultilabelJsonl(dir.path));
    expect(d.comparison.status).toBe('completed');
    expect(d.headline?.split).toBe('validation');
    expect(metricsOf(d)).toEqual(expect.arrayContaining(['micro_f1', 'macro_f1', 'loss']));
    for (const run of d.runs) expect(run.finalMetrics.micro_f1).toBeGreaterThan(0);
  }, 300_000);

  it('folder with train / validation / test: headline on the held-out test split, validation kept beside it', () => {
    const d = compare(writeSplitFolder(dir.path));
    expect(d.comparison.status).toBe('completed');
    expect(d.headline).toEqual({ split: 'test', examples: 80, checkpoint: 'selected' });
    const accuracy = d.table.find((row) => row.metric === 'accuracy')!;
    const validation = d.table.find((row) => row.metric === 'validation_accuracy')!;
    for (const run of d.runs) {
      expect(accuracy.baseline.concat(accuracy.comparative)).toContain(run.finalMetrics.test_accuracy);
      expect(validation.baseline.concat(validation.comparative)).toContain(run.finalMetrics.accuracy);
    }
  }, 300_000);
});
