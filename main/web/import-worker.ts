// One browser-mode upload's import, on a worker thread (started by main/web/import-in-worker.ts):
// parsing and storing a big file is synchronous work in 1 MiB steps plus a final split and
// report that take seconds on millions of rows, and on the server's own thread that held every
// other request (measured: p99 160-350 ms, up to 8 s, while a 1 GB or 10M-row file imported).
// Its own connection to the data folder's database (WAL: the server reads meanwhile), its own
// heap (a limit that kills this thread, not the server), and the same DatasetService code.
import { parentPort, workerData } from 'node:worker_threads';
import type { ImportOptions } from '../../shared/dataset-report';
import { AppError, err, ok, type Result } from '../../shared/errors';
import type { DatasetSummary } from '../../shared/schemas';
import { openDatabase } from '../db/connection';
import { DatasetsRepo } from '../db/datasets-repo';
import { DatasetService } from '../services/dataset-service';
import { EventBus } from '../services/event-bus';
import { ImportOwnerFiles } from '../services/import-owners';

export interface ImportJob {
  dataDir: string;
  file: string;
  fileName: string;
  options: ImportOptions;
}

/** Worker to server: progress events as the services emit them, then one result. */
export type WorkerMessage = { progress: unknown } | { result: Result<DatasetSummary> };

async function run(job: ImportJob): Promise<Result<DatasetSummary>> {
  const db = openDatabase(job.dataDir);
  try {
    const events = new EventBus();
    events.on((name, payload) => {
      if (name === 'dataset.importProgress') parentPort!.postMessage({ progress: payload } satisfies WorkerMessage);
    });
    // The owner file names this process, so a start-up sweep elsewhere leaves the rows alone.
    const service = new DatasetService(new DatasetsRepo(db, new ImportOwnerFiles(job.dataDir)), '', events);
    const cancel = new AbortController();
    parentPort!.on('message', (message: { cancel?: boolean }) => {
      if (message.cancel) cancel.abort();
    });
    return ok(await service.importUploadedFile(job.file, job.fileName, job.options, cancel.signal));
  } catch (e) {
    return e instanceof AppError ? { ok: false, error: e.toValue() } : err('internal', `importing ${job.fileName} failed: ${(e as Error)?.message ?? String(e)}`);
  } finally {
    db.close();
  }
}

if (parentPort && workerData) {
  void run(workerData as ImportJob).then((result) => parentPort!.postMessage({ result } satisfies WorkerMessage));
}
