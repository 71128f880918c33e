// runs.export: a run's best model written to a folder as a Hugging Face model or in our TF.js
// format (main/pretrained/export-run.ts does the work).
import { AppError } from '../../shared/errors';
import { runModelSource } from '../inference/model-source';
import { type ExportFormat, type ExportResult, exportRunModel } from '../pretrained/export-run';
import type { DatasetService } from './dataset-service';
import type { RunService } from './run-service';

export class ExportService {
  constructor(
    private readonly runs: RunService,
    private readonly datasets: DatasetService,
    private readonly dataDir: string,
  ) {}

  async exportRun(runId: string, format: ExportFormat, folder: string): Promise<ExportResult> {
    const run = this.runs.get(runId);
    const source = runModelSource(run, this.datasets.get(run.datasetId), this.dataDir);
    if (source.kind !== 'run') throw new AppError('internal', `run ${runId} has no checkpoint`);
    try {
      return await exportRunModel({ runId, checkpointPath: source.checkpointPath, config: source.config, task: source.task, labelNames: source.labelNames }, format, folder);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('invalid_request', (error as Error).message);
    }
  }
}
