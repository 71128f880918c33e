// End to end in headless Chromium: an answer a newcomer can trust. A real 300-row review CSV
// with 65% positive reviews, trained too briefly to learn: the Overview says both models are no
// better than always predicting "positive", shows that reference beside each metric, and paints
// no verdict from one seed. A comparison with a cancelled seed states which seeds its means,
// differences and statistics are over, and the means agree with the difference.
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonDetail } from '../../shared/schemas';
import { BrowserModeServer, launchChromium, prepareBrowserTest, ROOT } from '../helpers/browser-mode';
import { pollFor } from '../helpers/wait-for-events';
import { imbalancedReviewsCsv } from '../helpers/imbalanced-reviews';

/** Two optimizer steps with a tiny model: far too little to beat the majority class. */
const UNTRAINED = { epochs: 1, maxTrainExamples: 32, batchSize: 16, evalEverySteps: 1, utilityLevels: 0 };

let server: BrowserModeServer | undefined;
let browser: Browser | undefined;
let dataDir = '';
let datasetId = '';

const invoke = <T,>(channel: string, request: unknown): Promise<T> => server!.invoke<T>(channel, request);
const finished = (id: string) =>
  pollFor('the comparison to finish', async () => {
    const d = await invoke<ComparisonDetail>('comparisons.get', { id });
    return d.comparison.status === 'running' ? undefined : d;
  }, 180_000, 500);

async function openOverview(page: Page, comparisonId: string): Promise<void> {
  await page.goto(`${server!.pageUrl}#/comparison/${encodeURIComponent(comparisonId)}`);
  await page.locator('[data-testid=comparison-table]').waitFor({ timeout: 30_000 });
}

describe('browser mode: the answer says what it is worth', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-answer-'));
    server = await BrowserModeServer.start({ dataDir });
    browser = await launchChromium();
    datasetId = (await invoke<{ id: string }>('datasets.importText', { fileName: 'reviews-300.csv', content: imbalancedReviewsCsv() })).id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('one seed below the majority class: a warning, the reference beside each metric, no coloured verdict', async () => {
    const started = await invoke<{ id: string }>('comparisons.start', { datasetId, seeds: 1, config: UNTRAINED });
    const detail = await finished(started.id);
    expect(detail.comparison.status).toBe('completed');
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await openOverview(page, started.id);
    // Validation keeps the file's balance (stratified): 39 of 60 positive.
    const accuracy = page.locator('[data-testid=comparison-table] tr[data-metric=accuracy]');
    expect(await accuracy.locator('td[data-arm=reference]').getAttribute('data-value')).toBe('0.65');
    expect(await accuracy.locator('td[data-arm=reference]').getAttribute('title')).toBe('always “positive”');
    const warning = await page.locator('[data-testid=answer-warning]').innerText();
    expect(warning).toMatch(/better than always “positive”: accuracy 65\.0% on the validation split/);
    // One seed: grey "too few seeds", nothing green or red anywhere in the table or the sentence.
    expect(await accuracy.locator('td[data-arm=difference]').getAttribute('data-evidence')).toBe('too_few_seeds');
    expect(await page.locator('[data-testid=comparison-table] td.evidence-better, [data-testid=comparison-table] td.evidence-worse').count()).toBe(0);
    expect(await page.locator('[data-testid=verdict]').getAttribute('data-evidence')).toBe('too_few_seeds');
    expect(await page.locator('[data-testid=verdict]').innerText()).toMatch(/^Too few seeds to tell whether the comparative loss changed validation accuracy/);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-answer-untrained.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it('a cancelled seed: the table says which seeds it is over, and the means agree with the difference', async () => {
    const started = await invoke<{ id: string; runIds: string[] }>('comparisons.start', { datasetId, seeds: 2, config: UNTRAINED });
    // Seed 2's comparative run is the last one queued: cancel it before it starts.
    const runs = (await invoke<ComparisonDetail>('comparisons.get', { id: started.id })).runs;
    const victim = runs.find((r) => r.seed === 2 && r.loss === 'comparative')!;
    await invoke('runs.cancel', { id: victim.id });
    const detail = await finished(started.id);
    expect(detail.coverage?.text).toBe('1 complete seed pair of 2; seed 2: comparative cancelled');
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    await openOverview(page, started.id);
    expect(await page.locator('[data-testid=table-coverage]').innerText()).toBe('Means, differences and statistics over 1 complete seed pair of 2; seed 2: comparative cancelled.');
    const row = page.locator('[data-testid=comparison-table] tr[data-metric=loss]');
    const value = async (arm: string) => Number(await row.locator(`td[data-arm=${arm}]`).getAttribute('data-value'));
    // Seed 2's finished baseline is shown in its column but left out of the mean.
    expect(await value('baseline-mean')).toBeCloseTo(Number(await row.locator('td[data-arm=baseline][data-seed="1"]').getAttribute('data-value')), 12);
    expect((await value('comparative-mean')) - (await value('baseline-mean'))).toBeCloseTo(await value('difference'), 12);
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-answer-cancelled-seed.png'), fullPage: true });
    await page.close();
  }, 240_000);
});
