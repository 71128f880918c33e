// The editable history over a real SQLite file: search, rename, tag, delete (with cascades and
// checkpoint files), ad-hoc comparisons with paired and unpaired statistics, and the reports.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/db/connection';
import { openServices, type Services } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import { channels } from '../../shared/contract';
import type { ReportFile, RunDeleteResult } from '../../shared/history';
import { pairedStats } from '../../shared/paired-stats';
import type { ComparisonDetail, ComparisonSummary, DatasetSummary, RunSummary } from '../../shared/schemas';
import { welchTTest } from '../../shared/unpaired-stats';
import { value } from '../helpers/contract-result';
import { seedRuns, type SeedRun } from '../helpers/seed-history';
import { tempDir } from '../helpers/temp-dir';

const HOSTILE = `<script>alert("x")</script> & 'co'`;


function csv(n: number, salt: string): string {
  const rows = Array.from({ length: n }, (_, i) => `"${i % 2 ? 'a great film' : 'a dull film'} ${salt} ${i}",${i % 2 ? 'pos' : 'neg'}`);
  return ['text,label', ...rows].join('\n') + '\n';
}

describe('run history and ad-hoc comparisons', () => {
  const dir = tempDir();
  let services: Services;
  let main: DatasetSummary;
  let other: DatasetSummary;
  const BASE = [0.7, 0.72, 0.74];
  const CMP = [0.73, 0.74, 0.78];

  beforeAll(async () => {
    // Import through the services, then close them so the seeding connection is the only writer.
    const setup = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick' });
    main = value(await setup.dispatch('datasets.importText', { fileName: `${HOSTILE}.csv`, content: csv(40, 'main') }));
    other = value(await setup.dispatch('datasets.importText', { fileName: 'other.csv', content: csv(40, 'other') }));
    await setup.close();
    const on = (d: DatasetSummary, r: Omit<SeedRun, 'datasetId' | 'dataHash'>): SeedRun => ({ ...r, datasetId: d.id, dataHash: d.contentHash });
    seedRuns(dir.path, [
      ...[1, 2, 3].flatMap((seed, i) => [
        on(main, { id: `r-b${seed}`, loss: 'baseline', seed, accuracy: BASE[i], name: seed === 1 ? `${HOSTILE}, "quoted"` : undefined }),
        on(main, { id: `r-c${seed}`, loss: 'comparative', seed, accuracy: CMP[i] }),
      ]),
      // Comparative runs on other seeds: with the baseline runs they cannot be paired.
      ...[4, 5, 6].map((seed, i) => on(main, { id: `r-u${seed}`, loss: 'comparative', seed, accuracy: CMP[i] + 0.01 * i })),
      // Same loss, different dropout: an ad-hoc comparison of a setting.
      ...[1, 2].map((seed) => on(main, { id: `r-d${seed}`, loss: 'baseline', seed, accuracy: 0.7 + seed / 100, config: { dropout: 0.3 } })),
      on(other, { id: 'r-other', loss: 'comparative', seed: 1, accuracy: 0.6 }),
      // Owned by a live process (the test runner's parent), so reopening keeps it running.
      on(main, { id: 'r-live', loss: 'baseline', seed: 9, accuracy: 0, status: 'running', ownerPid: process.ppid }),
    ]);
    services = openServices({ dataDir: dir.path, launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick' });
  });
  afterAll(async () => {
    await services.close();
    dir.cleanup();
  });

  it('lists every run with {} as before, and filters by status, loss, dataset and text', async () => {
    const all = channels['runs.list'].response.parse(value<RunSummary[]>(await services.dispatch('runs.list', {})));
    expect(all).toHaveLength(13);
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { status: 'running' })).map((r) => r.id)).toEqual(['r-live']);
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { datasetId: other.id })).map((r) => r.id)).toEqual(['r-other']);
    const comparative = value<RunSummary[]>(await services.dispatch('runs.list', { loss: 'comparative', datasetId: main.id }));
    expect(comparative.map((r) => r.id).sort()).toEqual(['r-c1', 'r-c2', 'r-c3', 'r-u4', 'r-u5', 'r-u6']);
    // Text matches the dataset name; LIKE wildcards in the text are literal.
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { text: 'OTHER' })).map((r) => r.id)).toEqual(['r-other']);
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { text: '%' }))).toEqual([]);
  });

  it('finds runs by the name the history shows (computed, not stored), and lists checkpoint files', async () => {
    // "built-in" is in no stored name, only in the generated one (shared/run-names.ts).
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { text: 'built-in', datasetId: other.id })).map((r) => r.id)).toEqual(['r-other']);
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { text: 'nothing is called this' }))).toEqual([]);
    const files = value<{ files: Array<{ name: string; bytes: number; resumePoint: boolean }>; totalBytes: number }>(await services.dispatch('runs.checkpoints', { id: 'r-c2' }));
    expect(files.files.map((f) => [f.name, f.bytes, f.resumePoint])).toEqual([['weights.bin', 64, true]]);
    expect(files.totalBytes).toBe(64);
    const missing = await services.dispatch('runs.checkpoints', { id: 'r-nope' });
    expect(missing.ok).toBe(false);
  });

  it('renames and tags a run; tags filter exactly and are found by text search', async () => {
    const updated = value<RunSummary>(await services.dispatch('runs.update', { id: 'r-c2', name: 'my best run', tags: ['keep', ' paper ', 'keep'] }));
    expect(updated).toMatchObject({ name: 'my best run', tags: ['keep', 'paper'] });
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { tag: 'paper' })).map((r) => r.id)).toEqual(['r-c2']);
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { text: 'pap' })).map((r) => r.id)).toEqual(['r-c2']);
    expect(value<RunSummary[]>(await services.dispatch('runs.list', { text: 'best run' })).map((r) => r.id)).toEqual(['r-c2']);
    expect(value(await services.dispatch('runs.tags', {}))).toEqual([
      { tag: 'keep', runs: 1 },
      { tag: 'paper', runs: 1 },
    ]);
    const bad = await services.dispatch('runs.update', { id: 'r-c2', tags: ['a,b'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!bad.ok) expect(bad.error.message).toMatch(/comma/);
  });

  it('compares runs that pair by seed with the paired statistics', async () => {
    const summary = value<ComparisonSummary>(await services.dispatch('comparisons.create', { runIds: ['r-c1', 'r-b2', 'r-c2', 'r-b1', 'r-c3', 'r-b3'], name: 'by hand' }));
    expect(summary).toMatchObject({ kind: 'adhoc', status: 'completed', name: 'by hand', seeds: [1, 2, 3] });
    const detail = value<ComparisonDetail>(await services.dispatch('comparisons.get', { id: summary.id }));
    const accuracy = detail.table.find((r) => r.metric === 'accuracy')!;
    expect(accuracy.baseline).toEqual(BASE);
    expect(accuracy.comparative).toEqual(CMP);
    const expected = pairedStats(BASE, CMP, { seed: 1 });
    expect(accuracy.stats).toMatchObject({ test: 'paired', n: 3, pT: expected.tTest.p, t: expected.tTest.t });
    expect(accuracy.meanDifference).toBeCloseTo((0.03 + 0.02 + 0.04) / 3, 12);
  });

  it('falls back to Welch and Mann-Whitney when runs cannot be paired, and says so', async () => {
    const summary = value<ComparisonSummary>(await services.dispatch('comparisons.create', { runIds: ['r-b1', 'r-b2', 'r-b3', 'r-u4', 'r-u5', 'r-u6'] }));
    const detail = value<ComparisonDetail>(await services.dispatch('comparisons.get', { id: summary.id }));
    const accuracy = detail.table.find((r) => r.metric === 'accuracy')!;
    const welch = welchTTest(BASE, [0.73, 0.75, 0.8]);
    expect(accuracy.stats).toMatchObject({ test: 'unpaired', n: 6, t: welch.t, pT: welch.p });
    // Comparative wins 8 of the 9 (baseline, comparative) pairs (0.73 < 0.74): U = 8; exact
    // two-sided p = 2 x P(U >= 8) = 2 x 2 / C(6, 3) = 0.2 (R: wilcox.test gives W = 8, p = 0.2).
    expect(accuracy.stats!.mannWhitneyU).toBe(8);
    expect(accuracy.stats!.pMannWhitney).toBeCloseTo(0.2, 12);
    expect(accuracy.stats!.verdict).toMatch(/^unpaired \(the runs could not be matched by seed\)/);
    // The report switches its statistics table to the unpaired tests and says why.
    const html = value<ReportFile>(await services.dispatch('comparisons.report', { id: summary.id, format: 'html' })).content;
    expect(html).toMatch(/<th scope="col">Welch t<\/th>[\s\S]*<th scope="col">Mann-Whitney U<\/th>/);
    expect(html).toContain('could not be matched one-to-one by seed');
  });

  it('groups runs of one loss by the setting that differs, and labels the arms', async () => {
    const summary = value<ComparisonSummary>(await services.dispatch('comparisons.create', { runIds: ['r-b1', 'r-b2', 'r-d1', 'r-d2'] }));
    // Parsed with the contract's own response schema: what the renderer receives is valid.
    const detail = channels['comparisons.get'].response.parse(value<ComparisonDetail>(await services.dispatch('comparisons.get', { id: summary.id })));
    expect(detail.comparison.armLabels).toEqual({ baseline: 'baseline (dropout 0.1)', comparative: 'baseline (dropout 0.3)' });
    // All four runs use the baseline loss, so the renderer needs each run's arm spelled out.
    expect(detail.runArms).toEqual({ 'r-b1': 'baseline', 'r-b2': 'baseline', 'r-d1': 'comparative', 'r-d2': 'comparative' });
    expect(detail.table.find((r) => r.metric === 'accuracy')!.stats!.test).toBe('paired');
  });

  it('refuses runs on different datasets, unfinished runs, and a single kind of run, with messages a person can act on', async () => {
    const mixed = await services.dispatch('comparisons.create', { runIds: ['r-b1', 'r-other'] });
    expect(mixed).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    if (!mixed.ok) expect(mixed.error.message).toMatch(/different datasets \(.*other/);
    const live = await services.dispatch('comparisons.create', { runIds: ['r-b1', 'r-live'] });
    if (!live.ok) expect(live.error.message).toMatch(/r-live is still running/);
    expect(live.ok).toBe(false);
    const same = await services.dispatch('comparisons.create', { runIds: ['r-b1', 'r-b2'] });
    if (!same.ok) expect(same.error.message).toMatch(/same loss and settings/);
    expect(same.ok).toBe(false);
    expect((await services.dispatch('comparisons.create', { runIds: ['r-b1'] })).ok).toBe(false);
  });

  it('builds a self-contained HTML report that escapes every user string, and JSON and CSV of the metrics', async () => {
    const list = value<ComparisonSummary[]>(await services.dispatch('comparisons.list', {}));
    const id = list.find((c) => c.name === 'by hand')!.id;
    const html = value<ReportFile>(await services.dispatch('comparisons.report', { id, format: 'html' }));
    expect(html.fileName).toBe(`comparison-${id}-by-hand.html`);
    const page = html.content;
    expect(page).not.toMatch(/<script|<link|<img|\bsrc=|https?:\/\/|@import|url\(/i);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
    expect(page).toContain(main.contentHash);
    for (const section of ['id="verdict"', 'id="results"', 'id="statistics"', 'id="config"', 'id="per-class"', 'class="matrix"', 'id="runs"']) expect(page).toContain(section);
    // Validation accuracy, validation loss, training loss and utility: four inline SVG charts.
    expect(page.match(/<svg /g)?.length).toBe(4);
    expect(page).toMatch(/seeds<\/dt><dd>1, 2, 3/);
    expect(page).toMatch(/backend<\/dt><dd>wasm/);

    const json = JSON.parse(value<ReportFile>(await services.dispatch('comparisons.report', { id, format: 'json' })).content);
    expect(json.dataset.contentHash).toBe(main.contentHash);
    expect(json.table.find((r: { metric: string }) => r.metric === 'accuracy').stats.verdict).toBeTruthy();

    const file = value<ReportFile>(await services.dispatch('comparisons.report', { id, format: 'csv' }));
    expect(file.mimeType).toMatch(/text\/csv/);
    const parsed = Papa.parse<Record<string, string>>(file.content.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    // 6 runs x 4 final metrics; a run name with a comma, quotes and markup survives the round trip.
    expect(parsed.data).toHaveLength(24);
    expect(parsed.data.find((r) => r.run_id === 'r-b1' && r.metric === 'accuracy')).toMatchObject({ run_name: `${HOSTILE}, "quoted"`, arm: 'baseline', seed: '1', value: '0.7' });
  });

  it('renames and deletes comparisons; ad-hoc ones leave their runs alone', async () => {
    const c = value<ComparisonSummary>(await services.dispatch('comparisons.create', { runIds: ['r-b3', 'r-c3'] }));
    expect(value<ComparisonSummary>(await services.dispatch('comparisons.update', { id: c.id, name: 'renamed' })).name).toBe('renamed');
    value(await services.dispatch('comparisons.delete', { id: c.id, deleteRuns: true }));
    expect((await services.dispatch('comparisons.get', { id: c.id })).ok).toBe(false);
    expect(value<RunSummary[]>(await services.dispatch('runs.list', {})).map((r) => r.id)).toEqual(expect.arrayContaining(['r-b3', 'r-c3']));
  });

  it('refuses to delete a running run, and deletes finished runs with their rows and checkpoint files', async () => {
    const refused = await services.dispatch('runs.delete', { ids: ['r-u4', 'r-live'] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/Cannot delete r-live .*running\. Cancel it first/);
    expect(existsSync(join(dir.path, 'checkpoints', 'r-u4'))).toBe(true);

    const result = value<RunDeleteResult>(await services.dispatch('runs.delete', { ids: ['r-u4', 'r-u5'] }));
    expect(result).toMatchObject({ deleted: ['r-u4', 'r-u5'], checkpointsRemoved: 2 });
    // The unpaired ad-hoc comparison still has 4 runs; nothing else was removed.
    expect(result.comparisonsRemoved).toEqual([]);
    expect(existsSync(join(dir.path, 'checkpoints', 'r-u4'))).toBe(false);
    const db = openDatabase(dir.path);
    for (const table of ['metrics', 'evaluations', 'predictions', 'utility', 'run_tags', 'comparison_runs']) {
      expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id IN ('r-u4', 'r-u5')`).get(), table).toEqual({ n: 0 });
    }
    db.close();
    expect((await services.dispatch('runs.get', { id: 'r-u4' })).ok).toBe(false);
  });
});
