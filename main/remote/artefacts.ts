// Files that travel between the app and its workers through Redis: datasets (once per content
// hash), checkpoints, predictions. A file goes up in chunks of ARTEFACT_CHUNK_BYTES, each its own
// key, under a manifest named by the file's sha256; it comes back chunk by chunk into a temporary
// file that is renamed into place only once its checksum matches, so a half-copied or corrupted
// artefact is never used. Uploading what is already there costs one EXISTS.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { ARTEFACT_CHUNK_BYTES, ArtefactManifestSchema, type ArtefactManifest } from '../../shared/remote-protocol';
import { artefactChunkKey, artefactKey, RETENTION_SECONDS } from './keys';

async function sha256OfFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Uploads a file (unless an artefact with its content exists) and returns its manifest. */
export async function putFile(redis: Redis, path: string, name: string): Promise<ArtefactManifest> {
  const { sha256, bytes } = await sha256OfFile(path);
  const manifest: ArtefactManifest = { sha256, bytes, chunks: Math.ceil(bytes / ARTEFACT_CHUNK_BYTES), name };
  if (await redis.exists(artefactKey(sha256))) {
    await redis.expire(artefactKey(sha256), RETENTION_SECONDS);
    return manifest;
  }
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(ARTEFACT_CHUNK_BYTES);
    for (let i = 0; i < manifest.chunks; i++) {
      const { bytesRead } = await file.read(buffer, 0, ARTEFACT_CHUNK_BYTES, i * ARTEFACT_CHUNK_BYTES);
      await redis.set(artefactChunkKey(sha256, i), buffer.subarray(0, bytesRead), 'EX', RETENTION_SECONDS);
    }
  } finally {
    await file.close();
  }
  // The manifest last: whoever sees it can read every chunk.
  await redis.set(artefactKey(sha256), JSON.stringify(manifest), 'EX', RETENTION_SECONDS);
  return manifest;
}

/** Uploads bytes held in memory (a dataset's splits as JSON). */
export async function putBytes(redis: Redis, bytes: Buffer, name: string): Promise<ArtefactManifest> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const manifest: ArtefactManifest = { sha256, bytes: bytes.length, chunks: Math.ceil(bytes.length / ARTEFACT_CHUNK_BYTES), name };
  if (await redis.exists(artefactKey(sha256))) {
    await redis.expire(artefactKey(sha256), RETENTION_SECONDS);
    return manifest;
  }
  for (let i = 0; i < manifest.chunks; i++) {
    await redis.set(artefactChunkKey(sha256, i), bytes.subarray(i * ARTEFACT_CHUNK_BYTES, (i + 1) * ARTEFACT_CHUNK_BYTES), 'EX', RETENTION_SECONDS);
  }
  await redis.set(artefactKey(sha256), JSON.stringify(manifest), 'EX', RETENTION_SECONDS);
  return manifest;
}

export async function manifestOf(redis: Redis, sha256: string): Promise<ArtefactManifest> {
  const raw = await redis.get(artefactKey(sha256));
  if (raw === null) throw new Error(`artefact ${sha256.slice(0, 12)}… is not in Redis (expired or never uploaded)`);
  const parsed = ArtefactManifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success || parsed.data.sha256 !== sha256) throw new Error(`artefact ${sha256.slice(0, 12)}… has a damaged manifest`);
  return parsed.data;
}

/** Downloads an artefact into `dir` under its own name; returns the path. Throws on a checksum mismatch. */
export async function getFile(redis: Redis, sha256: string, dir: string): Promise<string> {
  const manifest = await manifestOf(redis, sha256);
  const target = join(dir, manifest.name);
  const partial = `${target}.partial-${process.pid}`;
  const hash = createHash('sha256');
  const file = await open(partial, 'w');
  try {
    for (let i = 0; i < manifest.chunks; i++) {
      const chunk = await redis.getBuffer(artefactChunkKey(sha256, i));
      if (chunk === null) throw new Error(`artefact ${sha256.slice(0, 12)}… lost chunk ${i} of ${manifest.chunks}`);
      hash.update(chunk);
      await file.write(chunk);
    }
  } catch (error) {
    await file.close();
    await rm(partial, { force: true });
    throw error;
  }
  await file.close();
  if (hash.digest('hex') !== sha256) {
    await rm(partial, { force: true });
    throw new Error(`artefact ${sha256.slice(0, 12)}… does not match its checksum`);
  }
  await rename(partial, target);
  return target;
}

/** Reads an artefact into memory (a dataset), checked against its checksum. */
export async function getBytes(redis: Redis, sha256: string): Promise<Buffer> {
  const manifest = await manifestOf(redis, sha256);
  const parts: Buffer[] = [];
  for (let i = 0; i < manifest.chunks; i++) {
    const chunk = await redis.getBuffer(artefactChunkKey(sha256, i));
    if (chunk === null) throw new Error(`artefact ${sha256.slice(0, 12)}… lost chunk ${i} of ${manifest.chunks}`);
    parts.push(chunk);
  }
  const bytes = Buffer.concat(parts);
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new Error(`artefact ${sha256.slice(0, 12)}… does not match its checksum`);
  return bytes;
}

/** Deletes an artefact (manifest first, so nobody starts reading a half-deleted one). Missing: nothing to do. */
export async function deleteArtefact(redis: Redis, sha256: string): Promise<void> {
  const raw = await redis.get(artefactKey(sha256));
  await redis.del(artefactKey(sha256));
  if (raw === null) return;
  const parsed = ArtefactManifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) return;
  const chunks = Array.from({ length: parsed.data.chunks }, (_, i) => artefactChunkKey(sha256, i));
  if (chunks.length > 0) await redis.del(...chunks);
}
