// End to end through browser mode with a real redis-server and a real worker process: Settings ->
// Workers refuses a queue it cannot reach with a sentence, connects to a real one and lists the
// worker with what it has; a comparison started then trains on that worker, and its run page says
// so; the queue is remembered when browser mode starts again.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonDetail } from '../../shared/schemas';
import type { WorkersState } from '../../shared/worker-info';
import { BrowserModeServer, launchChromium, prepareBrowserTest, watchErrors } from '../helpers/browser-mode';
import { redisServerFound, redisSkipNote, startRedis, type RedisServer } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';
import { startWorker, type WorkerProcess } from '../helpers/worker-process';

const dir = tempDir('comparo-e2e-workers-');
let server: BrowserModeServer | undefined;
let browser: Browser | undefined;
let redis: RedisServer | undefined;
let worker: WorkerProcess | undefined;

describe.skipIf(!redisServerFound)(`browser mode: Settings -> Workers${redisSkipNote}`, () => {
  beforeAll(async () => {
    prepareBrowserTest();
    redis = await startRedis();
    worker = await startWorker(redis.url(0));
    server = await BrowserModeServer.start({ dataDir: join(dir.path, 'data') });
    browser = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await worker?.stop();
    await redis?.stop();
    dir.cleanup();
  }, 60_000);

  it('connects to a queue, lists its worker, trains a comparison there and says so on the run page', async () => {
    const page = await browser!.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server!.pageUrl}#/workers`);
    await expect.poll(() => page.getByTestId('workers-placement').getAttribute('data-placement')).toBe('local');

    // Nothing listens on port 1: one sentence, and runs stay here.
    await page.getByTestId('workers-url').fill('redis://127.0.0.1:1/0');
    await page.getByTestId('workers-connect').click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/Could not reach redis:\/\/127\.0\.0\.1:1\/0/);
    expect(await page.getByTestId('workers-placement').getAttribute('data-placement')).toBe('local');

    await page.getByTestId('workers-url').fill(redis!.url(0));
    await page.getByTestId('workers-connect').click();
    await expect.poll(() => page.getByTestId('workers-placement').getAttribute('data-placement'), { timeout: 15_000 }).toBe('queue');
    await expect.poll(() => page.getByTestId('worker-row').first().textContent(), { timeout: 15_000 }).toContain(worker!.id);

    const dataset = await server!.invoke<{ id: string }>('datasets.importEmbedded', {});
    const started = await server!.invoke<{ id: string }>('comparisons.start', { datasetId: dataset.id, seeds: 1, config: {} });
    let detail: ComparisonDetail | undefined;
    await expect
      .poll(async () => (detail = await server!.invoke<ComparisonDetail>('comparisons.get', { id: started.id })).comparison.status, { timeout: 240_000, interval: 1000 })
      .toBe('completed');
    const run = detail!.runs[0];
    expect(run.worker?.id).toBe(worker!.id);
    await page.goto(`${server!.pageUrl}#/run/${run.id}`);
    await expect.poll(() => page.getByTestId('run-worker').textContent(), { timeout: 15_000 }).toContain(worker!.id);
    // The refused connect is answered 503 (unavailable), which Chromium logs; nothing else may fail.
    expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
    expect(errors.filter((e) => /status of 503/.test(e))).toHaveLength(1);

    // Remembered: browser mode started again on this data folder still sends runs to the queue.
    await server!.stop();
    server = await BrowserModeServer.start({ dataDir: join(dir.path, 'data') });
    const again = await server.invoke<WorkersState>('workers.get', {});
    expect(again).toMatchObject({ placement: 'queue', queue: redis!.url(0), problem: null });
    expect(again.workers.map((w) => w.id)).toContain(worker!.id);
  }, 400_000);
});
