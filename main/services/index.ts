import { APP_VERSION } from '../../shared/app-info';
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
import { WriteQueue } from '../db/busy';
import { RunRequestsRepo } from '../db/run-requests-repo';
import { PretrainingRepo } from '../db/pretraining-repo';
import { RunsRepo, type RunOwner } from '../db/runs-repo';
import { dispatch } from '../ipc/dispatch';
import { createHandlers } from '../ipc/handlers';
import type { RemoteAttacher, TrainerLauncher } from '../training/protocol';
import type { QueuePlacement } from '../remote/queue-placement';
import { PlacementService } from './placement-service';
import { ComparisonAnalysisService } from './comparison-analysis-service';
import { ComparisonService } from './comparison-service';
import { DatasetService, EMBEDDED_DATASET_FILE } from './dataset-service';
import { EventBus } from './event-bus';
import { BUILTIN_SOURCE, ModelService } from './model-service';
import { PretrainService } from './pretrain-service';
import { forkPretrainer } from '../training/pretrain-launcher';
import { ExportService } from './export-service';
import { RunHistoryRepo } from '../db/run-history-repo';
import { HistoryService } from './history-service';
import { ReportService } from './report/report-service';
import { PredictorClient } from '../inference/predictor-client';
import { PredictService } from './predict-service';
import { PRESETS, presetInfos, type PresetName } from './presets';
import { StepFlops } from './step-flops';
import type { RunConfig, RunSummary } from '../../shared/schemas';
import { TimeEstimator } from './time-estimate';
import { isOwnerAlive } from './process-identity';
import { RunService } from './run-service';
import { pruningLauncher, sweepCheckpoints, sweepInterruptedImports, withPruning } from './cleanup';
import { ImportOwnerFiles } from './import-owners';
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
  /** Built pretraining process entry (Electron: out/main/pretrainer.js); default: beside main/training's sources. */
  pretrainerEntry?: string;
  /** Folder of the shipped pretrained models (the packaged app passes <resources>/models); default assets/models. */
  shippedModelsDir?: string;
  /**
   * Runs train on the workers of this queue (the CLI's --queue; main/remote/queue-placement.ts),
   * and interrupted runs of that queue whose jobs still exist are followed again at opening.
   */
  queue?: QueuePlacement;
  /** Remember Settings -> Workers' queue in the data folder and reconnect to it at opening (default: not for the CLI). */
  rememberQueue?: boolean;
  /** Trainer processes at once; default one per core, at most 4. */
  maxParallelRuns?: number;
  /** Desktop only: show a folder in the system's file manager ('' on success, else why not). */
  openFolder?: (folder: string) => Promise<string>;
}

export interface Services {
  dispatch(channel: string, request: unknown): Promise<Result<unknown>>;
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
  close(): Promise<void>;
  readonly dataDir: string;
  /** Ids of the remote runs followed again at opening (options.remote), once that is done. */
  readonly adopted: Promise<string[]>;
}

const DEFAULT_ASSETS_DIR = fileURLToPath(new URL('../../assets/datasets', import.meta.url));
/** With a queue placement, runs handed to the queue at once: BullMQ holds them until a worker is free. */
const QUEUED_RUNS_IN_FLIGHT = 32;
/** How often a live process looks for runs whose owning process died (main/services/process-identity.ts). */
const ORPHAN_CHECK_MS = 5000;

