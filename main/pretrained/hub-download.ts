// Downloads a model from the Hugging Face hub into the hub cache layout (see hf-cache.ts), as
// huggingface_hub does: files go to blobs/<etag>.incomplete, resume with an HTTP Range request,
// are checked against the etag (sha256 for LFS files, the git blob sha1 for small ones), then
// renamed to blobs/<etag> and linked from snapshots/<commit>/<file>; refs/<revision> names the commit.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { copyFile, readFile, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../shared/errors';
import type { ModelDownloadProgress } from '../../shared/models';
import { isHubId, repoFolder } from './hf-cache';
import { hubRequest, offlineMessage } from './hub-http';

export interface DownloadOptions {
  id: string;
  revision?: string;
  cacheDir: string;
  endpoint: string;
  /** HF_TOKEN, for gated or private repos; sent to the hub only. */
  token?: string;
  /** HF_HUB_OFFLINE: never touch the network. */
  offline?: boolean;
  onProgress?: (progress: ModelDownloadProgress) => void;
  signal?: AbortSignal;
}

const WEIGHT_FILES = ['model.safetensors', 'model.safetensors.index.json'];
const OPTIONAL_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
];

interface RepoInfo {
  sha: string;
  files: string[];
}

async function repoInfo(options: DownloadOptions, revision: string): Promise<RepoInfo> {
  const url = `${options.endpoint}/api/models/${options.id}/revision/${encodeURIComponent(revision)}`;
  const response = await hubRequest(url, { token: options.token, signal: options.signal, cacheDir: options.cacheDir, id: options.id });
  if (response.status === 401 || response.status === 403 || response.status === 404) {
    throw new AppError(
      'not_found',
      `${options.id} (revision ${revision}) is not on ${options.endpoint}, or it is private or gated: check the id, or set HF_TOKEN to a token that may read it`,
    );
  }
  if (!response.ok) throw new AppError('unavailable', `${url} answered ${response.status} ${response.statusText}`);
  const body = (await response.json()) as { sha?: unknown; siblings?: { rfilename?: unknown }[] };
  if (typeof body.sha !== 'string' || !/^[0-9a-f]{40}$/.test(body.sha) || !Array.isArray(body.siblings)) {
    throw new AppError('unavailable', `${url} did not answer with a commit and a file list`);
  }
  return { sha: body.sha, files: body.siblings.map((s) => String(s.rfilename)) };
}

/** The files a run needs from a repo: config, safetensors weights, tokenizer files. */
export function chooseFiles(id: string, files: string[]): string[] {
  const has = new Set(files);
  if (!has.has('config.json')) throw new AppError('not_found', `${id} has no config.json on the hub; it is not a transformers model`);
  const weights = WEIGHT_FILES.find((file) => has.has(file));
  if (!weights) {
    const pickle = files.find((file) => file.endsWith('.bin') || file.endsWith('.h5') || file.endsWith('.msgpack'));
    throw new AppError(
      'not_found',
      pickle
        ? `${id} has only ${pickle} (PyTorch pickle / other formats), no model.safetensors; Comparo reads safetensors only. Pick a revision with model.safetensors (the hub's conversion bot opens one as refs/pr/N), or convert it with Python.`
        : `${id} has no model.safetensors on the hub`,
    );
  }
  const tokenizer = OPTIONAL_FILES.filter((file) => has.has(file));
  return ['config.json', weights, ...tokenizer];
}

