// `npm run soak` (not in CI: ~10 minutes): kill -9 trainers and parents, over and over, with two
// browser-mode servers and CLI trainers on ONE data folder, then let every run finish and check
// that nothing was lost, nothing is stuck and the database is intact. Prints one JSON report.
//
//   npx tsx scripts/soak.ts [--kills 50] [--data-dir /tmp/x] [--keep]
//
// Each round starts work (a run through server A or B, or a CLI `train`), waits 1-4 s, and kills
// one process with SIGKILL: a trainer (a child of a server or of a CLI), a server (restarted at
// once), or a CLI. At the end every interrupted run is resumed through a live server and the
// script waits for all of them. Lost: a run that vanished, or a completed run missing a step's
// training loss. Stuck: a run still queued/running/paused at the deadline. Corrupted:
// integrity_check or foreign_key_check not clean.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { mulberry32 } from '../shared/random';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { kills: { type: 'string', default: '50' }, 'data-dir': { type: 'string' }, keep: { type: 'boolean', default: false } } });
const KILLS = Number(values.kills);
const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'comparo-soak-'));
const random = mulberry32(20261203);
const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough to be killed mid-way, short enough to finish: ~60 steps of the default model. */
const RUN = { epochs: 1, maxTrainExamples: 1200, evalEverySteps: 20, checkpointEverySteps: 10, utilityLevels: 0, model: { pretrained: 'builtin' } };

interface Server {
  name: string;
  child: ChildProcess;
  origin: string;
  token: string;
}

function startServer(name: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/web/index.ts', '--data-dir', dataDir, '--port', '0', '--preset', 'default'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} printed no URL:\n${log}`)), 90_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ name, child, origin: match[1], token: match[2] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      onData(c);
      if (/Uncaught|FOREIGN KEY|SQLITE_BUSY|TypeError/.test(c.toString())) crashes.push(`${name}: ${c.toString().slice(0, 300)}`);
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM') crashes.push(`${name} exited by itself (code ${code}, signal ${signal})`);
    });
  });
}

