// Messages between the services and the predictor process (main/inference/predictor-process.ts)
// as zod schemas: both ends parse what they receive (predictor-client.ts and predictor-process.ts),
// so a malformed message fails the request it belongs to with a message naming the field. The TS
// types are z.infer of these; main/inference/ re-exports them under their usual names. Pure zod.
import { z } from 'zod';
import { AppErrorSchema } from './errors';
import { RunConfigSchema, TaskSchema } from './schemas';
import { checkMessage, type Checked } from './message-check';
import { BackendNameSchema } from './vocabulary';

/** What to load, resolved in the parent (which has the database) and handed over as plain data. */
export const ModelSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('run'),
    runId: z.string().min(1),
    /** The run's best model (the trainer writes it at every improving evaluation). */
    checkpointPath: z.string().min(1),
    /** Changes when the file is rewritten, so a cached model is never stale. */
    version: z.string(),
    config: RunConfigSchema,
    task: TaskSchema,
    labelNames: z.array(z.string()),
  }),
  z.object({
    /** A pretrained (raw or exported, with a head) Hugging Face style folder. */
    kind: z.literal('folder'),
    path: z.string().min(1),
    version: z.string(),
  }),
]);
export type ModelSource = z.infer<typeof ModelSourceSchema>;

export const PredictInputSchema = z.object({ text: z.string(), textPair: z.string().optional() });
export type PredictInput = z.infer<typeof PredictInputSchema>;

/** The training dataset's own column names, tried after "text" / "text_pair" in a file to predict. */
export const PreferredColumnsSchema = z.object({ textColumn: z.string().optional(), textPairColumn: z.string().optional() });
export type PreferredColumns = z.infer<typeof PreferredColumnsSchema>;

export const PredictionSchema = z.object({
  /** Raw outputs: class logits (regression: [value]; multilabel: one logit per label). */
  logits: z.array(z.number()),
  /** Predicted label; regression: the value as text; multilabel: labels over 0.5, joined by "|". */
  label: z.string(),
  /** Softmax (classification) or sigmoid (multilabel) per label name; empty for regression. */
  probabilities: z.record(z.string(), z.number()),
  /** Regression only: the predicted value. */
  value: z.number().optional(),
  /**
   * Question answering only (the label is the answer text, '' for "no answer"): where it starts
   * in the context, the model's probability that the question has no answer, and the threshold
   * (chosen on the run's validation split) above which it answers "".
   */
  answer: z
    .object({ start: z.number().int().min(0).nullable(), noAnswerProbability: z.number(), noAnswerThreshold: z.number() })
    .optional(),
});
export type Prediction = z.infer<typeof PredictionSchema>;

/** Raw encoders: the first token's final hidden state instead of (unavailable) logits. */
export const PredictOutputSchema = z.enum(['predictions', 'clsHidden']);
export type PredictOutput = z.infer<typeof PredictOutputSchema>;

export const InferenceResultSchema = z.object({
  predictions: z.array(PredictionSchema).nullable(),
  clsHidden: z.array(z.array(z.number())).nullable(),
  labelNames: z.array(z.string()),
  task: TaskSchema,
  hasHead: z.boolean(),
  /** The model was already loaded (no checkpoint read for this request). */
  cached: z.boolean(),
  loadMs: z.number(),
  predictMs: z.number(),
});
export type InferenceResult = z.infer<typeof InferenceResultSchema>;

export const FileResultSchema = z.object({ csv: z.string(), rows: z.number().int().min(0), loadMs: z.number(), predictMs: z.number() });
export type FileResult = z.infer<typeof FileResultSchema>;

const RequestId = z.number().int().min(1);

export const ParentToPredictorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('predict'), requestId: RequestId, source: ModelSourceSchema, inputs: z.array(PredictInputSchema), output: PredictOutputSchema }),
  z.object({
    /** A whole file: parsed, predicted and written back as CSV in the child, so none of it runs on the services' loop. */
    type: z.literal('predictFile'),
    requestId: RequestId,
    source: ModelSourceSchema,
    fileName: z.string().min(1),
    content: z.string(),
    columns: PreferredColumnsSchema,
  }),
]);
export type ParentToPredictor = z.infer<typeof ParentToPredictorSchema>;

export const PredictorToParentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), backend: BackendNameSchema }),
  z.object({ type: z.literal('progress'), requestId: RequestId, done: z.number().int().min(0), total: z.number().int().min(0) }),
  InferenceResultSchema.extend({ type: z.literal('result'), requestId: RequestId }),
  FileResultSchema.extend({ type: z.literal('fileResult'), requestId: RequestId }),
  /** `appError`: a problem with the input a person can fix (bad_input with file:line:column). */
  z.object({ type: z.literal('error'), requestId: RequestId, message: z.string(), appError: AppErrorSchema.optional() }),
]);
export type PredictorToParent = z.infer<typeof PredictorToParentSchema>;

export const checkPredictorMessage = (raw: unknown): Checked<PredictorToParent> => checkMessage(PredictorToParentSchema, raw, 'predictor');
export const checkPredictRequest = (raw: unknown): Checked<ParentToPredictor> => checkMessage(ParentToPredictorSchema, raw, 'services');

/** The request id of a message, if it has a usable one, so a malformed request can still be answered. */
export function requestIdOf(raw: unknown): number | null {
  const parsed = RequestId.safeParse(typeof raw === 'object' && raw !== null ? (raw as { requestId?: unknown }).requestId : undefined);
  return parsed.success ? parsed.data : null;
}
