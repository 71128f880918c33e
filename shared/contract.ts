// The one contract between the renderer (or any client) and the services: every channel's
// request and response schema, and every pushed event. Electron IPC, the browser mode and the CLI
// are transports over this map; handlers validate requests with these schemas.
import { z } from 'zod';
import {
  ComparisonDetailSchema,
  ComparisonSummarySchema,
  DatasetPreviewSchema,
  DatasetSummarySchema,
  MetricPointSchema,
  RunConfigPatchSchema,
  RunDetailSchema,
  PredictionRowSchema,
  UtilityPointSchema,
  RunStatusSchema,
  RunSummarySchema,
  ComparisonStatusSchema,
  EvalSplitSchema,
} from './schemas';
import type { ErrorCode, Result } from './errors';
import { ComparisonAnalysisSchema } from './comparison-analysis-schema';
import { AppInfoSchema, TimeEstimateSchema } from './app-info';
import { DatasetInspectionSchema, ImportFileSchema, ImportOptionsSchema, ValidationReportSchema } from './dataset-report';
import {
  AdhocComparisonSchema,
  ComparisonDeleteSchema,
  ComparisonUpdateSchema,
  ReportFileSchema,
  ReportRequestSchema,
  RunDeleteResultSchema,
  RunDeleteSchema,
  RunCheckpointsSchema,
  RunFilterSchema,
  RunUpdateSchema,
} from './history';
import { PredictFileRequestSchema, PredictFileResponseSchema, PredictProgressSchema, PredictTextRequestSchema, PredictTextResponseSchema } from './predict';
import { ModelDownloadProgressSchema, ModelDownloadRequestSchema, ModelInfoSchema, ModelInspectRequestSchema, ModelListSchema } from './models';
import { StepSampleSchema } from './trainer-protocol';
import { PretrainListRequestSchema, PretrainListSchema, PretrainProgressSchema, PretrainRequestSchema, PretrainStartedSchema } from './pretrain-protocol';
import { ExportFormatSchema, PresetNameSchema, RunPhaseSchema } from './vocabulary';
import { WorkersConnectSchema, WorkersStateSchema } from './worker-info';
import { ComparisonAddSeedsSchema, ComparisonRerunSchema } from './comparison-seeds';

const Empty = z.object({}).strict();
const Id = z.object({ id: z.string().min(1) }).strict();

/** Baseline and comparative runs with matched seeds on one dataset; `preset` picks the settings the patch applies to (else the session's). */
const ComparisonStartSchema = z
  .object({
    datasetId: z.string().min(1),
    seeds: z.number().int().min(1).max(10).optional(),
    config: RunConfigPatchSchema.optional(),
    preset: PresetNameSchema.optional(),
  })
  .strict();
export type ComparisonStartRequest = z.infer<typeof ComparisonStartSchema>;

