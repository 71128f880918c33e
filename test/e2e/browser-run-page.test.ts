// End to end through browser mode: runs grouped under their comparison in the history, names that
// differ by the one setting two comparisons differ in, and the run page's linkable tabs (config,
// log, backend, checkpoints) reopened from a copied URL in a new page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserModeServer, launchChromium, prepareBrowserTest } from '../helpers/browser-mode';
import { openDatabase } from '../../main/db/connection';
import { openServices } from '../../main/services';
import { forkTrainerLauncher } from '../../main/training/node-launcher';
import { DEFAULT_RUN_CONFIG, type DatasetSummary } from '../../shared/schemas';
import { seedRuns } from '../helpers/seed-history';

let server: BrowserModeServer | undefined;
let browser: Browser | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-run-page-'));

describe('browser mode: grouped history and the run page', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    const setup = openServices({ dataDir, launcher: forkTrainerLauncher, transport: 'cli', preset: 'quick' });
    const imported = await setup.dispatch('datasets.importEmbedded', {});
    await setup.close();
    if (!imported.ok) throw new Error(imported.error.message);
    const d = imported.value as DatasetSummary;
    const db = openDatabase(dataDir);
    const insert = db.prepare(`INSERT INTO comparisons (id, dataset_id, seeds_json, config_json, status, created_at, finished_at, name, kind) VALUES (?, ?, '[1]', ?, 'completed', ?, ?, NULL, 'seeded')`);
    insert.run('c-lr1', d.id, JSON.stringify({ ...DEFAULT_RUN_CONFIG, learningRate: 5e-5 }), '2026-03-01T10:00:00Z', '2026-03-01T10:05:00Z');
    insert.run('c-lr2', d.id, JSON.stringify({ ...DEFAULT_RUN_CONFIG, learningRate: 2e-4 }), '2026-03-01T11:00:00Z', '2026-03-01T11:05:00Z');
    db.close();
    seedRuns(dataDir, [
      { id: 'r-1b', datasetId: d.id, dataHash: d.contentHash, loss: 'baseline', seed: 1, accuracy: 0.7, comparisonId: 'c-lr1', config: { learningRate: 5e-5 } },
      { id: 'r-1c', datasetId: d.id, dataHash: d.contentHash, loss: 'comparative', seed: 1, accuracy: 0.72, comparisonId: 'c-lr1', config: { learningRate: 5e-5 } },
      { id: 'r-2b', datasetId: d.id, dataHash: d.contentHash, loss: 'baseline', seed: 1, accuracy: 0.71, comparisonId: 'c-lr2', config: { learningRate: 2e-4 } },
      { id: 'r-2c', datasetId: d.id, dataHash: d.contentHash, loss: 'comparative', seed: 1, accuracy: 0.73, comparisonId: 'c-lr2', config: { learningRate: 2e-4 } },
      { id: 'r-solo', datasetId: d.id, dataHash: d.contentHash, loss: 'baseline', seed: 4, accuracy: 0.6 },
    ]);
    server = await BrowserModeServer.start({ dataDir });
    browser = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('groups runs under their comparison, names by what differs, and reopens a run tab from its URL', async () => {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(server!.pageUrl);
    const group = (id: string) => page.locator(`[data-history-comparison-item="${id}"]`);
    await group('c-lr1').waitFor({ timeout: 30_000 });
    const name1 = await group('c-lr1').locator('[data-testid=comparison-name]').innerText();
    const name2 = await group('c-lr2').locator('[data-testid=comparison-name]').innerText();
    expect(name1).toMatch(/ · built-in · C=2 p=0\.1 lr 5e-5 · 1 Mar \d\d:00$/);
    expect(name2).toMatch(/ · built-in · C=2 p=0\.1 lr 2e-4 · 1 Mar \d\d:00$/);
    // Collapsed: only the single run is listed as a run; expanded: the group's two runs sit inside it.
    expect(await page.locator('[data-history-run-item]').count()).toBe(1);
    await group('c-lr1').locator('[data-testid=comparison-expand]').click();
    const inGroup = group('c-lr1').locator('[data-history-run-item]');
    await expect.poll(() => inGroup.count()).toBe(2);
    expect(await inGroup.locator('[data-testid=history-run-name]').allInnerTexts()).toEqual(['baseline · seed 1', 'comparative · seed 1']);
    expect(await inGroup.first().locator('[data-testid=history-run-metric]').innerText()).toBe('Accuracy 70.0%');

    // The run page: its full name, the backend, a link back to its comparison.
    await inGroup.nth(1).locator('[data-history-run]').click();
    await page.waitForURL(/#\/run\/r-1c$/);
    expect(await page.locator('[data-testid=run-title]').innerText()).toBe(`${name1} · comparative · seed 1`);
    expect(await page.locator('[data-testid=run-backend]').innerText()).toMatch(/^wasm/);
    expect(await page.locator('[data-testid=run-comparison-link]').getAttribute('href')).toBe('#/comparison/c-lr1');
    await page.click('[data-testid=run-tab-config]');
    await page.waitForURL(/#\/run\/r-1c\/config$/);
    expect(await page.locator('[data-testid=run-config] tr[data-setting=learningRate] td').first().innerText()).toBe('0.00005');
    await page.click('[data-testid=run-tab-log]');
    await expect.poll(() => page.locator('[data-testid=run-log] li[data-log-kind=evaluation]').innerText()).toMatch(/Validation at step 20 .*Accuracy 72\.0%.*best so far/);
    await page.click('[data-testid=run-tab-checkpoints]');
    const file = page.locator('[data-testid=run-checkpoints] tr[data-checkpoint="weights.bin"]');
    await file.waitFor();
    expect(await file.getAttribute('data-resume')).toBe('true');
    expect(await file.locator('td[data-bytes]').getAttribute('data-bytes')).toBe('64');

    // A copied link opens the same tab in a new tab of the same browser (the page's session cookie
    // travels with it; the token in the first URL was stripped from the address bar).
    const copied = page.url();
    expect(copied).toMatch(/#\/run\/r-1c\/checkpoints$/);
    const second = await context.newPage();
    await second.goto(copied);
    await second.locator('[data-testid=run-checkpoints] tr[data-checkpoint="weights.bin"]').waitFor({ timeout: 30_000 });
    expect(await second.locator('[data-testid=run-tab-checkpoints]').getAttribute('aria-selected')).toBe('true');
    await second.goto(copied.replace(/checkpoints$/, 'log'));
    await second.locator('[data-testid=run-log]').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
