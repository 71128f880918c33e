import type { Channel, ComparisonStartRequest, RequestOf, ResponseOf } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { mergeRunConfig, type RunConfig, type RunConfigPatch } from '../../shared/schemas';
import { runCheckpointBytes } from '../services/cleanup';
import { withTaskDefaults } from '../../shared/task-run-defaults';
import { withTrainingBudget } from '../../shared/training-budget';
import type { ServiceSet } from '../services/service-set';
import { PRESETS, type Preset } from '../services/presets';

type Handler<C extends Channel> = (request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;
export type Handlers = { [C in Channel]: Handler<C> };

/**
 * The preset's config with the dataset's task defaults (shared/task-run-defaults.ts) for what the
 * request left unset, then epochs sized to the dataset where the preset asks for it.
 */
function budgeted(preset: Preset, datasetId: string, s: ServiceSet, patch: RunConfigPatch | undefined, config: RunConfig): RunConfig {
  const dataset = s.datasets.get(datasetId);
  const fitted = withTaskDefaults(config, patch, dataset.task);
  return preset.sizeEpochsToData ? withTrainingBudget(fitted, patch, dataset) : fitted;
}

/** What `comparisons.start` trains for a request: its preset (else the session's) patched, models resolved, epochs budgeted. */
async function plannedComparison(s: ServiceSet, r: ComparisonStartRequest): Promise<{ config: RunConfig; seeds: number }> {
  const preset = r.preset ? PRESETS[r.preset] : s.preset;
  const patch = await s.models.resolveRunPatch(r.config);
  return { config: budgeted(preset, r.datasetId, s, r.config, mergeRunConfig(preset.config, patch)), seeds: r.seeds ?? preset.seeds };
}

/** One handler per channel: the request is already validated; call a service, return a value. */
export function createHandlers(s: ServiceSet): Handlers {
  return {
    'app.info': () => s.info(),
    'datasets.importText': (r) => s.datasets.importText(r.fileName, r.content, r.options),
    'datasets.importFiles': (r) => s.datasets.importUploaded(r.files, r.name, r.options),
    'datasets.inspect': (r) => s.datasets.inspect(r.files, r.options),
    'datasets.report': (r) => s.datasets.report(r.id) ?? null,
    'datasets.importPath': (r) => {
      // Reading any local path is for the person at the terminal; a page (browser mode, the app's
      // renderer) sends file contents instead, so a compromised page cannot read the disk.
      if (s.info().transport !== 'cli') {
        throw new AppError('invalid_request', 'datasets.importPath is only available from the CLI; send the file contents (datasets.importText / importFiles).');
      }
      return s.datasets.importPathTracked(r.path, r.options);
    },
    'datasets.cancelImport': (r) => s.datasets.cancelImport(r.path),
    'datasets.importEmbedded': (r) => s.datasets.importEmbedded(r.name),
    'datasets.list': () => s.datasets.list(),
    'datasets.preview': (r) => s.datasets.preview(r.id, r.limit),
    // A hub id or folder in model.pretrained becomes the absolute folder the trainer reads.
    'runs.start': async (r) => s.runs.create(r.datasetId, budgeted(s.preset, r.datasetId, s, r.config, mergeRunConfig(s.preset.config, await s.models.resolveRunPatch(r.config)))),
    'runs.list': (r) => s.history.search(r),
    'runs.update': (r) => s.history.update(r.id, { name: r.name, tags: r.tags }),
    'runs.delete': (r) => s.history.deleteRuns(r.ids),
    'runs.tags': () => s.history.tags(),
    // Disk use is read from the run's checkpoint folder as it is now (main/services/cleanup.ts).
    'runs.get': (r) => ({ ...s.runs.detail(r.id), checkpointBytes: runCheckpointBytes(s.info().dataDir, r.id) }),
    'runs.checkpoints': (r) => s.history.checkpoints(r.id),
    'runs.predictions': (r) => s.runs.predictions(r.id, r.step, r.split),
    'runs.cancel': (r) => s.runs.cancel(r.id),
    'runs.pause': (r) => s.runs.pause(r.id),
    'runs.resume': (r) => s.runs.resume(r.id),
    'comparisons.start': async (r) => {
      const plan = await plannedComparison(s, r);
      return s.comparisons.start(r.datasetId, plan.seeds, plan.config);
    },
    'comparisons.estimate': async (r) => {
      const plan = await plannedComparison(s, r);
      return s.estimates.estimate({ ...plan, dataset: s.datasets.get(r.datasetId) });
    },
    'comparisons.list': () => s.comparisons.list(),
    'comparisons.get': (r) => s.comparisons.detail(r.id),
    'comparisons.rerun': (r) => s.comparisons.rerunSeeds(r.id, r.seeds),
    'comparisons.addSeeds': (r) => s.comparisons.addSeeds(r.id, r.count),
    'comparisons.create': (r) => s.history.createAdhoc(r.runIds, r.name),
    'comparisons.update': (r) => s.history.renameComparison(r.id, r.name),
    'comparisons.delete': (r) => s.history.deleteComparison(r.id, r.deleteRuns),
    'comparisons.report': (r) => s.reports.report(r.id, r.format),
    'comparisons.analysis': (r) => s.analysis.analysis(r.id),
    'predict.text': (r) => s.predictions.predictText(r.runIds, r.text, r.textPair),
    'predict.file': (r) => s.predictions.predictFile(r.runId, r.fileName, r.content),
    'models.list': () => s.models.list(),
    'models.inspect': (r) => s.models.inspect(r.source),
    'models.download': (r) => s.models.download(r.id, r.revision),
    'pretraining.start': (r) => s.pretraining.start(r),
    'pretraining.cancel': (r) => s.pretraining.cancel(r.id),
    'pretraining.pause': (r) => s.pretraining.pause(r.id),
    'pretraining.resume': (r) => s.pretraining.resume(r.id),
    'pretraining.list': (r) => s.pretraining.list(r.datasetId),
    'workers.get': () => s.placement.state(),
    'workers.connect': (r) => s.placement.connect(r.url),
    'workers.disconnect': () => s.placement.disconnect(),
    'runs.export': (r) => {
      // Writing to any local path is for the person at the terminal or in the desktop app; the
      // browser mode's page must not choose where files land on this machine. Without a folder the
      // services pick <dataDir>/exports/..., which a page cannot steer, so that stays allowed.
      if (r.folder !== undefined && s.info().transport === 'browser') {
        throw new AppError(
          'invalid_request',
          'A browser page cannot choose the export folder: leave "folder" out to export into the data folder\'s exports/, or use the CLI (npm run cli -- export --out <folder>) or the desktop app.',
        );
      }
      return s.exports.exportRun(r.runId, r.format, r.folder);
    },
    'runs.openExport': (r) => s.exports.openExport(r.runId, r.format),
  };
}
