// The About box's text. Pure, so it is unit-tested in plain Node; index.ts shows it with
// dialog.showMessageBox (the same box on every platform, and it can say which backend trained).
import type { RunSummary } from '../../shared/schemas';

export interface AboutInfo {
  appName: string;
  appVersion: string;
  /** process.versions in the main process: electron, chrome, node. */
  versions: Partial<Record<'electron' | 'chrome' | 'node', string>>;
  /** What lastRunBackend gave. */
  backend: string | null;
  dataDir: string;
}

/**
 * The tfjs backend is chosen per run, in the trainer process (tensorflow when tfjs-node[-gpu] is
 * installed and loads, else wasm, else cpu); the main process never loads tfjs. The most recently
 * started run that reported one is the best answer to "what will train here".
 */
export function lastRunBackend(runs: readonly RunSummary[]): string | null {
  let latest: RunSummary | null = null;
  for (const run of runs) {
    if (!run.backend) continue;
    const when = run.startedAt ?? run.createdAt;
    if (!latest || when > (latest.startedAt ?? latest.createdAt)) latest = run;
  }
  return latest?.backend ?? null;
}

export function aboutDetail(info: AboutInfo): string {
  const backend = info.backend ? `${info.backend} (last run)` : 'chosen per run (no run yet)';
  return [
    `Version ${info.appVersion}`,
    `Electron ${info.versions.electron ?? '?'}`,
    `Chrome ${info.versions.chrome ?? '?'}`,
    `Node ${info.versions.node ?? '?'}`,
    `tfjs backend: ${backend}`,
    '',
    `Data folder: ${info.dataDir}`,
  ].join('\n');
}
