// Browser mode's streamed upload: the request body goes straight to a file under the data folder
// (never one string or buffer in memory), then the services import that file by path, streaming
// big CSV/TSV/JSONL files (main/services/dataset-service.ts importUploadedFile), and remove it.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { ImportOptionsSchema, type ImportOptions } from '../../shared/dataset-report';
import { err, type Result } from '../../shared/errors';
import { safeFileName } from '../services/dataset-identity';

/** Thrown from the byte counter when the body passes the limit, so the route can answer 413. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/** The upload's name and import options, from the query string; an error value when unusable. */
export function uploadRequest(url: URL): Result<{ fileName: string; options: ImportOptions }> {
  const fileName = url.searchParams.get('name') ?? '';
  if (fileName.length === 0 || fileName.length > 500) return err('invalid_request', 'The upload needs ?name=<file name> (1 to 500 characters).');
  const raw = url.searchParams.get('options');
  if (raw === null) return { ok: true, value: { fileName, options: {} } };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err('invalid_request', '?options= is not valid JSON.');
  }
  const parsed = ImportOptionsSchema.safeParse(json);
  if (!parsed.success) return err('invalid_request', `?options= does not match ImportOptions: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`);
  return { ok: true, value: { fileName, options: parsed.data } };
}

/**
 * This server's upload folder, `<dataDir>/uploads/<pid>-<random>`; folders of processes that are
 * gone (killed mid-upload) are removed on start. Live servers on the same data folder keep theirs.
 */
export function prepareUploadDir(dataDir: string): string {
  const root = join(dataDir, 'uploads');
  mkdirSync(root, { recursive: true });
  for (const entry of readdirSync(root)) {
    const pid = Number(entry.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    rmSync(join(root, entry), { recursive: true, force: true });
  }
  const own = join(root, `${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(own, { recursive: true });
  return own;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes the body to `<uploadDir>/<random>/<file name>` (the name is what the stored dataset is
 * called) and hands it to `use`; the folder is removed afterwards whatever happens. Throws
 * BodyTooLarge past `limit` bytes, or the stream's error when the client goes away.
 */
export async function receiveUpload<T>(req: IncomingMessage, uploadDir: string, fileName: string, limit: number, use: (file: string) => Promise<T>): Promise<T> {
  const folder = join(uploadDir, randomBytes(6).toString('hex'));
  mkdirSync(folder, { recursive: true });
  const file = join(folder, safeFileName(fileName));
  try {
    await writeBody(req, file, limit);
    return await use(file);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Not stream.pipeline: on an error it destroys the request, and with it the socket the 413
 * must go out on. Here the request is only unpiped; it keeps flowing (and is dropped) until the
 * route has answered.
 */
function writeBody(req: IncomingMessage, file: string, limit: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(out);
      out.destroy();
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new BodyTooLarge(limit));
    });
    req.on('error', fail);
    req.on('close', () => {
      if (!req.complete) fail(new Error('the client went away before the upload ended'));
    });
    out.on('error', fail);
    out.on('finish', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
    req.pipe(out);
  });
}
