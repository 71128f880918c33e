// Domain schemas shared by every transport (Electron IPC, browser mode, CLI) and the renderer.
// Pure TypeScript + zod: no Node, Electron, React or tfjs here (checked by test/unit/layering).
import { z } from 'zod';
import { ColumnMappingSchema, DatasetTaskSchema } from './dataset-report';
import { TrainerTaskSchema } from './tasks';
import { WorkerInfoSchema } from './worker-info';
import { BackendPreferenceSchema, CmpTargetSchema, ComparisonStatusSchema, PresetNameSchema, RunPhaseSchema, RunStatusSchema } from './vocabulary';

// The vocabulary lives in shared/vocabulary.ts and shared/tasks.ts; re-exported under the names callers know.
export { BackendPreferenceSchema, CmpTargetSchema, ComparisonStatusSchema, RunStatusSchema };
export type { BackendPreference, CmpTarget, RunStatus } from './vocabulary';

export const LossKindSchema = z.enum(['baseline', 'comparative']);
export type LossKind = z.infer<typeof LossKindSchema>;

export const ObjectiveSchema = z.enum(['comparative', 'primary_hinge', 'listmle']);
export const PrimarySchema = z.enum(['max', 'avg', 'first', 'last']);
/** Metrics a checkpoint can be selected on: each task head's default is one of them (main/tasks/). */
export const SelectionMetricSchema = z.enum(['accuracy', 'macro_f1', 'mcc', 'loss', 'pearson', 'spearman', 'mse', 'mae', 'micro_f1', 'exact_match', 'f1']);
export type SelectionMetric = z.infer<typeof SelectionMetricSchema>;
/** The trainer's task: the head it builds (shared/tasks.ts maps a dataset's task onto it). */
export const TaskSchema = TrainerTaskSchema;
export type Task = z.infer<typeof TaskSchema>;

export const ModelConfigSchema = z.object({
  /** Largest vocabulary built from the training texts (special tokens included). */
  vocabSize: z.number().int().min(16).max(100_000),
  dim: z.number().int().min(8).max(1024),
  layers: z.number().int().min(1).max(12),
  heads: z.number().int().min(1).max(16),
  ffnDim: z.number().int().min(8).max(4096),
  /**
   * Absolute path of a local Hugging Face folder (BERT / ELECTRA / RoBERTa: config.json,
   * model.safetensors, tokenizer files) to fine-tune instead of the built-in model; the fields
   * above are then unused. Hub ids are resolved to a folder before a run starts.
   */
  pretrained: z.string().min(1).max(4096).optional(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const DEFAULT_MODEL: ModelConfig = { vocabSize: 8000, dim: 64, layers: 1, heads: 2, ffnDim: 128 };

/** Every field required: the shape patches are built from (partial, so no defaults leak into a patch). */
const RunConfigFieldsSchema = z.object({
  loss: LossKindSchema,
  /** C: number of nested dropout ablations (comparative only). */
  ablations: z.number().int().min(1).max(8),
  target: CmpTargetSchema,
  temperature: z.number().positive().max(100),
  /** p: every dropout site's configured rate; ablation k runs at 1-(1-p)^k. */
  dropout: z.number().min(0).max(0.9),
  epochs: z.number().int().min(1).max(100),
  batchSize: z.number().int().min(1).max(512),
  learningRate: z.number().positive().max(1),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  maxLength: z.number().int().min(8).max(512),
  /** Cap on training examples (0 = all); for quick looks and tests. */
  maxTrainExamples: z.number().int().min(0),
  /** Validation every N optimizer steps (0 = once per epoch only). */
  evalEverySteps: z.number().int().min(0),
  backend: BackendPreferenceSchema,
  model: ModelConfigSchema,
  // Fields below came after the first release; RUN_CONFIG_LATER_DEFAULTS fills them in older configs.
  /** Nested input crops (CmpCrop, sentence level); combined with drops by alternation. */
  crops: z.number().int().min(0).max(4),
  /** 'comparative': Lcmp alone (paper default); 'primary_hinge': primary(l0..lC) + lambda * pairwise hinge; 'listmle': listwise. */
  objective: ObjectiveSchema,
  primary: PrimarySchema,
  hingeWeight: z.number().min(0).max(100),
  /** Run the 1 + C copies as one batched forward (same loss and gradients as one after another). */
  batchedAblations: z.boolean(),
  weightDecay: z.number().min(0).max(1),
  warmupFraction: z.number().min(0).max(0.5),
  /** Global gradient-norm clip (0 = off). */
  clipNorm: z.number().min(0).max(1000),
  gradAccumulation: z.number().int().min(1).max(64),
  /** Stop after this many evaluations without improvement of selectionMetric (0 = never). */
  earlyStoppingPatience: z.number().int().min(0).max(100),
  selectionMetric: SelectionMetricSchema,
  /** Checkpoint every N steps (0 = at every evaluation only). */
  checkpointEverySteps: z.number().int().min(0),
  /** Periodic checkpoints kept on disk: the newest N plus best.ckpt (0 = keep all); the newest is always kept, so resume works. */
  keepCheckpoints: z.number().int().min(0).max(1000),
  /** Neuronal utility after training: ablation levels k = 0..utilityLevels, draws per level. */
  utilityLevels: z.number().int().min(0).max(10),
  utilityDraws: z.number().int().min(1).max(10),
  /**
   * Question answering: context tokens shared by consecutive windows of a long context (run_qa's
   * doc_stride); 0 = a third of maxLength (128 at run_qa's 384).
   */
  qaStride: z.number().int().min(0).max(511),
  /** Question answering: the longest answer, in tokens, decoding may predict (run_qa's max_answer_length). */
  qaMaxAnswerLength: z.number().int().min(1).max(512),
});
/** Defaults for fields added after the first release, so configs stored before them still parse. */
const RUN_CONFIG_LATER_DEFAULTS = {
  crops: 0,
  objective: 'comparative',
  primary: 'max',
  hingeWeight: 1,
  batchedAblations: true,
  weightDecay: 0.01,
  warmupFraction: 0.1,
  clipNorm: 1,
  gradAccumulation: 1,
  earlyStoppingPatience: 0,
  selectionMetric: 'accuracy',
  checkpointEverySteps: 0,
  keepCheckpoints: 2,
  utilityLevels: 6,
  utilityDraws: 3,
  qaStride: 0,
  qaMaxAnswerLength: 30,
} as const;

export const RunConfigSchema = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...RUN_CONFIG_LATER_DEFAULTS, ...v } : v),
  RunConfigFieldsSchema,
);
export type RunConfig = z.infer<typeof RunConfigSchema>;

