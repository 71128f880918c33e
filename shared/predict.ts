// Contract shapes of the Playground and file predictions (channels 'predict.text' and
// 'predict.file' in shared/contract.ts).
import { z } from 'zod';
import { AppErrorSchema } from './errors';
import { PredictionSchema } from './predictor-protocol';

/** Same caps as a dataset row's text: a Playground text is typed or pasted, not a corpus. */
const Text = z.string().min(1, 'type a text to predict').max(200_000);

export const PredictTextRequestSchema = z
  .object({
    runIds: z.array(z.string().min(1)).min(1).max(10),
    text: Text,
    textPair: z.string().max(200_000).optional(),
  })
  .strict();

export const RunPredictionSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    runId: z.string(),
    runName: z.string(),
    /** Predicted label name (regression: the value as text; multilabel: labels over 0.5 joined by "|"). */
    label: z.string(),
    /** Per label name: softmax (classification) or sigmoid (multilabel); empty for regression. */
    probabilities: z.record(z.string(), z.number()),
    /** Label names in the model's output order (the bars' order). */
    labels: z.array(z.string()),
    /** Regression: the predicted value. */
    value: z.number().optional(),
    /** Question answering: the label is the answer ('' = no answer); where it starts in the context, and the no-answer probability against its threshold. */
    answer: PredictionSchema.shape.answer,
    logits: z.array(z.number()),
    /** Inference time, model loading excluded; loadMs is 0 when the model was already loaded. */
    ms: z.number(),
    loadMs: z.number(),
    /** The tfjs backend the predictor runs on ('wasm', 'tensorflow', ...). */
    backend: z.string().nullable().optional(),
  }),
  z.object({ ok: z.literal(false), runId: z.string(), runName: z.string(), error: AppErrorSchema }),
]);
export type RunPrediction = z.infer<typeof RunPredictionSchema>;

export const PredictTextResponseSchema = z.object({ results: z.array(RunPredictionSchema) });

export const PredictFileRequestSchema = z
  .object({
    runId: z.string().min(1),
    fileName: z.string().min(1).max(500),
    content: z.string().min(1).max(64 * 1024 * 1024),
  })
  .strict();

export const PredictFileResponseSchema = z.object({
  /** Input columns, the predicted label (or value), then p_<label> per label. */
  csv: z.string(),
  /** Suggested download name: <input name>.predictions.csv. */
  fileName: z.string(),
  rows: z.number().int(),
  ms: z.number(),
});

export const PredictProgressSchema = z.object({ runId: z.string(), fileName: z.string(), done: z.number().int(), total: z.number().int() });
