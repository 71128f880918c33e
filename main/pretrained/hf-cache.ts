// The Hugging Face hub cache, in the layout huggingface_hub writes, so models downloaded by Python
// (transformers, huggingface-cli) are found here and ours are found by them:
//   <cache>/models--<org>--<name>/refs/<revision>      the commit sha the revision points to
//   <cache>/models--<org>--<name>/snapshots/<sha>/...  the repo files (symlinks into blobs/)
//   <cache>/models--<org>--<name>/blobs/<etag>          the file contents, named by their etag
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub (huggingface_hub's order). */
export function hubCacheDir(env: Env = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface', 'hub');
}

/** HF_ENDPOINT overrides the hub's address (mirrors, and our tests' local server). */
export function hubEndpoint(env: Env = process.env): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

// Hub repo ids: "name" (legacy, e.g. bert-base-uncased) or "org/name"; letters, digits, - _ .
const HUB_ID = /^(?:[A-Za-z0-9][\w.-]{0,95}\/)?[A-Za-z0-9][\w.-]{0,95}$/;

export function isHubId(reference: string): boolean {
  return HUB_ID.test(reference) && !reference.includes('..') && !reference.endsWith('.');
}

export function repoFolderName(id: string): string {
  return `models--${id.split('/').join('--')}`;
}

export function repoFolder(cacheDir: string, id: string): string {
  return join(cacheDir, repoFolderName(id));
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** The snapshot folder a revision (branch, tag or commit) points to in the cache, or null. */
export function cachedSnapshot(cacheDir: string, id: string, revision = 'main'): string | null {
  const repo = repoFolder(cacheDir, id);
  if (!existsSync(repo)) return null;
  let commit = COMMIT_SHA.test(revision) ? revision : null;
  const ref = join(repo, 'refs', revision);
  if (!commit && existsSync(ref)) commit = readFileSync(ref, 'utf8').trim();
  if (commit) {
    const snapshot = join(repo, 'snapshots', commit);
    return existsSync(snapshot) ? snapshot : null;
  }
  // No ref (files placed by hand): the newest snapshot is the best guess of what was meant.
  return revision === 'main' ? newestSnapshot(repo) : null;
}

function newestSnapshot(repo: string): string | null {
  const snapshots = join(repo, 'snapshots');
  if (!existsSync(snapshots)) return null;
  const folders = readdirSync(snapshots, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(snapshots, entry.name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return folders[0] ?? null;
}

export interface CachedModel {
  id: string;
  folder: string;
}

/** Every model repo in the cache with a snapshot for main (datasets and spaces are skipped). */
export function listCachedModels(cacheDir: string): CachedModel[] {
  if (!existsSync(cacheDir)) return [];
  const models: CachedModel[] = [];
  for (const entry of readdirSync(cacheDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('models--')) continue;
    const id = entry.name.slice('models--'.length).split('--').join('/');
    const folder = cachedSnapshot(cacheDir, id);
    if (folder) models.push({ id, folder });
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