export const DEFAULT_RUN_CONFIG: RunConfig = {
  loss: 'comparative',
  ablations: 2,
  target: 'ultra',
  temperature: 1,
  dropout: 0.1,
  epochs: 3,
  batchSize: 32,
  learningRate: 2e-3,
  seed: 1,
  maxLength: 128,
  maxTrainExamples: 0,
  evalEverySteps: 0,
  backend: 'auto',
  model: DEFAULT_MODEL,
  ...RUN_CONFIG_LATER_DEFAULTS,
};

/** Partial config as a person or a caller supplies it; merged over defaults by the services. */
export const RunConfigPatchSchema = RunConfigFieldsSchema.omit({ model: true })
  .partial()
  .extend({ model: ModelConfigSchema.partial().optional() })
  .strict();
export type RunConfigPatch = z.infer<typeof RunConfigPatchSchema>;

export function mergeRunConfig(base: RunConfig, patch: RunConfigPatch | undefined): RunConfig {
  if (!patch) return base;
  const { model, ...rest } = patch;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return RunConfigSchema.parse({ ...base, ...defined, model: { ...base.model, ...(model ?? {}) } });
}

export const DatasetFormatSchema = z.enum(['csv', 'tsv', 'jsonl', 'json', 'squad', 'parquet']);

export const DatasetSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  fileName: z.string(),
  format: DatasetFormatSchema,
  rows: z.number().int(),
  textColumn: z.string(),
  labelColumn: z.string(),
  labels: z.array(z.string()),
  labelCounts: z.record(z.string(), z.number().int()),
  /** test: the held-out split, when the source had one (a folder's test file). */
  splits: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int().optional() }),
  contentHash: z.string(),
  createdAt: z.string(),
  // Added with the import of every format (JSON, Parquet, folders, ...); optional so older clients' data still parses.
  task: DatasetTaskSchema.optional(),
  columns: z.array(z.string()).optional(),
  mapping: ColumnMappingSchema.optional(),
  encoding: z.string().optional(),
});
export type DatasetSummary = z.infer<typeof DatasetSummarySchema>;

export const DatasetRowSchema = z.object({
  text: z.string(),
  label: z.string(),
  split: z.enum(['train', 'validation', 'test']),
  textPair: z.string().optional(),
});
export type DatasetRow = z.infer<typeof DatasetRowSchema>;

export const DatasetPreviewSchema = z.object({ dataset: DatasetSummarySchema, rows: z.array(DatasetRowSchema) });
export type DatasetPreview = z.infer<typeof DatasetPreviewSchema>;

