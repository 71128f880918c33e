// Browser mode as a real process for the end-to-end tests: start `main/web/index.ts` on a free
// loopback port, read the URL (with its per-launch token) it prints, call the contract over HTTP
// as the page does, and stop it (SIGTERM, then SIGKILL after 10 s). One copy for every e2e file.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findThisBrowser, NO_BROWSER_HELP } from './find-browser';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const URL_PATTERN = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)/;
const SERVER_START_MS = 90_000;
const STOP_GRACE_MS = 10_000;

export interface BrowserModeOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  preset?: 'default' | 'quick';
  /** The checkout whose browser mode runs (default: this one); scripts/overview-screenshot.ts runs an older one beside it. */
  root?: string;
}

export interface ContractReply<T> {
  ok: boolean;
  value?: T;
  error?: { code?: string; message: string };
}

export class BrowserModeServer {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    /** http://127.0.0.1:<port> */
    readonly origin = '',
    readonly token = '',
    /** The URL the server prints, token included: what a person opens. */
    readonly pageUrl = '',
  ) {}

  static start({ dataDir, env, preset = 'quick', root = ROOT }: BrowserModeOptions): Promise<BrowserModeServer> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/web/index.ts', '--data-dir', dataDir, '--port', '0', '--preset', preset], {
      cwd: root,
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Browser mode printed no URL within ${SERVER_START_MS / 1000}s. Output:\n${log}`)), SERVER_START_MS);
      let server: BrowserModeServer | undefined;
      const onOutput = (chunk: Buffer) => {
        log += chunk.toString();
        if (server) {
          server.output = log;
          return;
        }
        const match = URL_PATTERN.exec(log);
        if (!match) return;
        server = new BrowserModeServer(child, match[1], match[2], match[0]);
        server.output = log;
        clearTimeout(timer);
        resolve(server);
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        // After a successful start this reject is a no-op; before it, it explains the failure.
        reject(new Error(`Browser mode exited early (code ${code}, signal ${signal}). Output:\n${log}`));
      });
    });
  }

  /** Everything the server printed so far (for failure messages). */
  get log(): string {
    return this.output;
  }

  /** One contract call over HTTP with the page's bearer token; the reply as the page sees it. */
  async post<T>(channel: string, request: unknown, token = this.token): Promise<ContractReply<T>> {
    const response = await fetch(`${this.origin}/api/invoke/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(request),
    });
    return (await response.json()) as ContractReply<T>;
  }

  /** Like post, but the value, or a thrown error naming the channel. */
  async invoke<T>(channel: string, request: unknown): Promise<T> {
    const reply = await this.post<T>(channel, request);
    if (!reply.ok) throw new Error(`${channel}: ${reply.error?.message}`);
    return reply.value as T;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

/**
 * A browser and the built UI must be there: the tests fail, not skip, without a browser, so a
 * missing one can never pass for a green run. The UI is built when missing (npm test builds it first).
 */
export function prepareBrowserTest(): void {
  browserPath();
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.renderer.config.ts'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/** The browser the tests drive (test/helpers/find-browser.ts), or an error with the one line saying what to install. */
function browserPath(): string {
  const found = findThisBrowser();
  if (!found) throw new Error(NO_BROWSER_HELP);
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: browserPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

/**
 * Decodes a PNG in Chromium itself (no PNG library in the repo): draws it on a canvas and counts
 * distinct colours and the share of pixels that differ from the most common (background) colour.
 */
export async function pixelStats(page: Page, png: Buffer): Promise<{ width: number; height: number; colours: number; foreground: number }> {
  return page.evaluate(async (dataUrl) => {
    const dom = globalThis as unknown as {
      Image: new () => { src: string; decode(): Promise<void>; naturalWidth: number; naturalHeight: number };
      document: { createElement(tag: 'canvas'): { width: number; height: number; getContext(kind: '2d'): { drawImage(i: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } };
    };
    const image = new dom.Image();
    image.src = dataUrl;
    await image.decode();
    const canvas = dom.document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const counts = new Map<number, number>();
    for (let i = 0; i < data.length; i += 4) {
      const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
    }
    const background = Math.max(...counts.values());
    const pixels = data.length / 4;
    return { width: canvas.width, height: canvas.height, colours: counts.size, foreground: (pixels - background) / pixels };
  }, `data:image/png;base64,${png.toString('base64')}`);
}

/** Collects the page's uncaught errors and console errors, to assert there were none. */
export function watchErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return problems;
}
