// "Adapt the model to this text first" in headless Chromium through browser mode: with a pretrained
// model chosen (a BERT fixture in the hub cache), the dataset page pretrains it on the dataset's
// training texts in a pretraining process, shows the held-out loss, then picks the adapted folder
// for fine-tuning; the folder is a model the server lists. With the built-in model the button is
// off and says why.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelList } from '../../shared/models';
import { BrowserModeServer, launchChromium, prepareBrowserTest, ROOT, watchErrors } from '../helpers/browser-mode';
import { addToFakeHfCache } from '../helpers/fake-hf-cache';

let server: BrowserModeServer | undefined;
let browser: Browser | undefined;
let workDir = '';

describe('browser mode: adapting a pretrained model to a dataset', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    workDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-adapt-'));
    const cacheDir = join(workDir, 'hf', 'hub');
    addToFakeHfCache(cacheDir, 'tiny-org/bert-tiny', join(ROOT, 'test/fixtures/pretrained/bert'));
    server = await BrowserModeServer.start({ dataDir: join(workDir, 'data'), env: { ...process.env, HF_HUB_CACHE: cacheDir } });
    browser = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  it('pretrains the chosen model on the training texts, shows the held-out loss, and fine-tunes from the result', async () => {
    const dataset = await server!.invoke<{ id: string }>('datasets.importEmbedded', { name: 'spam' });
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors = watchErrors(page);
    await page.goto(`${server!.pageUrl}#/dataset/${dataset.id}`);
    const adapt = page.locator('[data-testid=adapt-start]');
    await adapt.waitFor({ timeout: 60_000 });
    // The built-in model has no pretraining to continue.
    expect(await adapt.isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=adapt-model]').innerText()).toContain('Adapting needs a pretrained model');

    await page.locator('[data-testid=model-picker] summary').click();
    await page.locator('[data-testid=model-option][data-source="tiny-org/bert-tiny"] input').check();
    expect(await page.locator('[data-testid=model-current]').innerText()).toBe('tiny-org/bert-tiny');
    await page.locator('[data-testid=adapt-steps]').fill('6');
    await adapt.click();
    await page.locator('[data-testid=adapt-progress]').waitFor({ timeout: 60_000 });
    const done = page.locator('[data-testid=adapt-done]');
    await done.waitFor({ timeout: 120_000 });
    const text = await done.innerText();
    expect(text).toMatch(/Adapted in 6 steps \(held-out masked-word loss \d+\.\d{3}\)/);
    const folder = await done.locator('code').innerText();
    expect(folder).toContain(join(workDir, 'data', 'models'));
    expect(existsSync(join(folder, 'model.safetensors'))).toBe(true);
    expect(existsSync(join(folder, 'pretraining.json'))).toBe(true);
    // The run now starts from the adapted folder, which the server lists among the models.
    expect(await page.locator('[data-testid=model-current]').innerText()).toBe(folder);
    const list = await server!.invoke<ModelList>('models.list', {});
    expect(list.recent.map((m) => m.folder)).toContain(folder);
    expect(errors).toEqual([]);
  }, 240_000);

  it('pauses with a checkpoint, resumes from it, cancels, and lists every run of the dataset from the history', async () => {
    const dataset = await server!.invoke<{ id: string }>('datasets.importEmbedded', { name: 'spam' });
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1100 } });
    const errors = watchErrors(page);
    await page.goto(`${server!.pageUrl}#/dataset/${dataset.id}`);
    await page.locator('[data-testid=model-picker] summary').click();
    await page.locator('[data-testid=model-option][data-source="tiny-org/bert-tiny"] input').check();
    // The first test's finished run is in the history, ready to fine-tune from.
    await page.locator('[data-testid=pretrain-history] summary').click();
    expect(await page.locator('[data-testid=pretrain-run][data-status=completed] [data-testid=pretrain-use]').count()).toBe(1);
    // Long enough that the pause lands mid-run.
    await page.locator('[data-testid=adapt-steps]').fill('5000');
    await page.locator('[data-testid=adapt-start]').click();
    await page.locator('[data-testid=adapt-progress]').waitFor({ timeout: 60_000 });
    const progressStep = async () => Number(/step (\d+) of 5000/.exec(await page.locator('[data-testid=adapt-progress]').innerText())?.[1] ?? -1);
    await expect.poll(progressStep, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.locator('[data-testid=adapt-pause]').click();
    const paused = page.locator('[data-testid=adapt-paused]');
    await paused.waitFor({ timeout: 60_000 });
    const at = Number(/step (\d+) of 5000/.exec(await paused.innerText())![1]);
    expect(at).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=pretrain-run][data-status=paused]').count()).toBe(1);

    await page.locator('[data-testid=adapt-resume]').click();
    await page.locator('[data-testid=adapt-progress]').waitFor({ timeout: 60_000 });
    // It continues from the checkpoint, not from step 0.
    await expect.poll(progressStep, { timeout: 60_000 }).toBeGreaterThan(at);
    await page.locator('[data-testid=adapt-cancel]').click();
    await page.getByText('Adapting cancelled; nothing was written.').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=pretrain-run][data-status=cancelled]').waitFor({ timeout: 10_000 });
    const runs = await server!.invoke<{ runs: Array<{ status: string; steps: number }> }>('pretraining.list', { datasetId: dataset.id });
    expect(runs.runs.map((r) => [r.status, r.steps])).toEqual([
      ['cancelled', 5000],
      ['completed', 6],
    ]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('refuses a page that names a texts file or an output folder', async () => {
    const reply = await server!.post('pretraining.start', { model: 'tiny-org/bert-tiny', textsFile: '/etc/passwd' });
    expect(reply.ok).toBe(false);
    expect(reply.error?.message).toContain('textsFile and outFolder are for the desktop app and the CLI');
  });
});
