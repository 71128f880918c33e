// The run service's bookkeeping of everything a trainer reports, over a real SQLite file. The
// trainer here is scripted (a handle whose messages the test sends) so each message kind and the
// crash/resume path can be driven exactly; real trainer processes are covered in services.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import type { ComparisonDetail, DatasetSummary, RunDetail, RunSummary } from '../../shared/schemas';
import { channels } from '../../shared/contract';
import { value } from '../helpers/contract-result';
import { tempDir } from '../helpers/temp-dir';
import { ScriptedTrainer, scriptedLauncher } from '../helpers/scripted-trainer';

const sample = (step: number) => ({ step, epoch: step / 10, loss: 1 / step, copyLosses: [0.5, 0.6, 0.7], cmpLoss: 0.3, lr: 0.001, gradNorm: 2 });

describe('run bookkeeping', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  async function setup(): Promise<{ services: Services; trainers: ScriptedTrainer[]; dataset: DatasetSummary; dir: string }> {
    const dir = tempDir();
    const trainers: ScriptedTrainer[] = [];
    const services = openServices({
      dataDir: dir.path,
      transport: 'cli',
      launcher: scriptedLauncher(trainers),
    });
    cleanups.push(dir.cleanup);
    const dataset = value<DatasetSummary>(await services.dispatch('datasets.importEmbedded', {}));
    return { services, trainers, dataset, dir: dir.path };
  }

  it('stores per-step lr and grad norm, evaluation detail, predictions, utility and final metrics', async () => {
    const { services, trainers, dataset } = await setup();
    const c = value<ComparisonDetail['comparison']>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 1 }));
    expect(trainers).toHaveLength(2); // both arms of the seed start side by side
    const t = trainers[1];
    const runId = t.started!.runId;
    expect(t.started!.checkpointDir).toMatch(new RegExp(`checkpoints[/\\\\]${runId}$`));
    expect(t.started!.resumeFrom).toBeNull();
    expect(t.started!.validation.texts).toHaveLength(400);
    t.say({ type: 'ready', backend: 'wasm' });
    t.say({ type: 'progress', step: 2, totalSteps: 10, epoch: 0.2, elapsedMs: 10, etaMs: 40, samples: [sample(1), sample(2)] });
    t.say({
      type: 'eval',
      step: 2,
      epoch: 0.2,
      metrics: { accuracy: 0.75, macro_f1: 0.7, mcc: 0.5, loss: 0.6 },
      perClass: [{ label: 'negative', precision: 1, recall: 0.5, f1: 0.667, support: 2 }],
      confusion: [[1, 1], [0, 2]],
      predictions: [{ index: 0, predicted: 1, gold: 0, confidence: 0.9 }, { index: 1, predicted: 1, gold: 1, confidence: 0.8 }],
      best: true,
    });
    t.say({ type: 'utility', kind: 'drop', levels: [{ k: 0, rate: 0, metrics: { accuracy: 0.75 } }, { k: 1, rate: 0.1, metrics: { accuracy: 0.7 } }], beatenShare: 0.25 });
    t.say({ type: 'done', metrics: { accuracy: 0.75, macro_f1: 0.7, mcc: 0.5, loss: 0.6 }, elapsedMs: 100, msPerStep: 10, bestStep: 2, stoppedEarly: false });
    t.exit(0, null);
    const d = channels['runs.get'].response.parse(value<RunDetail>(await services.dispatch('runs.get', { id: runId })));
    expect(d.run).toMatchObject({ status: 'completed', backend: 'wasm', bestStep: 2 });
    expect(d.run.finalMetrics).toMatchObject({ accuracy: 0.75, utility_drop_beaten_share: 0.25, ms_per_step: 10, best_step: 2 });
    const train = (name: string) => d.metrics.filter((m) => m.split === 'train' && m.name === name).map((m) => m.value);
    expect(train('lr')).toEqual([0.001, 0.001]);
    expect(train('grad_norm')).toEqual([2, 2]);
    expect(train('l2')).toEqual([0.7, 0.7]);
    expect(d.evaluations).toEqual([{ step: 2, epoch: 0.2, split: 'validation', best: true, perClass: [{ label: 'negative', precision: 1, recall: 0.5, f1: 0.667, support: 2 }], confusion: [[1, 1], [0, 2]] }]);
    expect(d.utility.map((u) => [u.kind, u.k, u.metrics.accuracy])).toEqual([['drop', 0, 0.75], ['drop', 1, 0.7]]);
    const p = value<{ step: number; rows: unknown[] }>(await services.dispatch('runs.predictions', { id: runId }));
    expect(p.step).toBe(2);
    expect(p.rows).toEqual([{ index: 0, predicted: 1, gold: 0, confidence: 0.9 }, { index: 1, predicted: 1, gold: 1, confidence: 0.8 }]);
    const table = value<ComparisonDetail>(await services.dispatch('comparisons.get', { id: c.id })).table;
    expect(table.find((r) => r.metric === 'utility_drop_beaten_share')?.comparative).toEqual([0.25]);
    expect(table.find((r) => r.metric === 'utility_crop_beaten_share')).toBeUndefined(); // nobody reported it
    await services.close();
  });

  it('resumes a crashed run from its last checkpoint, dropping what was logged after it', async () => {
    const { services, trainers, dataset } = await setup();
    const run = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id }));
    const first = trainers[0];
    first.say({ type: 'ready', backend: 'wasm' });
    first.say({ type: 'progress', step: 4, totalSteps: 10, epoch: 0.4, elapsedMs: 10, etaMs: 40, samples: [1, 2, 3, 4].map(sample) });
    first.say({ type: 'eval', step: 3, epoch: 0.3, metrics: { accuracy: 0.6 } });
    first.say({ type: 'checkpoint', step: 3, epoch: 0.3, path: '/data/checkpoints/x/step-3.ckpt' });
    first.exit(null, 'SIGKILL');
    const crashed = value<RunDetail>(await services.dispatch('runs.get', { id: run.id }));
    expect(crashed.run.status).toBe('interrupted');
    expect(crashed.run.checkpointStep).toBe(3);
    value(await services.dispatch('runs.resume', { id: run.id }));
    const second = trainers[1];
    expect(second.started!.resumeFrom).toBe('/data/checkpoints/x/step-3.ckpt');
    const resumed = value<RunDetail>(await services.dispatch('runs.get', { id: run.id }));
    expect(resumed.metrics.filter((m) => m.name === 'loss').map((m) => m.step)).toEqual([1, 2, 3]);
    expect(resumed.evaluations.map((e) => e.step)).toEqual([3]);
    await services.close();
  });

  it('restarts from step 0 when the crashed run never checkpointed', async () => {
    const { services, trainers, dataset } = await setup();
    const run = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id }));
    trainers[0].say({ type: 'progress', step: 2, totalSteps: 10, epoch: 0.2, elapsedMs: 10, etaMs: 40, samples: [sample(1), sample(2)] });
    trainers[0].exit(1, null);
    value(await services.dispatch('runs.resume', { id: run.id }));
    expect(trainers[1].started!.resumeFrom).toBeNull();
    const d = value<RunDetail>(await services.dispatch('runs.get', { id: run.id }));
    expect(d.metrics).toHaveLength(0);
    expect(d.run.step).toBe(0);
    await services.close();
  });

  it('a comparison interrupted by a crash is settled at restart and revived when its runs are resumed', async () => {
    const { services, trainers, dataset, dir } = await setup();
    const c = value<ComparisonDetail['comparison']>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 1 }));
    trainers[0].say({ type: 'ready', backend: 'wasm' });
    // Simulate a crash of the whole process: the rows still say running/queued and name a dead owner.
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(`${dir}/comparo.sqlite`);
    raw.prepare('UPDATE runs SET owner_pid = 999999').run();
    raw.close();
    const restarted = openServices({ dataDir: dir, transport: 'cli', launcher: () => {
      const t = new ScriptedTrainer();
      trainers.push(t);
      return t;
    } });
    const after = value<ComparisonDetail>(await restarted.dispatch('comparisons.get', { id: c.id }));
    expect(after.comparison.status).toBe('interrupted');
    expect(after.runs.every((r) => r.status === 'interrupted')).toBe(true);
    value(await restarted.dispatch('runs.resume', { id: after.runs[0].id }));
    expect(value<ComparisonDetail>(await restarted.dispatch('comparisons.get', { id: c.id })).comparison.status).toBe('running');
    await restarted.close();
  });
});