export const channels = {
  'app.info': { request: Empty, response: AppInfoSchema },
  /** Import a dataset from its text (drag-and-drop, file picker, browser upload). */
  'datasets.importText': {
    request: z
      .object({ fileName: z.string().min(1).max(500), content: z.string().max(512 * 1024 * 1024), options: ImportOptionsSchema.optional() })
      .strict(),
    response: DatasetSummarySchema,
  },
  /** Several files as one dataset: a dropped folder's train/validation/test files (binary ones as base64). */
  'datasets.importFiles': {
    request: z.object({ name: z.string().min(1).max(500), files: z.array(ImportFileSchema).min(1).max(16), options: ImportOptionsSchema.optional() }).strict(),
    response: DatasetSummarySchema,
  },
  /** What importing these files would give (column mapping, task, validation report), storing nothing. */
  'datasets.inspect': {
    request: z.object({ files: z.array(ImportFileSchema).min(1).max(16), options: ImportOptionsSchema.optional() }).strict(),
    response: DatasetInspectionSchema,
  },
  /**
   * A file or folder on this machine by path (CLI, Electron's dropped paths): big CSV/TSV files
   * stream with bounded memory, sending 'dataset.importProgress'; 'datasets.cancelImport' stops one.
   */
  'datasets.importPath': {
    request: z.object({ path: z.string().min(1).max(4096), options: ImportOptionsSchema.optional() }).strict(),
    response: DatasetSummarySchema,
  },
  /** Cancels an in-flight path import; nothing of it stays stored. False when none was running. */
  'datasets.cancelImport': { request: z.object({ path: z.string().min(1).max(4096) }).strict(), response: z.boolean() },
  /** The validation report stored with a dataset (null for datasets imported before reports existed). */
  'datasets.report': { request: Id, response: ValidationReportSchema.nullable() },
  /** Import a dataset shipped in assets/ (real labelled data; see assets/datasets/README.md): imdb (default), spam, squad (SQuAD 2.0 excerpt) or squad-long (the same, each context with 3 other paragraphs of its article). */
  'datasets.importEmbedded': { request: z.object({ name: z.enum(['imdb', 'spam', 'squad', 'squad-long']).optional() }).strict(), response: DatasetSummarySchema },
  'datasets.list': { request: Empty, response: z.array(DatasetSummarySchema) },
  'datasets.preview': {
    request: z.object({ id: z.string().min(1), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    response: DatasetPreviewSchema,
  },
  'runs.start': {
    request: z.object({ datasetId: z.string().min(1), config: RunConfigPatchSchema.optional() }).strict(),
    response: RunSummarySchema,
  },
  /** Newest first; every filter optional ({} lists all), so older callers keep working. */
  'runs.list': { request: RunFilterSchema, response: z.array(RunSummarySchema) },
  /** Rename and/or re-tag a run (tags replace the run's tags). */
  'runs.update': { request: RunUpdateSchema, response: RunSummarySchema },
  /** Deletes finished runs with their metrics, predictions, utility and checkpoint files; refuses unfinished ones. */
  'runs.delete': { request: RunDeleteSchema, response: RunDeleteResultSchema },
  /** Tags in use, with how many runs carry each. */
  'runs.tags': { request: Empty, response: z.array(z.object({ tag: z.string(), runs: z.number().int() })) },
  'runs.get': { request: Id, response: RunDetailSchema },
  /** The files in a run's checkpoint folder: which exist, their bytes, which one resume continues from. */
  'runs.checkpoints': { request: Id, response: RunCheckpointsSchema },
  /** Every example's prediction at one evaluation of a split (default: validation, the run's last evaluation). */
  'runs.predictions': {
    request: z.object({ id: z.string().min(1), step: z.number().int().min(0).optional(), split: EvalSplitSchema.optional() }).strict(),
    response: z.object({ step: z.number().int().nullable(), split: EvalSplitSchema, rows: z.array(PredictionRowSchema) }),
  },
  'runs.cancel': { request: Id, response: RunSummarySchema },
  'runs.pause': { request: Id, response: RunSummarySchema },
  'runs.resume': { request: Id, response: RunSummarySchema },
  /**
   * Writes a run's best model to `folder` (absolute; new or empty): 'huggingface' (model.safetensors
   * + config.json + tokenizer files, loadable by transformers; pretrained runs only) or 'tfjs'.
   * Without `folder` it writes to `<dataDir>/exports/<runId>-<format>/` (rewritten on a repeat
   * export); that is the only form a browser page may send, since a page must not pick paths.
   */
  'runs.export': {
    request: z.object({ runId: z.string().min(1), format: ExportFormatSchema, folder: z.string().min(1).max(4096).optional() }).strict(),
    response: z.object({ folder: z.string(), format: ExportFormatSchema, files: z.array(z.string()) }),
  },
  /** Desktop app only: shows a run's export (in the data folder's exports/) in the system's file manager. */
  'runs.openExport': {
    request: z.object({ runId: z.string().min(1), format: ExportFormatSchema }).strict(),
    response: z.object({ folder: z.string() }),
  },
  'comparisons.start': { request: ComparisonStartSchema, response: ComparisonSummarySchema },
  /** How long `comparisons.start` with this request would take on this machine, before starting it. */
  'comparisons.estimate': { request: ComparisonStartSchema, response: TimeEstimateSchema },
  'comparisons.list': { request: Empty, response: z.array(ComparisonSummarySchema) },
  'comparisons.get': { request: Id, response: ComparisonDetailSchema },
  /** Trains a seeded comparison's cancelled / failed / interrupted runs of these seeds again, from step 0. */
  'comparisons.rerun': { request: ComparisonRerunSchema, response: ComparisonSummarySchema },
  /** Adds seeds (both arms each, the comparison's config) after its largest seed. */
  'comparisons.addSeeds': { request: ComparisonAddSeedsSchema, response: ComparisonSummarySchema },
  /** Ad-hoc: 2..20 finished runs on the same data, grouped into two arms, paired by seed where they can be. */
  'comparisons.create': { request: AdhocComparisonSchema, response: ComparisonSummarySchema },
  'comparisons.update': { request: ComparisonUpdateSchema, response: ComparisonSummarySchema },
  'comparisons.delete': {
    request: ComparisonDeleteSchema,
    response: z.object({ deleted: z.string(), runs: RunDeleteResultSchema.nullable() }),
  },
  /** A report file: one self-contained HTML page, or the metrics as JSON or CSV. */
  'comparisons.report': { request: ReportRequestSchema, response: ReportFileSchema },
  /** Everything the comparison views show (mean/band curves, per class, confusion, fixed/broken examples, utility, compute), in one answer. */
  'comparisons.analysis': { request: Id, response: ComparisonAnalysisSchema },
  /** Playground: each run's prediction for one text (or pair); a run without a saved model gives an error value, not a failure. */
  'predict.text': { request: PredictTextRequestSchema, response: PredictTextResponseSchema },
  /** A CSV/TSV/JSONL file of texts through one run's best model, back as CSV; sends 'predict.progress'. */
  'predict.file': { request: PredictFileRequestSchema, response: PredictFileResponseSchema },
  /** Models a run can start from: built-in, the hub cache's models, folders used before (with size, parameters, recommended rate). */
  'models.list': { request: Empty, response: ModelListSchema },
  /** One model by folder path or hub id (cache only). A browser page may only name listed models; the app and CLI any folder. */
  'models.inspect': { request: ModelInspectRequestSchema, response: ModelInfoSchema },
  /** Downloads a hub model into the hub cache (resumable, checksummed); sends 'model.downloadProgress'. */
  'models.download': { request: ModelDownloadRequestSchema, response: ModelInfoSchema },
  /**
   * Masked-language-model pretraining: a pretrained model adapted to a dataset's training texts (or
   * a new BERT from text), written as a model folder the picker then lists; sends 'pretraining.progress'.
   * textsFile and outFolder are for the desktop app and the CLI.
   */
  'pretraining.start': { request: PretrainRequestSchema, response: PretrainStartedSchema },
  'pretraining.cancel': { request: Id, response: Empty },
  /** Stops a running pretraining run with a checkpoint; 'pretraining.resume' continues it exactly where it stopped. */
  'pretraining.pause': { request: Id, response: Empty },
  'pretraining.resume': { request: Id, response: PretrainStartedSchema },
  /** The pretraining history, newest first (one dataset's with datasetId), each with its held-out loss curve. */
  'pretraining.list': { request: PretrainListRequestSchema, response: PretrainListSchema },
  /** Where new runs train (this machine, or remote workers through a Redis queue: docs/workers.md) and the workers alive there. */
  'workers.get': { request: Empty, response: WorkersStateSchema },
  /** New runs go to the workers of this queue (redis:// or rediss://); remembered for the next start. Runs already started keep where they are. */
  'workers.connect': { request: WorkersConnectSchema, response: WorkersStateSchema },
  /** New runs train on this machine again; runs already on the queue are still followed to their end. */
  'workers.disconnect': { request: Empty, response: WorkersStateSchema },
} as const;

export type Channels = typeof channels;
export type Channel = keyof Channels;
export type RequestOf<C extends Channel> = z.input<Channels[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Channels[C]['response']>;

/** One progress sample per optimizer step, as the trainer reports it (shared/trainer-protocol.ts). */
export { StepSampleSchema };

export const events = {
  'run.progress': z.object({
    runId: z.string(),
    step: z.number().int(),
    totalSteps: z.number().int(),
    epoch: z.number(),
    elapsedMs: z.number(),
    etaMs: z.number().nullable(),
    samples: z.array(StepSampleSchema),
  }),
  /** Also sent when only the live phase changes (evaluating, pausing…): `phase` is absent once the run is not training. */
  'run.status': z.object({ runId: z.string(), status: RunStatusSchema, backend: z.string().nullable(), error: z.string().nullable(), phase: RunPhaseSchema.optional() }),
  'run.eval': z.object({ runId: z.string(), points: z.array(MetricPointSchema) }),
  'run.utility': z.object({ runId: z.string(), kind: z.enum(['drop', 'crop']), points: z.array(UtilityPointSchema), beatenShare: z.number() }),
  'comparison.status': z.object({ comparisonId: z.string(), status: ComparisonStatusSchema }),
  'dataset.importProgress': z.object({ path: z.string(), bytes: z.number(), totalBytes: z.number(), rows: z.number().int() }),
  'predict.progress': PredictProgressSchema,
  'model.downloadProgress': ModelDownloadProgressSchema,
  'pretraining.progress': PretrainProgressSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** What every transport gives the renderer: call a channel, listen to events. */
export interface Api {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * Browser mode's streamed upload (main/web/server.ts): POST the file's bytes as the body, the
 * name in `?name=`, ImportOptions as JSON in `?options=`; the answer is a Result<DatasetSummary>
 * as /api/invoke gives. Files go this way so no upload is ever one JSON string in memory.
 */
export const UPLOAD_ROUTE = '/api/upload';
/** Largest upload browser mode accepts (written to disk under the data folder, then streamed). */
export const MAX_UPLOAD_BYTES = 8 * 1024 ** 3;
/** Largest /api/invoke JSON body: well under V8's longest string (512 MiB), above predict.file's 64 MiB. */
export const MAX_JSON_BODY_BYTES = 128 * 1024 * 1024;
/** HTTP status of a refusal over browser mode; the JSON Result body is the same as on 200. */
export const HTTP_STATUS_OF_ERROR: Record<ErrorCode, number> = {
  invalid_request: 400,
  bad_input: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(channels, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
