import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { TrainerHandle, TrainerLauncher } from '../../main/training/protocol';
import { channels } from '../../shared/contract';
import type { ComparisonDetail, DatasetSummary, RunDetail, RunSummary } from '../../shared/schemas';
import { value } from '../helpers/contract-result';
import { until } from '../helpers/wait-for-events';
import { tempDir } from '../helpers/temp-dir';

const QUICK = { epochs: 1, maxTrainExamples: 128, maxLength: 48, model: { vocabSize: 1500, dim: 32, ffnDim: 64 } };


describe('services over a real SQLite file and real trainer processes', () => {
  const dir = tempDir();
  const handles: TrainerHandle[] = [];
  const recordingLauncher: TrainerLauncher = (runId) => {
    const h = forkTrainerLauncher(runId);
    handles.push(h);
    return h;
  };
  let services: Services;
  let dataset: DatasetSummary;

  beforeAll(async () => {
    services = openServices({ dataDir: dir.path, launcher: recordingLauncher, transport: 'cli', preset: 'quick' });
    dataset = value(await services.dispatch('datasets.importEmbedded', {}));
  });
  afterAll(async () => {
    await services.close();
    dir.cleanup();
  });

  it('validates every request against the contract and answers errors as values', async () => {
    const unknown = await services.dispatch('no.such.channel', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const bad = await services.dispatch('runs.start', { datasetId: dataset.id, config: { epochs: -3 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/config\.epochs/);
    const missing = await services.dispatch('runs.get', { id: 'r-nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('imports the embedded dataset once, stratified 80/20, and finds it again by content', async () => {
    expect(dataset.rows).toBe(2000);
    expect(dataset.labelCounts).toEqual({ negative: 1000, positive: 1000 });
    expect(dataset.splits).toEqual({ train: 1600, validation: 400 });
    const again = value<DatasetSummary>(await services.dispatch('datasets.importEmbedded', {}));
    expect(again.id).toBe(dataset.id);
    const preview = channels['datasets.preview'].response.parse(value(await services.dispatch('datasets.preview', { id: dataset.id, limit: 5 })));
    expect(preview.rows).toHaveLength(5);
  });

  it('reports a malformed file with file:line:column and stores nothing', async () => {
    const before = value<DatasetSummary[]>(await services.dispatch('datasets.list', {})).length;
    const r = await services.dispatch('datasets.importText', { fileName: 'broken.csv', content: 'text,label\n"unterminated,pos\n' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_input');
      expect(r.error.location).toMatchObject({ file: 'broken.csv', line: 2 });
    }
    expect(value<DatasetSummary[]>(await services.dispatch('datasets.list', {}))).toHaveLength(before);
  });

  it('runs a seed-matched baseline vs comparative comparison end to end and stores its metrics', async () => {
    const c = value<ComparisonDetail['comparison']>(await services.dispatch('comparisons.start', { datasetId: dataset.id, seeds: 1, config: QUICK }));
    expect(c.runIds).toHaveLength(2);
    await until(services, ['comparison.status'], async () =>
      value<ComparisonDetail>(await services.dispatch('comparisons.get', { id: c.id })).comparison.status !== 'running',
    );
    const d = channels['comparisons.get'].response.parse(value(await services.dispatch('comparisons.get', { id: c.id })));
    expect(d.comparison.status).toBe('completed');
    expect(d.runs.map((r) => r.loss).sort()).toEqual(['baseline', 'comparative']);
    expect(new Set(d.runs.map((r) => r.seed)).size).toBe(1);
    for (const run of d.runs) {
      expect(run.backend).toMatch(/^(tensorflow|tensorflow-gpu|wasm(\+openblas)?|cpu)$/);
      expect(run.finalMetrics.accuracy).toBeGreaterThanOrEqual(0);
      expect(run.step).toBe(run.totalSteps);
      expect(run.dataHash).toBe(dataset.contentHash);
    }
    const acc = d.table.find((row) => row.metric === 'accuracy')!;
    expect(acc.baseline[0]).not.toBeNull();
    expect(acc.meanDifference).toBeCloseTo(acc.comparative[0]! - acc.baseline[0]!, 10);
    // The comparative run logged the full model's loss, both ablated copies' losses and Lcmp at every step.
    const cmpRun = d.runs.find((r) => r.loss === 'comparative')!;
    const detail = value<RunDetail>(await services.dispatch('runs.get', { id: cmpRun.id }));
    const names = new Set(detail.metrics.filter((m) => m.split === 'train').map((m) => m.name));
    expect([...names].sort()).toEqual(['cmp', 'grad_norm', 'l0', 'l1', 'l2', 'loss', 'lr']);
    expect(detail.metrics.filter((m) => m.split === 'train' && m.name === 'l0')).toHaveLength(cmpRun.totalSteps);
    expect(detail.metrics.some((m) => m.split === 'validation' && m.name === 'accuracy')).toBe(true);
  });

  it('history survives a restart: a second services instance on the same folder sees the runs', async () => {
    const other = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'browser' });
    const runs = value<RunSummary[]>(await other.dispatch('runs.list', {}));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    await other.close();
  });

  it('a trainer killed mid-run leaves its run interrupted (not running), and resume runs it again', async () => {
    const run = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: { ...QUICK, epochs: 3 } }));
    let killed = false;
    const off = services.onEvent((name, p) => {
      if (name === 'run.progress' && (p as { runId: string }).runId === run.id && !killed) {
        killed = true;
        handles[handles.length - 1].kill();
      }
    });
    await until(services, ['run.status'], async () => value<RunDetail>(await services.dispatch('runs.get', { id: run.id })).run.status === 'interrupted');
    off();
    const after = value<RunDetail>(await services.dispatch('runs.get', { id: run.id })).run;
    expect(after.error).toMatch(/killed \(SIGKILL\)/);
    const resumed = value<RunSummary>(await services.dispatch('runs.resume', { id: run.id }));
    expect(['queued', 'running']).toContain(resumed.status);
    await until(services, ['run.status'], async () => value<RunDetail>(await services.dispatch('runs.get', { id: run.id })).run.status === 'completed');
  });

  it('cancel stops a running trainer', async () => {
    const run = value<RunSummary>(await services.dispatch('runs.start', { datasetId: dataset.id, config: { ...QUICK, epochs: 20 } }));
    await until(services, ['run.progress'], async () => value<RunDetail>(await services.dispatch('runs.get', { id: run.id })).run.step > 0);
    value(await services.dispatch('runs.cancel', { id: run.id }));
    await until(services, ['run.status'], async () => value<RunDetail>(await services.dispatch('runs.get', { id: run.id })).run.status === 'cancelled');
  });
});

