// What a parent and a pretraining process (main/training/pretrain-process.ts) say to each other:
// masked-language-model pretraining of an encoder on unlabeled text, written out as a model
// folder. Validated on both sides (shared/message-check.ts), like the trainer protocol.
import { z } from 'zod';
import { checkMessage, type Checked } from './message-check';
import { BackendNameSchema, BackendRequestSchema } from './vocabulary';

const positiveInt = z.number().int().positive();
const probability = z.number().gt(0).lt(1);

/** The size of a BERT trained from scratch (BERT-mini: 4 layers of 256, 4 heads, 1024 inner). */
export const NewEncoderSchema = z
  .object({
    vocabSize: z.number().int().min(64).max(200_000),
    hiddenSize: positiveInt.max(4096),
    layers: positiveInt.max(48),
    heads: positiveInt.max(64),
    intermediateSize: positiveInt.max(16384),
    maxPositions: z.number().int().min(8).max(8192),
  })
  .strict()
  .refine((s) => s.hiddenSize % s.heads === 0, { message: 'the hidden size must be a multiple of the heads', path: ['heads'] });
export type NewEncoder = z.infer<typeof NewEncoderSchema>;

/**
 * Where the starting weights come from: a model folder (continued pretraining), or a new BERT
 * whose WordPiece vocabulary is learned from the same text first.
 */
export const PretrainSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), folder: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('new'), encoder: NewEncoderSchema }).strict(),
]);
export type PretrainSource = z.infer<typeof PretrainSourceSchema>;

export const PretrainSettingsSchema = z
  .object({
    steps: positiveInt,
    batchSize: positiveInt.max(4096),
    sequenceLength: z.number().int().min(3).max(4096),
    learningRate: z.number().positive().max(1),
    warmupFraction: z.number().min(0).max(1),
    weightDecay: z.number().min(0).max(1),
    clipNorm: z.number().min(0),
    probability,
    wholeWord: z.boolean(),
    seed: z.number().int().min(0),
    evaluateEvery: positiveInt,
    validationShare: probability,
  })
  .strict();
export type PretrainSettingsMessage = z.infer<typeof PretrainSettingsSchema>;

export const PretrainStartSchema = z
  .object({
    type: z.literal('start'),
    source: PretrainSourceSchema,
    /** Plain text, one document per non-empty line. */
    textsFile: z.string().min(1),
    outFolder: z.string().min(1),
    settings: PretrainSettingsSchema,
    backend: BackendRequestSchema,
  })
  .strict();
export type PretrainStart = z.infer<typeof PretrainStartSchema>;

export const ParentToPretrainerSchema = z.discriminatedUnion('type', [PretrainStartSchema, z.object({ type: z.literal('cancel') }).strict()]);
export type ParentToPretrainer = z.infer<typeof ParentToPretrainerSchema>;

const finite = z.number().finite();

export const PretrainerToParentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), backend: BackendNameSchema, documents: z.number().int().min(0), trainBlocks: positiveInt, validationBlocks: positiveInt }).strict(),
  z.object({ type: z.literal('step'), step: positiveInt, loss: finite, learningRate: finite }).strict(),
  z.object({ type: z.literal('evaluation'), step: z.number().int().min(0), loss: finite }).strict(),
  z.object({ type: z.literal('done'), folder: z.string(), files: z.array(z.string()), validationLoss: finite, seconds: finite }).strict(),
  z.object({ type: z.literal('cancelled'), step: z.number().int().min(0) }).strict(),
  /** `badInput`: the text, the folder or a setting is wrong (the CLI exits 2), not the process. */
  z.object({ type: z.literal('error'), message: z.string(), badInput: z.boolean().optional() }).strict(),
]);
export type PretrainerToParent = z.infer<typeof PretrainerToParentSchema>;

export function checkPretrainerMessage(raw: unknown): Checked<PretrainerToParent> {
  return checkMessage(PretrainerToParentSchema, raw, 'pretraining process');
}

export function checkPretrainParentMessage(raw: unknown): Checked<ParentToPretrainer> {
  return checkMessage(ParentToPretrainerSchema, raw, 'parent');
}
