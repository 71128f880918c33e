// Wire shape of `comparisons.analysis`: everything the comparison views need in one answer, built
// by main/services/comparison-analysis-service.ts from the functions in shared/comparison-analysis.
import { z } from 'zod';
import { EvalSplitSchema, LossKindSchema } from './schemas';
import { DatasetTaskSchema } from './tasks';

const ScoresSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number() });

export const MeanBandCurveSchema = z.object({
  arm: LossKindSchema,
  x: z.array(z.number()),
  mean: z.array(z.number()),
  lower: z.array(z.number()),
  upper: z.array(z.number()),
  n: z.array(z.number().int()),
});

export const PerClassRowSchema = z.object({
  label: z.string(),
  support: z.number().int(),
  baseline: ScoresSchema.nullable(),
  comparative: ScoresSchema.nullable(),
  delta: ScoresSchema.nullable(),
});

/**
 * One arm's prediction. Question answering (answers mode) adds the predicted text ('' = "no answer"),
 * where it starts in the context (absent for '') and its token F1; `predicted` is then the exact match.
 */
const ArmPredictionSchema = z.object({
  predicted: z.number(),
  confidence: z.number(),
  answer: z.string().optional(),
  answerStart: z.number().int().min(0).optional(),
  f1: z.number().optional(),
});

const ChangedExampleSchema = z.object({
  seed: z.number().int(),
  index: z.number().int(),
  /** The example's text; question answering: the question. */
  text: z.string(),
  gold: z.number(),
  /** confidence: the predicted class's probability (correctness mode), |error| (error mode), the answer's probability (answers mode). */
  baseline: ArmPredictionSchema,
  comparative: ArmPredictionSchema,
  /** Question answering: the passage the answer is read from. */
  context: z.string().optional(),
  /** Question answering: every reference answer and its start in the context (-1: unknown); empty lists = unanswerable. */
  answers: z.object({ text: z.array(z.string()), answer_start: z.array(z.number().int()) }).optional(),
});

/** Regression only: predicted against gold per arm (thinned to SCATTER_LIMIT points) and residuals (shared/comparison-analysis.ts). */
const RegressionErrorsSchema = z.object({
  arms: z.array(
    z.object({
      arm: LossKindSchema,
      seed: z.array(z.number().int()),
      index: z.array(z.number().int()),
      gold: z.array(z.number()),
      predicted: z.array(z.number()),
      total: z.number().int(),
      mae: z.number(),
      rmse: z.number(),
      bias: z.number(),
    }),
  ),
  residuals: z.object({ edges: z.array(z.number()), clipped: z.boolean(), arms: z.array(z.object({ arm: LossKindSchema, counts: z.array(z.number().int()) })) }),
});

const ComputePointSchema = z.object({ step: z.number().int(), seconds: z.number().nullable(), flops: z.number(), value: z.number() });

export const ComparisonAnalysisSchema = z.object({
  comparisonId: z.string(),
  /** Class names, indexed by the predicted/gold numbers below. */
  labels: z.array(z.string()),
  seeds: z.array(z.number().int()),
  /** What each arm is ("baseline", "comparative", or an ad-hoc comparison's own labels). */
  armLabels: z.object({ baseline: z.string(), comparative: z.string() }),
  /** How bands are drawn, for legends (BAND_LABEL). */
  band: z.string(),
  /** The dataset's task: which views apply (shared/comparison-views.ts). */
  task: DatasetTaskSchema,
  /** Which evaluation of each run the per-class, confusion, scatter and example views use: one split for all runs. */
  evaluation: z.object({ split: EvalSplitSchema, examples: z.number().int(), runs: z.number().int(), missing: z.number().int() }),
  /** That evaluation in words (viewEvaluationText). */
  evaluationNote: z.string(),
  /** Validation metric curves (the task's metrics), mean and band over seeds per arm, x = optimizer step. */
  curves: z.array(z.object({ metric: z.string(), curves: z.array(MeanBandCurveSchema) })),
  perClass: z.array(PerClassRowSchema),
  /** confusion[gold][predicted], summed over seeds; difference = comparative - baseline. */
  confusion: z.object({ baseline: z.array(z.array(z.number())), comparative: z.array(z.array(z.number())), difference: z.array(z.array(z.number())) }),
  /** Regression: the predicted-vs-gold scatter and residuals; null for class tasks. */
  scatter: RegressionErrorsSchema.nullable(),
  examples: z.object({
    /**
     * correctness: right/wrong (single-label); error: |error| changed by more than `margin` (regression);
     * answers: exact match lost or gained, with the answers (question answering); none: does not apply (see note).
     */
    mode: z.enum(['correctness', 'error', 'answers', 'none']),
    margin: z.number().optional(),
    limit: z.number().int(),
    perSeed: z.array(z.object({ seed: z.number().int(), fixed: z.number().int(), broken: z.number().int(), compared: z.number().int() })),
    fixedTotal: z.number().int(),
    brokenTotal: z.number().int(),
    fixed: z.array(ChangedExampleSchema),
    broken: z.array(ChangedExampleSchema),
    /** Why there are no examples to list, when the mode is none. */
    note: z.string().optional(),
  }),
  /** Neuronal utility: metric against ablation level k, mean and band over seeds per arm. */
  utility: z.array(z.object({ kind: z.enum(['drop', 'crop']), metric: z.string(), curves: z.array(MeanBandCurveSchema) })),
  compute: z.object({
    metric: z.string(),
    /** The FLOPs formula in words (shared/flops.ts). */
    formula: z.string(),
    runs: z.array(
      z.object({
        arm: LossKindSchema,
        seed: z.number().int(),
        flopsPerStep: z.number(),
        points: z.array(ComputePointSchema),
        /** The run's selected checkpoint (best on validation): the one every result view scores. Optional: older payloads lack it. */
        selected: ComputePointSchema.nullable().optional(),
        /** Measured cost: wall and CPU ms per optimizer step, and how many trainers ran at once on average (wall time grows with it). */
        msPerStep: z.number().nullable().optional(),
        cpuMsPerStep: z.number().nullable().optional(),
        concurrentTrainers: z.number().nullable().optional(),
      }),
    ),
    bySeconds: z.array(MeanBandCurveSchema),
    byFlops: z.array(MeanBandCurveSchema),
  }),
});
export type ComparisonAnalysis = z.infer<typeof ComparisonAnalysisSchema>;
