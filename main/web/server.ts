import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { HTTP_STATUS_OF_ERROR, MAX_JSON_BODY_BYTES, MAX_UPLOAD_BYTES, UPLOAD_ROUTE } from '../../shared/contract';
import { err, ok, type Result } from '../../shared/errors';
import type { Services } from '../services';
import { exportFolderOf, sendFolderAsZip } from './export-zip';
import { importInWorker } from './import-in-worker';
import { BodyTooLarge, prepareUploadDir, receiveUpload, uploadRequest } from './upload';

/** Same policy as the Electron window: scripts only from this origin, no eval, no plugins. */
export const BROWSER_MODE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface WebServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Loopback browser mode: the renderer served from `staticDir`, the contract under /api. Bound to
 * 127.0.0.1 only; every API call needs the per-launch token, and the Host header must name the
 * loopback address (defeats DNS-rebinding pages that would otherwise reach the port).
 */
export interface WebServerOptions {
  services: Services;
  staticDir: string;
  port?: number;
  /** Largest /api/invoke body; bigger ones get 413 (default shared/contract's MAX_JSON_BODY_BYTES). */
  maxJsonBytes?: number;
  /** Largest upload; bigger ones get 413 (default shared/contract's MAX_UPLOAD_BYTES). */
  maxUploadBytes?: number;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { services, staticDir } = options;
  const token = browserToken(services.dataDir);
  const maxJsonBytes = options.maxJsonBytes ?? MAX_JSON_BODY_BYTES;
  const maxUploadBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const uploadDir = prepareUploadDir(services.dataDir);
  const sse = new Set<ServerResponse>();
  const broadcast = (name: string, payload: unknown) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of sse) res.write(frame);
  };
  const unsubscribe = services.onEvent(broadcast);
  /** Cancels of uploads importing on worker threads, by the file name the page knows them by. */
  const uploadsInFlight = new Map<string, () => void>();
  let port = 0;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (e instanceof BodyTooLarge) return refuseTooLarge(req, res, e.limit);
      // A client that went away mid-body has nobody left to answer.
      if (req.destroyed && !req.complete) return;
      sendJson(res, 500, { ok: false, error: { code: 'internal', message: String(e) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      return sendJson(res, 400, { ok: false, error: { code: 'invalid_request', message: 'The request URL is malformed.' } });
    }
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      return sendJson(res, 403, { ok: false, error: { code: 'invalid_request', message: 'Browser mode only answers on 127.0.0.1.' } });
    }
    if (url.pathname.startsWith('/api/')) {
      // The page's HttpOnly cookie (set when the printed link was opened), or a bearer token for
      // scripts; the event stream may also carry it in its query (EventSource sends no headers).
      const given = [cookieToken(req, token), bearer(req), url.pathname === '/api/events' ? (url.searchParams.get('token') ?? '') : ''];
      if (!given.some((g) => sameToken(g, token))) {
        return sendJson(res, 401, { ok: false, error: { code: 'invalid_request', message: 'Missing or wrong token: open the URL printed at start-up.' } });
      }
      if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(req, res);
      if (url.pathname === UPLOAD_ROUTE && req.method === 'POST') return upload(req, res, url);
      const exported = /^\/api\/exports\/([\w-]+)\.zip$/.exec(url.pathname);
      if (exported && req.method === 'GET') {
        const folder = exportFolderOf(services.dataDir, exported[1]);
        if (!folder) return sendJson(res, 404, { ok: false, error: { code: 'not_found', message: `No export ${exported[1]}: export the run first.` } });
        return sendFolderAsZip(folder, `${exported[1]}.zip`, res);
      }
      const m = /^\/api\/invoke\/([\w.]+)$/.exec(url.pathname);
      if (m && req.method === 'POST') {
        if (declaredLength(req) > maxJsonBytes) return refuseTooLarge(req, res, maxJsonBytes);
        const body = await readBody(req, maxJsonBytes);
        let request: unknown;
        try {
          request = body.length ? JSON.parse(body) : {};
        } catch {
          return sendJson(res, 400, { ok: false, error: { code: 'invalid_request', message: 'Request body is not valid JSON.' } });
        }
        const path = (request as { path?: unknown } | null)?.path;
        if (m[1] === 'datasets.cancelImport' && typeof path === 'string' && uploadsInFlight.has(path)) {
          uploadsInFlight.get(path)!();
          return sendResult(res, ok(true));
        }
        return sendResult(res, await services.dispatch(m[1], request));
      }
      return sendJson(res, 404, { ok: false, error: { code: 'not_found', message: `No API route ${req.method} ${url.pathname}` } });
    }
    // The printed link: its token goes into an HttpOnly, SameSite=Strict cookie and out of the
    // address bar, so reloads, new tabs and bookmarks of any view work, and no page script can read it.
    const linkToken = url.searchParams.get('token');
    if (linkToken !== null && req.method === 'GET') {
      if (!sameToken(linkToken, token)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('Wrong token: open the link `npm run web` printed.');
        return;
      }
      url.searchParams.delete('token');
      res.writeHead(303, { location: url.pathname + url.search, 'set-cookie': tokenCookie(token), 'cache-control': 'no-store' }).end();
      return;
    }
    return serveStatic(url.pathname, res);
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const request = uploadRequest(url);
    if (!request.ok) return sendResult(res, request);
    if (declaredLength(req) > maxUploadBytes) return refuseTooLarge(req, res, maxUploadBytes);
    const { fileName, options: importOptions } = request.value;
    if (uploadsInFlight.has(fileName)) {
      req.resume();
      return sendResult(res, err('conflict', `${fileName} is already being imported`));
    }
    // Claimed before the body arrives, so a second upload of the name is refused, not raced.
    // A cancel while the body is still arriving lands as soon as the import starts.
    let cancelled = false;
    let cancel: () => void = () => {
      cancelled = true;
    };
    uploadsInFlight.set(fileName, () => cancel());
    try {
      const result = await receiveUpload(req, uploadDir, fileName, maxUploadBytes, (file) => {
        // Parsing and storing run on a worker thread: this thread keeps answering meanwhile.
        const job = importInWorker({ dataDir: services.dataDir, file, fileName, options: importOptions }, (p) => broadcast('dataset.importProgress', p));
        cancel = job.cancel;
        if (cancelled) job.cancel();
        return job.result;
      });
      return sendResult(res, result);
    } finally {
      uploadsInFlight.delete(fileName);
    }
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    sse.add(res);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      sse.delete(res);
    });
  }

  function serveStatic(pathname: string, res: ServerResponse): void {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request: the path is not valid percent-encoding');
      return;
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    const file = join(staticDir, relative);
    if (!file.startsWith(staticDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': BROWSER_MODE_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    port,
    close: async () => {
      unsubscribe();
      for (const res of sse) res.end();
      // Imports on worker threads stop (and remove what they stored) so their requests can end.
      for (const cancel of uploadsInFlight.values()) cancel();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

const TOKEN_FILE = 'browser-token';

/**
 * Cookies are per host, not per port: each data folder's server names its cookie after its own
 * token (a hash of it), so two browser modes on 127.0.0.1 never overwrite each other's.
 */
const cookieName = (token: string) => `comparo_${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
const tokenCookie = (token: string) => `${cookieName(token)}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000`;

function cookieToken(req: IncomingMessage, token: string): string {
  const wanted = cookieName(token);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === wanted) return value.join('=');
  }
  return '';
}

/**
 * The token of this data folder's browser mode, kept in <dataDir>/browser-token (owner-only) so a
 * bookmark or a cookie from an earlier launch still opens the app; made on first use.
 */
export function browserToken(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE);
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (/^[\w-]{32}$/.test(saved)) return saved;
  } catch {
    // None yet: made below.
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, token, { mode: 0o600 });
  return token;
}

function bearer(req: IncomingMessage): string {
  const h = req.headers.authorization ?? '';
  return h.startsWith('Bearer ') ? h.slice('Bearer '.length) : '';
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function declaredLength(req: IncomingMessage): number {
  const length = Number(req.headers['content-length'] ?? 0);
  return Number.isFinite(length) ? length : 0;
}

/** The body as text, refused (BodyTooLarge) past `limit` bytes: a body is never longer than V8's longest string. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      chunks.length = 0;
      req.off('data', onData);
      reject(new BodyTooLarge(limit));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * 413 with the JSON body the page reads. The rest of the body is read and dropped (on loopback
 * that is quick, and a client still sending then sees the answer instead of a reset), and the
 * connection closes after, so a refused body is never parsed as the next request.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  req.resume();
  if (res.headersSent) return void res.destroy();
  res.setHeader('connection', 'close');
  sendJson(res, 413, { ok: false, error: { code: 'invalid_request', message: `The request is larger than the ${(limit / 2 ** 20).toFixed(0)} MiB browser mode accepts.` } });
}

/** A Result with the status its error code means (shared/contract's HTTP_STATUS_OF_ERROR); the body is the same either way. */
function sendResult(res: ServerResponse, result: Result<unknown>): void {
  sendJson(res, result.ok ? 200 : (HTTP_STATUS_OF_ERROR[result.error.code] ?? 500), result);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
