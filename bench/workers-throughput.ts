// `npm run bench:workers [-- --seeds 6] [--workers 1,2,4]`: how a sweep's throughput grows with
// remote workers (docs/scale.md). For each worker count, a fresh Redis database, that many real
// worker processes (main/worker/index.ts; worker i pinned to core i mod cores with taskset, one
// trainer each), and the CLI's `compare --preset quick --seeds S --queue …` timed from start to
// end; then the same comparison with local trainers. Alongside: Redis commands and network bytes
// per second (INFO), and the rows the app wrote to SQLite per second, to see what saturates
// first. Prints one JSON object.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { DATABASE_FILE } from '../main/db/connection';
import { startRedis } from '../test/helpers/redis-server';
import { tempDir } from '../test/helpers/temp-dir';
import { cliAsync, startWorker } from '../test/helpers/worker-process';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '6' }, workers: { type: 'string', default: '1,2,4' } } });
const seeds = Number(values.seeds);
const counts = values.workers!.split(',').map(Number);
const cores = availableParallelism();

async function redisInfo(redis: Redis): Promise<{ commands: number; netIn: number; netOut: number }> {
  const text = await redis.info('stats');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { commands: field('total_commands_processed'), netIn: field('total_net_input_bytes'), netOut: field('total_net_output_bytes') };
}

function rowsWritten(dataDir: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    let rows = 0;
    for (const table of ['metrics', 'evaluations', 'predictions', 'utility']) rows += (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return rows;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const dir = tempDir('comparo-bench-workers-');
  const server = await startRedis();
  const admin = new Redis(server.url(0));
  const results: Record<string, unknown>[] = [];
  const runs = seeds * 2;
  try {
    const local = join(dir.path, 'local');
    const t0 = Date.now();
    const here = await cliAsync(local, ['compare', '--preset', 'quick', '--model', 'builtin', '--seeds', String(seeds), '--json'], 1_800_000);
    if (here.code !== 0) throw new Error(`local comparison failed:\n${here.stderr.slice(-2000)}`);
    const localSeconds = (Date.now() - t0) / 1000;
    for (const [index, n] of counts.entries()) {
      const url = server.url(index + 1);
      const workers = await Promise.all(Array.from({ length: n }, (_, i) => startWorker(url, [], {}, i % cores)));
      const before = await redisInfo(admin);
      const appDir = join(dir.path, `workers-${n}`);
      const start = Date.now();
      const remote = await cliAsync(appDir, ['compare', '--preset', 'quick', '--model', 'builtin', '--seeds', String(seeds), '--json', '--queue', url], 1_800_000);
      const seconds = (Date.now() - start) / 1000;
      const after = await redisInfo(admin);
      await Promise.all(workers.map((w) => w.stop()));
      if (remote.code !== 0) throw new Error(`comparison on ${n} workers failed:\n${remote.stderr.slice(-2000)}`);
      const rows = rowsWritten(appDir);
      results.push({
        workers: n,
        seconds,
        runsPerMinute: (runs / seconds) * 60,
        speedupOverOneWorker: results.length > 0 ? (results[0].seconds as number) / seconds : 1,
        redisCommandsPerSecond: (after.commands - before.commands) / seconds,
        redisCommandsPerRun: (after.commands - before.commands) / runs,
        redisBytesPerRun: (after.netIn - before.netIn + after.netOut - before.netOut) / runs,
        sqliteRowsPerSecond: rows / seconds,
        sqliteRowsPerRun: rows / runs,
      });
    }
    console.log(
      JSON.stringify(
        {
          bench: 'workers-throughput',
          machine: { cores, cpu: cpus()[0]?.model ?? 'unknown', redis: spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim() },
          sweep: { preset: 'quick', seeds, runs },
          local: { trainers: Math.min(4, cores), seconds: localSeconds, runsPerMinute: (runs / localSeconds) * 60 },
          queue: results,
        },
        null,
        2,
      ),
    );
  } finally {
    admin.disconnect();
    await server.stop();
    dir.cleanup();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
