// The model picker in headless Chromium through browser mode: cached hub models from a hub cache
// on disk (HF_HUB_CACHE), their details and recommended learning rate, and a download from a
// local server playing the hub (HF_ENDPOINT) with its progress shown while the transfer is held.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserModeServer, launchChromium, prepareBrowserTest, ROOT } from '../helpers/browser-mode';
import { addToFakeHfCache } from '../helpers/fake-hf-cache';
import { repoFromFolder, startFakeHub, type FakeHub } from '../helpers/fake-hub';
import { shippedModels } from '../../main/services/model-service';

const FIXTURES = join(ROOT, 'test/fixtures/pretrained');
const SERVER_START_MS = 90_000;

let server: BrowserModeServer | undefined;
let workDir = '';
let origin = '';
let token = '';
let pageUrl = '';
let browser: Browser | undefined;
let hub: FakeHub | undefined;

async function startServer(env: NodeJS.ProcessEnv): Promise<void> {
  server = await BrowserModeServer.start({ dataDir: join(workDir, 'data'), env });
  ({ origin, token, pageUrl } = server);
}

async function stopServer(): Promise<void> {
  await server?.stop();
}

const invoke = <T,>(channel: string, request: unknown): Promise<T> => server!.invoke<T>(channel, request);

function detail(page: Page, field: string) {
  return page.locator(`[data-testid=model-details] [data-field="${field}"] dd`);
}

describe('browser mode: the model picker', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    workDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-models-'));
    const cacheDir = join(workDir, 'hf', 'hub');
    addToFakeHfCache(cacheDir, 'tiny-org/bert-tiny', join(FIXTURES, 'bert'));
    addToFakeHfCache(cacheDir, 'tiny-org/electra-tiny', join(FIXTURES, 'electra'));
    hub = await startFakeHub({ 'tiny-org/roberta-tiny': repoFromFolder(join(FIXTURES, 'roberta'), 'd'.repeat(40)) });
    await startServer({ ...process.env, HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.endpoint });
    browser = await launchChromium();
  }, SERVER_START_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer();
    await hub?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 30_000);

  it('lists cached models, shows their size and sets the recommended rate, then downloads one with progress', async () => {
    const dataset = await invoke<{ id: string }>('datasets.importEmbedded', {});
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1100 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
    });
    await page.goto(`${pageUrl}#/dataset/${dataset.id}`);
    const picker = page.locator('[data-testid=model-picker]');
    await picker.waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=model-current]').innerText()).toBe('Built-in');
    await picker.locator('summary').click();

    const options = page.locator('[data-testid=model-option]');
    await options.first().waitFor();
    expect(await options.evaluateAll((els) => els.map((el) => el.getAttribute('data-source')))).toEqual([...shippedModels().keys(), 'builtin', 'tiny-org/bert-tiny', 'tiny-org/electra-tiny']);
    // A browser page gets no path box: only listed models (see ModelService.canInspectPaths).
    expect(await page.locator('input[name=model-folder]').count()).toBe(0);
    await expect.poll(() => picker.innerText()).toContain('npm run cli -- models inspect');

    await page.locator('[data-source="tiny-org/bert-tiny"] input').check();
    await expect.poll(() => page.locator('[data-testid=model-current]').innerText()).toBe('tiny-org/bert-tiny');
    expect(await detail(page, 'Family').innerText()).toBe('BERT');
    expect(await detail(page, 'Layers').innerText()).toBe('2');
    expect(await detail(page, 'Hidden size').innerText()).toBe('32');
    // 25138 parameters in the fixture's header (worked out in model-service.test.ts).
    expect(await detail(page, 'Parameters').innerText()).toBe('25.1k (tiny)');
    expect(await detail(page, 'Size on disk').innerText()).toMatch(/^\d+\.\d KB$/);
    expect(await detail(page, 'Recommended learning rate').innerText()).toBe('0.0002');
    await page.locator('.settings-panel summary').click();
    expect(await page.locator('input[name=learningRate]').inputValue()).toBe('0.0002');

    // Download: the hub holds the weights after 40,000 bytes, so the progress can be seen.
    hub!.stallNext('model.safetensors', 40_000);
    await page.fill('input[name=model-hub-id]', 'tiny-org/roberta-tiny');
    await page.click('[data-testid=model-download]');
    const progress = page.locator('[data-testid=model-progress]');
    await progress.waitFor({ timeout: 30_000 });
    // The small files come first; the bar then sits on the held weights file until release.
    await expect.poll(() => progress.innerText(), { timeout: 30_000 }).toMatch(/model\.safetensors \(2\/\d\)/);
    hub!.release();
    await expect.poll(() => page.locator('[data-testid=model-current]').innerText(), { timeout: 30_000 }).toBe('tiny-org/roberta-tiny');
    expect(await detail(page, 'Family').innerText()).toBe('RoBERTa');
    expect(await page.locator('[data-source="tiny-org/roberta-tiny"]').count()).toBe(1);

    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/e2e-models.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
