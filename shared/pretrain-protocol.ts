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
    /**
     * Dropout at the model's rates while pretraining (BERT's recipe). Off, every step trains the
     * whole network, which a short budget favours (Geiping & Goldstein, "Cramming", 2023); the
     * written config keeps its rates for fine-tuning either way. Absent means on.
     */
    dropout: z.boolean().optional(),
    /**
     * Weight of the [CLS] summary objective (main/training/summary-loss.ts) beside the masked-LM
     * loss: [CLS] predicts its block's bag of words, so a classifier read from it starts from the
     * whole text. Absent or 0: masked-LM alone, BERT's recipe without next-sentence prediction.
     */
    summaryWeight: z.number().min(0).max(100).optional(),
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
    /** The dataset the texts file was written from, so a resume can write it again. */
    datasetId: z.string().optional(),
    /** Continue from outFolder's checkpoint (main/training/pretrain-checkpoint.ts) instead of starting. */
    resume: z.boolean().optional(),
  })
  .strict();
export type PretrainStart = z.infer<typeof PretrainStartSchema>;

/** 'cancel' discards the run; 'interrupt' writes a checkpoint first, so the run can be resumed. */
export const ParentToPretrainerSchema = z.discriminatedUnion('type', [
  PretrainStartSchema,
  z.object({ type: z.literal('cancel') }).strict(),
  z.object({ type: z.literal('interrupt') }).strict(),
]);
export type ParentToPretrainer = z.infer<typeof ParentToPretrainerSchema>;

const finite = z.number().finite();

export const PretrainerToParentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), backend: BackendNameSchema, documents: z.number().int().min(0), trainBlocks: positiveInt, validationBlocks: positiveInt }).strict(),
  z.object({ type: z.literal('step'), step: positiveInt, loss: finite, learningRate: finite }).strict(),
  z.object({ type: z.literal('evaluation'), step: z.number().int().min(0), loss: finite }).strict(),
  z.object({ type: z.literal('done'), folder: z.string(), files: z.array(z.string()), validationLoss: finite, seconds: finite }).strict(),
  z.object({ type: z.literal('cancelled'), step: z.number().int().min(0) }).strict(),
  z.object({ type: z.literal('interrupted'), step: z.number().int().min(0) }).strict(),
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

/** BERT's continued-pretraining recipe at a size a laptop runs (Gururangan et al.'s domain-adaptive pretraining uses these rates). */
export const PRETRAIN_DEFAULTS: PretrainSettingsMessage = {
  steps: 200,
  batchSize: 16,
  sequenceLength: 128,
  learningRate: 5e-5,
  warmupFraction: 0.06,
  weightDecay: 0.01,
  clipNorm: 1,
  probability: 0.15,
  wholeWord: false,
  seed: 1,
  evaluateEvery: 20,
  validationShare: 0.05,
};

/** The BERT sizes of Turc et al.'s "Well-Read Students Learn Better" (google/bert_uncased_L-*_H-*). */
export const NEW_ENCODER_SIZES = {
  tiny: { hiddenSize: 128, layers: 2, heads: 2, intermediateSize: 512, maxPositions: 512 },
  mini: { hiddenSize: 256, layers: 4, heads: 4, intermediateSize: 1024, maxPositions: 512 },
  small: { hiddenSize: 512, layers: 4, heads: 8, intermediateSize: 2048, maxPositions: 512 },
} as const satisfies Record<string, Omit<NewEncoder, 'vocabSize'>>;
export const NewEncoderSizeSchema = z.enum(['tiny', 'mini', 'small']);

/** A vocabulary a small corpus fills and a ~20 MB model affords (the embeddings are vocabulary x hidden). */
export const DEFAULT_NEW_VOCABULARY = 6000;

/**
 * 'pretraining.start': what to start from (a model by name, folder or hub id, or a new BERT), what
 * to read (a dataset's training texts, or a plain-text file: desktop app and CLI only), and
 * optional settings (PRETRAIN_DEFAULTS otherwise; the held-out curve gets about ten points).
 */