/** Opens the services of one data folder; every transport (Electron IPC, browser mode, CLI) sits on this. */
export function openServices(options: ServicesOptions): Services {
  const db = openDatabase(options.dataDir);
  const runsRepo = new RunsRepo(db);
  // Runs whose process died (crash, kill -9) must not stay "running": mark them resumable.
  // A reused pid is told apart by its start time (main/services/process-identity.ts).
  const ownerGone = (owner: RunOwner) => owner.pid !== process.pid && !isOwnerAlive(owner.pid, owner.started);
  const orphans = runsRepo.markOrphansInterrupted((owner) => !ownerGone(owner));
  const pretrainingRepo = new PretrainingRepo(db);
  pretrainingRepo.markOrphansInterrupted((owner) => !ownerGone(owner));
  // Writes from trainer messages and timers: a busy database delays them, never loses them.
  const writes = new WriteQueue(db);
  const events = new EventBus();
  const preset = PRESETS[options.preset ?? 'default'];
  // What killed imports and past runs left behind goes (main/services/cleanup.ts); the rows of a
  // dead importer are deleted in the background, in short transactions, before close() returns.
  const importOwners = new ImportOwnerFiles(options.dataDir);
  const datasetsRepo = new DatasetsRepo(db, importOwners);
  const importsSwept = sweepInterruptedImports(datasetsRepo, importOwners).then(
    () => {},
    (e: Error) => void process.stderr.write(`comparo: removing interrupted imports failed: ${e.message}\n`),
  );
  sweepCheckpoints(runsRepo, join(options.dataDir, 'checkpoints'));
  const datasets = new DatasetService(datasetsRepo, options.assetsDir ?? DEFAULT_ASSETS_DIR, events);
  const placement = new PlacementService(options.launcher, options.dataDir, options.rememberQueue ?? options.transport !== 'cli');
  const maxParallel = options.maxParallelRuns ?? Math.max(1, Math.min(4, availableParallelism()));
  const runs = new RunService(
    runsRepo,
    new MetricsRepo(db),
    datasets,
    events,
    new EvaluationsRepo(db),
    pruningLauncher(placement.launcher, runsRepo, join(options.dataDir, 'checkpoints')),
    // A queue holds what its workers cannot take yet, so more runs go out at once than trainers fit here.
    () => (placement.onQueueNow() ? QUEUED_RUNS_IN_FLIGHT : maxParallel),
    join(options.dataDir, 'checkpoints'),
    writes,
    new RunRequestsRepo(db),
  );
  const stepFlops = new StepFlops(new DatasetTextsRepo(db));
  const stepCost = {
    flopsPerStep: (run: RunSummary): number | null => {
      const dataset = datasetsRepo.get(run.datasetId);
      return dataset ? stepFlops.perStep(run.config, run.loss, dataset) : null;
    },
  };
  const comparisons = new ComparisonService(new ComparisonsRepo(db), runs, datasets, events, writes, stepCost);
  const analysis = new ComparisonAnalysisService(comparisons, new ComparisonsRepo(db), datasets, new DatasetTextsRepo(db), new MetricsRepo(db), new EvaluationsRepo(db), stepFlops);
  comparisons.settleAfterRestart(orphans);
  // Each queue that becomes current: its interrupted runs whose jobs still exist are followed again.
  const adoptions: Array<Promise<string[]>> = [];
  placement.onQueue = (remote) => {
    const attacher: RemoteAttacher = {
      queue: remote.queue,
      hasJob: (jobId) => remote.hasJob(jobId),
      attach: (runId, jobId, dir, stored) => withPruning(remote.attach(runId, jobId, dir, stored), runsRepo, join(options.dataDir, 'checkpoints'), runId),
    };
    adoptions.push(runs.adoptRemote(attacher).catch((e: Error) => (process.stderr.write(`comparo: following queued runs again failed: ${e.message}\n`), [])));
  };
  const placed = options.queue ? Promise.resolve(placement.use(options.queue)) : placement.reconnectRemembered();
  const adopted = placed.then(() => Promise.all(adoptions)).then((lists) => lists.flat());
  // Another front-end on this folder may die (kill -9) while this one runs: its runs must not look
  // like they train until this process restarts, so the same check repeats. Never throws.
  const orphanWatch = setInterval(() => {
    try {
      pretrainingRepo.markOrphansInterrupted((owner) => !ownerGone(owner));
      const more = runsRepo.markOrphansInterrupted((owner) => !ownerGone(owner));
      if (more.length > 0) comparisons.settleAfterRestart(more);
    } catch {
      // A busy or closing database: the next round checks again.
    }
  }, ORPHAN_CHECK_MS);
  orphanWatch.unref();
  const history = new HistoryService(new RunHistoryRepo(db), runs, comparisons, datasets, join(options.dataDir, 'checkpoints'));
  const reports = new ReportService(comparisons, runs, datasets, history, APP_VERSION, analysis);
  const predictions = new PredictService(runs, datasets, events, new PredictorClient({ entry: options.predictorEntry }), options.dataDir);
  const models = new ModelService({ dataDir: options.dataDir, transport: options.transport, events, defaults: preset.config, shippedDir: options.shippedModelsDir });
  // What a page shows as chosen before anyone picks: the model a request without one trains (by its source name, as the picker lists it).
  const withDefaultModel = (config: RunConfig): RunConfig => {
    const source = models.defaultSource();
    return source === BUILTIN_SOURCE ? config : { ...config, model: { ...config.model, pretrained: source } };
  };
  const set: ServiceSet = {
    datasets,
    runs,
    comparisons,
    history,
    reports,
    analysis,
    predictions,
    models,
    placement,
    pretraining: new PretrainService({ dataDir: options.dataDir, transport: options.transport, datasets, models, events, repo: pretrainingRepo, writes, launch: forkPretrainer(options.pretrainerEntry) }),
    exports: new ExportService(runs, datasets, options.dataDir, options.openFolder),
    preset,
    estimates: new TimeEstimator(stepFlops, () => runsRepo.list().filter((r) => r.status === 'completed'), (id) => datasetsRepo.get(id), maxParallel),
    info: () => ({
      name: 'Comparo',
      version: APP_VERSION,
      dataDir: options.dataDir,
      transport: options.transport,
      defaults: withDefaultModel(preset.config),
      defaultSeeds: preset.seeds,
      embeddedDataset: EMBEDDED_DATASET_FILE,
      epochsSizedToData: preset.sizeEpochsToData,
      preset: options.preset ?? 'default',
      presets: presetInfos().map((info) => ({ ...info, defaults: withDefaultModel(info.defaults) })),
    }),
  };
  const handlers = createHandlers(set);
  let closing: Promise<void> | null = null;
  // An import still streaming in is cancelled and its rows deleted before the database closes.
  const stopImports = () => {
    datasetsRepo.stopImports();
    return importsSwept;
  };
  return {
    dataDir: options.dataDir,
    adopted,
    dispatch: (channel, request) => dispatch(handlers, channel, request),
    onEvent: (listener) => events.on(listener),
    close: () =>
      (closing ??= stopImports()
        .then(() => (clearInterval(orphanWatch), set.pretraining.close()))
        .then(() => runs.close())
        .then(() => placement.close())
        .then(() => {
        predictions.close();
        db.close();
      })),
  };
}
