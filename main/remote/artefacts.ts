// Files that travel between the app and its workers: datasets (once per content hash), checkpoints.
// Each has a manifest in Redis named by the file's sha256; its bytes are in Redis, in chunks of
// ARTEFACT_CHUNK_BYTES, each its own key, or, from the bucket's size threshold up, in an
// S3-compatible bucket (main/remote/s3-bucket.ts). A file comes back into a temporary file that is
// renamed into place only once its checksum matches, so a half-copied or corrupted artefact is
// never used. Uploading what is already there costs one EXISTS.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ARTEFACT_CHUNK_BYTES, ArtefactManifestSchema, type ArtefactManifest } from '../../shared/remote-protocol';
import { artefactChunkKey, artefactKey, RETENTION_SECONDS } from './keys';
import type { S3Bucket } from './s3-bucket';

/** Where artefacts go: Redis always (manifests, small files), and a bucket for big files when configured. */
export interface ArtefactPlace {
  redis: Redis;
  bucket: S3Bucket | null;
}

/** A Redis alone: everything in Redis. */
const placeOf = (where: Redis | ArtefactPlace): ArtefactPlace => (where instanceof Redis ? { redis: where, bucket: null } : where);

async function sha256OfFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** The manifest's key is refreshed and true when the artefact is already there. */
async function alreadyThere(redis: Redis, sha256: string): Promise<boolean> {
  if (!(await redis.exists(artefactKey(sha256)))) return false;
  await redis.expire(artefactKey(sha256), RETENTION_SECONDS);
  return true;
}

async function writeManifest(redis: Redis, manifest: ArtefactManifest): Promise<ArtefactManifest> {
  // The manifest last: whoever sees it can read every byte.
  await redis.set(artefactKey(manifest.sha256), JSON.stringify(manifest), 'EX', RETENTION_SECONDS);
  return manifest;
}

/** Uploads a file (unless an artefact with its content exists) and returns its manifest. */
export async function putFile(where: Redis | ArtefactPlace, path: string, name: string): Promise<ArtefactManifest> {
  const { redis, bucket } = placeOf(where);
  const { sha256, bytes } = await sha256OfFile(path);
  if (bucket && bytes >= bucket.minBytes) {
    const manifest: ArtefactManifest = { sha256, bytes, chunks: 0, name, bucket: bucket.name };
    if (await alreadyThere(redis, sha256)) return manifest;
    await bucket.put(sha256, createReadStream(path), bytes);
    return writeManifest(redis, manifest);
  }
  const manifest: ArtefactManifest = { sha256, bytes, chunks: Math.ceil(bytes / ARTEFACT_CHUNK_BYTES), name };
  if (await alreadyThere(redis, sha256)) return manifest;
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
  return writeManifest(redis, manifest);
}

/** Uploads bytes held in memory (a dataset's splits as JSON). */
export async function putBytes(where: Redis | ArtefactPlace, bytes: Buffer, name: string): Promise<ArtefactManifest> {
  const { redis, bucket } = placeOf(where);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bucket && bytes.length >= bucket.minBytes) {
    const manifest: ArtefactManifest = { sha256, bytes: bytes.length, chunks: 0, name, bucket: bucket.name };
    if (await alreadyThere(redis, sha256)) return manifest;
    await bucket.put(sha256, bytes, bytes.length);
    return writeManifest(redis, manifest);
  }
  const manifest: ArtefactManifest = { sha256, bytes: bytes.length, chunks: Math.ceil(bytes.length / ARTEFACT_CHUNK_BYTES), name };
  if (await alreadyThere(redis, sha256)) return manifest;
  for (let i = 0; i < manifest.chunks; i++) {
    await redis.set(artefactChunkKey(sha256, i), bytes.subarray(i * ARTEFACT_CHUNK_BYTES, (i + 1) * ARTEFACT_CHUNK_BYTES), 'EX', RETENTION_SECONDS);
  }
  return writeManifest(redis, manifest);
}

export async function manifestOf(redis: Redis, sha256: string): Promise<ArtefactManifest> {
  const raw = await redis.get(artefactKey(sha256));
  if (raw === null) throw new Error(`artefact ${sha256.slice(0, 12)}… is not in Redis (expired or never uploaded)`);
  const parsed = ArtefactManifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success || parsed.data.sha256 !== sha256) throw new Error(`artefact ${sha256.slice(0, 12)}… has a damaged manifest`);
  return parsed.data;
}

/** The artefact's bytes in order: Redis chunks, or the bucket's object. */
async function* bytesOf(place: ArtefactPlace, manifest: ArtefactManifest): AsyncGenerator<Uint8Array> {
  const short = `${manifest.sha256.slice(0, 12)}…`;
  if (manifest.bucket !== undefined) {
    if (!place.bucket || place.bucket.name !== manifest.bucket) {
      throw new Error(`artefact ${short} is in the S3 bucket ${manifest.bucket}: give this process --artefacts s3://${manifest.bucket} (and --s3-endpoint where it is not AWS)`);
    }
    yield* await place.bucket.get(manifest.sha256);
    return;
  }
  for (let i = 0; i < manifest.chunks; i++) {
    const chunk = await place.redis.getBuffer(artefactChunkKey(manifest.sha256, i));
    if (chunk === null) throw new Error(`artefact ${short} lost chunk ${i} of ${manifest.chunks}`);
    yield chunk;
  }
}

/** Downloads an artefact into `dir` under its own name; returns the path. Throws on a checksum mismatch. */
export async function getFile(where: Redis | ArtefactPlace, sha256: string, dir: string): Promise<string> {
  const place = placeOf(where);
  const manifest = await manifestOf(place.redis, sha256);
  const target = join(dir, manifest.name);
  const partial = `${target}.partial-${process.pid}`;
  const hash = createHash('sha256');
  const file = await open(partial, 'w');
  try {
    for await (const chunk of bytesOf(place, manifest)) {
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
export async function getBytes(where: Redis | ArtefactPlace, sha256: string): Promise<Buffer> {
  const place = placeOf(where);
  const manifest = await manifestOf(place.redis, sha256);
  const parts: Buffer[] = [];
  for await (const chunk of bytesOf(place, manifest)) parts.push(Buffer.from(chunk));
  const bytes = Buffer.concat(parts);
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new Error(`artefact ${sha256.slice(0, 12)}… does not match its checksum`);
  return bytes;
}

/** Deletes an artefact (manifest first, so nobody starts reading a half-deleted one). Missing: nothing to do. */
export async function deleteArtefact(where: Redis | ArtefactPlace, sha256: string): Promise<void> {
  const { redis, bucket } = placeOf(where);
  const raw = await redis.get(artefactKey(sha256));
  await redis.del(artefactKey(sha256));
  if (raw === null) return;
  const parsed = ArtefactManifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) return;
  if (parsed.data.bucket !== undefined) {
    if (bucket?.name === parsed.data.bucket) await bucket.delete(sha256);
    return;
  }
  const chunks = Array.from({ length: parsed.data.chunks }, (_, i) => artefactChunkKey(sha256, i));
  if (chunks.length > 0) await redis.del(...chunks);
}
