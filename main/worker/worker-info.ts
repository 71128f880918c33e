// What a worker tells the app about itself (shared/worker-info.ts): found once at start. The
// backend is the one a trainer here would pick for 'auto' (or the --backend forced), found by
// loading it in this process, as a trainer does.
import { availableParallelism, hostname, totalmem } from 'node:os';
import { CODE_VERSION } from '../../shared/remote-protocol';
import type { WorkerInfo } from '../../shared/worker-info';
import type { BackendPreference } from '../../shared/vocabulary';
import { selectBackend } from '../kernels/backends';

export async function describeWorker(options: { backend: BackendPreference | null; concurrency: number; codeVersion?: string }): Promise<WorkerInfo> {
  const host = hostname();
  return {
    id: `${host}:${process.pid}`,
    host,
    codeVersion: options.codeVersion ?? CODE_VERSION,
    backend: await selectBackend(options.backend ?? 'auto'),
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    concurrency: options.concurrency,
  };
}
