// A local HTTP server answering as the Hugging Face hub does for what downloads use: the repo
// API (commit + file list), HEAD/GET on /<id>/resolve/<rev>/<file> (small files with their git
// blob sha1 as ETag; LFS files as a 302 to a CDN path with X-Linked-Etag = sha256 and
// X-Linked-Size), Range requests (206), and a way to break a transfer mid-way.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface FakeRepo {
  sha: string;
  files: Map<string, Buffer>;
}

export interface FakeHub {
  endpoint: string;
  /** Every request: method, path and Range header. */
  log: { method: string; path: string; range: string | null }[];
  /** The next GET of this file sends only `bytes` bytes, then drops the connection. */
  cutNext(file: string, bytes: number): void;
  /** The next GET of this file sends `bytes` bytes, then waits for release() before the rest. */
  stallNext(file: string, bytes: number): void;
  release(): void;
  /** GETs of this file serve altered bytes (the ETag stays that of the real content). */
  corrupt(file: string): void;
  close(): Promise<void>;
}

const LFS_SUFFIXES = ['.safetensors', '.bin'];

export function gitBlobSha1(data: Buffer): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A repo from the files of a folder. */
export function repoFromFolder(folder: string, sha = 'a'.repeat(40)): FakeRepo {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(folder)) files.set(name, readFileSync(join(folder, name)));
  return { sha, files };
}

export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const log: FakeHub['log'] = [];
  const cuts = new Map<string, number>();
  const corrupted = new Set<string>();
  const stalls = new Map<string, number>();
  const waiting: (() => void)[] = [];

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    log.push({ method: req.method ?? 'GET', path, range: req.headers.range ?? null });
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(path);
    if (api) {
      const repo = repos[api[1]];
      if (!repo) return void res.writeHead(404).end('{"error":"Repository not found"}');
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ id: api[1], sha: repo.sha, siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })) }));
    }
    const resolve = /^\/(.+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const cdn = /^\/cdn\/(.+)\/-\/(.+)$/.exec(path);
    const [id, file] = resolve ? [resolve[1], resolve[3]] : cdn ? [cdn[1], cdn[2]] : [null, null];
    const repo = id ? repos[id] : undefined;
    const data = repo && file ? repo.files.get(file) : undefined;
    if (!repo || !file || !data) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
    const lfs = LFS_SUFFIXES.some((suffix) => file.endsWith(suffix));
    if (resolve && lfs) {
      res.writeHead(302, {
        location: `/cdn/${id}/-/${file}`,
        'x-linked-etag': `"${sha256(data)}"`,
        'x-linked-size': String(data.length),
        'x-repo-commit': repo.sha,
      });
      return void res.end();
    }
    const body = corrupted.has(file) ? Buffer.from(data.map((byte, i) => (i === 10 ? byte ^ 0xff : byte))) : data;
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' };
    if (!lfs) Object.assign(headers, { etag: `"${gitBlobSha1(data)}"`, 'x-repo-commit': repo.sha });
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= body.length && range) return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    const part = body.subarray(start);
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'content-length': String(part.length),
      ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    const cut = cuts.get(file);
    if (cut !== undefined) {
      cuts.delete(file);
      // Send part of the body, make sure it left, then drop the connection as a network failure would.
      return void res.write(part.subarray(0, cut), () => setTimeout(() => res.destroy(), 50));
    }
    const stall = stalls.get(file);
    if (stall !== undefined) {
      stalls.delete(file);
      res.write(part.subarray(0, stall));
      return void waiting.push(() => res.end(part.subarray(stall)));
    }
    res.end(part);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    cutNext: (file, bytes) => cuts.set(file, bytes),
    corrupt: (file) => corrupted.add(file),
    stallNext: (file, bytes) => stalls.set(file, bytes),
    release: () => waiting.splice(0).forEach((send) => send()),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
