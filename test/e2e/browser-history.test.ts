// End to end through browser mode: the history panel's search, inline rename and tags,
// delete-with-confirmation, and "Compare selected" (an ad-hoc comparison) with its report
// download. The history is seeded with finished runs in a real SQLite file (no minutes of
// training), then driven in real Chromium against the real server process.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserModeServer, launchChromium, prepareBrowserTest, ROOT } from '../helpers/browser-mode';
import { openServices } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import type { DatasetSummary } from '../../shared/schemas';
import { seedRuns } from '../helpers/seed-history';

const SERVER_START_MS = 90_000;

let server: BrowserModeServer | undefined;
let pageUrl = '';
let browser: Browser | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-history-'));

async function startServer(): Promise<void> {
  server = await BrowserModeServer.start({ dataDir });
  pageUrl = server.pageUrl;
}

async function stopServer(): Promise<void> {
  await server?.stop();
}

const runItems = (page: Page) => page.locator('[data-history-run-item]');
/** Attribute values of every match (Locator API: this file type-checks without the DOM library). */
const attributes = async (locator: Locator, name: string) => Promise.all((await locator.all()).map((l) => l.getAttribute(name)));
const runItem = (page: Page, id: string) => page.locator(`[data-history-run-item="${id}"]`);

describe('browser mode: the run history', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    const setup = openServices({ dataDir, launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick' });
    const imported = await setup.dispatch('datasets.importEmbedded', {});
    await setup.close();
    if (!imported.ok) throw new Error(imported.error.message);
    const d = imported.value as DatasetSummary;
    seedRuns(dataDir, [
      ...[1, 2, 3].flatMap((seed) => [
        { id: `r-b${seed}`, datasetId: d.id, dataHash: d.contentHash, loss: 'baseline' as const, seed, accuracy: 0.7 + seed / 100 },
        { id: `r-c${seed}`, datasetId: d.id, dataHash: d.contentHash, loss: 'comparative' as const, seed, accuracy: 0.72 + (seed * 1.5) / 100 },
      ]),
      { id: 'r-junk', datasetId: d.id, dataHash: d.contentHash, loss: 'baseline' as const, seed: 7, accuracy: 0.5, name: 'failed experiment' },
      // Same loss, another dropout: compared with r-b1/r-b2 the arms differ by a setting, and the view labels them by it.
      ...[1, 2].map((seed) => ({ id: `r-d${seed}`, datasetId: d.id, dataHash: d.contentHash, loss: 'baseline' as const, seed, accuracy: 0.74, name: `high dropout · s${seed}`, config: { dropout: 0.3 } })),
    ]);
    await startServer();
    browser = await launchChromium();
  }, SERVER_START_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer();
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('searches, renames and tags, deletes after confirming, and compares the selected runs', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(pageUrl);
    await expect.poll(() => runItems(page).count(), { timeout: 30_000 }).toBe(9);

    // Search: the server filters by name, id, dataset and tag.
    await page.fill('[data-testid=history-search]', 'seed 2');
    await expect.poll(() => attributes(runItems(page), 'data-history-run-item').then((ids) => ids.sort())).toEqual(['r-b2', 'r-c2']);
    await page.fill('[data-testid=history-search]', 'no such run anywhere');
    await page.locator('[data-testid=history-no-match]').waitFor();
    await page.fill('[data-testid=history-search]', '');
    await expect.poll(() => runItems(page).count()).toBe(9);

    // Inline rename and tags, then find the run by its new tag.
    const item = runItem(page, 'r-c1');
    await item.hover();
    await item.locator('[data-testid=history-edit]').click();
    await item.locator('[data-testid=history-rename-input]').fill('<b>best</b> comparative');
    await item.locator('[data-testid=history-tags-input]').fill('paper, keep');
    await item.locator('[data-testid=history-save]').click();
    await expect.poll(() => item.locator('[data-testid=history-run-name]').innerText()).toBe('<b>best</b> comparative');
    expect(await item.locator('[data-testid=history-tag]').allInnerTexts()).toEqual(['keep', 'paper']);
    await page.fill('[data-testid=history-search]', 'paper');
    await expect.poll(() => attributes(runItems(page), 'data-history-run-item')).toEqual(['r-c1']);
    await page.fill('[data-testid=history-search]', '');

    // Delete with confirmation: the dialog names the run; Cancel keeps it, confirming removes it.
    await runItem(page, 'r-junk').locator('[data-testid=history-select]').check();
    await page.click('[data-testid=delete-selected]');
    const dialog = page.locator('[data-testid=confirm-delete]');
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Delete 1 run\?[\s\S]*failed experiment \(r-junk, completed\)/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await runItem(page, 'r-junk').count()).toBe(1);
    await page.click('[data-testid=delete-selected]');
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-history-confirm.png') });
    await page.click('[data-testid=confirm-delete-button]');
    await expect.poll(() => runItem(page, 'r-junk').count()).toBe(0);
    expect(existsSync(join(dataDir, 'checkpoints', 'r-junk'))).toBe(false);

    await runItem(page, 'r-b1').locator('[data-testid=history-select]').check();
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-history-panel.png') });
    await runItem(page, 'r-b1').locator('[data-testid=history-select]').uncheck();

    // Compare selected: six runs that pair by seed become an ad-hoc comparison with paired statistics.
    for (const id of ['r-b1', 'r-b2', 'r-b3', 'r-c1', 'r-c2', 'r-c3']) await runItem(page, id).locator('[data-testid=history-select]').check();
    await page.click('[data-testid=compare-selected]');
    await page.waitForURL(/#\/comparison\/c-/);
    const table = page.locator('[data-testid=comparison-table]');
    await table.waitFor({ timeout: 30_000 });
    const accuracy = await attributes(table.locator('tr[data-metric=accuracy] td[data-arm=baseline]'), 'data-value');
    expect(accuracy.map(Number)).toEqual([0.71, 0.72, 0.73]);

    await page.screenshot({ path: join(ROOT, 'test-results/e2e-history.png') });

    // The report downloads as one self-contained HTML file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-html]')]);
    expect(download.suggestedFilename()).toMatch(/^comparison-c-[0-9a-f]+\.html$/);
    const saved = join(dataDir, 'downloaded-report.html');
    await download.saveAs(saved);
    const html = readFileSync(saved, 'utf8');
    expect(html).toContain('&lt;b&gt;best&lt;/b&gt; comparative');
    expect(html).not.toMatch(/<script|https?:\/\//i);
    // The comparison itself: renamed inline, then deleted after confirming; its borrowed runs stay.
    const comparisonItem = page.locator('[data-history-comparison-item]');
    await comparisonItem.hover();
    await comparisonItem.locator('[data-testid=comparison-edit]').click();
    await comparisonItem.locator('[data-testid=comparison-rename-input]').fill('hand-picked seeds');
    await comparisonItem.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => comparisonItem.locator('.history-title').innerText()).toBe('hand-picked seeds');
    await comparisonItem.hover();
    await comparisonItem.locator('[data-testid=comparison-edit]').click();
    await comparisonItem.getByRole('button', { name: 'Delete…' }).click();
    const confirmComparison = page.locator('[data-testid=confirm-delete-comparison]');
    expect(await confirmComparison.innerText()).toMatch(/hand-picked seeds[\s\S]*6 runs were chosen from the history and stay there/);
    await page.click('[data-testid=confirm-delete-comparison-button]');
    await expect.poll(() => comparisonItem.count()).toBe(0);
    expect(await runItems(page).count()).toBe(8);

    // Runs of one loss that differ in dropout: the view names each arm by that setting, not as
    // "Baseline" vs "Comparative".
    for (const id of ['r-b3', 'r-c1', 'r-c2', 'r-c3']) await runItem(page, id).locator('[data-testid=history-select]').uncheck();
    for (const id of ['r-b1', 'r-b2', 'r-d1', 'r-d2']) await runItem(page, id).locator('[data-testid=history-select]').check();
    await page.click('[data-testid=compare-selected]');
    await page.waitForURL(/#\/comparison\/c-/);
    await page.locator('[data-testid=comparison-table]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=comparison-title]').innerText()).toBe('baseline (dropout 0.1) vs baseline (dropout 0.3)');
    expect(await page.locator('[data-testid=arm-header-baseline]').innerText()).toBe('Baseline (dropout 0.1)');
    expect(await page.locator('[data-testid=arm-header-comparative]').innerText()).toBe('Baseline (dropout 0.3)');
    // Two seeds, +1 point and +0: the test finds no evidence, and the sentence says so (no "improved").
    expect(await page.locator('[data-testid=verdict]').innerText()).toMatch(/^No evidence that baseline \(dropout 0\.3\) \(against baseline \(dropout 0\.1\)\) changed validation accuracy/);
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-history-arm-labels.png') });
    // The per-seed curves colour and name runs by arm, not by their (shared) loss.
    await page.click('[data-testid=view-tab-curves]');
    await expect.poll(() => page.locator('[data-testid=validation-accuracy-chart]').innerText().catch(() => ''), { timeout: 30_000 }).toContain('baseline (dropout 0.3) · seed 2');

    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
