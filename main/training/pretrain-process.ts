// Entry point of a pretraining process (main/training/pretrain-launcher.ts starts it): masked-language-
// model pretraining runs here, never on a front-end's event loop. Protocol: shared/pretrain-protocol.ts,
// every incoming message parsed against it. Exit 0 after 'done' or 'cancelled', 1 after 'error'.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import { FROM_SCRATCH_PRETRAINED_LEARNING_RATE } from '../../shared/models';
import { checkPretrainParentMessage, type PretrainerToParent, type PretrainStart } from '../../shared/pretrain-protocol';
import { selectBackend } from '../kernels/backends';
import { maxSequenceLength } from '../models/hf-config';
import { MASKED_LM_ARCHITECTURE } from '../models/masked-lm';
import { exportMaskedLanguageModel } from '../pretrained/export';
import { ownFineTuningRate } from '../pretrained/inspect';
import { pretrain, type PretrainState } from './pretrain';
import { readPretrainCheckpoint, removePretrainCheckpoint, writePretrainCheckpoint } from './pretrain-checkpoint';
import { buildCorpus, readDocuments } from './pretrain-data';
import { startingPoint } from './pretrain-start';
import { parentChannel } from './process-channel';

const channel = parentChannel<PretrainerToParent>();
const { send, finish } = channel;

/** Why the loop should stop: a cancel discards the run, an interrupt keeps a checkpoint to resume. */
let stopping: 'cancel' | 'interrupt' | null = null;
let started = false;
/** Inside the step loop, which checks `stopping` between steps (and writes the checkpoint an interrupt asks for). */
let training = false;

async function run(received: PretrainStart): Promise<void> {
  const began = Date.now();
  const backend = await selectBackend(received.backend);
  const checkpoint = received.resume ? readPretrainCheckpoint(received.outFolder) : null;
  // A resumed run is the original run: its start message, settings and description come from the checkpoint.
  const start = checkpoint ? { ...checkpoint.start, outFolder: received.outFolder, textsFile: received.textsFile } : received;
  const text = readFileSync(start.textsFile);
  const sha256 = createHash('sha256').update(text).digest('hex');
  if (checkpoint && checkpoint.corpusSha256 !== sha256) throw new AppError('bad_input', `the text differs from the one the checkpoint in ${received.outFolder} was trained on; resuming on other text would not continue that run`);
  const documents = readDocuments(start.textsFile);
  const origin = await startingPoint(checkpoint ? { kind: 'folder', folder: checkpoint.folder } : start.source, documents, start.settings.seed);
  const { model, tokenizer, cleanUp } = origin;
  const description = checkpoint?.description ?? origin.description;
  // Blocks no longer than the model's position table (a 512-position BERT asked for 1024 reads 512).
  const settings = { ...start.settings, sequenceLength: Math.min(start.settings.sequenceLength, maxSequenceLength(model.config)) };
  let outcome: PretrainerToParent | null = null;
  try {
    const corpus = buildCorpus(documents, tokenizer, { sequenceLength: settings.sequenceLength, validationShare: settings.validationShare, seed: settings.seed });
    await send({ type: 'ready', backend, documents: corpus.documents, trainBlocks: corpus.train.length, validationBlocks: corpus.validation.length });
    const save = (state: PretrainState) => writePretrainCheckpoint(start.outFolder, model, tokenizer.files, { state, start: { ...start, resume: undefined }, description, corpusSha256: sha256 });
    training = true;
    const result = await pretrain(
      model,
      corpus,
      tokenizer,
      settings,
      {
        step: (s) => void send({ type: 'step', step: s.step, loss: s.loss, learningRate: s.learningRate }),
        evaluation: (e) => {
          if (Number.isFinite(e.loss)) void send({ type: 'evaluation', step: e.step, loss: e.loss });
        },
        checkpoint: (state) => save(state()),
        // Yielding lets a 'cancel' or 'interrupt' message in between steps.
        continue: () => new Promise((next) => setImmediate(() => next(stopping === null))),
      },
      checkpoint?.state,
    );
    training = false;
    if (result.stoppedState) {
      if (stopping === 'interrupt') {
        save(result.stoppedState);
        outcome = { type: 'interrupted', step: result.completed };
      } else {
        removePretrainCheckpoint(start.outFolder);
        outcome = { type: 'cancelled', step: result.completed };
      }
      model.dispose();
    } else {
      const last = result.evaluations[result.evaluations.length - 1];
      const report = {
        objective:
          'masked language model (BERT: 80% [MASK], 10% random token, 10% unchanged)' +
          ((settings.summaryWeight ?? 0) > 0 ? ` + ${settings.summaryWeight} x [CLS] summary (the block's bag of words, main/training/summary-loss.ts)` : ''),
        source: description,
        corpus: { sha256, documents: corpus.documents, tokens: corpus.tokens, trainBlocks: corpus.train.length, validationBlocks: corpus.validation.length },
        settings,
        // A new encoder fine-tunes best far above a fully pretrained one's rate; an adapted one keeps its source's advice.
        fineTuningLearningRate: start.source.kind === 'new' ? FROM_SCRATCH_PRETRAINED_LEARNING_RATE : (ownFineTuningRate(start.source.folder) ?? undefined),
        backend,
        // Median step time: what a longer schedule on this machine would take per step.
        msPerStep: median(result.steps.map((s) => s.ms)),
        trainLoss: result.steps.map((s) => [s.step, s.loss]),
        validationLoss: result.evaluations.map((e) => [e.step, e.loss]),
        ...((settings.summaryWeight ?? 0) > 0 ? { summaryLoss: result.steps.map((s) => [s.step, s.summaryLoss ?? Number.NaN]) } : {}),
      };
      const files = exportMaskedLanguageModel({ config: model.config, tensors: model.checkpointTensors(), tokenizerFiles: tokenizer.files, report }, MASKED_LM_ARCHITECTURE, start.outFolder);
      // The checkpoint held the tokenizer files just copied; the finished folder needs it no more.
      removePretrainCheckpoint(start.outFolder);
      model.dispose();
      outcome = { type: 'done', folder: start.outFolder, files, validationLoss: last.loss, seconds: (Date.now() - began) / 1000 };
    }
  } finally {
    // Before exiting: process.exit would skip a finally that came after it.
    cleanUp();
  }
  await finish(outcome, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function handle(raw: unknown): void {
  const checked = checkPretrainParentMessage(raw);
  if (!checked.ok) {
    void finish({ type: 'error', message: checked.problem }, 1);
    return;
  }
  const message = checked.message;
  if (message.type === 'cancel' || message.type === 'interrupt') {
    stopping ??= message.type;
    if (!started) void finish({ type: message.type === 'cancel' ? 'cancelled' : 'interrupted', step: 0 }, 0);
    return;
  }
  if (started) return;
  started = true;
  run(message).catch((error) => {
    const badInput = error instanceof AppError && ['bad_input', 'not_found', 'invalid_request'].includes(error.code);
    return finish({ type: 'error', message: describe(error), ...(badInput ? { badInput } : {}) }, 1);
  });
}

process.on('uncaughtException', (error) => void finish({ type: 'error', message: describe(error) }, 1));
process.on('unhandledRejection', (reason) => void finish({ type: 'error', message: describe(reason) }, 1));
channel.onMessage(handle);
// The parent went away (killed): nobody can resume through it, but the last periodic checkpoint stays.
channel.onDisconnect(() => {
  stopping ??= 'interrupt';
  // In the loop, the interrupt is honoured at the next step (checkpoint, then exit); before it, there is nothing to keep.
  if (!training) void finish(null, 0);
});
