// A Hugging Face hub cache on disk as huggingface_hub leaves it (blobs named by content hash,
// snapshot files as relative symlinks into blobs/, refs/main naming the snapshot), filled from
// a model folder, for tests of cache lookups without a network.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function addToFakeHfCache(cacheDir: string, id: string, sourceFolder: string, sha = 'c'.repeat(40)): string {
  const repo = join(cacheDir, `models--${id.split('/').join('--')}`);
  const snapshot = join(repo, 'snapshots', sha);
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(join(repo, 'refs'), { recursive: true });
  for (const file of readdirSync(sourceFolder)) {
    const blob = join(repo, 'blobs', createHash('sha256').update(readFileSync(join(sourceFolder, file))).digest('hex'));
    if (!existsSync(blob)) copyFileSync(join(sourceFolder, file), blob);
    symlinkSync(join('..', '..', 'blobs', createHash('sha256').update(readFileSync(blob)).digest('hex')), join(snapshot, file));
  }
  writeFileSync(join(repo, 'refs', 'main'), sha);
  return snapshot;
}
