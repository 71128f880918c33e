// Which dataset a set of bytes is, and what an upload is called: the content hash that makes the
// same content imported twice the same dataset (so runs on it stay comparable), and the names an
// upload gets on disk and in error messages. No database and no parsing: main/web/upload.ts and
// main/services/dataset-service.ts both use it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { ImportFile, ImportOptions } from '../../shared/dataset-report';
import { AppError } from '../../shared/errors';
import { splitOfFileName } from './import/assemble';
import type { SourceFile } from './import/read-sources';

export type { SourceFile };

/**
 * SHA-256 of the bytes for one file (as before, so existing datasets are found again); for a
 * folder, of each file's name and hash. Options that change what is stored (column choices, task,
 * skipping) are part of the identity: the same file mapped differently is a different dataset.
 */
export function contentHash(sources: SourceFile[], options: ImportOptions): string {
  const extra = identityOf(options);
  if (sources.length === 1 && extra === '') return createHash('sha256').update(sources[0].bytes).digest('hex');
  const hash = createHash('sha256');
  for (const s of [...sources].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    hash.update(`${splitOfFileName(s.name) ?? basename(s.name)}\0${createHash('sha256').update(s.bytes).digest('hex')}\0`);
  }
  return hash.update(extra).digest('hex');
}

/** Same identity as contentHash() gives for the file's bytes, without reading them all at once. */
export async function fileHash(path: string, options: ImportOptions): Promise<string> {
  const extra = identityOf(options);
  const inner = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) inner.update(chunk as Buffer);
  const digest = inner.digest('hex');
  if (extra === '') return digest;
  return createHash('sha256').update(`${splitOfFileName(path) ?? basename(path)}\0${digest}\0`).update(extra).digest('hex');
}

/** The options that change what is stored, in a fixed order; '' when there are none. */
function identityOf(options: ImportOptions): string {
  // The model's maximum length only changes the report, not the rows.
  const { maxLength: _ignored, ...identity } = options;
  return Object.keys(identity).length === 0 ? '' : JSON.stringify(Object.entries(identity).sort());
}

/** An upload as the renderer sends it (text, or base64 for binary) as bytes. */
export function decodeUpload(file: ImportFile): SourceFile {
  return { name: file.name, bytes: file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : Buffer.from(file.content, 'utf8') };
}

/** The upload's own name, made safe to be the last part of a path (it names the stored dataset). */
export function safeFileName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? '';
  const clean = last.replace(/[\u0000-\u001f<>:"|?*]/g, '_').replace(/^\.+/, '');
  return clean.length > 0 ? clean.slice(-200) : 'upload.csv';
}

/** An error about the temporary file, told about the file the person uploaded. */
export function renameFile(e: AppError, tempPath: string, fileName: string): AppError {
  const location = e.location && e.location.file === tempPath ? { ...e.location, file: fileName } : e.location;
  return new AppError(e.code, e.message.split(tempPath).join(fileName), location);
}

/** The name a folder's files share: the folder's (for the Hub's <dataset>/data/ layout, the dataset's). */
export function commonName(sources: SourceFile[]): string {
  const parts = sources[0].name.split(/[\\/]/);
  // The Hub's layout keeps the splits in <dataset>/data/ (main/services/import/read-sources.ts): name it after <dataset>.
  if (parts.length > 2 && parts[parts.length - 2] === 'data') return parts[parts.length - 3];
  return parts.length > 1 ? parts[parts.length - 2] : basename(sources[0].name);
}
