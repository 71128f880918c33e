// Artefacts through a real redis-server (main/remote/artefacts.ts): a file of several chunks comes
// back byte for byte, the same content goes up once, and a corrupted or missing chunk is refused
// without leaving a file behind.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTEFACT_CHUNK_BYTES } from '../../shared/remote-protocol';
import { getBytes, getFile, putBytes, putFile } from '../../main/remote/artefacts';
import { artefactChunkKey } from '../../main/remote/keys';
import { redisServerFound, redisSkipNote, startRedis, type RedisServer } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('comparo-artefacts-');
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  if (!redisServerFound) return;
  server = await startRedis();
  redis = new Redis(server.url(0));
}, 30_000);

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
  dir.cleanup();
});

describe.skipIf(!redisServerFound)(`artefacts in Redis${redisSkipNote}`, () => {
  it('round-trips a file of several chunks byte for byte, and uploads the same content once', async () => {
    const source = join(dir.path, 'step-40.ckpt');
    const bytes = randomBytes(2 * ARTEFACT_CHUNK_BYTES + 12_345);
    writeFileSync(source, bytes);
    const manifest = await putFile(redis, source, 'step-40.ckpt');
    expect(manifest).toMatchObject({ bytes: bytes.length, chunks: 3, name: 'step-40.ckpt' });
    const keys = await redis.dbsize();
    expect((await putFile(redis, source, 'step-40.ckpt')).sha256).toBe(manifest.sha256);
    expect(await redis.dbsize()).toBe(keys);
    const into = join(dir.path, 'back');
    mkdirSync(into);
    const path = await getFile(redis, manifest.sha256, into);
    expect(path).toBe(join(into, 'step-40.ckpt'));
    expect(readFileSync(path).equals(bytes)).toBe(true);
    const memory = await putBytes(redis, Buffer.from('{"texts":[]}'), 'data.json');
    expect((await getBytes(redis, memory.sha256)).toString()).toBe('{"texts":[]}');
  });

  it('refuses a corrupted or lost chunk and leaves no file behind', async () => {
    const source = join(dir.path, 'best.ckpt');
    writeFileSync(source, randomBytes(ARTEFACT_CHUNK_BYTES + 10));
    const manifest = await putFile(redis, source, 'best.ckpt');
    const into = join(dir.path, 'corrupt');
    mkdirSync(into);
    const chunk = (await redis.getBuffer(artefactChunkKey(manifest.sha256, 1)))!;
    chunk[0] ^= 0xff;
    await redis.set(artefactChunkKey(manifest.sha256, 1), chunk);
    await expect(getFile(redis, manifest.sha256, into)).rejects.toThrow(/checksum/);
    expect(readdirSync(into)).toEqual([]);
    await redis.del(artefactChunkKey(manifest.sha256, 1));
    await expect(getFile(redis, manifest.sha256, into)).rejects.toThrow(/lost chunk 1 of 2/);
    expect(readdirSync(into)).toEqual([]);
    await expect(getFile(redis, 'f'.repeat(64), into)).rejects.toThrow(/not in Redis/);
    expect(existsSync(join(into, 'best.ckpt'))).toBe(false);
  });
});
