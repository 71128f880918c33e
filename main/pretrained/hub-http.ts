// Requests to the hub, with the one failure that needs its own message: no network. Then the
// person is told which cache folder to put the files in (by hand, from another machine) and
// which files, so the model works offline exactly as a download would have left it.
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { repoFolder } from './hf-cache';

// Errors that mean the hub could not be reached at all (DNS, refused, unroutable, timed out).
const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export function offlineMessage(cacheDir: string, id: string): string {
  const repo = repoFolder(cacheDir, id);
  return (
    `To use ${id} offline, put its files in ${join(repo, 'snapshots', '<any-name>')} ` +
    `(and that name in ${join(repo, 'refs', 'main')}), or in any folder and choose the folder: ` +
    'config.json, model.safetensors, and tokenizer.json or vocab.txt (WordPiece: BERT, ELECTRA, DistilBERT) or vocab.json + merges.txt (RoBERTa), with tokenizer_config.json.'
  );
}

export interface HubRequestOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  redirect?: 'follow' | 'manual';
  token?: string;
  signal?: AbortSignal;
  /** For the offline message. */
  cacheDir: string;
  id: string;
}

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return cause?.code ?? (error as { code?: string })?.code;
}

export async function hubRequest(url: string, options: HubRequestOptions): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': 'Comparo (huggingface_hub-compatible cache)', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  try {
    return await fetch(url, { method: options.method ?? 'GET', headers, redirect: options.redirect ?? 'follow', signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw new AppError('conflict', `download of ${options.id} cancelled`);
    const code = errorCode(error);
    const host = new URL(url).host;
    if (code && UNREACHABLE.has(code)) {
      throw new AppError('unavailable', `cannot reach ${host} (${code}): this machine looks offline. ${offlineMessage(options.cacheDir, options.id)}`);
    }
    throw new AppError('unavailable', `request to ${host} failed (${(error as Error).message}${code ? `, ${code}` : ''}). ${offlineMessage(options.cacheDir, options.id)}`);
  }
}
