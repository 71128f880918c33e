// Browser mode's streamed upload and its refusals, against a real server process: a 4M-row file
// (16 MB: the in-memory reader ran the heap out on it) imports and the server stays up; bodies
// over the limits get 413 and the next request is still answered; a malformed URL is 400; every
// refusal has the 4xx status of its error code with the JSON Result body the page reads; and the
// page itself (Chromium) sends a picked file to the upload route, not as a JSON string.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyRows } from '../helpers/tiny-rows';
import { BrowserModeServer, launchChromium, prepareBrowserTest } from '../helpers/browser-mode';
import { tempDir } from '../helpers/temp-dir';

const UPLOAD_LIMIT = 32 * 1024 * 1024;
const JSON_LIMIT = 1024 * 1024;

const data = tempDir('comparo-upload-data-');
const files = tempDir('comparo-upload-files-');
let server: BrowserModeServer;

interface Reply {
  status: number;
  body: { ok: boolean; value?: { rows: number; name: string; fileName: string; contentHash: string }; error?: { code: string; message: string; location?: { file: string; line: number } } };
}


/** A POST with the page's token; `length: false` sends the body chunked, with no Content-Length. */
function post(path: string, body: Buffer | string, { length = true, token = server.token } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const req = request(`${server.origin}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...(length ? { 'content-length': bytes.length } : {}) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Reply['body'] }));
    });
    req.on('error', reject);
    // In 1 MiB writes, so a refused body meets the answer while it is still being sent.
    for (let i = 0; i < bytes.length; i += 1 << 20) req.write(bytes.subarray(i, i + (1 << 20)));
    req.end();
  });
}

const upload = (name: string, body: Buffer | string, options?: object) =>
  post(`/api/upload?name=${encodeURIComponent(name)}${options ? `&options=${encodeURIComponent(JSON.stringify(options))}` : ''}`, body);

async function stillAnswers(): Promise<void> {
  const list = await server.post<unknown[]>('datasets.list', {});
  expect(list.ok).toBe(true);
}

beforeAll(async () => {
  server = await BrowserModeServer.start({
    dataDir: data.path,
    env: { ...process.env, COMPARO_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT), COMPARO_MAX_JSON_BYTES: String(JSON_LIMIT) },
  });
});

afterAll(async () => {
  await server?.stop();
  data.cleanup();
  files.cleanup();
});

describe('browser mode upload route', () => {
  it('imports a 4M-row, 16 MB CSV by streaming it, and keeps answering', async () => {
    const file = join(files.path, 'four-million.csv');
    await writeTinyRows(file, 4_000_000);
    const reply = await upload('four-million.csv', readFileSync(file));
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.value).toMatchObject({ rows: 4_000_000, name: 'four-million', fileName: 'four-million.csv' });
    await stillAnswers();
    // The temporary copy under the data folder is gone once the import answered.
    const uploads = join(data.path, 'uploads');
    const leftovers = existsSync(uploads) ? readdirSync(uploads).flatMap((pid) => readdirSync(join(uploads, pid))) : [];
    expect(leftovers).toEqual([]);
  }, 60_000);

  it('cancels an upload by its name through datasets.cancelImport, storing nothing', async () => {
    const pending = upload('cancel-me.csv', readFileSync(join(files.path, 'four-million.csv')));
    const deadline = Date.now() + 30_000;
    let cancelled = false;
    while (!cancelled && Date.now() < deadline) cancelled = (await server.post<boolean>('datasets.cancelImport', { path: 'cancel-me.csv' })).value === true;
    expect(cancelled).toBe(true);
    const reply = await pending;
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'conflict', message: 'import cancelled' } });
    const names = (await server.invoke<{ fileName: string }[]>('datasets.list', {})).map((d) => d.fileName);
    expect(names).not.toContain('cancel-me.csv');
  });

  it('stores a small upload as the same dataset the JSON import gives', async () => {
    const csv = 'text,label\ngreat film,pos\nawful film,neg\nloved it,pos\nhated it,neg\n';
    const uploaded = await upload('small.csv', csv);
    expect(uploaded.status).toBe(200);
    const viaJson = await server.post<{ id: string; contentHash: string }>('datasets.importText', { fileName: 'small.csv', content: csv });
    expect(viaJson.value?.contentHash).toBe(uploaded.body.value?.contentHash);
  });

  it('refuses a malformed upload with 400 and the uploaded name in the location, not the temporary path', async () => {
    const reply = await upload('broken.csv', 'text,label\n"never closed,pos\nok,neg\n');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'bad_input', location: { file: 'broken.csv' } } });
    expect(reply.body.error?.message).not.toContain(data.path);
  });

  it('answers 413 to bodies over the limits, with or without Content-Length, and the server stays up', async () => {
    const tooBig = Buffer.alloc(UPLOAD_LIMIT + (1 << 20), 0x61);
    for (const length of [true, false]) {
      const reply = await post('/api/upload?name=big.csv', tooBig, { length });
      expect(reply.status).toBe(413);
      expect(reply.body).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
      await stillAnswers();
    }
    const json = JSON.stringify({ fileName: 'x.csv', content: 'a'.repeat(JSON_LIMIT) });
    for (const length of [true, false]) {
      const reply = await post('/api/invoke/datasets.importText', json, { length });
      expect(reply.status).toBe(413);
      await stillAnswers();
    }
  });

  it('answers a malformed percent-encoded path with 400', async () => {
    const response = await fetch(`${server.origin}/%E0%A4%A`);
    expect(response.status).toBe(400);
    await stillAnswers();
  });

  it('gives refusals the status of their error code, with the JSON Result body', async () => {
    const cases: [string, unknown, number, string][] = [
      ['datasets.preview', { id: 'no-such-dataset' }, 404, 'not_found'],
      ['datasets.preview', { unexpected: true }, 400, 'invalid_request'],
      ['datasets.importText', { fileName: 'empty.csv', content: '' }, 400, 'bad_input'],
    ];
    for (const [channel, body, status, code] of cases) {
      const reply = await post(`/api/invoke/${channel}`, JSON.stringify(body));
      expect(reply.status, channel).toBe(status);
      expect(reply.body).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
    }
    expect((await post('/api/invoke/app.info', '{}', { token: 'wrong' })).status).toBe(401);
    expect((await post('/api/upload?name=x.csv', 'text,label\n', { token: 'wrong' })).status).toBe(401);
    expect((await upload('', 'text,label\n')).status).toBe(400);
  });
});

describe('the page uploads picked files', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    prepareBrowserTest();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('sends a file to the upload route as its bytes and shows the imported dataset', async () => {
    // 30k rows: past the in-memory reader's row limit, so the server streams it.
    const file = join(files.path, 'picked.csv');
    const lines = ['text,label'];
    for (let i = 0; i < 30_000; i++) lines.push(`review number ${i} was ${i % 2 ? 'good' : 'bad'},${i % 2 ? 'pos' : 'neg'}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const page = await browser!.newPage();
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') sent.push(new URL(r.url()).pathname);
    });
    await page.goto(server.pageUrl);
    await page.setInputFiles('[data-testid=file-input]', file);
    await page.locator('[data-testid=dataset-preview]').waitFor({ timeout: 60_000 });
    expect(Number((await page.locator('[data-testid=dataset-rows]').innerText()).replace(/\D/g, ''))).toBe(30_000);
    expect(sent).toContain('/api/upload');
    expect(sent).not.toContain('/api/invoke/datasets.importText');
    await page.close();
  });

  it("shows a refused upload's file:line:column message from the 400 body, not the bare status", async () => {
    const file = join(files.path, 'unclosed.csv');
    writeFileSync(file, 'text,label\n"never closed,pos\nok,neg\n');
    const page = await browser!.newPage();
    await page.goto(server.pageUrl);
    await page.setInputFiles('[data-testid=file-input]', file);
    const alert = page.locator('[role=alert] code');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toMatch(/^unclosed\.csv:2:\d+: /);
    await page.close();
  });
});
