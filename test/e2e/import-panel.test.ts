// The import mapping panel in headless Chromium against a real browser-mode server: a CSV with two
// bad rows is refused, then imported with "Skip bad rows" ticked, the panel and the stored
// dataset's report listing both rows as file:line:column with why; a file whose texts hold <br />
// is flagged with the "Strip HTML tags" option; and a new file resets the panel (mapping, options,
// findings of the previous file gone).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserModeServer, launchChromium, prepareBrowserTest } from '../helpers/browser-mode';
import { tempDir } from '../helpers/temp-dir';

const data = tempDir('comparo-import-panel-data-');
const files = tempDir('comparo-import-panel-files-');
let server: BrowserModeServer;
let browser: Browser;

beforeAll(async () => {
  prepareBrowserTest();
  server = await BrowserModeServer.start({ dataDir: data.path });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data.cleanup();
  files.cleanup();
});

function file(name: string, lines: string[]): string {
  const path = join(files.path, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `review ${from + i} is a plain sentence,${(from + i) % 2 ? 'pos' : 'neg'}`);

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(server.pageUrl);
  return page;
}

describe('the import mapping panel', () => {
  it('lists the rows skipped under "Skip bad rows" with file:line, in the panel and in the stored report', async () => {
    // Line 4: one field only; line 7: empty text.
    const path = file('two-bad.csv', ['text,label', ...rows(2), 'no label field here', ...rows(2, 2), ',pos', ...rows(6, 4)]);
    const page = await openPage();
    await page.setInputFiles('[data-testid=file-input]', path);
    const alert = page.locator('[role=alert] code').first();
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toMatch(/^two-bad\.csv:4:\d+: row has 1 field/);

    await page.locator('[data-testid=review-import]').click();
    const panel = page.locator('[data-testid=import-mapping]');
    await panel.waitFor();
    await panel.locator('[data-testid=skip-bad-rows]').check();
    const skipped = panel.locator('[data-testid=skipped-rows] li');
    await skipped.nth(1).waitFor({ timeout: 30_000 });
    const listed = await skipped.allInnerTexts();
    expect(listed).toHaveLength(2);
    expect(listed[0]).toMatch(/^two-bad\.csv:4:\d+ row has 1 field/);
    expect(listed[1]).toMatch(/^two-bad\.csv:7:1 empty text in column "text"/);

    await panel.getByRole('button', { name: 'Import' }).click();
    await page.locator('[data-testid=dataset-preview]').waitFor({ timeout: 30_000 });
    const stored = page.locator('[data-testid=validation-report] [data-testid=skipped-rows] li');
    await stored.nth(1).waitFor({ timeout: 30_000 });
    expect((await stored.allInnerTexts()).map((t) => t.split(' ')[0])).toEqual(['two-bad.csv:4:20', 'two-bad.csv:7:1']);
    await page.close();
  });

  it('flags <br /> in the texts with the "Strip HTML tags" option, and a new file resets the panel', async () => {
    const html = file('with-html.csv', ['text,label', '"A fine film.<br /><br />I liked it",pos', '"Dull.<br />Too long &amp; slow",neg', ...rows(8)]);
    const plain = file('plain.csv', ['text,label', ...rows(10, 100)]);
    const page = await openPage();
    await page.locator('[data-testid=review-first]').check();
    await page.setInputFiles('[data-testid=file-input]', html);
    const panel = page.locator('[data-testid=import-mapping]');
    const flag = panel.locator('[data-testid=html-flag]');
    await flag.waitFor({ timeout: 30_000 });
    expect(await flag.innerText()).toMatch(/2 texts contain HTML tags or entities such as <br \/>/);
    const strip = panel.locator('[data-testid=strip-html]');
    expect(await strip.isChecked()).toBe(false);
    await strip.check();
    await panel.getByText(/were removed from 2 texts before storing/).first().waitFor({ timeout: 30_000 });
    await panel.locator('[data-testid=skip-bad-rows]').check();
    expect(await panel.locator('h2').first().innerText()).toContain('with-html');

    await page.setInputFiles('[data-testid=file-input]', plain);
    await panel.locator('h2', { hasText: 'plain' }).waitFor({ timeout: 30_000 });
    await panel.getByText('10 rows').first().waitFor({ timeout: 30_000 });
    // Nothing of the previous file is left: its finding, its options.
    expect(await panel.locator('[data-testid=html-flag]').count()).toBe(0);
    expect(await panel.locator('[data-testid=skip-bad-rows]').isChecked()).toBe(false);
    expect(await panel.locator('[data-testid=skipped-rows]').count()).toBe(0);
    expect(await page.locator('[data-testid=import-mapping]').count()).toBe(1);
    await page.close();
  });
});
