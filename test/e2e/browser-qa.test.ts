// End to end for extractive question answering through the browser mode: the embedded SQuAD 2.0
// excerpt (assets/datasets/squad-v2-excerpt.json) is imported, compared with 2 seeds on the task's
// defaults (shared/task-run-defaults.ts), and the comparison opened in headless Chromium, every
// view of the QA tab plan (shared/comparison-views.ts) in turn: the Overview names exact match
// and F1 beside the "always no answer" reference, the Examples view marks gold and predicted
// spans in the context, the Utility view draws F1 and exact match curves. Then the Playground
// answers a question from a pasted context, the HTML report lists the answers that changed, and
// a run exports. Needs a Chromium-family browser (test/helpers/find-browser.ts; fails, not skips).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonViews } from '../../shared/comparison-views';
import type { ComparisonDetail } from '../../shared/schemas';
import { BrowserModeServer, launchChromium, pixelStats, prepareBrowserTest, ROOT, watchErrors } from '../helpers/browser-mode';
import { pollFor } from '../helpers/wait-for-events';

const SCREENSHOTS = join(ROOT, 'test-results/screenshots');
/** 4 runs of 192 steps at the QA defaults (384 tokens): about 80 s alone, more on shared CI cores. */
const COMPARISON_MS = 8 * 60_000;

let server: BrowserModeServer | undefined;
let browser: Browser | undefined;
let dataDir = '';
let comparisonId = '';
let runIds: string[] = [];

const invoke = <T,>(channel: string, request: unknown): Promise<T> => server!.invoke<T>(channel, request);

