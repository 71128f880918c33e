// Browser mode as a real web app: the printed link's token becomes an HttpOnly, SameSite=Strict
// cookie and leaves the address bar; reloads, new tabs and bookmarked views then work without
// it, a browser without the cookie is refused, and the token outlives a restart (it is kept in
// the data folder), so a bookmark still opens after the next `npm run web`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserModeServer, launchChromium, prepareBrowserTest } from '../helpers/browser-mode';

let browser: Browser | undefined;
let dataDir = '';
const servers: BrowserModeServer[] = [];

describe('browser mode: token cookie, new tabs, bookmarks', () => {
  beforeAll(async () => {
    prepareBrowserTest();
    dataDir = mkdtempSync(join(tmpdir(), 'comparo-e2e-session-'));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.stop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('keeps the token in an HttpOnly cookie, so new tabs and reloads of a view work; others are refused', async () => {
    const server = await BrowserModeServer.start({ dataDir });
    servers.push(server);
    const context = await browser!.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.pageUrl}#/playground`);
    await page.locator('[data-testid=playground]').waitFor({ timeout: 30_000 });
    expect(page.url()).toBe(`${server.origin}/#/playground`);
    const [cookie] = await context.cookies(server.origin);
    expect(cookie).toMatchObject({ name: expect.stringMatching(/^comparo_[0-9a-f]{12}$/), value: server.token, httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).not.toContain(server.token);
    // A new tab on a copied URL (no token in it), and a reload.
    const tab = await context.newPage();
    await tab.goto(`${server.origin}/#/playground`);
    await tab.locator('[data-testid=playground]').waitFor({ timeout: 30_000 });
    expect(await tab.locator('[role=alert]').count()).toBe(0);
    await tab.reload();
    await tab.locator('[data-testid=playground]').waitFor({ timeout: 30_000 });
    // Another browser (no cookie) gets nothing from the API.
    const stranger = await browser!.newContext();
    const refused = await stranger.request.post(`${server.origin}/api/invoke/app.info`, { data: {} });
    expect(refused.status()).toBe(401);
    await stranger.close();
    expect(problems).toEqual([]);
    await context.close();
    // The token file is the owner's only.
    expect(statSync(join(dataDir, 'browser-token')).mode & 0o077).toBe(0);
  }, 120_000);

  it('a restart on the same data folder keeps the token: the cookie and bookmarks still work', async () => {
    const first = servers[0];
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(first.pageUrl);
    await page.locator('[data-testid=drop-zone]').waitFor({ timeout: 30_000 });
    await first.stop();
    const second = await BrowserModeServer.start({ dataDir });
    servers.push(second);
    expect(second.token).toBe(first.token);
    // The port differs in tests (--port 0); the cookie is per host, so the same browser is let in.
    const bookmark = await context.newPage();
    await bookmark.goto(`${second.origin}/#/playground`);
    await bookmark.locator('[data-testid=playground]').waitFor({ timeout: 30_000 });
    expect(await bookmark.locator('[role=alert]').count()).toBe(0);
    await context.close();
  }, 120_000);
});
