// End to end through the browser mode: a tiny comparison trained on the embedded spam/ham sample,
// then the Playground as a person uses it: its default runs are the comparison's two arms, a typed
// text gets a label and probability bars summing to 1 per run, and a small file comes back as a
// downloaded CSV; then "Export model" on a finished run's view, downloaded as a zip. Needs
// a Chromium-family browser (test/helpers/find-browser.ts; fails, not skips, without it).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import Papa from 'papaparse';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserModeServer, launchChromium, prepareBrowserTest, ROOT } from '../helpers/browser-mode';

const SERVER_START_MS = 90_000;
const TRAINING_MS = 3 * 60_000;

let server: BrowserModeServer | undefined;
let dataDir = '';
let origin = '';
let token = '';
let pageUrl = '';
let browser: Browser | undefined;

async function startServer(): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-playground-'));
  server = await BrowserModeServer.start({ dataDir });
  ({ origin, token, pageUrl } = server);
}

async function stopServer(): Promise<void> {
  await server?.stop();
}

/** The contract over HTTP, as the page itself calls it. */
const invoke = <T,>(channel: string, request: unknown): Promise<T> => server!.invoke<T>(channel, request);

describe('browser mode: the Playground', () => {
  let runIds: string[] = [];

  beforeAll(async () => {
    prepareBrowserTest();
    await startServer();
    browser = await launchChromium();
    // A tiny comparison (one seed, both arms) trained through the same contract the page uses.
    const dataset = await invoke<{ id: string }>('datasets.importEmbedded', { name: 'spam' });
    const comparison = await invoke<{ id: string; runIds: string[] }>('comparisons.start', {
      datasetId: dataset.id,
      seeds: 1,
      config: { epochs: 1, maxTrainExamples: 96, utilityLevels: 0 },
    });
    runIds = comparison.runIds;
    const deadline = Date.now() + TRAINING_MS;
    for (;;) {
      const { comparison: c } = await invoke<{ comparison: { status: string } }>('comparisons.get', { id: comparison.id });
      if (c.status === 'completed') break;
      if (c.status !== 'running' || Date.now() > deadline) throw new Error(`comparison ${c.status}; server output:\n${(server?.log ?? '').slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, SERVER_START_MS + TRAINING_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('predicts a typed text with both arms, and a file as a downloaded CSV', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(pageUrl);
    await page.click('[data-testid=nav-playground]');
    await page.waitForSelector('[data-testid=playground-run]');
    // Default selection: the comparison's baseline and comparative runs.
    const checked = await page.locator('[data-testid=playground-run]:checked').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-run-id')));
    expect(new Set(checked)).toEqual(new Set(runIds));

    await page.fill('[data-testid=playground-text]', 'URGENT! You have won a free cash prize. Text WIN to 80086 now!');
    await page.click('[data-testid=playground-predict]');
    const results = page.locator('[data-testid=playground-result]');
    await expect.poll(() => results.count(), { timeout: 60_000 }).toBe(2);
    for (const runId of runIds) {
      const card = page.locator(`[data-testid=playground-result][data-run-id="${runId}"]`);
      expect(await card.getAttribute('data-ok')).toBe('true');
      const bars = await card.locator('[data-testid=probability-bar]').evaluateAll((els) => els.map((el) => [el.getAttribute('data-label'), Number(el.getAttribute('data-probability'))] as const));
      expect(bars.map(([label]) => label).sort()).toEqual(['ham', 'spam']);
      expect(bars.reduce((sum, [, p]) => sum + p, 0)).toBeCloseTo(1, 5);
      const label = await card.locator('[data-testid=playground-label]').innerText();
      expect(label).toBe(bars.reduce((best, bar) => (bar[1] > best[1] ? bar : best))[0]);
    }

    const texts = ['Free entry in a weekly competition, text now', 'See you at the station at six', 'Can you send me the report?'];
    const csvIn = ['id,text', ...texts.map((t, i) => `${i + 1},"${t}"`)].join('\n') + '\n';
    const downloading = page.waitForEvent('download', { timeout: 60_000 });
    await page.setInputFiles('[data-testid=playground-file]', { name: 'messages.csv', mimeType: 'text/csv', buffer: Buffer.from(csvIn) });
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('messages.predictions.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields).toEqual(['id', 'text', 'predicted_label', 'p_ham', 'p_spam']);
    expect(parsed.data.map((row) => row.text)).toEqual(texts);
    for (const row of parsed.data) {
      expect(['ham', 'spam']).toContain(row.predicted_label);
      expect(Number(row.p_ham) + Number(row.p_spam)).toBeCloseTo(1, 5);
    }
    expect(await page.locator('[data-testid=playground-file-done]').getAttribute('data-rows')).toBe('3');
    // A malformed file: the error names its file, line and column, as the CLI would.
    await page.setInputFiles('[data-testid=playground-file]', { name: 'broken.jsonl', mimeType: 'application/json', buffer: Buffer.from('{"text": "ok"}\n{"text": nope}\n') });
    await expect.poll(() => page.locator('.playground-file [role=alert]').innerText().catch(() => ''), { timeout: 30_000 }).toMatch(/broken\.jsonl:2:11: invalid JSON/);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-playground.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('exports a finished run from its run view into the data folder and shows the path', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const runId = runIds[0];
    await page.goto(`${pageUrl}#/run/${encodeURIComponent(runId)}`);
    const row = page.locator(`[data-testid=run-row][data-run-id="${runId}"]`);
    await row.locator('[data-testid=run-export-toggle]').click();
    // A built-in model: TF.js is the only format offered (transformers has no such architecture).
    expect(await row.locator('[data-testid=run-export-format] option').evaluateAll((options) => options.map((o) => o.getAttribute('value')))).toEqual(['tfjs']);
    await row.locator('[data-testid=run-export-button]').click();
    const folder = join(dataDir, 'exports', `${runId}-tfjs`);
    await expect.poll(() => row.locator('[data-testid=run-export-folder]').innerText().catch(() => ''), { timeout: 60_000 }).toBe(folder);
    expect(await row.locator('[data-testid=run-export-result]').innerText()).toMatch(/model\.json, weights\.bin/);
    expect(existsSync(join(folder, 'weights.bin'))).toBe(true);
    // In a browser the folder is on the server's disk: it downloads as one zip of the same files.
    const downloading = page.waitForEvent('download', { timeout: 60_000 });
    await row.locator('[data-testid=run-export-download]').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`${runId}-tfjs.zip`);
    const unzipped = unzipSync(new Uint8Array(readFileSync(await download.path())));
    expect(Object.keys(unzipped).sort()).toEqual(readdirSync(folder).sort());
    for (const [name, bytes] of Object.entries(unzipped)) expect(Buffer.from(bytes).equals(readFileSync(join(folder, name))), name).toBe(true);
    // Only export folders, by name: no path can be asked for.
    expect((await fetch(`${origin}/api/exports/..%2F..%2Fcomparo.sqlite.zip`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-run-export.png') });
    // The page may not pick where files land: naming a folder over HTTP is refused.
    await expect(invoke('runs.export', { runId, format: 'tfjs', folder: join(dataDir, 'elsewhere') })).rejects.toThrow(/browser page cannot choose the export folder/);
    expect(existsSync(join(dataDir, 'elsewhere'))).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
