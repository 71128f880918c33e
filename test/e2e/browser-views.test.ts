// End to end: a finished 3-seed comparison, opened in headless Chromium through the browser mode,
// every view of it in turn. Each view is checked for its content (headings, table rows, charts
// with a drawn canvas) and saved as test-results/screenshots/<view>.png, which must not be blank.
// Needs a Chromium-family browser (test/helpers/find-browser.ts); fails, not skips, without it.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserModeServer, launchChromium, pixelStats, prepareBrowserTest, ROOT } from '../helpers/browser-mode';
import { DATABASE_FILE } from '../../main/db/connection';
import { GLOSSARY } from '../../shared/glossary';

const SCREENSHOTS = join(ROOT, 'test-results/screenshots');
const SERVER_START_MS = 90_000;
const COMPARISON_MS = 6 * 60_000;
/** Small enough for the shared CI cores: 3 seeds x 2 arms of a few steps, validated every 2 steps. */
const TINY = { epochs: 1, maxTrainExamples: 64, batchSize: 16, evalEverySteps: 2, utilityLevels: 2, utilityDraws: 1 };
const VIEWS = ['overview', 'curves', 'per-class', 'confusion', 'examples', 'utility', 'compute', 'live'] as const;

let server: BrowserModeServer | undefined;
let dataDir = '';
let origin = '';
let token = '';
let pageUrl = '';
let browser: Browser | undefined;
let comparisonId = '';

async function startServer(): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-views-'));
  server = await BrowserModeServer.start({ dataDir });
  ({ origin, token, pageUrl } = server);
}

async function stopServer(): Promise<void> {
  await server?.stop();
}

const invoke = <T,>(channel: string, request: unknown): Promise<T> => server!.invoke<T>(channel, request);

