// The shared vocabulary besides tasks (shared/tasks.ts): the comparative loss's target strategies,
// the tfjs backends, run and comparison statuses and the model export formats. Each union is spelled
// here once; services, trainer, CLI and renderer import it, so a new value cannot be missed in one
// of them. Pure zod (test/unit/layering.test.ts).
import { z } from 'zod';

/** Target strategy for the detached dummy loss appended to [l0..lC] (docs/method.md#objective). */
export const CmpTargetSchema = z.enum(['ultra', 'first', 'best']);
export type CmpTarget = z.infer<typeof CmpTargetSchema>;

/** What selectBackend (main/kernels/backends.ts) accepts: a person's preference, or a backend by name. */
export const BackendRequestSchema = z.enum(['auto', 'tensorflow', 'wasm+openblas', 'wasm', 'cpu']);
export type BackendRequest = z.infer<typeof BackendRequestSchema>;
/** The setting a person chooses; 'wasm+openblas' is no choice of theirs: 'auto' picks it wherever it was built. */
export const BackendPreferenceSchema = BackendRequestSchema.exclude(['wasm+openblas']);
export type BackendPreference = z.infer<typeof BackendPreferenceSchema>;
/** Every backend a trainer or predictor can end up on, fastest first (the order backends are tried in). */
export const BackendNameSchema = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm+openblas', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendNameSchema>;

export const RunStatusSchema = z.enum(['queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatusSchema>;
/** A run waiting for, or holding, a trainer: views keep polling it, Comparo warns before quitting. */
export const ActiveRunStatusSchema = RunStatusSchema.extract(['queued', 'running', 'paused']);
export type ActiveRunStatus = z.infer<typeof ActiveRunStatusSchema>;
/** A run that is over: only a resume (interrupted, failed) starts it again. */
export const TerminalRunStatusSchema = RunStatusSchema.exclude(['queued', 'running', 'paused']);
export type TerminalRunStatus = z.infer<typeof TerminalRunStatusSchema>;
// Typed as every status so `.includes(run.status)` type-checks.
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ActiveRunStatusSchema.options;
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = TerminalRunStatusSchema.options;

export function isActiveRunStatus(status: RunStatus): status is ActiveRunStatus {
  return ACTIVE_RUN_STATUSES.includes(status);
}

/**
 * What a running run's trainer is doing right now: a live state of the process that trains it, never
 * stored (the statuses above stay what old databases hold). 'evaluating': scoring validation, the
 * held-out test split or neuronal utility, when steps do not advance; 'pausing' / 'cancelling': asked
 * to, not yet stopped.
 */
export const RunPhaseSchema = z.enum(['training', 'evaluating', 'pausing', 'cancelling']);
export type RunPhase = z.infer<typeof RunPhaseSchema>;

/** The run settings a comparison starts from: `quick` is a seconds-long first look (main/services/presets.ts). */
export const PresetNameSchema = z.enum(['default', 'quick']);
export type PresetName = z.infer<typeof PresetNameSchema>;

export const ComparisonStatusSchema = z.enum(['running', 'completed', 'failed', 'cancelled', 'interrupted']);
export type ComparisonStatus = z.infer<typeof ComparisonStatusSchema>;

/** 'huggingface': a transformers folder (pretrained-based runs only); 'tfjs': Comparo's own format. */
export const ExportFormatSchema = z.enum(['huggingface', 'tfjs']);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;
export const EXPORT_FORMAT_NAMES: Readonly<Record<ExportFormat, string>> = {
  huggingface: 'Hugging Face (transformers)',
  tfjs: 'TF.js (Comparo)',
};

/**
 * File types a dataset can be imported from, for every way in: the drop zone and file picker,
 * the desktop's Open dialog and command line, and the files of a folder (the import reads each).
 */
export const DATASET_FILE_EXTENSIONS = ['.csv', '.tsv', '.tab', '.txt', '.jsonl', '.ndjson', '.json', '.parquet'] as const;

export function isDatasetFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return DATASET_FILE_EXTENSIONS.some((extension) => lower.endsWith(extension));
}