export const RunSummarySchema = z.object({
  id: z.string(),
  datasetId: z.string(),
  comparisonId: z.string().nullable(),
  name: z.string(),
  loss: LossKindSchema,
  seed: z.number().int(),
  status: RunStatusSchema,
  backend: z.string().nullable(),
  config: RunConfigSchema,
  step: z.number().int(),
  totalSteps: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** Step of the latest checkpoint (resume continues from it), and of the best evaluation. */
  checkpointStep: z.number().int().nullable(),
  bestStep: z.number().int().nullable(),
  /** SHA-256 of the dataset content this run trained on. */
  dataHash: z.string(),
  /** Final validation metrics (accuracy, macro_f1, loss) and timing (ms_per_step) once completed. */
  finalMetrics: z.record(z.string(), z.number()),
  /** Tags a person gave the run in the history (sorted); optional so older payloads still parse. */
  tags: z.array(z.string()).optional(),
  /** Live, from the process that trains it (shared/vocabulary.ts RunPhaseSchema); absent when not training here. */
  phase: RunPhaseSchema.optional(),
  /** The remote worker that trained it (its last attempt); absent for runs trained by this machine. */
  worker: WorkerInfoSchema.optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** Where a number was measured: training steps, the validation split (checkpoint selection) or the held-out test split. */
export const MetricSplitSchema = z.enum(['train', 'validation', 'test']);
export type MetricSplit = z.infer<typeof MetricSplitSchema>;
/** The splits a model is evaluated on (train is only ever a running training loss). */
export const EvalSplitSchema = z.enum(['validation', 'test']);
export type EvalSplit = z.infer<typeof EvalSplitSchema>;
export const MetricPointSchema = z.object({
  step: z.number().int(),
  epoch: z.number(),
  split: MetricSplitSchema,
  name: z.string(),
  value: z.number(),
});
export type MetricPoint = z.infer<typeof MetricPointSchema>;

export const ClassScoresSchema = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int(),
});
export type ClassScores = z.infer<typeof ClassScoresSchema>;

export const EvaluationDetailSchema = z.object({
  step: z.number().int(),
  epoch: z.number(),
  /** validation: every periodic evaluation; test: the selected checkpoint scored once on the held-out split. Optional: older payloads are validation. */
  split: EvalSplitSchema.optional(),
  /** Best so far on the run's selection metric (the kept checkpoint). */
  best: z.boolean(),
  perClass: z.array(ClassScoresSchema),
  /** confusion[gold][predicted] counts. */
  confusion: z.array(z.array(z.number())),
});
export type EvaluationDetail = z.infer<typeof EvaluationDetailSchema>;

/** One validation example at one evaluation; `index` is its position in the dataset's validation split. */
/**
 * One scored example. Question answering: `predicted` is the exact match (1 or 0) against gold 1,
 * `confidence` the model's probability of its answer, `answer` the predicted text ('' = no answer),
 * `answerStart` where it starts in the context and `f1` its token F1, so the views' right/wrong
 * logic works for every task unchanged.
 */
export const PredictionRowSchema = z.object({
  index: z.number().int(),
  predicted: z.number(),
  gold: z.number(),
  confidence: z.number(),
  answer: z.string().optional(),
  answerStart: z.number().int().min(0).optional(),
  f1: z.number().optional(),
});
export type PredictionRow = z.infer<typeof PredictionRowSchema>;

/** Neuronal utility: the metric of the final model at ablation level k (drop: dropout 1-(1-p)^k; crop: input kept). */
export const UtilityPointSchema = z.object({
  kind: z.enum(['drop', 'crop']),
  k: z.number().int(),
  rate: z.number(),
  metrics: z.record(z.string(), z.number()),
});
export type UtilityPoint = z.infer<typeof UtilityPointSchema>;

