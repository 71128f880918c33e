// The trainer process's whole interface as zod schemas: messages in (ParentToTrainer), messages out
// (TrainerToParent). Both ends parse what they receive (main/training/trainer-process.ts and
// main/services/run-service.ts), so a malformed or diverged message stops one run with a message
// naming the field instead of landing in the database or throwing in the services. The TS types are
// z.infer of these schemas; main/training/protocol.ts re-exports them. Pure zod (layering test).
import { z } from 'zod';
import { checkMessage, formatPath, messageTypeOf, type Checked } from './message-check';
import { ClassScoresSchema, EvalSplitSchema, PredictionRowSchema, RunConfigSchema, TaskSchema } from './schemas';
import { BackendNameSchema } from './vocabulary';
import { WorkerInfoSchema } from './worker-info';

const Step = z.number().int().min(0);
const Index = z.number().int().min(0);
/** Metric name -> value (accuracy, macro_f1, loss, ...). Non-finite values fail; see nonFiniteMetrics. */
const MetricValuesSchema = z.record(z.string(), z.number());

export const LabelledTextsSchema = z
  .object({
    texts: z.array(z.string()),
    /** Classification: class index into `labelNames`; regression: the target value; multilabel: unused (0). */
    labels: z.array(z.number()),
    /** Multilabel only: indices (into `labelNames`) of the labels that apply to each example. */
    labelSets: z.array(z.array(Index)).optional(),
    /** Pair tasks: the second text of each example (null where a row has none; JSON over IPC has no undefined). */
    textPairs: z.array(z.string().nullable()).optional(),
    /**
     * CmpCrop: per example, indices of the segments (splitSegments in main/training/crops.ts:
     * paragraphs when the text has blank lines, else sentences) that no crop may remove.
     */
    requiredSegments: z.array(z.array(Index)).optional(),
    /**
     * Question answering: each question's reference answers (texts and their starts in the
     * context, JavaScript string indices; empty lists: unanswerable). texts are the questions,
     * textPairs the contexts.
     */
    answers: z.array(z.object({ text: z.array(z.string()), start: z.array(Index) })).optional(),
  })
  .superRefine((split, ctx) => {
    // Every per-example list lines up with the texts, or examples would silently get another's target.
    for (const key of ['labels', 'labelSets', 'textPairs', 'requiredSegments', 'answers'] as const) {
      const list = split[key];
      if (list !== undefined && list.length !== split.texts.length) {
        ctx.addIssue({ code: 'custom', path: [key], message: `has ${list.length} entries for ${split.texts.length} texts` });
      }
    }
  });
export type LabelledTexts = z.infer<typeof LabelledTextsSchema>;

export const TrainerStartMessageSchema = z.object({
  type: z.literal('start'),
  runId: z.string().min(1),
  config: RunConfigSchema,
  labelNames: z.array(z.string()),
  train: LabelledTextsSchema,
  validation: LabelledTextsSchema,
  /** The held-out split: never trained or selected on; the selected checkpoint is scored on it once, at the end. */
  test: LabelledTextsSchema.optional(),
  /** Minimum ms between progress messages (samples in between are batched, never dropped). */
  progressIntervalMs: z.number().min(0),
  /** Default 'classification'. */
  task: TaskSchema.optional(),
  /** Folder for this run's checkpoints (null: none written). */
  checkpointDir: z.string().nullable().optional(),
  /** Checkpoint file to continue from (written by an earlier trainer of the same run). */
  resumeFrom: z.string().nullable().optional(),
});
export type TrainerStartMessage = z.infer<typeof TrainerStartMessageSchema>;

export const ParentToTrainerSchema = z.discriminatedUnion('type', [
  TrainerStartMessageSchema,
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
]);
export type ParentToTrainer = z.infer<typeof ParentToTrainerSchema>;

/** One progress sample per optimizer step, batched by the trainer's throttle. */
export const StepSampleSchema = z.object({
  step: Step,
  epoch: z.number(),
  /** Objective actually optimised at this step. */
  loss: z.number(),
  /** Mean task loss of the full model (l0) then of each ablated copy (l1..lC); baseline: [l0]. */
  copyLosses: z.array(z.number()),
  /** The comparative term Lcmp (comparative runs only). */
  cmpLoss: z.number().nullable(),
  /** Learning rate used at this step and the global gradient norm before clipping (when the trainer reports them). */
  lr: z.number().optional(),
  gradNorm: z.number().optional(),
});
export type StepSample = z.infer<typeof StepSampleSchema>;

export { ClassScoresSchema };
export type ClassScores = z.infer<typeof ClassScoresSchema>;
/** One evaluated example's outcome; `index` is its position in the start message's split that was scored. */
export const ExamplePredictionSchema = PredictionRowSchema;
export type ExamplePrediction = z.infer<typeof ExamplePredictionSchema>;

