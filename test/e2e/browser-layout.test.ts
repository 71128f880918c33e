// The main path fits the screen: after a file is dropped, "Fine-tune & compare" is on screen
// without scrolling at 1440x900 and at 800x900, and no view scrolls sideways at 800 px (the
// import view, a comparison's tabs). Headless Chromium through the browser mode.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonDetail } from '../../shared/schemas';
import { BrowserModeServer, launchChromium, prepareBrowserTest, ROOT } from '../helpers/browser-mode';
import { pollFor } from '../helpers/wait-for-events';

// Whole records of the embedded e-mails (a record may span lines), as task-datasets.ts reads them.
const RECORDS = [...readFileSync(join(ROOT, 'assets/datasets/spam-assassin-2k.csv'), 'utf8').matchAll(/^"((?:[^"]|"")*)",(spam|ham)$/gm)].map((m) => m[0]);
const csv = (from: number, count: number) => ['text,label', ...RECORDS.slice(from, from + count)].join('\n') + '\n';
const CSV = csv(0, 200);

let server: BrowserModeServer | undefined;
let browser: Browser | undefined;
let dataDir = '';
let comparisonId = '';

async function dropFile(page: Page, fileName: string, content: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, text }) => {
      const dom = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: string[], name: string, o: object) => unknown };
      const transfer = new dom.DataTransfer();
      transfer.items.add(new dom.File([text], name, { type: 'text/csv' }));
      return transfer;
    },
    { name: fileName, text: content },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent('[data-testid=drop-zone]', type, { dataTransfer });
}

const sideways = (page: Page) => page.evaluate(() => {
  const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
  return doc.scrollWidth - doc.clientWidth;
});

describe('browser mode: the main path fits the screen', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-layout-'));
    server = await BrowserModeServer.start({ dataDir });
    browser = await launchChromium();
    const dataset = await server.invoke<{ id: string }>('datasets.importText', { fileName: 'mail.csv', content: CSV });
    comparisonId = (await server.invoke<{ id: string }>('comparisons.start', { datasetId: dataset.id, seeds: 2, config: { epochs: 1, maxTrainExamples: 32, batchSize: 16, utilityLevels: 1, utilityDraws: 1 } })).id;
    await pollFor('the comparison', async () => ((await server!.invoke<ComparisonDetail>('comparisons.get', { id: comparisonId })).comparison.status === 'running' ? undefined : true), 180_000, 500);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  for (const width of [1440, 800]) {
    it(`at ${width}x900: the button is on screen after a drop, and nothing scrolls sideways`, async () => {
      const page = await browser!.newPage({ viewport: { width, height: 900 } });
      await page.goto(server!.pageUrl);
      await page.waitForSelector('[data-testid=drop-zone]');
      await dropFile(page, `mail-${width}.csv`, csv(width === 800 ? 400 : 200, 150));
      const button = page.locator('[data-testid=finetune-compare]');
      await button.waitFor({ timeout: 60_000 });
      await page.screenshot({ path: join(ROOT, `test-results/e2e-after-import-${width}.png`), fullPage: true });
      const box = await button.boundingBox();
      expect(box, 'button box').not.toBeNull();
      expect(box!.y + box!.height, `button bottom at ${width}px`).toBeLessThanOrEqual(900);
      expect(box!.x + box!.width).toBeLessThanOrEqual(width);
      expect(await sideways(page), 'import view scrolls sideways').toBeLessThanOrEqual(0);
      for (const tab of ['overview', 'curves', 'per-class', 'confusion', 'examples', 'utility', 'compute', 'live']) {
        await page.goto(`${server!.origin}/#/comparison/${encodeURIComponent(comparisonId)}/${tab}`);
        await page.locator(`[data-testid=view-tab-${tab}][aria-selected=true]`).waitFor({ timeout: 30_000 });
        await page.waitForTimeout(300); // charts size themselves on the next frames
        expect(await sideways(page), `${tab} scrolls sideways at ${width}px`).toBeLessThanOrEqual(0);
      }
      await page.close();
    }, 180_000);
  }

  it('the start card prices the comparison from the runs this machine finished, and another preset re-prices it', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server!.pageUrl);
    await page.waitForSelector('[data-testid=drop-zone]');
    await dropFile(page, 'priced.csv', csv(1000, 150));
    const estimate = page.locator('[data-testid=time-estimate]');
    // This server runs the Quick look preset (1 seed); the comparison of beforeAll finished 4 runs here, whose speed prices it.
    await expect.poll(() => estimate.textContent(), { timeout: 30_000 }).toMatch(/^About \d+s: 2 runs of up to \d+ steps, \d at a time \(priced by 4 earlier runs/);
    expect(await page.locator('.start-row p').textContent()).toMatch(/for each of 1 seed, 1 epoch each/);
    await page.locator('[data-testid=preset-choice] input[value=default]').check();
    // Standard: 3 seeds x 2 arms, epochs sized to the 120 training rows, and a bigger model than any run here measured.
    await expect.poll(() => estimate.textContent(), { timeout: 30_000 }).toMatch(/^About \d+(s|m \d+s): 6 runs of up to \d+ steps, \d at a time \(priced by .*rough\)/);
    expect(await page.locator('.start-row p').textContent()).toMatch(/for each of 3 seeds, \d+ epochs each \(sized to the data/);
    await page.close();
  }, 120_000);

  it('the file picker takes every format the drop zone does, and a picked folder imports as one dataset with its splits', async () => {
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server!.pageUrl);
    await page.waitForSelector('[data-testid=drop-zone]');
    const accept = (await page.locator('[data-testid=file-input]').getAttribute('accept'))!.split(',');
    expect(accept).toEqual(expect.arrayContaining(['.csv', '.tsv', '.json', '.jsonl', '.parquet']));
    expect(await page.locator('[data-testid=folder-input]').getAttribute('webkitdirectory')).not.toBeNull();
    const folder = join(dataDir, 'picked-folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'train.csv'), csv(600, 60));
    writeFileSync(join(folder, 'validation.csv'), csv(700, 60));
    writeFileSync(join(folder, 'test.csv'), csv(800, 60));
    writeFileSync(join(folder, 'README.md'), '# not data\n');
    await page.setInputFiles('[data-testid=folder-input]', folder);
    await page.locator('[data-testid=finetune-compare]').waitFor({ timeout: 60_000 });
    const datasets = await server!.invoke<Array<{ splits: { train: number; validation: number; test?: number } }>>('datasets.list', {});
    expect(datasets[0].splits).toEqual({ train: 60, validation: 60, test: 60 });
    await page.close();
  }, 120_000);
});
