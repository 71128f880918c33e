// Real worker processes (`npm run worker`, main/worker/index.ts) and CLI runs for the remote
// tests, spawned asynchronously so the test keeps reading every child's output (a full pipe
// would stall the child).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../main/db/connection';
import type { RunSummary } from '../../shared/schemas';

export interface WorkerProcess {
  child: ChildProcess;
  /** The id it announced (`host:pid`). */
  id: string;
  output(): string;
  /** SIGTERM (its runs go back to the queue) and wait for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL: a machine that vanished. */
  kill(): Promise<void>;
}

/** A worker that is expected to give up at start: its exit code and everything it printed. */
export function workerExit(queueUrl: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<CliResult> {
  return runToExit(['main/worker/index.ts', '--queue', queueUrl], env, timeoutMs);
}

/** Starts a worker and waits (60 s at most) for its ready line; `pinCore` runs it on that core only (taskset, Linux). */
export async function startWorker(queueUrl: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, pinCore?: number): Promise<WorkerProcess> {
  const command = [process.execPath, '--import', 'tsx', 'main/worker/index.ts', '--queue', queueUrl, ...args];
  // taskset execs the worker in its place, so the child's pid is the worker's.
  const [file, ...rest] = pinCore === undefined ? command : ['taskset', '-c', String(pinCore), ...command];
  const child = spawn(file, rest, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within 60 s:\n${output}`)), 60_000);
    const look = () => {
      const match = /comparo worker (\S+) ready on/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with code ${code} before it was ready:\n${output}`));
    });
  });
  const waitExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { child, id, output: () => output, stop: () => waitExit('SIGTERM'), kill: () => waitExit('SIGKILL') };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI (`npm run cli -- …`), with a deadline. */
export function cliAsync(dataDir: string, args: string[], timeoutMs = 400_000, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runToExit(['main/cli/index.ts', '--data-dir', dataDir, ...args], env, timeoutMs);
}

/** One of the repo's entries under tsx, run to its exit (killed at the deadline), its output collected. */
function runToExit(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What training decides (metrics), without how long it took or how crowded the machine was. */
export function trainedNumbers(run: RunSummary): Record<string, number> {
  const timing = new Set(['ms_per_step', 'cpu_ms_per_step', 'elapsed_ms', 'concurrent_trainers']);
  return Object.fromEntries(Object.entries(run.finalMetrics).filter(([name]) => !timing.has(name)));
}

export const bySeedAndArm = (runs: RunSummary[]) => Object.fromEntries(runs.map((r) => [`${r.loss}/${r.seed}`, r]));

export interface StoredRun {
  id: string;
  status: string;
  worker_json: string | null;
  checkpoint_step: number | null;
  step: number;
  total_steps: number;
}

/** Polls the app's SQLite history (read-only, as another process may) until `ready` holds for a run, with a deadline; that run. */
export async function waitForRun(dataDir: string, ready: (run: StoredRun) => boolean, cli?: Promise<CliResult>, deadlineMs = 120_000): Promise<StoredRun> {
  const file = join(dataDir, DATABASE_FILE);
  const until = Date.now() + deadlineMs;
  let ended: CliResult | null = null;
  void cli?.then((result) => (ended = result));
  while (Date.now() < until) {
    if (ended) throw new Error(`the CLI ended (code ${(ended as CliResult).code}) before the run got there:\n${(ended as CliResult).stderr.slice(-2000)}`);
    if (existsSync(file)) {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const runs = db.prepare('SELECT id, status, worker_json, checkpoint_step, step, total_steps FROM runs ORDER BY rowid').all() as StoredRun[];
        const found = runs.find(ready);
        if (found) return found;
      } catch {
        // the schema is still being created
      } finally {
        db.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the run did not reach the awaited state within ${deadlineMs} ms`);
}

