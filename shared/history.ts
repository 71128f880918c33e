// Contract shapes of the editable history (search, rename, tag, delete, ad-hoc comparisons) and
// of comparison reports. Pure zod, shared by the services, the CLI and the renderer.
import { z } from 'zod';
import { LossKindSchema, RunStatusSchema } from './schemas';

/** A tag: what a person types, trimmed; no commas so "a, b" on the CLI and in the UI splits cleanly. */
export const TagSchema = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(64, 'a tag is at most 64 characters')
  .refine((t) => !t.includes(','), 'a tag cannot contain a comma');

export const RunNameSchema = z.string().trim().min(1, 'a name cannot be empty').max(200, 'a name is at most 200 characters');

/** Every field optional: `runs.list` with `{}` lists everything, as it always did. */
export const RunFilterSchema = z
  .object({
    /** Matched anywhere in the run's name, id, dataset name or tags (case-insensitive for ASCII). */
    text: z.string().max(200).optional(),
    status: RunStatusSchema.optional(),
    loss: LossKindSchema.optional(),
    datasetId: z.string().min(1).optional(),
    tag: z.string().min(1).max(64).optional(),
    backend: z.string().min(1).max(64).optional(),
  })
  .strict();
export type RunFilter = z.infer<typeof RunFilterSchema>;

export const RunUpdateSchema = z
  .object({ id: z.string().min(1), name: RunNameSchema.optional(), tags: z.array(TagSchema).max(32).optional() })
  .strict();

export const RunDeleteSchema = z.object({ ids: z.array(z.string().min(1)).min(1).max(500) }).strict();
export const RunDeleteResultSchema = z.object({
  deleted: z.array(z.string()),
  /** Checkpoint folders removed from disk. */
  checkpointsRemoved: z.number().int(),
  /** Ad-hoc comparisons removed because fewer than two of their runs were left. */
  comparisonsRemoved: z.array(z.string()),
});
export type RunDeleteResult = z.infer<typeof RunDeleteResultSchema>;

export const ComparisonUpdateSchema = z.object({ id: z.string().min(1), name: RunNameSchema.nullable() }).strict();
export const ComparisonDeleteSchema = z
  .object({
    id: z.string().min(1),
    /** Also delete the comparison's own runs (seeded comparisons); otherwise they stay as single runs. */
    deleteRuns: z.boolean().optional(),
  })
  .strict();

export const AdhocComparisonSchema = z
  .object({
    runIds: z.array(z.string().min(1)).min(2, 'an ad-hoc comparison needs at least 2 runs').max(20, 'an ad-hoc comparison takes at most 20 runs'),
    name: RunNameSchema.optional(),
  })
  .strict();

export const ReportFormatSchema = z.enum(['html', 'json', 'csv']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;
export const ReportRequestSchema = z.object({ id: z.string().min(1), format: ReportFormatSchema }).strict();
export const ReportFileSchema = z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() });
export type ReportFile = z.infer<typeof ReportFileSchema>;

/** One file in a run's checkpoint folder (<data dir>/checkpoints/<run id>/). */
export const CheckpointFileSchema = z.object({
  name: z.string(),
  bytes: z.number().int().min(0),
  /** 'best': best.ckpt (the selected model); 'periodic': step-N.ckpt; 'temporary': a write in progress or left by a crash. */
  kind: z.enum(['best', 'periodic', 'temporary', 'other']),
  /** The step a periodic checkpoint holds (null for the others: best.ckpt holds the run's bestStep). */
  step: z.number().int().nullable(),
  /** The checkpoint the run recorded last: resume continues from it. */
  resumePoint: z.boolean(),
  modifiedAt: z.string(),
});
export const RunCheckpointsSchema = z.object({
  files: z.array(CheckpointFileSchema),
  totalBytes: z.number().int().min(0),
});
export type RunCheckpoints = z.infer<typeof RunCheckpointsSchema>;