export const UtilityLevelSchema = z.object({
  k: Index,
  /** Dropout rate 1-(1-p)^k (drop) or share of segments kept (crop). */
  rate: z.number(),
  /** Metrics averaged over draws, e.g. accuracy, macro_f1, loss. */
  metrics: MetricValuesSchema,
});
export type UtilityLevel = z.infer<typeof UtilityLevelSchema>;

export const EvalMessageSchema = z.object({
  type: z.literal('eval'),
  step: Step,
  epoch: z.number(),
  /** Absent: validation (every periodic evaluation); 'test': the selected checkpoint on the held-out split. */
  split: EvalSplitSchema.optional(),
  metrics: MetricValuesSchema,
  perClass: z.array(ClassScoresSchema).optional(),
  /** confusion[gold][predicted] counts. */
  confusion: z.array(z.array(z.number().int().min(0))).optional(),
  predictions: z.array(ExamplePredictionSchema).optional(),
  /** True when this evaluation is the best so far on config.selectionMetric. */
  best: z.boolean().optional(),
  /** Wall-clock ms spent in optimizer steps up to this evaluation (setup and evaluations excluded; kept across resume). */
  trainingMs: z.number().optional(),
});
export type EvalMessage = z.infer<typeof EvalMessageSchema>;

export const TrainerToParentSchema = z.discriminatedUnion('type', [
  /** `worker`: added by the queue launcher (main/remote/queue-launcher.ts) when a remote worker runs the trainer. */
  z.object({ type: z.literal('ready'), backend: BackendNameSchema, worker: WorkerInfoSchema.optional() }),
  z.object({
    type: z.literal('progress'),
    step: Step,
    totalSteps: Step,
    epoch: z.number(),
    elapsedMs: z.number(),
    etaMs: z.number().nullable(),
    samples: z.array(StepSampleSchema),
  }),
  EvalMessageSchema,
  z.object({ type: z.literal('checkpoint'), step: Step, epoch: z.number(), path: z.string().min(1) }),
  /** Neuronal utility of the final model: metric per ablation level, and the share of examples some ablated copy beats. */
  z.object({ type: z.literal('utility'), kind: z.enum(['drop', 'crop']), levels: z.array(UtilityLevelSchema), beatenShare: z.number() }),
  z.object({ type: z.literal('paused') }),
  z.object({ type: z.literal('resumed') }),
  /**
   * What the trainer turns to: 'evaluating' before it scores validation (periodic), the held-out
   * test split or utility (after the last step), when no step advances for a while; 'training' when
   * steps go on again. The parent shows it live and stores nothing (shared/vocabulary.ts RunPhaseSchema).
   */
  z.object({ type: z.literal('phase'), phase: z.enum(['training', 'evaluating']) }),
  z.object({
    type: z.literal('done'),
    metrics: MetricValuesSchema,
    elapsedMs: z.number(),
    msPerStep: z.number(),
    stoppedEarly: z.boolean().optional(),
    bestStep: Step.optional(),
  }),
  z.object({ type: z.literal('cancelled') }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type TrainerToParent = z.infer<typeof TrainerToParentSchema>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every NaN / ±Infinity number anywhere in a message (metrics, samples, timings), as [path, value]. */
function nonFiniteEntries(message: unknown): Array<[string, number]> {
  const found: Array<[string, number]> = [];
  const visit = (value: unknown, path: PropertyKey[]): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) found.push([formatPath(path), value]);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...path, i]));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  visit(message, []);
  return found;
}

/**
 * Names (paths such as `metrics.accuracy` or `samples[0].loss`) of the NaN / Infinity values in a
 * trainer message, raw or parsed. The schemas reject them too; this lets the receiver say that the
 * run diverged rather than that the message was malformed.
 */
export function nonFiniteMetrics(message: unknown): string[] {
  return nonFiniteEntries(message).map(([path]) => path);
}

/** What the run service does with each trainer message: a non-finite number or a malformed message is a problem to fail the run with. */
export function checkTrainerMessage(raw: unknown): Checked<TrainerToParent> {
  const nonFinite = nonFiniteEntries(raw);
  if (nonFinite.length > 0) {
    const listed = nonFinite.slice(0, 5).map(([path, value]) => `${path} = ${value}`).join(', ');
    return { ok: false, problem: `The trainer reported a non-finite number in its ${messageTypeOf(raw)} message (${listed}), so the run was stopped: training most likely diverged; try a lower learning rate.` };
  }
  return checkMessage(TrainerToParentSchema, raw, 'trainer');
}

/** What the trainer process does with each message from its parent. */
export function checkParentMessage(raw: unknown): Checked<ParentToTrainer> {
  return checkMessage(ParentToTrainerSchema, raw, 'parent');
}
