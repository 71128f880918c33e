// Starts main/web/import-worker.ts for one upload and turns its messages into a progress callback
// and one Result; a worker that dies (its heap limit, a crash) gives an error value, never takes
// the server down.
import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { err, type Result } from '../../shared/errors';
import type { DatasetSummary } from '../../shared/schemas';
import type { ImportJob, WorkerMessage } from './import-worker';

/**
 * Heap for one import: the streamed path keeps ~70 bytes a row (10M rows: ~700 MB on top of
 * the process), so half the machine's memory, at most 4 GiB, fits what the database can hold.
 */
const HEAP_MB = Math.min(4096, Math.floor(totalmem() / 2 / 2 ** 20));

/**
 * Run from sources (`npm run web` is tsx), the worker's entry is TypeScript, which a worker thread
 * does not load by itself: a tiny bootstrap registers tsx's loader in the thread first.
 */
function startWorker(job: ImportJob): Worker {
  const entry = new URL(`./import-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  // No inherited flags: a parent's `--import some.ts` would fail in the thread before tsx is registered.
  const options = { workerData: job, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}

export interface WorkerImport {
  result: Promise<Result<DatasetSummary>>;
  cancel(): void;
}

export function importInWorker(job: ImportJob, onProgress: (payload: unknown) => void): WorkerImport {
  const worker = startWorker(job);
  const result = new Promise<Result<DatasetSummary>>((resolve) => {
    let done = false;
    const finish = (r: Result<DatasetSummary>) => {
      if (done) return;
      done = true;
      resolve(r);
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      if ('progress' in message) onProgress(message.progress);
      else finish(message.result);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const reason = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `it needed more than the ${HEAP_MB} MB an import may use` : e.message;
      finish(err('internal', `importing ${job.fileName} stopped: ${reason}`));
    });
    worker.on('exit', (code) => finish(err('internal', `importing ${job.fileName} stopped: its worker exited (code ${code})`)));
  });
  return { result, cancel: () => worker.postMessage({ cancel: true }) };
}