async function runFinishedComparison(): Promise<string> {
  const dataset = await invoke<{ id: string }>('datasets.importEmbedded', {});
  const started = await invoke<{ id: string }>('comparisons.start', { datasetId: dataset.id, seeds: 3, config: TINY });
  const deadline = Date.now() + COMPARISON_MS;
  for (;;) {
    const detail = await invoke<{ comparison: { status: string }; runs: Array<{ status: string; error: string | null }> }>('comparisons.get', { id: started.id });
    if (detail.comparison.status === 'completed') return started.id;
    if (detail.comparison.status !== 'running') throw new Error(`comparison ${detail.comparison.status}: ${JSON.stringify(detail.runs)}\n${(server?.log ?? '').slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`comparison still running after ${COMPARISON_MS / 1000}s: ${JSON.stringify(detail.runs.map((r) => r.status))}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Every chart in the view has a uPlot canvas with a real size and no "no data" notice. */
async function expectDrawnCharts(page: Page, testIds: string[]): Promise<void> {
  for (const id of testIds) {
    const chart = page.locator(`[data-testid="${id}"]`);
    await chart.waitFor({ timeout: 15_000 });
    const box = await chart.locator('canvas').first().boundingBox();
    expect(box?.width ?? 0, `${id} canvas width`).toBeGreaterThan(100);
    expect(box?.height ?? 0, `${id} canvas height`).toBeGreaterThan(50);
    // Charts fed by a second request (every seed's curves) may show "no data" for a moment.
    await expect.poll(() => chart.locator('.chart-empty').count(), { message: `${id} shows "no data"`, timeout: 15_000 }).toBe(0);
  }
}

/** The Overview's accuracy per arm and seed (and the arm means), which Curves and Compute must agree with: one checkpoint per run. */
const overviewAccuracy = new Map<string, number>();
const dataValue = async (page: Page, selector: string) => Number(await page.locator(selector).getAttribute('data-value'));

const checks: Record<(typeof VIEWS)[number], (page: Page) => Promise<void>> = {
  overview: async (page) => {
    await page.getByRole('heading', { name: 'Results on the validation split' }).waitFor();
    const accuracy = page.locator('[data-testid=comparison-table] tr[data-metric=accuracy]');
    expect(await accuracy.locator('td[data-arm=baseline]').count()).toBe(3);
    for (const arm of ['baseline', 'comparative']) {
      for (const seed of [1, 2, 3]) overviewAccuracy.set(`${arm}-${seed}`, await dataValue(page, `[data-testid=comparison-table] tr[data-metric=accuracy] td[data-arm=${arm}][data-seed="${seed}"]`));
      overviewAccuracy.set(`${arm}-mean`, await dataValue(page, `[data-testid=comparison-table] tr[data-metric=accuracy] td[data-arm=${arm}-mean]`));
    }
    // Words: method terms explain themselves on hover, with the glossary's sentence; metric names read as words, never as keys.
    expect(await page.locator('abbr', { hasText: 'ablated copies' }).getAttribute('title')).toBe(`${GLOSSARY.C} ${GLOSSARY['ablated copy']}`);
    expect(await page.locator('abbr', { hasText: 'target ultra' }).getAttribute('title')).toBe(GLOSSARY.target);
    const dropRow = page.locator('[data-testid=comparison-table] tr[data-metric=utility_drop_beaten_share] th');
    expect(await dropRow.textContent()).toBe('Beaten by a dropout copy');
    expect(await dropRow.getAttribute('title')).toBe(GLOSSARY['beaten by a dropout copy']);
    expect(await page.locator('[data-testid=comparison-table] th[title]', { hasText: 'Learned' }).getAttribute('title')).toBe(GLOSSARY['learned nothing']);
    // The whole table, difference and reference columns included, fits a 1440 px window with 3 seeds per arm.
    const overflow = await page.locator('[data-testid=comparison-table]').evaluate((table) => {
      const box = table.parentElement as unknown as { scrollWidth: number; clientWidth: number };
      return box.scrollWidth - box.clientWidth;
    });
    expect(overflow, 'comparison table scrolls sideways at 1440 px').toBeLessThanOrEqual(0);
    // Fair cost: FLOPs per step are listed but never judged, and the wall time of runs that shared the cores is not compared (CPU time is).
    const costEvidence = (metric: string) => page.locator(`[data-testid=comparison-table] tr[data-metric=${metric}] td[data-arm=difference]`).getAttribute('data-evidence');
    expect(await costEvidence('flops_per_step')).toBe('not_compared');
    expect(await page.locator('[data-testid=comparison-table] tr[data-metric=flops_per_step] td[data-arm=baseline-mean]').textContent()).toMatch(/^\d+(\.\d+)? [kMGTP]$/);
    expect(await costEvidence('concurrent_trainers')).toBe('not_compared');
    expect(await costEvidence('ms_per_step')).toBe('not_compared');
    expect(await page.locator('[data-testid=comparison-table] tr[data-metric=ms_per_step] td[data-arm=difference]').getAttribute('title')).toMatch(/shared the cores/);
    expect(await costEvidence('cpu_ms_per_step')).not.toBe('not_compared');
    expect(await page.locator('main').innerText()).not.toMatch(/\b(ms_per_step|cpu_ms_per_step|macro_f1|utility_\w+_beaten_share)\b/);
    expect(await accuracy.locator('td[data-arm=difference]').getAttribute('data-value')).not.toBe('');
    expect(await page.locator('[data-testid=run-row]').count()).toBe(6);
  },
  curves: async (page) => {
    await page.getByRole('heading', { name: 'Validation curves across seeds' }).waitFor();
    await expectDrawnCharts(page, ['curves-accuracy-chart', 'curves-loss-chart', 'validation-accuracy-chart']);
    // The trajectory view names the checkpoint the Overview scored, with the same number.
    for (const arm of ['baseline', 'comparative']) {
      for (const seed of [1, 2, 3]) expect(await dataValue(page, `[data-testid=selected-${arm}-${seed}]`), `${arm} seed ${seed}`).toBeCloseTo(overviewAccuracy.get(`${arm}-${seed}`)!, 9);
    }
  },
  'per-class': async (page) => {
    await page.getByRole('heading', { name: /Per class/ }).waitFor();
    const rows = page.locator('[data-testid=per-class-table] tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-class')).sort())).toEqual(['negative', 'positive']);
    expect(await rows.first().locator('td[data-arm=difference]').count()).toBe(3);
  },
  confusion: async (page) => {
    await page.getByRole('heading', { name: 'Confusion matrices' }).waitFor();
    for (const id of ['confusion-baseline', 'confusion-comparative', 'confusion-difference']) {
      expect(await page.locator(`[data-testid=${id}] tbody td`).count(), id).toBe(4);
    }
    // Summed over 3 seeds, every validation example is counted once per seed in each arm.
    const cells = await page.locator('[data-testid=confusion-baseline] tbody td').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(3 * 400);
  },
  examples: async (page) => {
    await page.getByRole('heading', { name: /Examples fixed and broken/ }).waitFor();
    expect(await page.locator('[data-testid=examples-per-seed] tbody tr').count()).toBe(3);
    const listed = (await page.locator('[data-testid=example-row]').count()) + (await page.locator('[data-testid=examples-empty]').count());
    expect(listed).toBeGreaterThan(0);
  },
  utility: async (page) => {
    await page.getByRole('heading', { name: /Neuronal utility/ }).waitFor();
    await expectDrawnCharts(page, ['utility-drop-band-chart', 'utility-drop-chart']);
  },
  compute: async (page) => {
    await page.getByRole('heading', { name: 'At equal compute' }).waitFor();
    await expectDrawnCharts(page, ['compute-seconds-chart', 'compute-flops-chart']);
    expect(await page.locator('[data-testid=compute-table] tbody tr').count()).toBe(2);
    for (const arm of ['baseline', 'comparative']) {
      expect(await dataValue(page, `[data-testid=compute-selected-${arm}]`), arm).toBeCloseTo(overviewAccuracy.get(`${arm}-mean`)!, 9);
      // CPU time per step is measured next to wall time: a run that shared the cores is not read as slower.
      expect(await page.locator(`[data-testid=compute-cpu-${arm}]`).textContent()).toMatch(/\d ms$/);
    }
  },
  live: async (page) => {
    await page.getByRole('heading', { name: /Loss decomposition/ }).waitFor();
    await expectDrawnCharts(page, ['training-loss-chart']);
  },
};

