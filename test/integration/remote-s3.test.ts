// Big artefacts through an S3-compatible bucket (main/remote/s3-bucket.ts) with a real local S3
// emulator (s3rver) beside a real redis-server and a real worker: a run's dataset and checkpoints
// travel through the bucket (Redis keeps only their manifests), the run ends with the numbers of
// one trained here, and once the app has the checkpoints they leave the bucket; a worker without
// the bucket says which one it needs.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../shared/schemas';
import { redisServerFound, redisSkipNote, startRedis, type RedisServer } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';
import { cliAsync, startWorker, trainedNumbers, type WorkerProcess } from '../helpers/worker-process';

const dir = tempDir('comparo-remote-s3-');
let redis: RedisServer;
let s3: S3rver;
let endpoint = '';
const workers: WorkerProcess[] = [];
const BUCKET = 'comparo-artefacts';
// s3rver accepts any signature made with its fixed key pair; everything goes to the bucket (0 bytes up).
const s3Env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', COMPARO_S3_MIN_BYTES: '0' };
const objectsDir = join(dir.path, 's3');

beforeAll(async () => {
  if (!redisServerFound) return;
  redis = await startRedis();
  mkdirSync(objectsDir);
  s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: objectsDir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
}, 30_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await s3?.close();
  await redis?.stop();
  dir.cleanup();
}, 60_000);

/** The bucket's object keys now, as S3 lists them. */
async function objectKeys(): Promise<string[]> {
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  } finally {
    client.destroy();
  }
}

describe.skipIf(!redisServerFound)(`big artefacts through an S3-compatible bucket${redisSkipNote}`, () => {
  it('trains a run whose dataset and checkpoints travel through the bucket, and empties it of checkpoints afterwards', async () => {
    const bucketArgs = ['--artefacts', `s3://${BUCKET}/runs`, '--s3-endpoint', endpoint];
    const worker = await startWorker(redis.url(0), bucketArgs, s3Env);
    workers.push(worker);
    expect(worker.output()).toContain(`big artefacts in s3://${BUCKET}/runs`);
    const args = ['train', '--preset', 'quick', '--loss', 'comparative', '--seed', '3', '--json'];
    const [here, remote] = await Promise.all([cliAsync(join(dir.path, 'here'), args), cliAsync(join(dir.path, 'remote'), [...args, '--queue', redis.url(0), ...bucketArgs], 300_000, s3Env)]);
    expect(here.code, here.stderr.slice(-2000)).toBe(0);
    expect(remote.code, remote.stderr.slice(-2000) + worker.output()).toBe(0);
    const run: RunSummary = JSON.parse(remote.stdout).run;
    expect(run.worker?.id).toBe(worker.id);
    expect(trainedNumbers(run)).toEqual(trainedNumbers(JSON.parse(here.stdout).run));
    // The checkpoints reached the app's folder.
    expect(readdirSync(join(dir.path, 'remote', 'checkpoints', run.id)), remote.stderr.slice(-3000)).toContain('best.ckpt');
    const client = new Redis(redis.url(0));
    try {
      // Redis holds manifests only: no chunk keys, and every manifest names the bucket.
      expect(await client.keys('comparo:artefact:*:*')).toEqual([]);
      const manifests = await client.keys('comparo:artefact:*');
      const kept = await Promise.all(manifests.map(async (k) => JSON.parse((await client.get(k))!)));
      expect(kept.map((m) => [m.name, m.bucket])).toEqual([['data.json', BUCKET]]);
      // And the bucket holds the dataset alone: the checkpoints left once the app had them.
      expect(await objectKeys()).toEqual([`runs/${kept[0].sha256}`]);
    } finally {
      client.disconnect();
    }
  }, 400_000);

  it('fails a run on a worker that was not given the bucket, naming the bucket it needs', async () => {
    const worker = await startWorker(redis.url(1), [], s3Env);
    workers.push(worker);
    const r = await cliAsync(join(dir.path, 'no-bucket'), ['train', '--preset', 'quick', '--loss', 'baseline', '--json', '--queue', redis.url(1), '--artefacts', `s3://${BUCKET}/runs`, '--s3-endpoint', endpoint], 120_000, s3Env);
    expect(r.code).toBe(1);
    const run: RunSummary = JSON.parse(r.stdout).run;
    expect(run.status).toBe('failed');
    expect(run.error).toContain(`--artefacts s3://${BUCKET}`);
  }, 200_000);
});