async function invoke<T>(server: Server, channel: string, request: unknown): Promise<T> {
  const response = await fetch(`${server.origin}/api/invoke/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify(request),
  });
  const reply = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!reply.ok) throw new Error(`${channel}: ${reply.error?.message}`);
  return reply.value as T;
}

/** Direct children of `pid` (trainer and predictor processes of a server or a CLI). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** Trainer processes: node children whose command line is the trainer entry. */
function trainersOf(pid: number): number[] {
  return childrenOf(pid).filter((child) => {
    try {
      return execFileSync('ps', ['-o', 'args=', '-p', String(child)], { encoding: 'utf8' }).includes('trainer');
    } catch {
      return false;
    }
  });
}

function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'comparo.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const crashes: string[] = [];
const started = new Set<string>();
const clis: ChildProcess[] = [];
const kills: Record<string, number> = { trainerOfServer: 0, server: 0, cli: 0, trainerOfCli: 0 };

async function main(): Promise<void> {
  const t0 = Date.now();
  let servers = [await startServer('A'), await startServer('B')];
  const dataset = await invoke<{ id: string }>(servers[0], 'datasets.importEmbedded', {});
  for (let round = 0; round < KILLS; round++) {
    // Work: a run through one server, or a CLI trainer.
    if (random() < 0.75) {
      const server = pick(servers);
      const run = await invoke<{ id: string }>(server, 'runs.start', { datasetId: dataset.id, config: { ...RUN, loss: pick(['baseline', 'comparative']), seed: round + 1 } }).catch(() => null);
      if (run) started.add(run.id);
    } else {
      const cli = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', '--data-dir', dataDir, 'train', '--model', 'builtin', '--loss', 'baseline', '--epochs', '1', '--max-train', '1200', '--seed', String(round + 1)], { cwd: ROOT, stdio: 'ignore' });
      clis.push(cli);
    }
    await sleep(1000 + random() * 3000);
    // One kill.
    const liveClis = clis.filter((c) => c.exitCode === null && c.signalCode === null);
    const choices: Array<() => Promise<void>> = [];
    const serverTrainers = servers.flatMap((s) => trainersOf(s.child.pid!));
    if (serverTrainers.length > 0) choices.push(async () => (process.kill(pick(serverTrainers), 'SIGKILL'), void kills.trainerOfServer++));
    const cliTrainers = liveClis.flatMap((c) => trainersOf(c.pid!));
    if (cliTrainers.length > 0) choices.push(async () => (process.kill(pick(cliTrainers), 'SIGKILL'), void kills.trainerOfCli++));
    if (liveClis.length > 0) choices.push(async () => (pick(liveClis).kill('SIGKILL'), void kills.cli++));
    choices.push(async () => {
      const victim = pick(servers);
      victim.child.kill('SIGKILL');
      await new Promise((resolve) => victim.child.once('exit', resolve));
      kills.server++;
      servers = servers.map((s) => s);
      servers[servers.indexOf(victim)] = await startServer(victim.name);
    });
    await pick(choices)();
  }
  // Settle: CLIs finish or are killed; every interrupted/failed run resumed through a server.
  for (const c of clis) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sleep(2000);
  const allRunIds = readDb((db) => (db.prepare('SELECT id FROM runs').all() as Array<{ id: string }>).map((r) => r.id));
  for (const id of allRunIds) started.add(id);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const runs = readDb((db) => db.prepare('SELECT id, status FROM runs').all() as Array<{ id: string; status: string }>);
    const toResume = runs.filter((r) => r.status === 'interrupted' || r.status === 'failed');
    for (const r of toResume) await invoke(pick(servers), 'runs.resume', { id: r.id }).catch(() => {});
    const active = runs.filter((r) => ['queued', 'running', 'paused'].includes(r.status));
    if (toResume.length === 0 && active.length === 0) break;
    if (Date.now() > deadline) break;
    await sleep(2000);
  }
  const final = readDb((db) => ({
    runs: db.prepare('SELECT id, status, total_steps AS total, error FROM runs').all() as Array<{ id: string; status: string; total: number; error: string | null }>,
    steps: db.prepare("SELECT run_id AS id, COUNT(DISTINCT step) AS n FROM metrics WHERE split = 'train' AND name = 'loss' GROUP BY run_id").all() as Array<{ id: string; n: number }>,
    integrity: (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check),
    foreignKeys: db.pragma('foreign_key_check') as unknown[],
  }));
  const stepsOf = new Map(final.steps.map((s) => [s.id, s.n]));
  const present = new Set(final.runs.map((r) => r.id));
  const lost = [
    ...[...started].filter((id) => !present.has(id)).map((id) => `${id}: vanished`),
    ...final.runs.filter((r) => r.status === 'completed' && stepsOf.get(r.id) !== r.total).map((r) => `${r.id}: ${stepsOf.get(r.id) ?? 0} of ${r.total} steps stored`),
  ];
  const stuck = final.runs.filter((r) => r.status !== 'completed').map((r) => `${r.id}: ${r.status}${r.error ? ` (${r.error})` : ''}`);
  const corrupted = [...final.integrity.filter((x) => x !== 'ok'), ...final.foreignKeys.map((x) => JSON.stringify(x))];
  for (const s of servers) s.child.kill('SIGTERM');
  const report = {
    kills: { total: Object.values(kills).reduce((a, b) => a + b, 0), ...kills },
    runs: final.runs.length,
    completed: final.runs.filter((r) => r.status === 'completed').length,
    lost: lost.length,
    stuck: stuck.length,
    corrupted: corrupted.length,
    crashes: crashes.length,
    details: { lost, stuck, corrupted, crashes },
    seconds: Math.round((Date.now() - t0) / 1000),
    dataDir,
  };
  console.log(JSON.stringify(report, null, 2));
  if (!values.keep && !values['data-dir']) rmSync(dataDir, { recursive: true, force: true });
  process.exit(report.lost + report.stuck + report.corrupted + report.crashes === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
