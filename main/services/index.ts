import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { ComparisonsRepo } from '../db/comparisons-repo';
import { openDatabase } from '../db/connection';
import { DatasetsRepo } from '../db/datasets-repo';
import { DatasetTextsRepo } from '../db/dataset-texts-repo';
import { EvaluationsRepo } from '../db/evaluations-repo';
import { MetricsRepo } from '../db/metrics-repo';
import { RunsRepo } from '../db/runs-repo';
import { dispatch } from '../ipc/dispatch';
import { createHandlers } from '../ipc/handlers';
import type { TrainerLauncher } from '../training/protocol';
import { ComparisonAnalysisService } from './comparison-analysis-service';
import { ComparisonService } from './comparison-service';
import { DatasetService, EMBEDDED_DATASET_FILE } from './dataset-service';
import { EventBus } from './event-bus';
import { ModelService } from './model-service';
import { ExportService } from './export-service';
import { RunHistoryRepo } from '../db/run-history-repo';
import { HistoryService } from './history-service';
import { ReportService } from './report/report-service';
import { PredictorClient } from '../inference/predictor-client';
import { PredictService } from './predict-service';
import { PRESETS, type PresetName } from './presets';
import { RunService } from './run-service';
import type { ServiceSet } from './service-set';

export interface ServicesOptions {
  dataDir: string;
  launcher: TrainerLauncher;
  transport: 'electron' | 'browser' | 'cli';
  preset?: PresetName;
  /** Folder holding the embedded datasets (the packaged app passes its resources folder). */
  assetsDir?: string;
  /** Built predictor process entry (Electron: out/main/predictor.js); default: beside main/inference's sources. */
  predictorEntry?: string;
  /** Trainer processes at once; default one per core, at most 4. */
  maxParallelRuns?: number;
}

export interface Services {
  dispatch(channel: string, request: unknown): Promise<Result<unknown>>;
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
  close(): Promise<void>;
  readonly dataDir: string;
}

const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../assets/datasets', import.meta.url));
const VERSION = '0.1.0';

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens the services of one data folder; every transport (Electron IPC, browser mode, CLI) sits on this. */
export function openServices(options: ServicesOptions): Services {
  const db = openDatabase(options.dataDir);
  const runsRepo = new RunsRepo(db);
  // Runs whose process died (crash, kill -9) must not stay "running": mark them resumable.
  const orphans = runsRepo.markOrphansInterrupted((pid) => pid !== process.pid && isProcessAlive(pid));
  const events = new EventBus();
  const preset = PRESETS[options.preset ?? 'default'];
  const datasets = new DatasetService(new DatasetsRepo(db), options.assetsDir ?? DEFAULT_ASSETS_DIR, events);
  const maxParallel = options.maxParallelRuns ?? Math.max(1, Math.min(4, availableParallelism()));
  const runs = new RunService(
    runsRepo,
    new MetricsRepo(db),
    datasets,
    events,
    new EvaluationsRepo(db),
    options.launcher,
    maxParallel,
    join(options.dataDir, 'checkpoints'),
  );
  const comparisons = new ComparisonService(new ComparisonsRepo(db), runs, datasets, events);
  const analysis = new ComparisonAnalysisService(comparisons, new ComparisonsRepo(db), datasets, new DatasetTextsRepo(db), new MetricsRepo(db), new EvaluationsRepo(db));
  comparisons.settleAfterRestart(orphans);
  const history = new HistoryService(new RunHistoryRepo(db), runs, comparisons, datasets, join(options.dataDir, 'checkpoints'));
  const reports = new ReportService(comparisons, runs, datasets, history, VERSION, analysis);
  const predictions = new PredictService(runs, datasets, events, new PredictorClient({ entry: options.predictorEntry }), options.dataDir);
  const set: ServiceSet = {
    datasets,
    runs,
    comparisons,
    history,
    reports,
    analysis,
    predictions,
    models: new ModelService({ dataDir: options.dataDir, transport: options.transport, events, defaults: preset.config }),
    exports: new ExportService(runs, datasets, options.dataDir),
    preset,
    info: () => ({
      name: 'Comparo',
      version: VERSION,
      dataDir: options.dataDir,
      transport: options.transport,
      defaults: preset.config,
      defaultSeeds: preset.seeds,
      embeddedDataset: EMBEDDED_DATASET_FILE,
    }),
  };
  const handlers = createHandlers(set);
  let closing: Promise<void> | null = null;
  return {
    dataDir: options.dataDir,
    dispatch: (channel, request) => dispatch(handlers, channel, request),
    onEvent: (listener) => events.on(listener),
    close: () =>
      (closing ??= runs.close().then(() => {
        predictions.close();
        db.close();
      })),
  };
}