describe('browser mode: every view of a finished comparison', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    await startServer();
    browser = await launchChromium();
    comparisonId = await runFinishedComparison();
  }, SERVER_START_MS + COMPARISON_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('opens each view, shows its content and saves a non-blank screenshot', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
    const decoder = await browser!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${pageUrl}#/comparison/${encodeURIComponent(comparisonId)}`);
    await page.locator('[data-testid=view-tab-overview]').waitFor({ timeout: 30_000 });
    mkdirSync(SCREENSHOTS, { recursive: true });
    const list: Array<Record<string, unknown>> = [];

    for (const view of VIEWS) {
      await page.click(`[data-testid=view-tab-${view}]`);
      expect(await page.locator(`[data-testid=view-tab-${view}]`).getAttribute('aria-selected')).toBe('true');
      await checks[view](page);
      const file = join(SCREENSHOTS, `${view}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const whole = await pixelStats(decoder, readFileSync(file));
      expect(whole.width, `${view}.png width`).toBe(1440);
      // The view's own panel, without the app's header and sidebar (which alone would not be blank):
      // a blank panel is one colour; a heading alone leaves ~0.2% foreground; text and charts give more.
      const panel = await pixelStats(decoder, await page.locator('#comparison-view-panel').screenshot());
      console.log(`${view}.png: ${whole.width}x${whole.height}, ${whole.colours} colours; panel ${panel.colours} colours, ${(panel.foreground * 100).toFixed(1)}% foreground`);
      expect(panel.colours, `${view} panel distinct colours`).toBeGreaterThan(50);
      expect(panel.foreground, `${view} panel share of non-background pixels`).toBeGreaterThan(0.03);
      list.push({ view, file: `test-results/screenshots/${view}.png`, width: whole.width, height: whole.height, panelColours: panel.colours, panelForeground: +panel.foreground.toFixed(3) });
    }
    // The screenshot list for a closing note or a CI artifact.
    writeFileSync(join(SCREENSHOTS, 'index.json'), `${JSON.stringify({ comparisonId, screenshots: list }, null, 2)}\n`);
    expect(problems).toEqual([]);
    await page.close();
    await decoder.close();
  }, 120_000);

  it('stored every evaluation with the trainer-measured training time the compute view plots', () => {
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    const rows = db.prepare('SELECT run_id AS runId, step, training_ms AS ms FROM evaluations ORDER BY run_id, step').all() as Array<{ runId: string; step: number; ms: number | null }>;
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(6 * 2); // 6 runs, evaluated every 2 of their 4 steps
    for (const row of rows) expect(row.ms, `${row.runId} step ${row.step}`).toBeGreaterThan(0);
    // Cumulative: later evaluations of a run never report less training time.
    for (let i = 1; i < rows.length; i++) if (rows[i].runId === rows[i - 1].runId) expect(rows[i].ms!).toBeGreaterThanOrEqual(rows[i - 1].ms!);
  });
});