export const PretrainRequestSchema = z
  .object({
    model: z.string().min(1).max(4096).optional(),
    /** A run's output folder whose checkpoint to continue from (the rest of the request comes from it). */
    resume: z.string().min(1).max(4096).optional(),
    fromScratch: NewEncoderSizeSchema.optional(),
    vocabSize: z.number().int().min(64).max(200_000).optional(),
    datasetId: z.string().min(1).max(200).optional(),
    textsFile: z.string().min(1).max(4096).optional(),
    outFolder: z.string().min(1).max(4096).optional(),
    settings: PretrainSettingsSchema.partial().optional(),
    backend: BackendRequestSchema.optional(),
  })
  .strict()
  .refine((r) => r.resume !== undefined || (r.model === undefined) !== (r.fromScratch === undefined), { message: 'give one of model (to continue from) or fromScratch', path: ['model'] })
  .refine((r) => r.resume !== undefined || (r.datasetId === undefined) !== (r.textsFile === undefined), { message: 'give one of datasetId or textsFile', path: ['datasetId'] })
  .refine((r) => r.resume === undefined || [r.model, r.fromScratch, r.datasetId, r.textsFile, r.outFolder, r.settings].every((v) => v === undefined), {
    message: 'resume takes the rest of the request from the checkpoint',
    path: ['resume'],
  });
export type PretrainRequest = z.infer<typeof PretrainRequestSchema>;

export const PretrainStartedSchema = z.object({ id: z.string(), folder: z.string(), steps: z.number().int() });

/**
 * 'paused': stopped with a checkpoint because the person asked; 'interrupted': the same because the
 * app closed, Ctrl+C, or the process that owned it died. Both resume from the checkpoint.
 */
export const PretrainStatusSchema = z.enum(['running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted']);
export type PretrainStatus = z.infer<typeof PretrainStatusSchema>;
export const RESUMABLE_PRETRAIN_STATUSES: readonly PretrainStatus[] = ['paused', 'interrupted'];

/** 'pretraining.progress': one per held-out evaluation and at every status change. */
export const PretrainProgressSchema = z.object({
  id: z.string(),
  datasetId: z.string().nullable(),
  status: PretrainStatusSchema,
  step: z.number().int(),
  steps: z.number().int(),
  /** Held-out masked-LM loss at `step` (nats); null before the first evaluation. */
  validationLoss: z.number().nullable(),
  documents: z.number().int().nullable(),
  backend: z.string().nullable(),
  /** The model folder being written (complete once status is completed). */
  folder: z.string(),
  error: z.string().nullable(),
  /** The failure is the input's (too little text, a folder without a tokenizer), not the process's. */
  badInput: z.boolean(),
});
export type PretrainProgress = z.infer<typeof PretrainProgressSchema>;

/** A pretraining run as the history keeps it (main/db/pretraining-repo.ts): its last progress, what it read, and its held-out curve. */
export const PretrainRunSchema = PretrainProgressSchema.extend({
  /** What it started from: a model name, folder or hub id, or "new BERT-tiny". */
  model: z.string(),
  /** The dataset's name, or the text file's path. */
  texts: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** [step, held-out masked-LM loss] at each evaluation, in step order. */
  curve: z.array(z.tuple([z.number().int(), z.number()])),
  /** Paused or interrupted with its checkpoint still in the folder: 'pretraining.resume' continues it. */
  resumable: z.boolean(),
});
export type PretrainRun = z.infer<typeof PretrainRunSchema>;

/** 'pretraining.list': the history's pretraining runs, newest first; one dataset's when datasetId is given. */
export const PretrainListRequestSchema = z.object({ datasetId: z.string().min(1).max(200).optional() }).strict();
export const PretrainListSchema = z.object({ runs: z.array(PretrainRunSchema) });
