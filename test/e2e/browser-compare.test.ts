// End to end, as a person would do it: start browser mode as a real process, drop the embedded
// IMDB file on the page, press "Fine-tune & compare", and wait for the comparison table.
// Needs a Chromium-family browser (test/helpers/find-browser.ts; CI installs Debian's); the test fails, not skips, without it,
// so a missing browser can never pass for a green run.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserModeServer, launchChromium, prepareBrowserTest, ROOT } from '../helpers/browser-mode';

const DATASET_FILE = join(ROOT, 'assets/datasets/imdb-reviews-2k.csv');
const SCREENSHOT = join(ROOT, 'test-results/e2e-compare.png');
const SERVER_START_MS = 90_000;
const COMPARISON_MS = 4 * 60_000;

let server: BrowserModeServer | undefined;
let dataDir = '';
let origin = '';
let pageUrl = '';
let browser: Browser | undefined;

async function startServer(): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-'));
  server = await BrowserModeServer.start({ dataDir });
  ({ origin, pageUrl } = server);
}

async function stopServer(): Promise<void> {
  await server?.stop();
}

/** Collects what would tell a developer the page is broken: uncaught errors and CSP violations. */
function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return problems;
}

/** The page's DOM constructors; this file type-checks without the DOM library. */
interface PageGlobals {
  DataTransfer: new () => { items: { add(file: unknown): unknown } };
  File: new (parts: string[], name: string, options: { type: string }) => unknown;
}

/** A real drop as the browser delivers it: a DataTransfer holding a File, through dragenter, dragover and drop. */
async function dropFile(page: Page, fileName: string, content: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, text }) => {
      const dom = globalThis as unknown as PageGlobals;
      const transfer = new dom.DataTransfer();
      transfer.items.add(new dom.File([text], name, { type: 'text/csv' }));
      return transfer;
    },
    { name: fileName, text: content },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent('[data-testid=drop-zone]', type, { dataTransfer });
  }
}

describe('browser mode: drop a dataset, fine-tune and compare', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    await startServer();
    browser = await launchChromium();
  }, SERVER_START_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('refuses API calls and the event stream without the token', async () => {
    const invoke = await fetch(`${origin}/api/invoke/app.info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(invoke.status).toBe(401);
    const wrongToken = await fetch(`${origin}/api/invoke/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' },
      body: '{}',
    });
    expect(wrongToken.status).toBe(401);
    const events = await fetch(`${origin}/api/events`);
    expect(events.status).toBe(401);
    await events.body?.cancel();
  });

  it(
    'shows the preview, live runs, then a table with baseline and comparative accuracy',
    async () => {
      const page = await browser!.newPage({ viewport: { width: 1440, height: 1000 } });
      const problems = watchPageProblems(page);
      await page.goto(pageUrl);
      await page.waitForSelector('[data-testid=drop-zone]');
      // The token must not stay in the address bar (history, screenshots, shoulder-surfing).
      expect(page.url()).not.toContain('token=');

      await dropFile(page, 'imdb-reviews-2k.csv', readFileSync(DATASET_FILE, 'utf8'));
      const preview = page.locator('[data-testid=dataset-preview]');
      await preview.waitFor({ timeout: 60_000 });
      expect(Number((await page.locator('[data-testid=dataset-rows]').innerText()).replace(/\D/g, ''))).toBeGreaterThan(0);

      await page.click('[data-testid=finetune-compare]');
      await page.locator('[data-testid=run-row]').first().waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-testid=run-row]').count()).toBeGreaterThanOrEqual(2);

      const table = page.locator('[data-testid=comparison-table]');
      try {
        await table.waitFor({ timeout: COMPARISON_MS });
      } catch (error) {
        const status = await page.locator('[data-testid=comparison-status]').innerText().catch(() => '?');
        const rows = await page.locator('[data-testid=run-row]').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-status')}: ${el.textContent}`));
        throw new Error(`No comparison table after ${COMPARISON_MS / 1000}s (comparison ${status}).\nRuns:\n${rows.join('\n')}\nServer output:\n${(server?.log ?? '').slice(-4000)}`, { cause: error });
      }
      expect(await page.locator('[data-testid=comparison-status]').innerText()).toBe('completed');
      const accuracy = table.locator('tr[data-metric=accuracy]');
      for (const arm of ['baseline', 'comparative']) {
        const values = await accuracy.locator(`td[data-arm=${arm}]`).evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-value') ?? ''));
        expect(values.length, `${arm} accuracy cells`).toBeGreaterThan(0);
        for (const value of values) {
          expect(value, `${arm} accuracy`).not.toBe('');
          expect(Number(value)).toBeGreaterThanOrEqual(0);
          expect(Number(value)).toBeLessThanOrEqual(1);
        }
      }
      const statuses = await page.locator('[data-testid=run-row]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
      expect(new Set(statuses)).toEqual(new Set(['completed']));

      mkdirSync(join(ROOT, 'test-results'), { recursive: true });
      await page.mouse.wheel(0, -100_000);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(30_000);

      // Everything shown comes from the server: a reload rebuilds the same view and the history.
      await page.reload();
      await table.waitFor({ timeout: 30_000 });
      await page.locator('[data-testid=history] [data-history-comparison]').first().waitFor({ timeout: 10_000 });
      // The training-loss curves come back from the stored metrics ('runs.get'), not only from live events.
      await page.click('[data-testid=view-tab-live]');
      const trainingChart = page.locator('[data-testid=training-loss-chart]');
      await trainingChart.waitFor();
      await expect.poll(() => trainingChart.locator('.chart-empty').count(), { timeout: 10_000 }).toBe(0);

      expect(problems).toEqual([]);
      await page.close();
    },
    COMPARISON_MS + 90_000,
  );
});
