// A real redis-server for a test: its own process on loopback, on a free port, no persistence
// unless asked, stopped by the test. Where Debian's redis-server is not installed, REDIS_MISSING
// says so in the skipped test's name.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env.COMPARO_REDIS_SERVER ?? 'redis-server';
export const redisServerFound = spawnSync(BINARY, ['--version'], { encoding: 'utf8' }).status === 0;
export const REDIS_MISSING = 'SKIPPED: no redis-server here (Debian/Ubuntu: apt-get install redis-server; elsewhere set COMPARO_REDIS_SERVER=/path/to/redis-server)';
/** ' (SKIPPED: …)' to append to a test's name when redis-server is missing, else ''. */
export const redisSkipNote = redisServerFound ? '' : ` (${REDIS_MISSING})`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** TLS files (PEM) for `tls-port`; clients trust `ca` through NODE_EXTRA_CA_CERTS. */
export interface RedisTls {
  cert: string;
  key: string;
  ca: string;
}

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:port/db, or rediss://user:password@localhost:port/db with TLS and a user. */
  url(db?: number): string;
  /** Stops it (SIGTERM) and waits for the process to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (and, with `persist`, the same data). */
  restart(): Promise<void>;
}

function launch(port: number, dir: string, persist: boolean, extra: string[]): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', persist ? 'yes' : 'no', '--protected-mode', 'yes', ...extra];
  const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within 10 s:\n${output}`));
    }, 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}:\n${output}`));
    });
  });
}

/**
 * Starts a redis-server; `persist` turns on its append-only file so a restart keeps the data;
 * `tls` serves TLS only; `user` adds that ACL user (password, Comparo's keys and channels only)
 * and turns the default user off.
 */
export async function startRedis(options: { persist?: boolean; tls?: RedisTls; user?: { name: string; password: string } } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'comparo-redis-'));
  const persist = options.persist ?? false;
  const { tls, user } = options;
  let lastError: Error | null = null;
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort();
    const extra = [
      ...(tls ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'no'] : []),
      ...(user ? ['--user', user.name, 'on', `>${user.password}`, '~comparo:*', '&comparo:*', '+@all', '--user', 'default', 'off'] : []),
    ];
    let child: ChildProcess;
    try {
      child = await launch(port, dir, persist, extra);
    } catch (error) {
      lastError = error as Error; // the port was taken in between: another one
      continue;
    }
    const stopChild = async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    };
    return {
      port,
      url: (db = 0) => `${tls ? 'rediss' : 'redis'}://${user ? `${user.name}:${user.password}@` : ''}${tls ? 'localhost' : '127.0.0.1'}:${port}/${db}`,
      async stop() {
        await stopChild();
        rmSync(dir, { recursive: true, force: true });
      },
      async restart() {
        await stopChild();
        child = await launch(port, dir, persist, extra);
      },
    };
  }
  throw lastError ?? new Error('redis-server could not start');
}