describe('browser mode: question answering, every view', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-qa-'));
    // The default preset: the quick one's 256 examples x 1 epoch leave every answer "no answer".
    server = await BrowserModeServer.start({ dataDir, preset: 'default' });
    browser = await launchChromium();
    // As a person would: the import screen's SQuAD sample button.
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.pageUrl);
    await page.click('[data-testid=use-squad-sample]');
    const datasets = await pollFor('the SQuAD sample to import', async () => {
      const list = await invoke<Array<{ id: string; name: string; task: string }>>('datasets.list', {});
      return list.length > 0 ? list : undefined;
    }, 60_000, 250);
    await page.close();
    const dataset = datasets[0];
    expect(dataset.name).toBe('squad-v2-excerpt');
    expect(dataset.task).toBe('qa');
    const started = await invoke<{ id: string; runIds: string[] }>('comparisons.start', { datasetId: dataset.id, seeds: 2 });
    comparisonId = started.id;
    runIds = started.runIds;
    const detail = await pollFor('the QA comparison to finish', async () => {
      const d = await invoke<ComparisonDetail>('comparisons.get', { id: comparisonId });
      return d.comparison.status === 'running' ? undefined : d;
    }, COMPARISON_MS, 1000);
    expect(detail.comparison.status, JSON.stringify(detail.runs.map((r) => r.error))).toBe('completed');
  }, COMPARISON_MS + 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('opens every view: EM and F1 with the reference, marked answers, utility curves, non-blank screenshots', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
    const decoder = await browser!.newPage();
    const problems = watchErrors(page);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.goto(`${server!.pageUrl}#/comparison/${encodeURIComponent(comparisonId)}`);
    await page.locator('[data-testid=view-tab-overview]').waitFor({ timeout: 30_000 });
    const plans = comparisonViews('qa');
    expect(await page.locator('[role=tab]').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-testid')))).toEqual(plans.map((p) => `view-tab-${p.id}`));
    const list: Array<Record<string, unknown>> = [];
    for (const plan of plans) {
      await page.click(`[data-testid=view-tab-${plan.id}]`);
      const panel = page.locator('#comparison-view-panel');
      if (plan.id === 'overview') {
        await page.getByRole('heading', { name: /Results on the validation split/ }).waitFor({ timeout: 15_000 });
        const table = await panel.locator('[data-testid=comparison-table]').innerText();
        expect(table).toContain('Exact match');
        expect(table).toContain('F1');
        // The reference a reader needs beside EM and F1: a model that always says "no answer".
        const reference = panel.locator('[data-testid=comparison-table] td[data-arm=reference]').first();
        expect(await reference.getAttribute('title')).toBe('always “no answer”');
        expect(Number(await reference.getAttribute('data-value'))).toBeCloseTo(95 / 193, 4);
      } else if (plan.notApplicable) {
        await expect.poll(() => panel.locator('[data-testid=not-applicable]').innerText().catch(() => ''), { timeout: 15_000 }).toContain(plan.notApplicable);
      } else {
        await panel.locator(`[data-testid=view-${plan.id}]`).waitFor({ timeout: 15_000 });
        await expect.poll(() => panel.locator('[role=alert]').count(), { message: `qa ${plan.id} shows an error` }).toBe(0);
      }
      if (plan.id === 'examples') {
        expect(await panel.locator('[data-testid=view-examples]').getAttribute('data-mode')).toBe('answers');
        expect(await panel.locator('[data-testid=split-note]').first().innerText()).toMatch(/validation split/);
        // The seeds' answers differ somewhere (EM 0.4974 vs 0.4922 on seed 1 when measured); open
        // whichever list has examples and check each card marks at least one span in its context.
        const fixed = await panel.locator('[data-testid=examples-fixed-tab]').innerText();
        const broken = await panel.locator('[data-testid=examples-broken-tab]').innerText();
        const count = (label: string) => Number(/\((\d+)\)/.exec(label)?.[1] ?? 0);
        expect(count(fixed) + count(broken), `${fixed} / ${broken}`).toBeGreaterThan(0);
        if (count(fixed) === 0) await panel.locator('[data-testid=examples-broken-tab]').click();
        await panel.locator('[data-testid=qa-legend]').waitFor({ timeout: 10_000 });
        const cards = panel.locator('[data-testid=qa-example]');
        expect(await cards.count()).toBeGreaterThan(0);
        for (let i = 0; i < (await cards.count()); i++) {
          const card = cards.nth(i);
          expect(await card.locator('[data-testid=qa-question]').innerText()).toMatch(/\?\s*$|\w/);
          expect(await card.locator('mark.qa-mark').count(), `card ${i} marks a span`).toBeGreaterThan(0);
          expect(await card.locator('[data-testid=qa-answer-baseline]').count()).toBe(1);
          expect(await card.locator('[data-testid=qa-answer-comparative]').count()).toBe(1);
        }
      }
      if (plan.id === 'utility') {
        await panel.locator('[data-testid=utility-crop-chart]').waitFor({ timeout: 15_000 });
        expect(await panel.locator('[data-testid=utility-crop-exact_match-chart]').count()).toBe(1);
      }
      const file = join(SCREENSHOTS, `qa-${plan.id}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const stats = await pixelStats(decoder, await panel.screenshot());
      const minimum = plan.notApplicable ? 0.01 : 0.03;
      expect(stats.colours, `qa ${plan.id} distinct colours`).toBeGreaterThan(20);
      expect(stats.foreground, `qa ${plan.id} non-background share`).toBeGreaterThan(minimum);
      list.push({ task: 'qa', view: plan.id, file: `test-results/screenshots/qa-${plan.id}.png`, panelColours: stats.colours, panelForeground: +stats.foreground.toFixed(3) });
    }
    writeFileSync(join(SCREENSHOTS, 'qa-index.json'), `${JSON.stringify({ screenshots: list }, null, 2)}\n`);
    expect(problems).toEqual([]);
    await page.close();
    await decoder.close();
  }, 180_000);

  it('Playground: a QA run answers a question from a pasted context, with the no-answer probability', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = watchErrors(page);
    await page.goto(server!.pageUrl);
    await page.click('[data-testid=nav-playground]');
    await page.waitForSelector('[data-testid=playground-run]');
    // The default choice is the newest comparison's arms: this one's.
    await expect.poll(() => page.locator('[data-testid=playground-run]:checked').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.fill('[data-testid=playground-text]', 'Where is the Eiffel Tower?');
    await page.fill('[data-testid=playground-text-pair]', 'The Eiffel Tower is a wrought-iron lattice tower in Paris, France. It was built for the 1889 World Fair.');
    await page.click('[data-testid=playground-predict]');
    const results = page.locator('[data-testid=playground-result]');
    const chosen = await page.locator('[data-testid=playground-run]:checked').count();
    await expect.poll(() => results.count(), { timeout: 60_000 }).toBe(chosen);
    for (let i = 0; i < chosen; i++) {
      const card = results.nth(i);
      expect(await card.getAttribute('data-ok')).toBe('true');
      expect(runIds).toContain(await card.getAttribute('data-run-id'));
      const answer = await card.locator('[data-testid=playground-label]').innerText();
      // "no answer", or a span that is in the pasted context.
      if (answer !== 'no answer') expect('The Eiffel Tower is a wrought-iron lattice tower in Paris, France. It was built for the 1889 World Fair.').toContain(answer);
      expect(await card.innerText()).toMatch(/Probability of no answer \d+\.\d%/);
    }
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-playground-qa.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('the HTML report lists the answers that changed; a run exports', async () => {
    const report = await invoke<{ fileName: string; content: string }>('comparisons.report', { id: comparisonId, format: 'html' });
    expect(report.fileName).toMatch(/\.html$/);
    expect(report.content).toContain('Answers that changed');
    expect(report.content).toContain('Exact match');
    expect(report.content).toMatch(/<mark class="qa qa-/);
    const result = await invoke<{ folder: string; files: string[] }>('runs.export', { runId: runIds[1], format: 'tfjs' });
    expect(result.files).toEqual(expect.arrayContaining(['model.json', 'weights.bin']));
    expect(existsSync(join(result.folder, 'weights.bin'))).toBe(true);
    expect(readFileSync(join(result.folder, 'model.json'), 'utf8')).toContain('qa');
  }, 60_000);
});
