// The Redis a queue placement talks to, from the one URL a person types (`--queue`, Settings ->
// Workers): redis://[user:password@]host[:port][/db] or rediss://… for TLS. ioredis parses the URL
// itself (ACL user and password, db, TLS); this checks it first so a typo is one sentence, not a
// reconnect loop, and gives every connection the options BullMQ requires.
import { Redis, type RedisOptions } from 'ioredis';
import { AppError } from '../../shared/errors';

export interface QueueAddress {
  /** The URL as given, passwords included: handed to ioredis, never printed. */
  url: string;
  /** The URL with any password replaced by ***, for messages and the history. */
  shown: string;
  tls: boolean;
}

/** Checks a queue URL; throws AppError('invalid_request') naming what is wrong. */
export function parseQueueUrl(text: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('invalid_request', `--queue: "${text}" is not a URL; expected redis://host:6379/0 or rediss://user:password@host:6380/0`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new AppError('invalid_request', `--queue: ${url.protocol}// is not a Redis URL; expected redis:// or rediss:// (TLS)`);
  }
  if (!url.hostname) throw new AppError('invalid_request', '--queue: the URL names no host');
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new AppError('invalid_request', `--queue: "${db}" is not a database number (0-15)`);
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return { url: url.href, shown: shown.href, tls: url.protocol === 'rediss:' };
}

/**
 * A connection with what BullMQ needs (maxRetriesPerRequest null: its blocking commands wait for a
 * reconnect instead of failing) and one line on stderr per distinct connection error instead of
 * ioredis's unhandled-error spam while Redis restarts.
 */
export function connect(address: QueueAddress, name: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(address.url, { maxRetriesPerRequest: null, connectionName: name, ...extra });
  let last = '';
  redis.on('error', (error: Error) => {
    lastErrors.set(redis, error.message);
    if (error.message === last) return;
    last = error.message;
    process.stderr.write(`comparo: Redis ${address.shown} (${name}): ${error.message}\n`);
  });
  redis.on('ready', () => {
    last = '';
    lastErrors.delete(redis);
  });
  return redis;
}

const lastErrors = new WeakMap<Redis, string>();

/**
 * Resolves once Redis answers a PING, else rejects after `ms` with the connection's last error
 * (refused, a wrong password, a certificate not trusted): commands otherwise wait for a reconnect
 * for ever, which is right for a Redis that restarts and wrong for one that can never answer.
 */
export async function reach(redis: Redis, address: QueueAddress, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const why = lastErrors.get(redis);
      reject(new Error(`${address.shown} did not answer within ${ms / 1000} s${why ? ` (${why})` : ''}`));
    }, ms);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
