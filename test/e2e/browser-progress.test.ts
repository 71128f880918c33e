// The main path while a comparison trains, in headless Chromium: one bar over every run's steps
// with the time left, "Cancel all…" that asks before it stops anything, and a line saying the
// comparison ended when it does while the page is open; "evaluating" while a run scores its model
// after the last step, and a cancelled seed trained again from the comparison view.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonDetail } from '../../shared/schemas';
import { BrowserModeServer, launchChromium, prepareBrowserTest, ROOT } from '../helpers/browser-mode';
import { pollFor } from '../helpers/wait-for-events';

let server: BrowserModeServer | undefined;
let browser: Browser | undefined;
let dataDir = '';

describe('browser mode: a comparison in progress', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-progress-'));
    server = await BrowserModeServer.start({ dataDir });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('shows overall progress with the time left; Cancel all asks first, then stops every run, and says the comparison ended', async () => {
    const dataset = await server!.invoke<{ id: string }>('datasets.importEmbedded', { name: 'spam' });
    // Long enough to still train when the page acts: 3 seeds, several epochs of the quick model.
    const started = await server!.invoke<{ id: string }>('comparisons.start', { datasetId: dataset.id, seeds: 3, config: { epochs: 6, utilityLevels: 0 } });
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server!.pageUrl}#/comparison/${encodeURIComponent(started.id)}`);
    const bar = page.locator('[data-testid=comparison-progress]');
    await bar.waitFor({ timeout: 30_000 });
    // Six runs of the same length: the total is six times one run's steps, and the ETA appears once a run has measured its speed.
    await expect.poll(async () => Number(await bar.getAttribute('data-total')), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid=comparison-eta]').innerText(), { timeout: 60_000 }).toMatch(/^\d+% · \d of 6 runs finished · about \S+ left$/);
    const detail = await server!.invoke<ComparisonDetail>('comparisons.get', { id: started.id });
    const perRun = Math.max(...detail.runs.map((r) => r.totalSteps));
    expect(Number(await bar.getAttribute('data-total'))).toBe(6 * perRun);
    // The first click only asks.
    await page.click('[data-testid=cancel-all]');
    expect((await server!.invoke<ComparisonDetail>('comparisons.get', { id: started.id })).comparison.status).toBe('running');
    await page.click('[data-testid=cancel-all-confirm]');
    await pollFor('every run stopped', async () => {
      const d = await server!.invoke<ComparisonDetail>('comparisons.get', { id: started.id });
      return d.comparison.status === 'running' ? undefined : d;
    }, 60_000, 300);
    await page.locator('[data-testid=comparison-done]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=comparison-done]').innerText()).toMatch(/The comparison is (cancelled|completed)/);
    const runs = (await server!.invoke<ComparisonDetail>('comparisons.get', { id: started.id })).runs;
    expect(runs.filter((r) => r.status === 'cancelled').length).toBeGreaterThan(0);
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-progress-cancelled.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it('says "evaluating" while a run scores its model after the last step, and re-runs a cancelled seed from the comparison view', async () => {
    const dataset = await server!.invoke<{ id: string }>('datasets.importEmbedded', { name: 'spam' });
    // Utility at every level with the most draws: seconds of scoring after the last step.
    const started = await server!.invoke<{ id: string }>('comparisons.start', { datasetId: dataset.id, seeds: 1, config: { epochs: 2, utilityLevels: 10, utilityDraws: 10 } });
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server!.pageUrl}#/comparison/${encodeURIComponent(started.id)}`);
    await page.locator('[data-testid=run-row]').first().waitFor({ timeout: 30_000 });
    // A phase can last less than a poll: record every one the page ever renders.
    // (A script string: this file is compiled without the DOM types.)
    await page.evaluate(`{
      const seen = new Set();
      window.seenPhases = seen;
      const note = () => document.querySelectorAll('[data-phase]').forEach((el) => seen.add(el.getAttribute('data-phase') + '|' + el.textContent));
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      note();
    }`);
    const seenPhases = () => page.evaluate('[...window.seenPhases]') as Promise<string[]>;

    // Cancel the comparative run (asked first), from its row.
    const detail = await server!.invoke<ComparisonDetail>('comparisons.get', { id: started.id });
    const comparative = detail.runs.find((r) => r.loss === 'comparative')!;
    const row = page.locator(`[data-testid=run-row][data-run-id="${comparative.id}"]`);
    await row.locator('[data-testid=run-cancel]').click();
    await row.locator('[data-testid=run-cancel-confirm]').click();
    await pollFor('the comparison to end without its comparative run', async () => {
      const d = await server!.invoke<ComparisonDetail>('comparisons.get', { id: started.id });
      return d.comparison.status === 'running' ? undefined : d;
    }, 180_000, 300);
    await page.locator('.comparison-view[data-comparison-status=cancelled]').waitFor({ timeout: 30_000 });
    // The baseline scored utility after its last step: the row said so instead of a bar frozen at 100%.
    await expect.poll(seenPhases, { timeout: 10_000 }).toContain('evaluating|evaluating');

    // "Re-run seed 1": the cancelled arm trains again; the comparison runs, then completes with one complete pair.
    await page.locator('[data-testid=rerun-seed][data-seed="1"]').click();
    await page.locator('.comparison-view[data-comparison-status=running]').waitFor({ timeout: 30_000 });
    await page.locator('.comparison-view[data-comparison-status=completed]').waitFor({ timeout: 180_000 });
    await expect.poll(() => page.locator('[data-testid=table-coverage]').innerText(), { timeout: 30_000 }).toMatch(/1 complete seed pair of 1/);
    expect(await page.locator('[data-testid=rerun-seed]').count()).toBe(0);
    const after = await server!.invoke<ComparisonDetail>('comparisons.get', { id: started.id });
    expect(after.runs.find((r) => r.id === comparative.id)?.status).toBe('completed');
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-progress-rerun.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 420_000);
});
