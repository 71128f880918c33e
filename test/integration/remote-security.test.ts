// The queue behind a password and TLS, with a real redis-server serving TLS only to an ACL user
// limited to Comparo's keys and channels (the setup docs/workers.md recommends): a run trains
// through it; a wrong password or an untrusted certificate stops the worker at start and fails
// the app's run, each with the reason, instead of waiting for ever.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../shared/schemas';
import { redisServerFound, REDIS_MISSING, startRedis, type RedisServer } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';
import { cliAsync, startWorker, workerExit, type WorkerProcess } from '../helpers/worker-process';

const opensslFound = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const skipNote = !redisServerFound ? ` (${REDIS_MISSING})` : !opensslFound ? ' (SKIPPED: no openssl here to make the test certificates; Debian/Ubuntu: apt-get install openssl)' : '';
const dir = tempDir('comparo-remote-tls-');
let redis: RedisServer;
const workers: WorkerProcess[] = [];
const ca = join(dir.path, 'ca.pem');
const trusted = { NODE_EXTRA_CA_CERTS: ca };

/** A private CA and a certificate for localhost / 127.0.0.1 signed by it. */
function makeCertificates(): { cert: string; key: string; ca: string } {
  const file = (name: string) => join(dir.path, name);
  const run = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir.path, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', ca, '-days', '2', '-subj', '/CN=Comparo test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(file('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  run('x509', '-req', '-in', file('server.csr'), '-CA', ca, '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('ext.cnf'));
  return { cert: file('server.pem'), key: file('server.key'), ca };
}

beforeAll(async () => {
  if (skipNote) return;
  redis = await startRedis({ tls: makeCertificates(), user: { name: 'comparo', password: 'long-random-password' } });
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
  dir.cleanup();
}, 60_000);

describe.skipIf(skipNote !== '')(`the queue over TLS with an ACL user${skipNote}`, () => {
  it('trains a run through rediss:// as a user limited to Comparo keys', async () => {
    expect(redis.url(0)).toMatch(/^rediss:\/\/comparo:long-random-password@localhost:\d+\/0$/);
    const worker = await startWorker(redis.url(0), [], trusted);
    workers.push(worker);
    const r = await cliAsync(join(dir.path, 'tls'), ['train', '--preset', 'quick', '--loss', 'baseline', '--json', '--queue', redis.url(0)], 240_000, trusted);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const run: RunSummary = JSON.parse(r.stdout).run;
    expect(run).toMatchObject({ status: 'completed', worker: { id: worker.id } });
    // The password never reaches the output.
    expect(r.stderr + worker.output()).not.toContain('long-random-password');
  }, 300_000);

  it('stops a worker with a wrong password or an untrusted certificate at start, and fails the run with the reason', async () => {
    const wrong = redis.url(0).replace('long-random-password', 'wrong');
    const badPassword = await workerExit(wrong, trusted);
    expect(badPassword.code).toBe(1);
    expect(badPassword.stderr).toMatch(/WRONGPASS/);
    const untrusted = await workerExit(redis.url(0), { NODE_EXTRA_CA_CERTS: '' });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/certificate/i);
    const r = await cliAsync(join(dir.path, 'wrong'), ['train', '--preset', 'quick', '--loss', 'baseline', '--json', '--queue', wrong], 120_000, trusted);
    expect(r.code).toBe(1);
    const run: RunSummary = JSON.parse(r.stdout).run;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/WRONGPASS/);
    expect(run.error).not.toContain('wrong@');
  }, 300_000);
});
