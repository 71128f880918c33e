// What a front-end learns about the services before it starts anything: the app's defaults and
// presets (app.info), and how long a comparison would take (comparisons.estimate).
import { z } from 'zod';
import { RunConfigSchema } from './schemas';
import { PresetNameSchema } from './vocabulary';

/** The app's version (package.json "version"; test/unit/app-version.test.ts keeps them equal). */
export const APP_VERSION = '0.1.0';

export const PresetSchema = z.object({
  name: PresetNameSchema,
  label: z.string(),
  description: z.string(),
  defaults: RunConfigSchema,
  seeds: z.number().int().min(1).max(10),
  epochsSizedToData: z.boolean(),
});
export type PresetInfo = z.infer<typeof PresetSchema>;

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  dataDir: z.string(),
  transport: z.enum(['electron', 'browser', 'cli']),
  /** Defaults the "Fine-tune & compare" button uses (the server may shorten them, e.g. for tests). */
  defaults: RunConfigSchema,
  defaultSeeds: z.number().int().min(1).max(10),
  embeddedDataset: z.string(),
  /** Epochs left at the default are sized to the dataset (shared/training-budget.ts). Optional: older servers lack it. */
  epochsSizedToData: z.boolean().optional(),
  /** Which preset `defaults` are, and every preset the start card offers. Optional: older servers lack them. */
  preset: PresetNameSchema.optional(),
  presets: z.array(PresetSchema).optional(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/**
 * How long a comparison will take, before it starts: planned optimizer steps and evaluations
 * priced at the speed this machine measured on earlier runs (main/services/time-estimate.ts).
 */
export const TimeEstimateSchema = z.object({
  /** Wall-clock seconds for the whole comparison; null when no finished run has measured this machine yet. */
  seconds: z.number().nullable(),
  /** Runs it starts, and how many train at once. */
  runs: z.number().int(),
  parallel: z.number().int(),
  /** Planned optimizer steps per run (early stopping may end a run sooner). */
  stepsPerRun: z.number().int(),
  /** What the speed comes from, in words ("6 earlier runs of this model on this machine"). */
  basis: z.string(),
});
export type TimeEstimate = z.infer<typeof TimeEstimateSchema>;