function normaliseEtag(value: string | null): string | null {
  return value ? value.replace(/^W\//, '').replace(/"/g, '') : null;
}

// Names from the network become paths in the cache: allow only plain names (no "..", no absolute
// paths), so a hostile server or index file cannot write outside the repo folder.
const SAFE_ETAG = /^[A-Za-z0-9_-]{1,128}$/;
const SAFE_REVISION = /^[\w.-]+(?:\/[\w.-]+)*$/;

export function isSafeRelativePath(path: string): boolean {
  return SAFE_REVISION.test(path) && !path.split('/').some((part) => part === '..' || part === '.');
}

interface FileMeta {
  etag: string;
  size: number | null;
}

/** HEAD without following the redirect to the CDN, whose headers lack the LFS etag (as huggingface_hub). */
async function fileMeta(url: string, options: DownloadOptions): Promise<FileMeta> {
  let target = url;
  for (let hop = 0; hop < 5; hop++) {
    const response = await hubRequest(target, { method: 'HEAD', redirect: 'manual', token: options.token, signal: options.signal, cacheDir: options.cacheDir, id: options.id });
    const etag = normaliseEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
    const location = response.headers.get('location');
    // A redirect without an etag is a renamed repo: follow it to where the file now is.
    if (response.status >= 300 && response.status < 400 && !etag && location) {
      target = new URL(location, target).toString();
      continue;
    }
    if (response.status === 404) throw new AppError('not_found', `${url}: not found on the hub`);
    if (response.status >= 400) throw new AppError('unavailable', `${url} answered ${response.status}`);
    if (!etag) throw new AppError('unavailable', `${url}: the hub sent no ETag, so the file cannot be checked or cached`);
    if (!SAFE_ETAG.test(etag)) throw new AppError('unavailable', `${url}: the hub sent an ETag that is no file name (${etag.slice(0, 80)})`);
    const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length') ?? NaN);
    return { etag, size: Number.isFinite(size) ? size : null };
  }
  throw new AppError('unavailable', `${url}: too many redirects`);
}

/** sha256 for LFS files (64 hex digits), git's blob sha1 for the rest (40): what the hub's etag is. */
export async function matchesEtag(path: string, etag: string): Promise<boolean> {
  const kind = /^[0-9a-f]{64}$/.test(etag) ? 'sha256' : /^[0-9a-f]{40}$/.test(etag) ? 'sha1' : null;
  if (!kind) return true; // an etag that is no digest cannot be checked; the size check still applies
  const hash = createHash(kind);
  if (kind === 'sha1') hash.update(`blob ${statSync(path).size}\0`);
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex') === etag;
}

async function fetchBlob(url: string, meta: FileMeta, blob: string, options: DownloadOptions, report: (received: number, done: boolean) => void): Promise<void> {
  const partial = `${blob}.incomplete`;
  const start = existsSync(partial) ? statSync(partial).size : 0;
  const headers: Record<string, string> = start > 0 ? { range: `bytes=${start}-` } : {};
  const response = await hubRequest(url, { headers, token: options.token, signal: options.signal, cacheDir: options.cacheDir, id: options.id });
  let received = 0;
  if (response.status === 416 && meta.size !== null && start === meta.size) {
    received = start; // the previous try had every byte; only the check and rename were missing
  } else {
    if (response.status !== 200 && response.status !== 206) throw new AppError('unavailable', `${url} answered ${response.status}`);
    // 206: the server resumes where the partial file ends; 200: it ignored the range, start over.
    received = response.status === 206 ? start : 0;
    const output = createWriteStream(partial, { flags: response.status === 206 ? 'a' : 'w' });
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    // About one event per percent, none closer than 32 KiB apart: enough for a progress bar.
    const step = Math.max(32 * 1024, Math.floor((meta.size ?? 0) / 100));
    let reported = received;
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received - reported >= step) {
        reported = received;
        report(received, false);
      }
    });
    try {
      await pipeline(body, output);
    } catch (error) {
      if (options.signal?.aborted) throw new AppError('conflict', `download of ${url} cancelled; run it again to resume from ${received} bytes`);
      throw new AppError('unavailable', `download of ${url} broke off after ${received} bytes (${(error as Error).message}); run it again to resume`);
    }
  }
  if (meta.size !== null && received !== meta.size) {
    throw new AppError('unavailable', `download of ${url} ended at ${received} of ${meta.size} bytes; run it again to resume`);
  }
  if (!(await matchesEtag(partial, meta.etag))) {
    await rm(partial, { force: true });
    throw new AppError('bad_input', `${url}: the downloaded file does not match its checksum ${meta.etag}; it was deleted, download again`);
  }
  await rename(partial, blob);
  report(received, true);
}

async function linkIntoSnapshot(blob: string, target: string): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  await unlink(target).catch(() => undefined);
  try {
    await symlink(relative(dirname(target), blob), target);
  } catch {
    await copyFile(blob, target); // no symlinks (Windows without developer mode): huggingface_hub copies too
  }
}

/** Downloads what a run needs of `id` into the cache; returns the snapshot folder. */
export async function downloadModel(options: DownloadOptions): Promise<string> {
  if (!isHubId(options.id)) throw new AppError('invalid_request', `"${options.id}" is not a hub model id (like google/electra-small-discriminator)`);
  const revision = options.revision ?? 'main';
  if (!isSafeRelativePath(revision)) throw new AppError('invalid_request', `"${revision}" is not a revision name (a branch, tag or commit)`);
  if (options.offline) throw new AppError('unavailable', `HF_HUB_OFFLINE is set. ${offlineMessage(options.cacheDir, options.id)}`);
  const info = await repoInfo(options, revision);
  const repo = repoFolder(options.cacheDir, options.id);
  const snapshot = join(repo, 'snapshots', info.sha);
  const files = chooseFiles(options.id, info.files);
  const index = files.indexOf('model.safetensors.index.json');
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const url = `${options.endpoint}/${options.id}/resolve/${info.sha}/${file}`;
    const meta = await fileMeta(url, options);
    const blob = join(repo, 'blobs', meta.etag);
    const report = (receivedBytes: number, fileDone: boolean) =>
      options.onProgress?.({ id: options.id, file, fileIndex: i + 1, fileCount: files.length, receivedBytes, totalBytes: meta.size, fileDone });
    if (existsSync(blob)) report(statSync(blob).size, true);
    else await fetchBlob(url, meta, blob, options, report);
    await linkIntoSnapshot(blob, join(snapshot, file));
    if (i === index) {
      // A sharded checkpoint: its shards are only known once the index is read.
      const weightMap = (JSON.parse(await readFile(blob, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
      for (const shard of new Set(Object.values(weightMap))) {
        if (!isSafeRelativePath(shard)) throw new AppError('bad_input', `${file} of ${options.id} names a shard "${shard}" that is not a file in the repo`);
        if (!files.includes(shard)) files.push(shard);
      }
    }
  }
  if (revision !== info.sha) {
    const ref = join(repo, 'refs', revision); // "refs/pr/1" nests, as in huggingface_hub
    mkdirSync(dirname(ref), { recursive: true });
    await writeFile(ref, info.sha);
  }
  return snapshot;
}
