// What an import tells a person before and after it stores anything: the proposed column mapping,
// the inferred task and the validation report. Pure zod, shared by services, renderer and CLI.
import { z } from 'zod';
import { SourceLocationSchema } from './errors';
import { DatasetTaskSchema } from './tasks';

// The task vocabulary lives in shared/tasks.ts; re-exported for the import's callers.
export { DatasetTaskSchema };
export type { DatasetTask } from './tasks';

export const ColumnMappingSchema = z.object({
  textColumn: z.string(),
  labelColumn: z.string(),
  textPairColumn: z.string().optional(),
  idColumn: z.string().optional(),
  /** Question answering: the article each question's paragraph belongs to. */
  titleColumn: z.string().optional(),
});
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;

/** Options a person can set on an import; anything left out is detected. */
export const ImportOptionsSchema = z
  .object({
    textColumn: z.string().min(1).optional(),
    /** '' = no second text even where one is detected. */
    textPairColumn: z.string().optional(),
    labelColumn: z.string().min(1).optional(),
    task: DatasetTaskSchema.optional(),
    skipBadRows: z.boolean().optional(),
    /** Remove HTML tags and decode entities (&amp;) in the texts before storing (main/services/import/html.ts). */
    stripHtml: z.boolean().optional(),
    /**
     * Share of a single file held out as the test split (stratified, seeded, stored with the
     * dataset): runs select checkpoints on validation and are scored once on test. A folder's
     * test file is used as it is.
     */
    testFraction: z.number().min(0).max(0.5).optional(),
    /**
     * Question answering, long inputs: each context becomes its paragraph plus this many other
     * paragraphs of the same article, shuffled, joined by blank lines (main/services/import/qa-distractors.ts).
     */
    qaDistractors: z.number().int().min(1).max(10).optional(),
    /** The model's maximum length, for the length part of the report. */
    maxLength: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export const SkippedRowSchema = SourceLocationSchema.extend({ reason: z.string() });
export type SkippedRowValue = z.infer<typeof SkippedRowSchema>;

export const ValidationIssueKindSchema = z.enum([
  'skipped_rows',
  'one_class',
  'duplicates',
  'conflicting_duplicates',
  'leakage_exact',
  'leakage_near',
  'class_imbalance',
  'rare_class',
  'too_long',
  'unknown_labels',
  'short_texts',
  'html_markup',
  'qa_distractors',
]);

export const ValidationIssueSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  kind: ValidationIssueKindSchema,
  message: z.string(),
  count: z.number().int(),
  /** The first few rows concerned (file:line:column), so the person can look. */
  locations: z.array(SourceLocationSchema),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

export const LengthStatsSchema = z.object({
  /** Whitespace-separated words: close to the model's tokens, and independent of its vocabulary. */
  unit: z.literal('words'),
  min: z.number(),
  median: z.number(),
  p95: z.number(),
  max: z.number(),
  maxLength: z.number().int(),
  overMaxLength: z.number().int(),
  /** Counts per bucket of width maxLength/8 (last bucket: at or over maxLength). */
  histogram: z.array(z.number().int()),
});

export const ValidationReportSchema = z.object({
  rows: z.number().int(),
  issues: z.array(ValidationIssueSchema),
  lengths: LengthStatsSchema,
  /** The first skipped rows (main/services/import/source-text.ts MAX_LISTED_SKIPPED), each with why. */
  skipped: z.array(SkippedRowSchema),
  /** Every skipped row, listed or not; absent in reports stored before the list was capped (then skipped.length). */
  skippedCount: z.number().int().optional(),
});
export type ValidationReport = z.infer<typeof ValidationReportSchema>;

export const DatasetInspectionSchema = z.object({
  fileName: z.string(),
  format: z.string(),
  columns: z.array(z.string()),
  mapping: ColumnMappingSchema,
  task: DatasetTaskSchema,
  rows: z.number().int(),
  labels: z.array(z.string()),
  labelCounts: z.record(z.string(), z.number().int()),
  splits: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
  report: ValidationReportSchema,
  /** First rows as they would be stored. */
  sample: z.array(z.object({ text: z.string(), textPair: z.string().optional(), label: z.string() })),
  /** Set when this exact content is already imported. */
  existingId: z.string().optional(),
});
export type DatasetInspection = z.infer<typeof DatasetInspectionSchema>;

/** A file of a dropped folder: text as is, binary (Parquet) as base64. */
export const ImportFileSchema = z
  .object({ name: z.string().min(1).max(500), content: z.string().max(512 * 1024 * 1024), encoding: z.enum(['text', 'base64']).optional() })
  .strict();
export type ImportFile = z.infer<typeof ImportFileSchema>;