export const RunDetailSchema = z.object({
  run: RunSummarySchema,
  metrics: z.array(MetricPointSchema),
  evaluations: z.array(EvaluationDetailSchema),
  utility: z.array(UtilityPointSchema),
  /** Bytes the run's checkpoint folder holds on disk now (best + kept periodic checkpoints). Optional: older payloads lack it. */
  checkpointBytes: z.number().int().min(0).optional(),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const ComparisonSummarySchema = z.object({
  id: z.string(),
  datasetId: z.string(),
  seeds: z.array(z.number().int()),
  config: RunConfigSchema,
  status: ComparisonStatusSchema,
  runIds: z.array(z.string()),
  createdAt: z.string(),
  /** A person's name for it (null: unnamed). Optional: older payloads lack it. */
  name: z.string().nullable().optional(),
  /** 'seeded': N seeds x both arms started together; 'adhoc': chosen afterwards from existing runs. */
  kind: z.enum(['seeded', 'adhoc']).optional(),
  /** What each arm is, for ad-hoc comparisons whose arms are not simply baseline vs comparative loss. */
  armLabels: z.object({ baseline: z.string(), comparative: z.string() }).optional(),
});
export type ComparisonSummary = z.infer<typeof ComparisonSummarySchema>;

/** One row per metric: the value for each arm (mean over seeds) and the paired difference. */
/** Paired statistics of one metric; every number is null where it is undefined (few seeds, no spread). */
export const ComparisonStatsSchema = z.object({
  /** Seeds with both arms finished (the pairs the statistics use). */
  n: z.number().int(),
  t: z.number().nullable(),
  df: z.number().nullable(),
  /** Two-sided paired t-test p-value. */
  pT: z.number().nullable(),
  /** min(W+, W-) of the Wilcoxon signed-rank test (zero differences dropped). */
  wilcoxonW: z.number().nullable(),
  pWilcoxon: z.number().nullable(),
  /** Percentile bootstrap 95% CI of the mean paired difference (comparative - baseline). */
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  /** Cohen's d_z = mean difference / sd of the differences. */
  effectSize: z.number().nullable(),
  /** Seeds a paired t-test needs to detect this effect at alpha 0.05 with power 0.8. */
  seedsNeeded: z.number().int().nullable(),
  /** Why a p-value is missing, when it is. */
  reason: z.string().optional(),
  verdict: z.string(),
  /**
   * 'paired' (default): per-seed differences, as above. 'unpaired': ad-hoc runs that could not be
   * matched by seed; t/df/pT are then Welch's t-test and the Mann-Whitney U test replaces Wilcoxon.
   */
  test: z.enum(['paired', 'unpaired']).optional(),
  mannWhitneyU: z.number().nullable().optional(),
  pMannWhitney: z.number().nullable().optional(),
});
export type ComparisonStats = z.infer<typeof ComparisonStatsSchema>;

export const ComparisonTableRowSchema = z.object({
  metric: z.string(),
  baseline: z.array(z.number().nullable()),
  comparative: z.array(z.number().nullable()),
  baselineMean: z.number().nullable(),
  comparativeMean: z.number().nullable(),
  /** Mean over seeds of (comparative - baseline), paired by seed. The two means above are over the same seeds. */
  meanDifference: z.number().nullable(),
  /** Paired statistics over the seeds where both arms finished (shared/paired-stats.ts). Optional: older payloads lack it. */
  stats: ComparisonStatsSchema.optional(),
  /** What the difference may be shown as (shared/verdict.ts evidenceOf): colour only with a significant test. */
  evidence: z.enum(['better', 'worse', 'no_evidence', 'too_few_seeds', 'not_compared']).optional(),
  /** Why a row is not compared (evidence 'not_compared'), in words. */
  evidenceNote: z.string().optional(),
  /**
   * The score of a model that learned nothing from the texts, on the same split: always the most
   * frequent training class, the training mean for regression (main/services/reference-scores.ts).
   */
  reference: z.object({ value: z.number(), rule: z.string() }).optional(),
});
export type ComparisonTableRow = z.infer<typeof ComparisonTableRowSchema>;

/**
 * Which numbers the headline table, statistics and verdict are: the held-out test split when the
 * dataset has one (each run's selected checkpoint, scored once), else the validation split the
 * checkpoint was selected on (optimistically biased, and said so).
 */
export const HeadlineSchema = z.object({
  split: EvalSplitSchema,
  /** Examples in that split. */
  examples: z.number().int(),
  /** Always the checkpoint each run selected on validation (best selection metric). */
  checkpoint: z.literal('selected'),
});
export type Headline = z.infer<typeof HeadlineSchema>;

export const ComparisonDetailSchema = z.object({
  comparison: ComparisonSummarySchema,
  runs: z.array(RunSummarySchema),
  table: z.array(ComparisonTableRowSchema),
  /** Optional: older payloads lack it (they are validation). */
  headline: HeadlineSchema.optional(),
  /**
   * Ad-hoc comparisons: which arm each run id is in (runs of one loss can fill both arms, so the
   * loss does not say). Absent for seeded comparisons, whose arm is the run's loss.
   */
  runArms: z.record(z.string(), LossKindSchema).optional(),
  /**
   * Which runs the means, differences and statistics use: seeds where both arms finished. `text`
   * says so ("3 complete seed pairs; seed 4: comparative cancelled").
   */
  coverage: z.object({ pairs: z.number().int(), seeds: z.number().int(), text: z.string() }).optional(),
  /** Plain warnings about the answer, e.g. an arm no better than always predicting the majority class. */
  warnings: z.array(z.string()).optional(),
  /** The dataset's task, so a page opened straight at a comparison shows that task's views from the start. */
  task: DatasetTaskSchema.optional(),
});
export type ComparisonDetail = z.infer<typeof ComparisonDetailSchema>;

