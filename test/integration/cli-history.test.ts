// The CLI's history commands as a person runs them: real processes over a real data folder.
// One real quick comparison (2 seeds) checks that `compare --json` carries statistics and verdicts;
// the history commands then work on it and on seeded finished runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServices } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { ComparisonDetail, DatasetSummary, RunSummary } from '../../shared/schemas';
import { seedRuns } from '../helpers/seed-history';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
afterAll(() => dir.cleanup());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI history, ad-hoc comparisons and reports', () => {
  let dataset: DatasetSummary;
  let comparison: ComparisonDetail;

  beforeAll(async () => {
    const services = openServices({ dataDir, launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick' });
    const r = await services.dispatch('datasets.importEmbedded', {});
    await services.close();
    if (!r.ok) throw new Error(r.error.message);
    dataset = r.value as DatasetSummary;
    seedRuns(
      dataDir,
      [1, 2, 3].flatMap((seed) => [
        { id: `r-b${seed}`, datasetId: dataset.id, dataHash: dataset.contentHash, loss: 'baseline' as const, seed: seed + 10, accuracy: 0.7 + seed / 100 },
        { id: `r-c${seed}`, datasetId: dataset.id, dataHash: dataset.contentHash, loss: 'comparative' as const, seed: seed + 20, accuracy: 0.75 + seed / 100 },
      ]),
    );
  });

  it('compare --seeds 2 --json includes the paired statistics and the verdict of every metric', () => {
    const r = cli('compare', '--preset', 'quick', '--seeds', '2', '--epochs', '1', '--max-train', '96', '--json');
    expect(r.code, r.stderr).toBe(0);
    comparison = JSON.parse(r.stdout);
    expect(comparison.comparison.seeds).toHaveLength(2);
    const accuracy = comparison.table.find((row) => row.metric === 'accuracy')!;
    expect(accuracy.stats).toMatchObject({ n: 2 });
    expect(typeof accuracy.stats!.verdict).toBe('string');
    expect(accuracy.stats!.verdict.length).toBeGreaterThan(10);
    for (const key of ['t', 'pT', 'wilcoxonW', 'pWilcoxon', 'ciLow', 'effectSize', 'seedsNeeded']) expect(accuracy.stats).toHaveProperty(key);
  }, 300_000);

  it('writes the report of a real comparison as HTML, JSON and CSV, the format following --out', () => {
    const html = join(dir.path, 'report.html');
    const r = cli('report', comparison.comparison.id, '--out', html);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Wrote .*report\.html \(html, [\d,]+ bytes\)/);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain(dataset.contentHash);
    expect(page).not.toMatch(/<script|https?:\/\//i);
    expect(page.match(/<svg /g)!.length).toBeGreaterThanOrEqual(3);
    expect(statSync(html).size).toBeGreaterThan(10_000);

    const csvFile = join(dir.path, 'metrics.csv');
    expect(cli('report', comparison.comparison.id, '--out', csvFile).code).toBe(0);
    const rows = Papa.parse<Record<string, string>>(readFileSync(csvFile, 'utf8').trim(), { header: true }).data;
    expect(new Set(rows.map((row) => row.run_id))).toEqual(new Set(comparison.comparison.runIds));
    expect(rows.some((row) => row.metric === 'accuracy')).toBe(true);

    const json = cli('report', comparison.comparison.id, '--format', 'json');
    expect(JSON.parse(json.stdout).table.length).toBeGreaterThan(0);
    const bad = cli('report', comparison.comparison.id, '--out', join(dir.path, 'report.pdf'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/use a \.html, \.json or \.csv file name/);
  });

  it('renames and tags runs, and filters the list by tag and text', () => {
    expect(cli('rename', 'r-b1', 'first', 'try').stdout).toMatch(/r-b1 is now "first try"/);
    expect(cli('tag', 'r-b1', 'paper', 'keep').stdout).toMatch(/r-b1 tags: keep, paper/);
    expect(cli('tag', 'r-c1', 'paper').code).toBe(0);
    expect(cli('untag', 'r-b1', 'keep').stdout).toMatch(/r-b1 tags: paper$/m);
    const tagged = JSON.parse(cli('runs', '--tag', 'paper', '--json').stdout) as RunSummary[];
    expect(tagged.map((r) => r.id).sort()).toEqual(['r-b1', 'r-c1']);
    const searched = JSON.parse(cli('runs', '--tag', 'paper', '--search', 'first', '--json').stdout) as RunSummary[];
    expect(searched.map((r) => r.id)).toEqual(['r-b1']);
    expect(cli('runs', '--tag', 'paper').stdout).toMatch(/first try \[paper\]/);
    // Names by what differs (shared/run-names.ts): generated for unrenamed runs, the rename otherwise.
    const named = JSON.parse(cli('runs', '--json').stdout) as Array<RunSummary & { displayName: string }>;
    expect(named.find((r) => r.id === 'r-b1')!.displayName).toBe('first try');
    expect(named.find((r) => r.id === 'r-c2')!.displayName).toMatch(/ · built-in[^·]* · C=2 p=0\.1.* · comparative · seed 22$/);
    const bad = cli('runs', '--status', 'sleeping');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/status/);
    expect(cli('tag', 'r-nope', 'x').code).toBe(2);
  });

  it('compares finished runs ad hoc with --runs (unpaired here: their seeds differ)', () => {
    const r = cli('compare', '--runs', 'r-b1,r-b2,r-b3, r-c1,r-c2,r-c3', '--name', 'seeded by hand', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as ComparisonDetail;
    expect(d.comparison).toMatchObject({ kind: 'adhoc', name: 'seeded by hand' });
    const accuracy = d.table.find((row) => row.metric === 'accuracy')!;
    expect(accuracy.stats).toMatchObject({ test: 'unpaired', mannWhitneyU: 9 });
    expect(accuracy.stats!.verdict).toMatch(/^unpaired/);
    const text = cli('compare', '--runs', 'r-b1,r-c1');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Accuracy/);
  });

  it('deletes only with --yes, saying first what would go', () => {
    const dry = cli('delete', 'r-b3');
    expect(dry.code).toBe(2);
    expect(dry.stderr).toMatch(/Nothing deleted\. This would delete:\n {2}run r-b3 .* with its metrics, evaluations, predictions, utility and checkpoint files/);
    expect(existsSync(join(dataDir, 'checkpoints', 'r-b3'))).toBe(true);
    const r = cli('delete', 'r-b3', '--yes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Deleted 1 run and 0 comparisons/);
    expect(existsSync(join(dataDir, 'checkpoints', 'r-b3'))).toBe(false);
    expect(cli('show', 'r-b3').code).toBe(2);

    const seeded = comparison.comparison;
    const withRuns = cli('delete', seeded.id, '--with-runs', '--yes', '--json');
    expect(withRuns.code, withRuns.stderr).toBe(0);
    expect(JSON.parse(withRuns.stdout).comparisons[0].runs.deleted.sort()).toEqual([...seeded.runIds].sort());
    const left = JSON.parse(cli('runs', '--json').stdout) as RunSummary[];
    expect(left.some((r) => seeded.runIds.includes(r.id))).toBe(false);
  });
});
