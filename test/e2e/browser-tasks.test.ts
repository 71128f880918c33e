// End to end for every trainable task through the browser mode: a regression CSV, a multi-label
// JSONL and a folder with its own test split are imported as a page sends them, compared with 2 seeds, and each
// comparison is opened in headless Chromium, every view of its task's tab plan in turn
// (shared/comparison-views.ts). Each view must render without a page error, say which split its
// numbers are on (or why it does not apply), and give a non-blank screenshot under
// test-results/screenshots/<task>-<view>.png. Then the Playground and "Export model" on the
// regression and multi-label runs. Needs a Chromium-family browser (test/helpers/find-browser.ts; fails, not skips, without it).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Papa from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonViews } from '../../shared/comparison-views';
import type { DatasetTask } from '../../shared/tasks';
import { BrowserModeServer, launchChromium, pixelStats, prepareBrowserTest, ROOT, watchErrors } from '../helpers/browser-mode';
import { writeMultilabelJsonl, writeRegressionCsv, writeSplitFolder } from '../helpers/task-datasets';

const SCREENSHOTS = join(ROOT, 'test-results/screenshots');
const SERVER_START_MS = 90_000;
const COMPARISONS_MS = 8 * 60_000;
/** A few steps per run: 2 seeds x 2 arms x 3 datasets on the shared CI cores. */
const TINY = { epochs: 1, maxTrainExamples: 64, batchSize: 16, evalEverySteps: 2, utilityLevels: 2, utilityDraws: 1 };

interface Case {
  name: 'regression' | 'multilabel' | 'test-split';
  task: DatasetTask;
  /** The overview's heading: which split the headline table is on. */
  headline: RegExp;
  comparisonId: string;
  runIds: string[];
}

let server: BrowserModeServer | undefined;
let dataDir = '';
let browser: Browser | undefined;
const cases: Case[] = [];

const invoke = <T,>(channel: string, request: unknown): Promise<T> => server!.invoke<T>(channel, request);

