// runs.export: a run's best model written to a folder as a Hugging Face model or in our TF.js
// format (export-run.ts does the work).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { runModelSource } from '../inference/model-source';
import { type ExportFormat, type ExportResult, exportRunModel } from './export-run';
import type { DatasetService } from './dataset-service';
import type { RunService } from './run-service';

export class ExportService {
  constructor(
    private readonly runs: RunService,
    private readonly datasets: DatasetService,
    private readonly dataDir: string,
    /** The desktop's file manager (Electron's shell.openPath: '' or an error message); absent elsewhere. */
    private readonly openFolder?: (folder: string) => Promise<string>,
  ) {}

  /**
   * Shows the run's export in the file manager. Only the default folder can be opened, so no page
   * can make the app open an arbitrary path; a browser page downloads the zip instead.
   */
  async openExport(runId: string, format: ExportFormat): Promise<{ folder: string }> {
    if (!this.openFolder) throw new AppError('unavailable', 'Only the desktop app opens folders; in a browser, download the export as a .zip.');
    const folder = defaultExportFolder(this.dataDir, this.runs.get(runId).id, format);
    if (!existsSync(folder)) throw new AppError('not_found', `run ${runId} has no ${format} export yet: export it first`);
    const problem = await this.openFolder(folder);
    if (problem) throw new AppError('internal', `could not open ${folder}: ${problem}`);
    return { folder };
  }

  /** `folder` omitted: the data folder's exports/<run id>-<format>/ (re-exporting rewrites it). */
  async exportRun(runId: string, format: ExportFormat, folder?: string): Promise<ExportResult> {
    const run = this.runs.get(runId);
    const source = runModelSource(run, this.datasets.get(run.datasetId), this.dataDir);
    if (source.kind !== 'run') throw new AppError('internal', `run ${runId} has no checkpoint`);
    const target = folder ?? defaultExportFolder(this.dataDir, run.id, format);
    try {
      return await exportRunModel({ runId, checkpointPath: source.checkpointPath, config: source.config, task: source.task, labelNames: source.labelNames }, format, target);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('invalid_request', (error as Error).message);
    }
  }
}

/** Where an export lands when the caller names no folder (the UI, browser pages). */
export function defaultExportFolder(dataDir: string, runId: string, format: ExportFormat): string {
  // Ids are generated (r-...), but a path separator or '..' would let a stored id leave exports/.
  if (!/^[\w.-]+$/.test(runId) || runId.includes('..')) throw new AppError('invalid_request', `run id "${runId}" cannot name an export folder; pass an explicit folder (CLI --out).`);
  // resolve(): --data-dir may be relative, and exportRunModel wants an absolute folder.
  return resolve(join(dataDir, 'exports', `${runId}-${format}`));
}
