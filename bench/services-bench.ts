// Two service-side numbers for bench/index.ts, each over the real code path and a real SQLite file:
// - sqliteInserts: metric points per second through MetricsRepo.insertMany (what the run service
//   calls on every flush of a trainer's progress), in flush-sized transactions;
// - eventLoopLag: p50/p99 delay of this (the services') event loop, monitorEventLoopDelay, while
//   a real trainer child process (node-launcher's fork) trains a run started through runs.start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openDatabase } from '../main/db/connection';
import { MetricsRepo } from '../main/db/metrics-repo';
import { openServices } from '../main/services';
import { forkTrainerLauncher } from '../main/training/node-launcher';
import type { TrainerHandle } from '../main/training/protocol';

function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'comparo-bench-'));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const percentile = (histogram: ReturnType<typeof monitorEventLoopDelay>, p: number) => +(histogram.percentile(p) / 1e6).toFixed(2);

/** A real run row (metrics reference runs) whose trainer never starts: the inserts are the bench's. */
async function queuedRun(dir: string): Promise<string> {
  let exited: (code: number | null, signal: string | null) => void = () => {};
  const idle: TrainerHandle = {
    pid: undefined,
    // The run service cancels active runs on close and waits for the exit: exit at once.
    send: (message) => {
      if (message.type === 'cancel') setImmediate(() => exited(0, null));
    },
    onMessage: () => {},
    onExit: (listener) => (exited = listener),
    kill: () => exited(null, 'SIGTERM'),
  };
  const services = openServices({ dataDir: dir, launcher: () => idle, transport: 'cli', maxParallelRuns: 1 });
  try {
    const imported = await services.dispatch('datasets.importEmbedded', {});
    if (!imported.ok) throw new Error(imported.error.message);
    const started = await services.dispatch('runs.start', { datasetId: (imported.value as { id: string }).id, config: { model: { pretrained: 'builtin' } } });
    if (!started.ok) throw new Error(started.error.message);
    return (started.value as { id: string }).id;
  } finally {
    await services.close();
  }
}

/** Metric rows per second; `perFlush` rows per transaction (a trainer's progress burst). */
export function sqliteInserts(total = 200_000, perFlush = 100): Promise<Record<string, number>> {
  return withTempDir(async (dir) => {
    const runId = await queuedRun(dir);
    const db = openDatabase(dir);
    try {
      const repo = new MetricsRepo(db);
      const names = ['loss', 'cmp_loss', 'lr', 'grad_norm'];
      const began = performance.now();
      for (let written = 0; written < total; written += perFlush) {
        const rows = Array.from({ length: perFlush }, (_, i) => {
          const n = written + i;
          return { runId, step: Math.floor(n / names.length), epoch: 0, split: 'train' as const, name: names[n % names.length], value: Math.random() };
        });
        repo.insertMany(rows);
      }
      const seconds = (performance.now() - began) / 1000;
      return { rows: total, rowsPerTransaction: perFlush, seconds: +seconds.toFixed(3), insertsPerSecond: Math.round(total / seconds) };
    } finally {
      db.close();
    }
  });
}

/** Event-loop delay of the services' process while one real trainer child trains for `seconds`. */
export function eventLoopLag(seconds = 20, backend: 'auto' | 'wasm' = 'auto'): Promise<Record<string, unknown>> {
  return withTempDir(async (dir) => {
    const services = openServices({ dataDir: dir, launcher: forkTrainerLauncher, transport: 'cli', maxParallelRuns: 1 });
    const statuses: string[] = [];
    let progressEvents = 0;
    const off = services.onEvent((name, payload) => {
      if (name === 'run.progress') progressEvents++;
      if (name === 'run.status') statuses.push((payload as { status: string }).status);
    });
    try {
      const imported = await services.dispatch('datasets.importEmbedded', {});
      if (!imported.ok) throw new Error(imported.error.message);
      const datasetId = (imported.value as { id: string }).id;
      const started = await services.dispatch('runs.start', { datasetId, config: { loss: 'comparative', ablations: 2, epochs: 1, backend, model: { pretrained: 'builtin' } } });
      if (!started.ok) throw new Error(started.error.message);
      const runId = (started.value as { id: string }).id;
      // Measured from the first progress event on: trainer start-up (tfjs init) is not training.
      const deadline = Date.now() + 120_000;
      while (progressEvents === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      const from = progressEvents;
      await new Promise((r) => setTimeout(r, seconds * 1000));
      histogram.disable();
      await services.dispatch('runs.cancel', { id: runId });
      return {
        seconds,
        progressEvents: progressEvents - from,
        p50Ms: percentile(histogram, 50),
        p99Ms: percentile(histogram, 99),
        maxMs: +(histogram.max / 1e6).toFixed(2),
        statuses,
      };
    } finally {
      off();
      await services.close();
    }
  });
}
