// The Overview a newcomer sees for a real 300-row imbalanced review file (test/helpers/
// imbalanced-reviews.ts) at the default settings, as a screenshot and the numbers behind it (JSON
// on stdout). `--root <checkout>` runs another checkout's browser mode (an older commit in a git
// worktree) for before/after pictures; the page is driven from this one.
//   npx tsx scripts/overview-screenshot.ts --out after.png [--root ../old] [--seeds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BrowserModeServer, launchChromium } from '../test/helpers/browser-mode';
import { imbalancedReviewsCsv } from '../test/helpers/imbalanced-reviews';
import { pollFor } from '../test/helpers/wait-for-events';

const COMPARISON_MS = 30 * 60_000;

interface Row {
  metric: string;
  baselineMean: number | null;
  comparativeMean: number | null;
  meanDifference: number | null;
  evidence?: string;
  reference?: { value: number };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, root: { type: 'string' }, seeds: { type: 'string' } } });
  if (!values.out) throw new Error('--out <file.png> is required');
  const dataDir = mkdtempSync(join(tmpdir(), 'comparo-overview-'));
  const server = await BrowserModeServer.start({ dataDir, preset: 'default', ...(values.root ? { root: resolve(values.root) } : {}) });
  const browser = await launchChromium();
  try {
    const dataset = await server.invoke<{ id: string }>('datasets.importText', { fileName: 'reviews-300.csv', content: imbalancedReviewsCsv() });
    const started = Date.now();
    const c = await server.invoke<{ id: string }>('comparisons.start', { datasetId: dataset.id, ...(values.seeds ? { seeds: Number(values.seeds) } : {}) });
    const detail = await pollFor(
      'the comparison',
      async () => {
        const d = await server.invoke<{ comparison: { status: string }; table: Row[]; warnings?: string[]; runs: Array<{ config: { epochs: number }; step: number }> }>('comparisons.get', { id: c.id });
        return d.comparison.status === 'running' ? undefined : d;
      },
      COMPARISON_MS,
      1000,
    );
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.pageUrl}#/comparison/${encodeURIComponent(c.id)}`);
    await page.locator('[data-testid=comparison-table]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1000); // the analysis request fills the rest of the page
    await page.screenshot({ path: values.out, fullPage: true });
    const accuracy = detail.table.find((r) => r.metric === 'accuracy');
    const summary = {
      status: detail.comparison.status,
      seconds: Math.round((Date.now() - started) / 1000),
      epochs: detail.runs[0]?.config.epochs,
      steps: detail.runs.map((r) => r.step),
      accuracy: accuracy && { baseline: accuracy.baselineMean, comparative: accuracy.comparativeMean, difference: accuracy.meanDifference, evidence: accuracy.evidence ?? null, majority: accuracy.reference?.value ?? null },
      warnings: detail.warnings ?? [],
      screenshot: values.out,
    };
    console.log(JSON.stringify(summary, null, 2));
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
