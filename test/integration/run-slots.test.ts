// The scheduler with real trainer processes: a paused run gives its trainer slot to the next queued
// run, and its resume waits for a free slot ('queued') before it trains on from where it paused;
// the live phase says 'pausing' / 'evaluating' while steps do not advance. Then a comparison's
// cancelled seed trained again and seeds added: the table counts the new complete pairs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { EventPayload } from '../../shared/contract';
import type { ComparisonDetail, ComparisonSummary, DatasetSummary, RunDetail, RunSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait-for-events';

const QUICK = { epochs: 1, maxTrainExamples: 128, maxLength: 48, model: { vocabSize: 1500, dim: 32, ffnDim: 64 } };

function openOn(maxParallelRuns: number) {
  const dir = tempDir();
  const services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick', maxParallelRuns });
  return { dir, services };
}

const runOf = async (services: Services, id: string) => value<RunDetail>(await services.dispatch('runs.get', { id }));
const comparisonOf = async (services: Services, id: string) => value<ComparisonDetail>(await services.dispatch('comparisons.get', { id }));

describe('one trainer slot: pause gives it away, resume waits for it', () => {
  const { dir, services } = openOn(1);
  let dataset: DatasetSummary;
  beforeAll(async () => {
    dataset = value(await services.dispatch('datasets.importEmbedded', {}));
  });
  afterAll(async () => {
    await services.close();
    dir.cleanup();
  });

  it('starts the queued run while the first is paused, then continues the first from the step it paused at', async () => {
    const phases: Array<EventPayload<'run.status'>> = [];
    const off = services.onEvent((name, payload) => {
      if (name === 'run.status') phases.push(payload as EventPayload<'run.status'>);
    });
    const a = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: { ...QUICK, epochs: 20 } }));
    const b = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: { ...QUICK, epochs: 4 } }));
    await until(services, ['run.progress'], async () => (await runOf(services, a.id)).run.step > 0);
    expect((await runOf(services, b.id)).run.status).toBe('queued');

    // Asked, not yet stopped: "pausing", and the slot is still A's.
    const asked = value<RunSummary>(await services.dispatch('runs.pause', { id: a.id }));
    expect(asked).toMatchObject({ status: 'running', phase: 'pausing' });
    await until(services, ['run.status'], async () => (await runOf(services, a.id)).run.status === 'paused');
    const pausedAt = (await runOf(services, a.id)).run.step;

    // A paused trainer uses no core: B gets the slot.
    await until(services, ['run.status', 'run.progress'], async () => (await runOf(services, b.id)).run.step > 0);
    expect((await runOf(services, a.id)).run.status).toBe('paused');

    // Resuming A while B trains: A waits for the slot.
    const resumed = value<RunSummary>(await services.dispatch('runs.resume', { id: a.id }));
    expect(resumed.status).toBe('queued');
    expect((await runOf(services, b.id)).run.status).toBe('running');
    await until(services, ['run.status'], async () => (await runOf(services, b.id)).run.status === 'completed');
    await until(services, ['run.progress'], async () => (await runOf(services, a.id)).run.step > pausedAt);
    value(await services.dispatch('runs.cancel', { id: a.id }));
    await until(services, ['run.status'], async () => (await runOf(services, a.id)).run.status === 'cancelled');
    off();

    // B trained alone (A's paused trainer held no slot), and showed "evaluating" at its validation.
    const bDone = (await runOf(services, b.id)).run;
    expect(bDone.finalMetrics.concurrent_trainers).toBe(1);
    expect(phases.some((p) => p.runId === b.id && p.phase === 'evaluating')).toBe(true);
    expect(phases.some((p) => p.runId === a.id && p.phase === 'cancelling')).toBe(true);
    // A trained on from where it paused: every step logged once, none skipped, none repeated.
    const steps = (await runOf(services, a.id)).metrics.filter((m) => m.split === 'train' && m.name === 'loss').map((m) => m.step);
    expect(steps.length).toBeGreaterThan(pausedAt);
    expect(new Set(steps).size).toBe(steps.length);
    expect(Math.max(...steps) - Math.min(...steps) + 1).toBe(steps.length);
    // The phase is live only: a run that is over has none.
    expect(bDone.phase).toBeUndefined();
  });

  it('a paused run still waiting for its slot can be paused again or cancelled', async () => {
    const a = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: { ...QUICK, epochs: 20 } }));
    const b = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: { ...QUICK, epochs: 20 } }));
    await until(services, ['run.progress'], async () => (await runOf(services, a.id)).run.step > 0);
    value(await services.dispatch('runs.pause', { id: a.id }));
    await until(services, ['run.status', 'run.progress'], async () => (await runOf(services, b.id)).run.step > 0);
    expect(value<RunSummary>(await services.dispatch('runs.resume', { id: a.id })).status).toBe('queued');
    value(await services.dispatch('runs.pause', { id: a.id }));
    await until(services, ['run.status'], async () => (await runOf(services, a.id)).run.status === 'paused');
    value(await services.dispatch('runs.cancel', { id: a.id }));
    value(await services.dispatch('runs.cancel', { id: b.id }));
    await until(services, ['run.status'], async () => (await runOf(services, a.id)).run.status === 'cancelled' && (await runOf(services, b.id)).run.status === 'cancelled');
  });
});