async function waitForCompletion(ids: string[]): Promise<void> {
  const deadline = Date.now() + COMPARISONS_MS;
  for (const id of ids) {
    for (;;) {
      const detail = await invoke<{ comparison: { status: string }; runs: Array<{ status: string; error: string | null }> }>('comparisons.get', { id });
      if (detail.comparison.status === 'completed') break;
      if (detail.comparison.status !== 'running') throw new Error(`comparison ${detail.comparison.status}: ${JSON.stringify(detail.runs)}\n${(server?.log ?? '').slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`comparisons still running after ${COMPARISONS_MS / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Ticks exactly these runs in the Playground's run list (after its default choice has been made). */
async function chooseRuns(page: Page, wanted: Set<string>): Promise<void> {
  const boxes = page.locator('[data-testid=playground-run]');
  const checked = () => boxes.evaluateAll((els) => els.filter((el) => (el as unknown as { checked: boolean }).checked).map((el) => el.getAttribute('data-run-id')!));
  // The default (the newest comparison's arms) is set once the history has loaded.
  await expect.poll(async () => (await checked()).length, { timeout: 15_000 }).toBeGreaterThan(0);
  for (const id of await checked()) if (!wanted.has(id)) await page.locator(`[data-testid=playground-run][data-run-id="${id}"]`).click();
  for (const id of wanted) if (!(await checked()).includes(id)) await page.locator(`[data-testid=playground-run][data-run-id="${id}"]`).click();
  expect(new Set(await checked())).toEqual(wanted);
}

describe('browser mode: regression, multi-label and a test split, every view', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-tasks-'));
    const files = join(dataDir, 'files');
    mkdirSync(files);
    server = await BrowserModeServer.start({ dataDir });
    browser = await launchChromium();
    const inputs = [
      { name: 'regression', task: 'regression', headline: /Results on the validation split/, path: writeRegressionCsv(files) },
      { name: 'multilabel', task: 'multilabel', headline: /Results on the validation split/, path: writeMultilabelJsonl(files) },
      { name: 'test-split', task: 'classification', headline: /Results on the held-out test split, 80 examples/, path: writeSplitFolder(files) },
    ] as const;
    for (const input of inputs) {
      // As a page sends them: a dropped file's text, or a dropped folder's files.
      const dataset = statSync(input.path).isDirectory()
        ? await invoke<{ id: string; task: DatasetTask }>('datasets.importFiles', {
            name: basename(input.path),
            files: readdirSync(input.path).map((name) => ({ name, content: readFileSync(join(input.path, name), 'utf8') })),
          })
        : await invoke<{ id: string; task: DatasetTask }>('datasets.importText', { fileName: basename(input.path), content: readFileSync(input.path, 'utf8') });
      expect(dataset.task, input.name).toBe(input.task);
      const started = await invoke<{ id: string; runIds: string[] }>('comparisons.start', { datasetId: dataset.id, seeds: 2, config: TINY });
      cases.push({ name: input.name, task: input.task, headline: input.headline, comparisonId: started.id, runIds: started.runIds });
    }
    await waitForCompletion(cases.map((c) => c.comparisonId));
  }, SERVER_START_MS + COMPARISONS_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('opens every view of each task, each saying what it shows, with a non-blank screenshot', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
    const decoder = await browser!.newPage();
    const problems = watchErrors(page);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const list: Array<Record<string, unknown>> = [];
    for (const c of cases) {
      await page.goto(`${server!.pageUrl}#/comparison/${encodeURIComponent(c.comparisonId)}`);
      await page.locator('[data-testid=view-tab-overview]').waitFor({ timeout: 30_000 });
      const plans = comparisonViews(c.task);
      // The tabs are the task's plan, in order (regression has Scatter where classes have Confusion).
      expect(await page.locator('[role=tab]').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-testid')))).toEqual(plans.map((p) => `view-tab-${p.id}`));
      for (const plan of plans) {
        await page.click(`[data-testid=view-tab-${plan.id}]`);
        expect(await page.locator(`[data-testid=view-tab-${plan.id}]`).getAttribute('aria-selected')).toBe('true');
        // The tab is in the URL, so a copied link reopens this very view.
        expect(new URL(page.url()).hash).toBe(`#/comparison/${encodeURIComponent(c.comparisonId)}${plan.id === 'overview' ? '' : `/${plan.id}`}`);
        const panel = page.locator('#comparison-view-panel');
        if (plan.id === 'overview') {
          await page.getByRole('heading', { name: c.headline }).waitFor({ timeout: 15_000 });
        } else if (plan.notApplicable) {
          await expect.poll(() => panel.locator('[data-testid=not-applicable]').innerText().catch(() => ''), { timeout: 15_000 }).toContain(plan.notApplicable);
        } else {
          await panel.locator(`[data-testid=view-${plan.id}]`).waitFor({ timeout: 15_000 });
          await expect.poll(() => panel.locator('[role=alert]').count(), { message: `${c.name} ${plan.id} shows an error` }).toBe(0);
          // Views of stored predictions name their split; a test-split dataset's are on test.
          if (['per-class', 'confusion', 'scatter', 'examples'].includes(plan.id)) {
            const note = await panel.locator('[data-testid=split-note]').first().innerText({ timeout: 15_000 });
            expect(note, `${c.name} ${plan.id}`).toMatch(c.name === 'test-split' ? /held-out test split \(80 examples\)/ : /validation split/);
          }
        }
        if (plan.id === 'scatter') {
          for (const arm of ['baseline', 'comparative']) expect(Number(await panel.locator(`[data-testid=scatter-${arm}]`).getAttribute('data-points'))).toBeGreaterThan(0);
        }
        if (plan.id === 'per-class' && c.task === 'multilabel') {
          const labels = await panel.locator('[data-testid=per-class-table] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-class')).sort());
          expect(labels).toEqual(['ham', 'link', 'long', 'spam']);
        }
        const file = join(SCREENSHOTS, `${c.name}-${plan.id}.png`);
        await page.screenshot({ path: file, fullPage: true });
        const stats = await pixelStats(decoder, await panel.screenshot());
        // A note that says why a view does not apply is a paragraph of text; a drawn view has more.
        const minimum = plan.notApplicable ? 0.01 : 0.03;
        expect(stats.colours, `${c.name} ${plan.id} distinct colours`).toBeGreaterThan(20);
        expect(stats.foreground, `${c.name} ${plan.id} non-background share`).toBeGreaterThan(minimum);
        list.push({ task: c.name, view: plan.id, file: `test-results/screenshots/${c.name}-${plan.id}.png`, panelColours: stats.colours, panelForeground: +stats.foreground.toFixed(3) });
        console.log(`${c.name}-${plan.id}.png: panel ${stats.colours} colours, ${(stats.foreground * 100).toFixed(1)}% foreground`);
      }
    }
    // A link to a tab, opened in a new tab, shows that tab.
    const linked = await browser!.newPage();
    await linked.goto(`${server!.pageUrl}#/comparison/${encodeURIComponent(cases[0].comparisonId)}/scatter`);
    await linked.locator('[data-testid=view-tab-scatter][aria-selected=true]').waitFor({ timeout: 30_000 });
    await linked.close();
    writeFileSync(join(SCREENSHOTS, 'tasks-index.json'), `${JSON.stringify({ screenshots: list }, null, 2)}\n`);
    expect(problems).toEqual([]);
    await page.close();
    await decoder.close();
  }, 180_000);

  it('Playground: a regression run answers a number, a multi-label run a probability per label', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const problems = watchErrors(page);
    const regression = cases.find((c) => c.name === 'regression')!;
    const multilabel = cases.find((c) => c.name === 'multilabel')!;
    await page.goto(server!.pageUrl);
    await page.click('[data-testid=nav-playground]');
    await page.waitForSelector('[data-testid=playground-run]');
    // Every run of both comparisons (2 seeds x 2 arms each).
    const wanted = new Set([...regression.runIds, ...multilabel.runIds]);
    await chooseRuns(page, wanted);
    await page.fill('[data-testid=playground-text]', 'A wonderful film, one of the best I have seen this year. http://example.com');
    await page.click('[data-testid=playground-predict]');
    const results = page.locator('[data-testid=playground-result]');
    await expect.poll(() => results.count(), { timeout: 60_000 }).toBe(wanted.size);
    for (const runId of regression.runIds) {
      const card = page.locator(`[data-testid=playground-result][data-run-id="${runId}"]`);
      expect(await card.getAttribute('data-ok')).toBe('true');
      expect(await card.locator('[data-testid=playground-label]').innerText()).toMatch(/^-?\d+\.\d{4}$/);
      expect(await card.locator('[data-testid=probability-bar]').count()).toBe(0);
    }
    for (const runId of multilabel.runIds) {
      const card = page.locator(`[data-testid=playground-result][data-run-id="${runId}"]`);
      expect(await card.getAttribute('data-ok')).toBe('true');
      const bars = await card.locator('[data-testid=probability-bar]').evaluateAll((els) => els.map((el) => [el.getAttribute('data-label')!, Number(el.getAttribute('data-probability'))] as const));
      expect(bars.map(([label]) => label).sort()).toEqual(['ham', 'link', 'long', 'spam']);
      // Independent sigmoids: each in [0, 1], not a distribution over labels.
      for (const [, p] of bars) expect(p >= 0 && p <= 1).toBe(true);
      const shown = await card.locator('[data-testid=playground-label]').innerText();
      const over = bars.filter(([, p]) => p > 0.5).map(([label]) => label);
      if (over.length) expect(shown.split('|').sort()).toEqual(over.sort());
      else expect(shown).toBe('(no label over 0.5)');
      // Every label over 0.5 is the highlighted bar.
      expect((await card.locator('.label-bar.is-predicted').count())).toBe(over.length);
    }
    // A file through a regression run: the value column, no probabilities.
    await chooseRuns(page, new Set([regression.runIds[0]]));
    const downloading = page.waitForEvent('download', { timeout: 60_000 });
    await page.setInputFiles('[data-testid=playground-file]', { name: 'reviews.csv', mimeType: 'text/csv', buffer: Buffer.from('text\n"Awful, boring."\n"Loved every minute."\n') });
    const csv = readFileSync(await (await downloading).path(), 'utf8');
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toEqual(['text', 'predicted_value']);
    for (const row of parsed.data) expect(Number.isFinite(Number(row.predicted_value))).toBe(true);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-playground-tasks.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('exports the regression and multi-label runs', async () => {
    for (const name of ['regression', 'multilabel'] as const) {
      const runId = cases.find((c) => c.name === name)!.runIds[1];
      const result = await invoke<{ folder: string; files: string[] }>('runs.export', { runId, format: 'tfjs' });
      expect(result.folder).toBe(join(dataDir, 'exports', `${runId}-tfjs`));
      expect(result.files).toEqual(expect.arrayContaining(['model.json', 'weights.bin']));
      expect(existsSync(join(result.folder, 'weights.bin'))).toBe(true);
      const model = JSON.parse(readFileSync(join(result.folder, 'model.json'), 'utf8')) as Record<string, unknown>;
      expect(JSON.stringify(model), name).toContain(name === 'regression' ? 'regression' : 'multilabel');
    }
  }, 60_000);
});
