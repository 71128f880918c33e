// The start card's time estimate with real trainer processes and a real SQLite history: unknown
// before this machine finished a run, then priced by the runs it finished, and close to what the
// same comparison really takes. The bound is loose (a factor of 3 either way) because the two
// runs share this machine with other tests; a wrong formula (steps, arms, parallelism, overhead
// left out) misses by far more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import { plannedSteps } from '../../main/services/time-estimate';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import { estimateText } from '../../shared/durations';
import type { ComparisonDetail, DatasetSummary } from '../../shared/schemas';
import type { TimeEstimate } from '../../shared/app-info';
import { DEFAULT_RUN_CONFIG, mergeRunConfig } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { pollFor } from '../helpers/wait-for-events';
import { tempDir } from '../helpers/temp-dir';

const CONFIG = { epochs: 2, maxTrainExamples: 96, batchSize: 16, utilityLevels: 1, utilityDraws: 1 };

let services: Services;
let dataset: DatasetSummary;
const dir = tempDir('comparo-estimate-');

async function comparisonSeconds(): Promise<number> {
  const started = Date.now();
  const c = value<{ id: string }>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 2, config: CONFIG }));
  const detail = await pollFor(
    'the comparison to end',
    async () => {
      const d = value<ComparisonDetail>(await services.dispatch('comparisons.get', { id: c.id }));
      return d.comparison.status === 'running' ? undefined : d;
    },
    240_000,
    250,
  );
  expect(detail.comparison.status).toBe('completed');
  return (Date.now() - started) / 1000;
}

describe('time estimate before a comparison starts', () => {
  beforeAll(async () => {
    services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick', maxParallelRuns: 2 });
    dataset = value(await services.dispatch('datasets.importEmbedded', {}));
  }, 60_000);

  afterAll(async () => {
    await services?.close();
    dir.cleanup();
  });

  it('says the time is not known before any run finished, and counts the runs and steps it would start', async () => {
    const e = value<TimeEstimate>(await services.dispatch('comparisons.estimate', { datasetId: dataset.id, seeds: 2, config: CONFIG }));
    expect(e).toMatchObject({ seconds: null, runs: 4, parallel: 2, stepsPerRun: plannedSteps(mergeRunConfig(DEFAULT_RUN_CONFIG, CONFIG), dataset) });
    expect(e.stepsPerRun).toBe(2 * 6); // 96 examples in batches of 16, two epochs
    expect(estimateText(e)).toMatch(/^Time: not known yet — 4 runs of up to 12 steps, 2 at a time; no run has finished/);
  });

  it('after one comparison, prices the same comparison within a factor of 3 of what it really takes', async () => {
    await comparisonSeconds();
    const e = value<TimeEstimate>(await services.dispatch('comparisons.estimate', { datasetId: dataset.id, seeds: 2, config: CONFIG }));
    expect(e.basis).toBe('4 earlier runs of this model on this machine');
    const actual = await comparisonSeconds();
    console.log(`estimated ${e.seconds?.toFixed(1)} s, took ${actual.toFixed(1)} s`);
    expect(e.seconds!).toBeGreaterThan(actual / 3);
    expect(e.seconds!).toBeLessThan(actual * 3);
  }, 600_000);

  it('refuses a request for a dataset that does not exist, as start does', async () => {
    const r = await services.dispatch('comparisons.estimate', { datasetId: 'no-such-dataset' });
    expect(r.ok).toBe(false);
  });
});