describe("more training for a comparison: a cancelled seed again, then a new seed", () => {
  const { dir, services } = openOn(2);
  let dataset: DatasetSummary;
  beforeAll(async () => {
    dataset = value(await services.dispatch('datasets.importEmbedded', {}));
  });
  afterAll(async () => {
    await services.close();
    dir.cleanup();
  });

  const finished = (id: string) => until(services, ['comparison.status'], async () => (await comparisonOf(services, id)).comparison.status !== 'running');
  const accuracyN = (d: ComparisonDetail) => d.table.find((row) => row.metric === 'accuracy')?.stats?.n;

  it('re-runs the cancelled arm with the same config and seed, adds seeds, and the statistics use every complete pair', async () => {
    const c = value<ComparisonSummary>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 2, config: QUICK }));
    const [seed1, seed2] = c.seeds as [number, number];
    // Seed-major order with two slots: seed 2's runs wait while seed 1's train.
    const started = await comparisonOf(services, c.id);
    const cancelled = started.runs.find((r) => r.seed === seed2 && r.loss === 'comparative')!;
    expect(cancelled.status).toBe('queued');
    value(await services.dispatch('runs.cancel', { id: cancelled.id }));
    await finished(c.id);
    let d = await comparisonOf(services, c.id);
    expect(d.comparison.status).toBe('cancelled');
    expect(d.coverage?.pairs).toBe(1);
    expect(accuracyN(d)).toBe(1);

    // Refusals say why: a seed it does not have, a seed with nothing to train again, too many seeds.
    expect(await services.dispatch('comparisons.rerun', { id: c.id, seeds: [99] })).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringMatching(/no seed 99/) } });
    expect(await services.dispatch('comparisons.rerun', { id: c.id, seeds: [seed1] })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await services.dispatch('comparisons.addSeeds', { id: c.id, count: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });

    const rerun = value<ComparisonSummary>(await services.dispatch('comparisons.rerun', { id: c.id, seeds: [seed2] }));
    expect(rerun.status).toBe('running');
    expect(rerun.runIds).toHaveLength(4);
    await finished(c.id);
    d = await comparisonOf(services, c.id);
    expect(d.comparison.status).toBe('completed');
    const again = d.runs.find((r) => r.id === cancelled.id)!;
    expect(again).toMatchObject({ status: 'completed', seed: seed2, loss: 'comparative', error: null });
    expect(again.step).toBe(again.totalSteps);
    expect(d.coverage?.pairs).toBe(2);
    expect(accuracyN(d)).toBe(2);

    const added = value<ComparisonSummary>(await services.dispatch('comparisons.addSeeds', { id: c.id, count: 1 }));
    expect(added).toMatchObject({ status: 'running', seeds: [seed1, seed2, seed2 + 1] });
    expect(added.runIds).toHaveLength(6);
    await finished(c.id);
    d = await comparisonOf(services, c.id);
    expect(d.comparison.status).toBe('completed');
    const newRuns = d.runs.filter((r) => r.seed === seed2 + 1);
    expect(newRuns.map((r) => r.loss).sort()).toEqual(['baseline', 'comparative']);
    for (const run of newRuns) expect({ ...run.config, loss: c.config.loss, seed: c.config.seed }).toEqual(c.config);
    expect(d.coverage?.pairs).toBe(3);
    expect(accuracyN(d)).toBe(3);
    const acc = d.table.find((row) => row.metric === 'accuracy')!;
    expect(acc.baseline.every((v) => v !== null)).toBe(true);
  });
});
